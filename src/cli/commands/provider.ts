/** `vsphere-guest provider install|schema`: install the provider into a local mirror, print its schema. */
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { packageVersion } from "../../util/package-version";
import { quote } from "../../util/quote";
import { UsageError } from "../errors";
import { type CommandSpec, commandHelp, readSubcommand } from "../options";
import type { CommandIo } from "./io";

const PACKAGE_ROOT = join(__dirname, "..", "..", "..");
const EXECUTABLE = "terraform-provider-vsphereguest";

/** `vsphere-guest provider`: every subcommand with its own options. */
export const PROVIDER_SPEC: CommandSpec = {
  name: "provider",
  subcommands: {
    install: {
      summary: "put the provider into a local plugin mirror, so 'tofu init' finds it offline",
      connection: false,
      options: {
        dir: { type: "string", value: "DIR", help: "the plugin mirror (default ~/.terraform.d/plugins)" },
        executable: {
          type: "string",
          value: "FILE",
          help: "install this single executable (e.g. unzipped from a release)",
        },
        launcher: {
          type: "boolean",
          help: "install a launcher that runs this package with this Node.js instead",
        },
      },
      description:
        "Puts the provider into a local plugin mirror under registry.terraform.io and registry.opentofu.org,\nso 'terraform init' and 'tofu init' find it offline; prints the required_providers snippet.\nInstalls the single executable (FILE, or dist/terraform-provider-vsphereguest of this package when\n'npm run package' made it); else, or with --launcher, a launcher that runs this package with this\nNode.js.",
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
  const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  return `#!/bin/sh\n# vsphere-guest provider launcher (written by 'vsphere-guest provider install')\nexec ${shellQuote(process.execPath)} ${shellQuote(bin)} "$@"\n`;
}

/** What `provider install` puts into the mirror. */
export type ProviderSource =
  /** The single executable at `path` (`npm run package`, or a release's). */
  | { kind: "executable"; path: string }
  /** The launcher: this package run by this Node.js. */
  | { kind: "launcher" };

/**
 * The single executable built into this package's `dist/` by `npm run package` for this platform
 * and this version, if there is one.
 */
export function packagedExecutable(root = PACKAGE_ROOT): string | undefined {
  const file = join(root, "dist", process.platform === "win32" ? `${EXECUTABLE}.exe` : EXECUTABLE);
  if (!existsSync(file)) return undefined;
  try {
    const record = JSON.parse(readFileSync(join(root, "dist", platformDir(), "build.json"), "utf8")) as {
      version?: string;
    };
    return record.version === providerVersion() ? file : undefined;
  } catch {
    return undefined;
  }
}

/** The single executable of this package when there is one, else the launcher. */
export function defaultProviderSource(): ProviderSource {
  const executable = packagedExecutable();
  return executable ? { kind: "executable", path: executable } : { kind: "launcher" };
}

/** Writes `content` to `file` unless it already holds exactly that, atomically; makes it executable. */
function writeExecutable(file: string, content: Buffer): void {
  const same =
    existsSync(file) &&
    createHash("sha256").update(readFileSync(file)).digest("hex") ===
      createHash("sha256").update(content).digest("hex");
  if (!same) {
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(temporary, content, { mode: 0o755 });
      renameSync(temporary, file);
    } finally {
      rmSync(temporary, { force: true });
    }
  }
  chmodSync(file, 0o755);
}

/**
 * Installs the provider under both registry hosts in `dir`; returns the paths written. By default
 * the single executable of this package when there is one, else the launcher.
 */
export function installProvider(dir: string, source?: ProviderSource): string[] {
  const chosen = source ?? defaultProviderSource();
  const content =
    chosen.kind === "executable" ? readExecutableFile(chosen.path) : Buffer.from(launcherScript());
  const version = providerVersion();
  const suffix = process.platform === "win32" && chosen.kind === "executable" ? ".exe" : "";
  const written: string[] = [];
  for (const host of ["registry.terraform.io", "registry.opentofu.org"]) {
    const target = join(dir, host, "vsphere-guest", "vsphereguest", version, platformDir());
    mkdirSync(target, { recursive: true });
    const file = join(target, `${EXECUTABLE}_v${version}${suffix}`);
    writeExecutable(file, content);
    written.push(file);
  }
  return written;
}

/** First bytes of a native executable of this platform: ELF, 64-bit Mach-O, PE. */
function looksNative(data: Buffer): boolean {
  if (process.platform === "darwin") return data.length >= 4 && data.readUInt32LE(0) === 0xfeedfacf;
  if (process.platform === "win32") return data.length >= 2 && data.readUInt16LE(0) === 0x5a4d;
  return data.length >= 4 && data.readUInt32BE(0) === 0x7f454c46;
}

function readExecutableFile(path: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    throw new UsageError(
      `--executable ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give the path of a terraform-provider-vsphereguest executable`,
      "provider",
    );
  }
  if (!looksNative(data))
    throw new UsageError(
      `--executable ${path}: not a ${platformDir()} executable; give the terraform-provider-vsphereguest executable for this platform (unzipped from the release's ${platformDir()} zip, or built by 'npm run package')`,
      "provider",
    );
  return data;
}

/** Runs `vsphere-guest provider ...`. */
export async function providerCommand(argv: string[], io: CommandIo): Promise<number> {
  const line = readSubcommand(PROVIDER_SPEC, argv, PROVIDER_HELP);
  if ("help" in line) {
    io.stdout.write(`${line.help}\n`);
    return line.exitCode;
  }
  const { sub, values, positionals } = line;
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument ${quote(positionals[0])}`, `provider ${sub}`);
  const dirFlag = typeof values.dir === "string" ? values.dir : undefined;
  const executableFlag = typeof values.executable === "string" ? values.executable : undefined;
  const launcherFlag = values.launcher === true;
  switch (sub) {
    case "install": {
      const dir = resolve(dirFlag ?? join(io.env.HOME ?? homedir(), ".terraform.d", "plugins"));
      if (executableFlag !== undefined && launcherFlag)
        throw new UsageError("--executable and --launcher exclude each other: give one", "provider");
      const source: ProviderSource = launcherFlag
        ? { kind: "launcher" }
        : executableFlag !== undefined
          ? { kind: "executable", path: resolve(executableFlag) }
          : defaultProviderSource();
      const files = installProvider(dir, source);
      io.stderr.write(
        source.kind === "executable"
          ? `installing the single executable ${source.path}\n`
          : `installing a launcher that runs ${join(PACKAGE_ROOT, "bin", EXECUTABLE)} with ${process.execPath}${launcherFlag ? "" : " (no single executable here: give one with --executable FILE, e.g. from a release)"}\n`,
      );
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
