/** The `vsphere-guest` command line: dispatches to the commands and turns errors into one line. */
import { packageVersion } from "../util/package-version";
import { escapeText, quote } from "../util/quote";
import { VsphereGuestError } from "../vcenter/errors";
import type { CommandIo } from "./commands/io";
import { Interrupted, interruptedExitCode, UsageError } from "./errors";

/** Top-level help. */
export const MAIN_HELP = `vsphere-guest ${packageVersion()}: wait for and gate on processes inside vSphere guests

Usage: vsphere-guest <command> [options]

Commands:
  process     get, list, start, wait for, run (with --capture: output) and kill guest processes
  file        upload, download and delete guest files
  simulator   serve a simulated vCenter for rehearsals and tests
  provider    install the Terraform/OpenTofu provider locally, print its schema

Run 'vsphere-guest <command> --help' for a command's options.`;

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout.write(`${MAIN_HELP}\n`);
        return command === undefined ? 2 : 0;
      case "--version":
      case "version":
        io.stdout.write(`${packageVersion()}\n`);
        return 0;
      case "process":
        return await (await import("./commands/process")).processCommand(rest, io);
      case "file":
        return await (await import("./commands/file")).fileCommand(rest, io);
      case "simulator":
        return await (await import("./commands/simulator")).simulatorCommand(rest, io);
      case "provider":
        return await (await import("./commands/provider")).providerCommand(rest, io);
      default:
        throw new UsageError(`unknown command ${quote(command)}`, "");
    }
  } catch (error) {
    return reportError(error, io);
  }
}

/**
 * Writes one clear line for an error and returns the exit code: 2 for usage, 130 for SIGINT
 * (Ctrl-C), 143 for SIGTERM, else 1.
 */
export function reportError(error: unknown, io: CommandIo): number {
  if (error instanceof UsageError) {
    const help = error.command ? `vsphere-guest ${error.command} --help` : "vsphere-guest --help";
    io.stderr.write(`vsphere-guest: ${escapeText(error.message)} (see '${help}')\n`);
    return 2;
  }
  if (error instanceof VsphereGuestError) {
    io.stderr.write(`vsphere-guest: ${escapeText(error.message)}\n`);
    if (error.code !== "VSG_ERR_ABORTED") return 1;
    const reason: unknown = io.signal.reason;
    return interruptedExitCode(reason instanceof Interrupted ? reason.signal : "SIGINT");
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`vsphere-guest: ${escapeText(message)}\n`);
  if (io.env.VSPHERE_GUEST_DEBUG && error instanceof Error && error.stack)
    io.stderr.write(`${error.stack}\n`);
  return 1;
}

/** Entry point used by `bin/vsphere-guest`. */
export function run(): void {
  const controller = new AbortController();
  // SIGINT (Ctrl-C) and SIGTERM (timeout, CI runners, container stops) cancel what is running;
  // the command then logs out of vCenter and exits 130 or 143.
  process.once("SIGINT", () => controller.abort(new Interrupted("SIGINT")));
  process.once("SIGTERM", () => controller.abort(new Interrupted("SIGTERM")));
  main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`vsphere-guest: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
