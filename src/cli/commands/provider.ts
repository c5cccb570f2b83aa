/** `vsphere-guest provider install|schema`: install the provider into a local mirror, print its schema. */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { packageVersion } from "../../util/package-version";
import { quote } from "../../util/quote";
import { UsageError } from "../errors";
import { type CommandSpec, commandHelp, parseCommandLine, subcommandHelp } from "../options";
import type { CommandIo } from "./io";

const PACKAGE_ROOT = join(__dirname, "..", "..", "..");

/** `vsphere-guest provider`: every subcommand with its own options. */
export const PROVIDER_SPEC: CommandSpec = {
  name: "provider",
  subcommands: {
    install: {
      summary: "put the provider into a local plugin mirror, so 'tofu init' finds it offline",
      connection: false,
      options: {
        dir: { type: "string", value: "DIR", help: "the plugin mirror (default ~/.terraform.d/plugins)" },
      },
      description:
        "Puts the provider into a local plugin mirror under registry.terraform.io and registry.opentofu.org,\nso 'terraform init' and 'tofu init' find it offline; prints the required_providers snippet.",
    },
    schema: {
      summary: "print the provider schema as 'tofu providers schema -json' does",
      connection: false,
      options: {},
      description:
        "Prints the provider schema as 'tofu providers schema -json' does (the input of the bindings and docs).",
    },
  },
};

/** Help of `vsphere-guest provider`. */
export const PROVIDER_HELP = commandHelp(PROVIDER_SPEC);

/** The provider version: the package version. */
export function providerVersion(): string {
  return packageVersion();
}

/** The platform directory name Terraform uses, e.g. `linux_amd64`. */
export function platformDir(): string {
  const arch: Record<string, string> = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
  return `${process.platform}_${arch[process.arch] ?? process.arch}`;
}

/**
 * The launcher written into the mirror. It names only the node binary and this package's
 * executable, so it stays byte-for-byte the same when the provider's code changes and the hash
 * recorded in `.terraform.lock.hcl` stays valid.
 */
export function launcherScript(): string {
  const bin = join(PACKAGE_ROOT, "bin", "terraform-provider-vsphereguest");
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  return `#!/bin/sh\n# vsphere-guest provider launcher (written by 'vsphere-guest provider install')\nexec ${quote(process.execPath)} ${quote(bin)} "$@"\n`;
}

/** Installs the launcher under both registry hosts in `dir`; returns the paths written. */
export function installProvider(dir: string): string[] {
  const version = providerVersion();
  const written: string[] = [];
  for (const host of ["registry.terraform.io", "registry.opentofu.org"]) {
    const target = join(dir, host, "vsphere-guest", "vsphereguest", version, platformDir());
    mkdirSync(target, { recursive: true });
    const file = join(target, `terraform-provider-vsphereguest_v${version}`);
    writeFileSync(file, launcherScript());
    chmodSync(file, 0o755);
    written.push(file);
  }
  return written;
}

/** Runs `vsphere-guest provider ...`. */
export async function providerCommand(argv: string[], io: CommandIo): Promise<number> {
  const sub = argv[0];
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
    io.stdout.write(`${PROVIDER_HELP}\n`);
    return sub === undefined ? 2 : 0;
  }
  if (!(sub in PROVIDER_SPEC.subcommands))
    throw new UsageError(`unknown command 'provider ${sub}'`, "provider");
  const { values, positionals } = parseCommandLine(PROVIDER_SPEC, sub, argv.slice(1));
  if (values.help) {
    io.stdout.write(`${subcommandHelp(PROVIDER_SPEC, sub)}\n`);
    return 0;
  }
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument ${quote(positionals[0])}`, `provider ${sub}`);
  switch (sub) {
    case "install": {
      const dirFlag = typeof values.dir === "string" ? values.dir : undefined;
      const dir = resolve(dirFlag ?? join(io.env.HOME ?? homedir(), ".terraform.d", "plugins"));
      const files = installProvider(dir);
      for (const f of files) io.stderr.write(`installed ${f}\n`);
      io.stdout.write(
        `terraform {\n  required_providers {\n    vsphereguest = {\n      source  = "vsphere-guest/vsphereguest"\n      version = "${providerVersion()}"\n    }\n  }\n}\n`,
      );
      return 0;
    }
    case "schema": {
      const { providerSchemaJson } = await import("../../provider/schema-json");
      io.stdout.write(`${JSON.stringify(providerSchemaJson(), null, 2)}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command 'provider ${sub}'`, "provider");
  }
}
