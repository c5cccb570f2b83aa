/** `vsphere-guest process get|list|start|wait|run|kill`: guest processes from the command line. */

import { escapeText, quote } from "../../util/quote";
import { shellJoin } from "../../util/shell-quote";
import { VCenterClient } from "../../vcenter/client";
import type { GuestCredentials } from "../../vcenter/credentials";
import { formatMs, WaitTimeoutError } from "../../vcenter/errors";
import type { Pid } from "../../vcenter/paths";
import type { ProcessInfo } from "../../vcenter/types";
import {
  CONNECTION_HELP,
  clientOptionsFrom,
  type FlagValues,
  guestCredentialsFrom,
  resolveVm,
  vmSelectionFrom,
} from "../connection";
import { UsageError } from "../errors";
import { commandHelp, readSubcommand } from "../options";
import { infoToWire, summaryToWire, toJson } from "../output";
import { createProgress } from "../progress";
import type { CommandIo } from "./io";
import { envFrom, exitStatus, PROCESS_SPEC, timeoutFrom } from "./process-spec";

/** The flags that make `process run` capture output (handled in `process-capture.ts`). */
const CAPTURE_FLAGS = ["capture", "command", "max-output", "script", "interpreter"] as const;

/** Help of `vsphere-guest process`. */
export const PROCESS_HELP = commandHelp(PROCESS_SPEC, CONNECTION_HELP);

/** Runs `vsphere-guest process ...`; returns the exit code. */
export async function processCommand(argv: string[], io: CommandIo): Promise<number> {
  const line = readSubcommand(PROCESS_SPEC, argv, PROCESS_HELP);
  if ("help" in line) {
    io.stdout.write(`${line.help}\n`);
    return line.exitCode;
  }
  const { sub, command, values, positionals } = line;
  if (CAPTURE_FLAGS.some((flag) => values[flag] !== undefined)) {
    return (await import("./process-capture")).runCapturedCommand(values, positionals, io);
  }
  const needsPid = sub === "get" || sub === "wait" || sub === "kill";
  const starts = sub === "start" || sub === "run";
  const pid = needsPid ? requirePid(values.pid, command) : undefined;
  const timeoutMs = timeoutFrom(values.timeout, command);
  const spec = starts ? specFrom(values, positionals, command) : undefined;
  if (!starts && positionals.length > 0) {
    throw new UsageError(`unexpected argument ${quote(positionals[0])}`, command);
  }
  const selection = vmSelectionFrom(values, command);
  const client = new VCenterClient(clientOptionsFrom(values, io.env, command));
  const credentials = guestCredentialsFrom(values, io.env);
  try {
    const vm = await resolveVm(client, selection, io.signal);
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
  return exitStatus(info.exitCode);
}

function requirePid(value: string | boolean | string[] | undefined, command: string): string {
  if (typeof value !== "string") throw new UsageError("--pid is required", command);
  if (!/^\d+$/.test(value) || BigInt(value) < 1n) {
    throw new UsageError(`--pid ${quote(value)} is not a process id; give a whole number like 4242`, command);
  }
  return value;
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
