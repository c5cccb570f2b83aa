/** The option table of `vsphere-guest process`, and the option parsers its subcommands share. */

import { parseDuration } from "../../util/duration";
import { quote } from "../../util/quote";
import type { FlagValues } from "../connection";
import { UsageError } from "../errors";
import { type CommandSpec, VM_OPTIONS } from "../options";

const PID = { pid: { type: "string", value: "PID", help: "the guest process id (required)" } } as const;
const TIMEOUT = {
  timeout: { type: "string", value: "DURATION", help: "how long to wait, 1ms to 596h31m23s (default 10m)" },
} as const;
const START = {
  cwd: { type: "string", value: "DIR", help: "working directory in the guest" },
  env: {
    type: "string",
    value: "NAME=VALUE",
    multiple: true,
    help: "environment variable; replaces the process's whole environment",
  },
  arguments: {
    type: "string",
    value: "STRING",
    help: "the API's arguments string as it is, instead of ARGS",
  },
} as const;

/** `vsphere-guest process`: every subcommand with its own options. */
export const PROCESS_SPEC: CommandSpec = {
  name: "process",
  subcommands: {
    get: {
      summary: "print one process's Info (exit code once it ended)",
      options: { ...VM_OPTIONS, ...PID },
      description:
        "Prints the process Info as JSON: name, owner, command, started, and finished/exit_code once it has ended.",
    },
    list: {
      summary: "list the guest's processes",
      options: VM_OPTIONS,
      description: "Prints the guest's processes as a JSON array (pid, name, owner, command, started).",
    },
    start: {
      summary: "start a program in the guest, print its pid",
      args: "-- PATH [ARGS...]",
      options: { ...VM_OPTIONS, ...START },
      description:
        "Starts PATH in the guest and prints its pid. ARGS are quoted for a POSIX shell and joined into the\none arguments string of the API; --arguments passes that string as it is instead. --env replaces the\nprocess's whole environment.",
    },
    wait: {
      summary: "wait for a process to exit; exit with its exit code",
      options: { ...VM_OPTIONS, ...PID, ...TIMEOUT },
      description:
        "Waits for the process to exit, prints its final Info as JSON and exits with its exit code\n(codes outside 0-255 exit 1). A timeout exits 124; Ctrl-C (SIGINT) exits 130 and SIGTERM 143,\nafter logging out of vCenter. Progress shows on a terminal's stderr only.",
    },
    run: {
      summary: "start + wait",
      args: "-- PATH [ARGS...]",
      options: {
        ...VM_OPTIONS,
        ...START,
        ...TIMEOUT,
        capture: {
          type: "boolean",
          help: "capture the program's stdout and stderr (through the guest's shell)",
        },
        command: {
          type: "string",
          value: "LINE",
          help: "with --capture: a whole command line instead of PATH and ARGS",
        },
        "max-output": {
          type: "string",
          value: "SIZE",
          help: "with --capture or --script: bound on each stream (default 1MiB)",
        },
        script: {
          type: "string",
          value: "FILE",
          help: "upload the local FILE, run it with its output captured, delete it",
        },
        interpreter: { type: "string", value: "PATH", help: "with --script: what runs it (default /bin/sh)" },
      },
      description:
        "start, then wait: prints the final Info and exits with the process's exit code.\n\n--capture runs the program through the guest's shell (/bin/sh -c, or cmd.exe /c on Windows guests)\nwith its output redirected to guest temporary files, then prints its stdout on stdout and its stderr\non stderr (as they were, byte for byte) and exits with its exit code. --command LINE gives a whole\ncommand line in the guest shell's syntax instead of PATH and ARGS. --max-output bounds each stream\n(default 1MiB; the rest is dropped, with a note on stderr). On --timeout the guest process is\nterminated (exit 124); the temporary files are always deleted.\n\n--script uploads the local FILE to a guest temporary file, runs it with --interpreter (default\n/bin/sh; a .cmd batch file on Windows guests) and the ARGS after --, captures its output like\n--capture, and deletes it.",
    },
    kill: {
      summary: "terminate a process",
      options: { ...VM_OPTIONS, ...PID },
      description: "Terminates the process (TERM, then KILL on Linux guests).",
    },
  },
};

/** Parses --timeout (default 10 minutes). */
export function timeoutFrom(value: string | boolean | string[] | undefined, command: string): number {
  if (typeof value !== "string") return 600_000;
  const parsed = parseDuration(value);
  if ("error" in parsed) throw new UsageError(`--timeout ${parsed.error}`, command);
  return parsed.ms;
}

/** The --env NAME=VALUE pairs as a map. */
export function envFrom(values: FlagValues, command: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of (values.env as string[] | undefined) ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--env ${quote(pair)} is not NAME=VALUE`, command);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/** The CLI's exit status for a guest exit code: the code itself within 0–255, else (or none) 1. */
export function exitStatus(code: number | bigint | null | undefined): number {
  const c = code ?? 1;
  return c >= 0 && c <= 255 ? Number(c) : 1;
}
