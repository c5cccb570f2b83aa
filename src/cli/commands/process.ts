/** `vsphere-guest process get|list|start|wait|run|kill`: guest processes from the command line. */

import { parseArgs } from "node:util";
import { parseDuration } from "../../util/duration";
import { escapeText, quote } from "../../util/quote";
import { shellJoin } from "../../util/shell-quote";
import { VCenterClient } from "../../vcenter/client";
import type { GuestCredentials } from "../../vcenter/credentials";
import { formatMs, WaitTimeoutError } from "../../vcenter/errors";
import { type Pid, vmLengthProblem } from "../../vcenter/paths";
import type { ProcessInfo } from "../../vcenter/types";
import {
  CONNECTION_FLAGS,
  CONNECTION_HELP,
  clientOptionsFrom,
  type FlagValues,
  guestCredentialsFrom,
} from "../connection";
import { UsageError } from "../errors";
import { infoToWire, summaryToWire, toJson } from "../output";
import { createProgress } from "../progress";
import type { CommandIo } from "./io";

const VM_FLAGS = { vm: { type: "string" }, "vm-name": { type: "string" } } as const;

/** The flags that make `process run` capture output (handled in `process-capture.ts`). */
const CAPTURE_FLAGS = ["capture", "command", "max-output", "script", "interpreter"] as const;

const USAGE: Record<string, string> = {
  get: "vsphere-guest process get (--vm VM | --vm-name NAME) --pid PID\n\nPrints the process Info as JSON: name, owner, command, started, and finished/exit_code once it has ended.",
  list: "vsphere-guest process list (--vm VM | --vm-name NAME)\n\nPrints the guest's processes as a JSON array (pid, name, owner, command, started).",
  start:
    "vsphere-guest process start (--vm VM | --vm-name NAME) [--cwd DIR] [--env K=V]... [--arguments STRING] -- PATH [ARGS...]\n\nStarts PATH in the guest and prints its pid. ARGS are quoted for a POSIX shell and joined into the\none arguments string of the API; --arguments passes that string as it is instead. --env replaces the\nprocess's whole environment.",
  wait: "vsphere-guest process wait (--vm VM | --vm-name NAME) --pid PID [--timeout 10m]\n\nWaits for the process to exit, prints its final Info as JSON and exits with its exit code\n(codes outside 0-255 exit 1). A timeout exits 124; Ctrl-C (SIGINT) exits 130 and SIGTERM 143,\nafter logging out of vCenter. --timeout goes from 1ms to 596h31m23s. Progress shows on a\nterminal's stderr only.",
  run: "vsphere-guest process run (--vm VM | --vm-name NAME) [--cwd DIR] [--env K=V]... [--timeout 10m] -- PATH [ARGS...]\n       vsphere-guest process run ... --capture [--max-output 1MiB] -- PATH [ARGS...]   (or --capture --command LINE)\n       vsphere-guest process run ... --script FILE [--interpreter /bin/bash] [-- ARGS...]\n\nstart, then wait: prints the final Info and exits with the process's exit code.\n\n--capture runs the program through the guest's shell (/bin/sh -c, or cmd.exe /c on Windows guests)\nwith its output redirected to guest temporary files, then prints its stdout on stdout and its stderr\non stderr (as they were, byte for byte) and exits with its exit code. --command LINE gives a whole\ncommand line in the guest shell's syntax instead of PATH and ARGS. --max-output bounds each stream\n(default 1MiB; the rest is dropped, with a note on stderr). On --timeout the guest process is\nterminated (exit 124); the temporary files are always deleted.\n\n--script uploads the local FILE to a guest temporary file, runs it with --interpreter (default\n/bin/sh; a .cmd batch file on Windows guests) and the ARGS after --, captures its output like\n--capture, and deletes it.",
  kill: "vsphere-guest process kill (--vm VM | --vm-name NAME) --pid PID\n\nTerminates the process (TERM, then KILL on Linux guests).",
};

/** Help of `vsphere-guest process`. */
export const PROCESS_HELP = `Usage: vsphere-guest process <get|list|start|wait|run|kill> [options]

Commands:
  get     print one process's Info (exit code once it ended)
  list    list the guest's processes
  start   start a program in the guest, print its pid
  wait    wait for a process to exit; exit with its exit code
  run     start + wait
  kill    terminate a process

Run 'vsphere-guest process <command> --help' for its options.

${CONNECTION_HELP}`;

