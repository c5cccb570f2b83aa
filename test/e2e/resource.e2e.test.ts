/**
 * The framework's managed-resource plumbing against a real host (OpenTofu 1.12.6): the test-only
 * `test_note` resource served by a test provider executable, through apply, a plan with no
 * changes, a change that replaces, import, and destroy. Each host command starts its own provider
 * process, so notes live in a JSON file.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { host } from "../helpers/hosts";
import { Workspace } from "../helpers/run-tofu";

const ROOT = resolve(__dirname, "../..");
const PROVIDER = join(ROOT, "test", "plugin", "framework", "note-provider.ts");

const config = (text: string) => `terraform {
  required_providers {
    note = { source = "test/note" }
  }
}
provider "note" {}
resource "test_note" "n" {
  provider = note
  text     = "${text}"
}
output "id"     { value = test_note.n.id }
output "length" { value = test_note.n.length }
`;

describe("a managed resource through the framework, against tofu-1.12.6", () => {
  let ws: Workspace;
  let notesFile: string;
  const notes = (): Record<string, { text: string }> =>
    existsSync(notesFile)
      ? (JSON.parse(readFileSync(notesFile, "utf8")) as { notes: Record<string, { text: string }> }).notes
      : {};
  const env = () => ({ TEST_NOTES_FILE: notesFile });

  beforeAll(async () => {
    ws = await Workspace.create(host("tofu-1.12.6"));
    notesFile = join(ws.root, "notes.json");
    // A launcher in the implied local mirror, as `provider install` writes one for vsphereguest.
    const dir = join(
      ws.home,
      ".terraform.d",
      "plugins",
      "registry.opentofu.org",
      "test",
      "note",
      "0.0.1",
      "linux_amd64",
    );
    mkdirSync(dir, { recursive: true });
    const launcher = join(dir, "terraform-provider-note_v0.0.1");
    writeFileSync(
      launcher,
      `#!/bin/sh\ncd '${ROOT}' && exec '${process.execPath}' -r ts-node/register/transpile-only '${PROVIDER}' "$@"\n`,
    );
    chmodSync(launcher, 0o755);
    ws.write(config("hello"));
    const init = await ws.init();
    expect(init.output).toContain("has been successfully initialized");
  }, 120_000);

  afterAll(() => ws?.dispose());

  it("creates, plans no change, replaces on a changed input, imports and destroys", async () => {
    const created = await ws.run(["apply", "-auto-approve", "-input=false", "-no-color"], env());
    expect(created.output).toContain("1 added, 0 changed, 0 destroyed");
    expect(notes()).toEqual({ "note-1": { text: "hello", label: null } });
    const outputs = JSON.parse((await ws.run(["output", "-json"], env())).stdout) as Record<
      string,
      { value: unknown }
    >;
    expect([outputs.id?.value, outputs.length?.value]).toEqual(["note-1", 5]);

    const same = await ws.run(["plan", "-detailed-exitcode", "-input=false", "-no-color"], env());
    expect(same.output).toContain("No changes.");
    expect(same.code).toBe(0);

    ws.write(config("changed"));
    const replaced = await ws.run(["apply", "-auto-approve", "-input=false", "-no-color"], env());
    expect(replaced.output).toContain("must be replaced");
    expect(replaced.output).toContain("1 added, 0 changed, 1 destroyed");
    expect(notes()).toEqual({ "note-2": { text: "changed", label: null } });

    expect((await ws.run(["state", "rm", "test_note.n"], env())).code).toBe(0);
    const imported = await ws.run(["import", "-input=false", "-no-color", "test_note.n", "note-2"], env());
    expect(imported.output).toContain("Import successful!");
    const again = await ws.run(["plan", "-detailed-exitcode", "-input=false", "-no-color"], env());
    expect(again.output).toContain("No changes.");

    const destroyed = await ws.run(["destroy", "-auto-approve", "-input=false", "-no-color"], env());
    expect(destroyed.output).toContain("1 destroyed");
    expect(notes()).toEqual({});
  }, 240_000);
});
