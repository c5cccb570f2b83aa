/**
 * `vsphereguest_command` against Terraform 1.11 (write-only attributes), when it is installed at
 * /usr/local/bin/terraform (or VSPHERE_GUEST_TERRAFORM_1_11). Not one of the built test hosts: the
 * suite is skipped, visibly, when that binary is absent or of another version.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { Host } from "../helpers/hosts";
import { commandSuite } from "./command-suite";

const BIN = process.env.VSPHERE_GUEST_TERRAFORM_1_11 ?? "/usr/local/bin/terraform";

function terraform111(): Host | undefined {
  if (!existsSync(BIN)) return undefined;
  const out = execFileSync(BIN, ["version", "-json"], { encoding: "utf8", env: { PATH: process.env.PATH } });
  const version = (JSON.parse(out) as { terraform_version: string }).terraform_version;
  if (!/^1\.(1[1-9]|[2-9]\d)\./.test(version)) return undefined;
  return {
    name: `terraform-${version}`,
    kind: "terraform",
    version,
    bin: BIN,
    registry: "registry.terraform.io",
  };
}

const found = terraform111();
const describeIf = found ? describe : describe.skip;

describeIf(`vsphereguest_command against ${found?.name ?? "Terraform >= 1.11 (absent: skipped)"}`, () => {
  commandSuite(() => found!, { writeOnly: true });
});