/** Runs `vsphere-guest process ...`; returns the exit code. */
export async function processCommand(argv: string[], io: CommandIo): Promise<number> {
  const sub = argv[0];
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
    io.stdout.write(`${PROCESS_HELP}\n`);
    return sub === undefined ? 2 : 0;
  }
  const usage = USAGE[sub];
  if (usage === undefined) throw new UsageError(`unknown command 'process ${sub}'`, "process");
  const command = `process ${sub}`;
  const options = {
    ...CONNECTION_FLAGS,
    ...VM_FLAGS,
    pid: { type: "string" },
    timeout: { type: "string" },
    cwd: { type: "string" },
    env: { type: "string", multiple: true },
    arguments: { type: "string" },
    capture: { type: "boolean" },
    command: { type: "string" },
    "max-output": { type: "string" },
    script: { type: "string" },
    interpreter: { type: "string" },
    help: { type: "boolean", short: "h" },
  } as const;
  let parsed: ReturnType<
    typeof parseArgs<{ options: typeof options; allowPositionals: true; args: string[] }>
  >;
  try {
    parsed = parseArgs({ args: argv.slice(1), options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
  const values = parsed.values as FlagValues;
  if (values.help) {
    io.stdout.write(`Usage: ${usage}\n\n${CONNECTION_HELP}\n`);
    return 0;
  }
  if (CAPTURE_FLAGS.some((flag) => values[flag] !== undefined)) {
    if (sub !== "run")
      throw new UsageError(
        `--${CAPTURE_FLAGS.find((f) => values[f] !== undefined)} is for 'process run'`,
        command,
      );
    return (await import("./process-capture")).runCapturedCommand(values, parsed.positionals, io);
  }
  const needsPid = sub === "get" || sub === "wait" || sub === "kill";
  const starts = sub === "start" || sub === "run";
  const pid = needsPid ? requirePid(values.pid, command) : undefined;
  const timeoutMs = timeoutFrom(values.timeout, command);
  const spec = starts ? specFrom(values, parsed.positionals, command) : undefined;
  if (!starts && parsed.positionals.length > 0) {
    throw new UsageError(`unexpected argument ${quote(parsed.positionals[0])}`, command);
  }
  const vmFlag = values.vm as string | undefined;
  const vmName = values["vm-name"] as string | undefined;
  if ((vmFlag === undefined) === (vmName === undefined)) {
    throw new UsageError("give exactly one of --vm (managed object id, like vm-42) or --vm-name", command);
  }
  const tooLong =
    vmFlag !== undefined ? vmLengthProblem(vmFlag, "--vm") : vmLengthProblem(vmName!, "--vm-name");
  if (tooLong !== undefined) throw new UsageError(tooLong, command);
  const client = new VCenterClient(clientOptionsFrom(values, io.env, command));
  const credentials = guestCredentialsFrom(values, io.env);
  try {
    const vm = vmFlag ?? (await client.findVmByName(vmName!, io.signal));
    switch (sub) {
      case "get":
        io.stdout.write(
          `${toJson(infoToWire(await client.getProcess(vm, pid!, credentials, io.signal)), 2)}\n`,
        );
        return 0;
      case "list":
        io.stdout.write(
          `${toJson((await client.listProcesses(vm, credentials, io.signal)).map(summaryToWire), 2)}\n`,
        );
        return 0;
      case "kill":
        await client.deleteProcess(vm, pid!, credentials, io.signal);
        return 0;
      case "start":
        io.stdout.write(`${toJson(await client.createProcess(vm, credentials, spec!, io.signal))}\n`);
        return 0;
      case "wait":
        return await waitAndReport(client, vm, pid!, credentials, timeoutMs, io);
      default: {
        const started = await client.createProcess(vm, credentials, spec!, io.signal);
        io.stderr.write(io.stderr.isTTY ? `started pid ${started} in ${escapeText(vm)}\n` : "");
        return await waitAndReport(client, vm, started, credentials, timeoutMs, io);
      }
    }
  } finally {
    await client.close();
  }
}

async function waitAndReport(
  client: VCenterClient,
  vm: string,
  pid: Pid,
  credentials: GuestCredentials,
  timeoutMs: number,
  io: CommandIo,
): Promise<number> {
  const progress = createProgress(io.stderr);
  let info: ProcessInfo;
  try {
    info = await client.waitForExit(vm, pid, credentials, {
      timeoutMs,
      signal: io.signal,
      onPoll: ({ info: current, elapsedMs }) =>
        progress.update(
          current
            ? `waiting for ${escapeText(current.name)} (pid ${pid}) in ${escapeText(vm)}: running, ${formatMs(elapsedMs)} elapsed`
            : `waiting for pid ${pid} in ${escapeText(vm)}: VMware Tools not answering yet, ${formatMs(elapsedMs)} elapsed`,
        ),
    });
  } catch (error) {
    progress.done();
    if (error instanceof WaitTimeoutError) {
      io.stderr.write(`vsphere-guest: ${error.message}\n`);
      return 124;
    }
    throw error;
  }
  progress.done();
  io.stdout.write(`${toJson(infoToWire(info), 2)}\n`);
  const code = info.exitCode ?? 1;
  return code >= 0 && code <= 255 ? Number(code) : 1;
}

function requirePid(value: string | boolean | string[] | undefined, command: string): string {
  if (typeof value !== "string") throw new UsageError("--pid is required", command);
  if (!/^\d+$/.test(value) || BigInt(value) < 1n) {
    throw new UsageError(`--pid ${quote(value)} is not a process id; give a whole number like 4242`, command);
  }
  return value;
}

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

function specFrom(values: FlagValues, positionals: string[], command: string) {
  const [path, ...args] = positionals;
  if (path === undefined)
    throw new UsageError("give the program to start after --, like: -- /bin/sh -c 'exit 3'", command);
  if (values.arguments !== undefined && args.length > 0) {
    throw new UsageError(
      "give the arguments either after the program or with --arguments, not both",
      command,
    );
  }
  const env = envFrom(values, command);
  const envList = (values.env as string[] | undefined) ?? [];
  return {
    path,
    ...(values.arguments !== undefined
      ? { arguments: values.arguments as string }
      : args.length > 0
        ? { arguments: shellJoin(args) }
        : {}),
    ...(typeof values.cwd === "string" ? { workingDirectory: values.cwd } : {}),
    ...(envList.length > 0 ? { environmentVariables: env } : {}),
  };
}
