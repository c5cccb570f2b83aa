/** The real Terraform/OpenTofu hosts the end-to-end tests run against (built by scripts/build-hosts.sh). */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** One host binary. */
export interface Host {
  /** e.g. `tofu-1.6.3` */
  name: string;
  /** `tofu` or `terraform`. */
  kind: "tofu" | "terraform";
  version: string;
  bin: string;
  /** Registry host its short provider sources resolve to. */
  registry: string;
}

const HOSTS_DIR = process.env.VSPHERE_GUEST_HOSTS_DIR ?? join(homedir(), ".cache", "vsphere-guest", "hosts");

/** The host of the given name; fails the test run when it was not built. */
export function host(name: "tofu-1.6.3" | "tofu-1.12.6" | "terraform-1.5.7"): Host {
  const [kind, version] = name.split("-") as ["tofu" | "terraform", string];
  const bin = join(HOSTS_DIR, name, kind);
  if (!existsSync(bin)) {
    throw new Error(`${bin} is missing: run scripts/build-hosts.sh (npm test does) to build the test hosts`);
  }
  return {
    name,
    kind,
    version,
    bin,
    registry: kind === "tofu" ? "registry.opentofu.org" : "registry.terraform.io",
  };
}
