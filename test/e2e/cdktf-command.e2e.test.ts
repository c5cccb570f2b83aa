// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected strings are Terraform interpolations
/**
 * examples/cdktf/clone-then-migrate.ts synthesized by cdktf and applied with tofu 1.12.6 against the
 * simulator: the migration runs after the "clone", the release is gated on it, its log is an output.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Testing } from "cdktf";
import { CloneThenMigrateStack } from "../../examples/cdktf/clone-then-migrate";
import { Simulator } from "../../src/simulator";
import { host } from "../helpers/hosts";
import { Workspace } from "../helpers/run-tofu";
import { vsphereEnv } from "../helpers/with-simulator";

describe("examples/cdktf/clone-then-migrate.ts against tofu-1.12.6", () => {
  let sim: Simulator;
  let ws: Workspace;
  afterAll(async () => {
    await sim?.close();
    ws?.dispose();
  });

  it("synthesizes, applies the migration after the clone, gates the release, reports the log", async () => {
    const json = JSON.parse(
      Testing.synth(new CloneThenMigrateStack(Testing.app(), "clone-then-migrate")),
    ) as {
      resource: Record<string, Record<string, { depends_on?: string[]; vm?: string }>>;
    };
    const [name, command] = Object.entries(json.resource.vsphereguest_command!)[0]!;
    expect(command.vm).toBe("${terraform_data.clone.output.vm}"); // known only after the "clone"
    expect(json.resource.terraform_data!.deploy!.depends_on).toEqual([`vsphereguest_command.${name}`]);

    sim = await Simulator.start({});
    const { env } = vsphereEnv(sim);
    ws = await Workspace.create(host("tofu-1.12.6"));
    ws.write(JSON.stringify(json), "main.tf.json");
    expect((await ws.init()).code).toBe(0);
    const applied = await ws.run(["apply", "-auto-approve", "-input=false", "-no-color"], env);
    expect(applied.output).toContain("3 added, 0 changed, 0 destroyed");
    const out = JSON.parse((await ws.run(["output", "-json"], env)).stdout) as Record<
      string,
      { value: unknown }
    >;
    expect(out.migration_log?.value).toBe("migrating to v1\n");
    expect(out.migration_exit_code?.value).toBe(0);
    expect(readFileSync(join(ws.dir, "terraform.tfstate"), "utf8")).not.toContain(env.VSPHERE_GUEST_PASSWORD);
  }, 240_000);
});
