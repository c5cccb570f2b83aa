/**
 * scripts/build-hosts.sh reuses a cached host only when it reports the right version. The probe
 * must read the version whatever else the binary prints: a binary whose `version` output outlasts
 * the pipe buffer used to die of SIGPIPE under pipefail and be called the wrong version.
 * The fake hosts here are shell scripts, so no Go build runs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCommand } from "../helpers/run-command";

const SCRIPT = path.join(__dirname, "../../scripts/build-hosts.sh");

function fakeHost(dir: string, name: string, binary: string, firstLine: string, extraLines: number): void {
  fs.mkdirSync(path.join(dir, name), { recursive: true });
  const file = path.join(dir, name, binary);
  fs.writeFileSync(
    file,
    `#!/bin/sh\necho '${firstLine}'\ni=0\nwhile [ $i -lt ${extraLines} ]; do echo "on linux_amd64 + provider registry.example/some/provider v0.0.$i"; i=$((i+1)); done\n`,
  );
  fs.chmodSync(file, 0o755);
}

describe("build-hosts.sh version probe", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "vsg-hosts-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (target: string) =>
    runCommand("bash", [SCRIPT, target], {
      // No Go on PATH: a probe that wrongly rejects the cached binary fails instead of building.
      env: { PATH: "/usr/bin:/bin", HOME: dir, VSPHERE_GUEST_HOSTS_DIR: dir },
    });

  test.each([
    { target: "tofu-1.6.3", binary: "tofu", first: "OpenTofu v1.6.3", extra: 0 },
    // ~200 KiB after the first line: far beyond a pipe buffer.
    { target: "tofu-1.6.3", binary: "tofu", first: "OpenTofu v1.6.3", extra: 3000 },
    { target: "tofu-1.12.6", binary: "tofu", first: "OpenTofu v1.12.6", extra: 3000 },
    { target: "terraform-1.5.7", binary: "terraform", first: "Terraform v1.5.7", extra: 3000 },
  ])("a cached $target that prints $extra more lines is reused", async ({ target, binary, first, extra }) => {
    fakeHost(dir, target, binary, first, extra);
    const result = await run(target);
    expect(result.stderr).toContain(`${target.replace("-", " ")} cached`);
    expect(result.code).toBe(0);
  });

  test.each([
    { target: "tofu-1.6.3", binary: "tofu", first: "OpenTofu v1.6.4" },
    { target: "tofu-1.6.3", binary: "tofu", first: "OpenTofu v1.6.3-dev" },
    { target: "terraform-1.5.7", binary: "terraform", first: "Terraform v1.5.70" },
  ])("a cached $target reporting '$first' is not reused", async ({ target, binary, first }) => {
    fakeHost(dir, target, binary, first, 3000);
    const result = await run(target);
    expect(result.stderr).not.toContain("cached");
    expect(result.stderr).toContain(`building ${target.replace("-", " ")}`);
    // Without Go the build itself fails: that is the point, it was attempted.
    expect(result.code).not.toBe(0);
  });
});
