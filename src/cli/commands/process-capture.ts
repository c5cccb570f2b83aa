/**
 * `vsphere-guest process run --capture | --script FILE`: run a command (or a local script) in the
 * guest with its output captured, print stdout on stdout and stderr on stderr, exit with its code.
 */

import { readFile } from "node:fs/promises";
import { parseByteSize } from "../../util/byte-size";
import { quote } from "../../util/quote";
import { VCenterClient } from "../../vcenter/client";
import { WaitTimeoutError } from "../../vcenter/errors";
import type { GuestCommandLine } from "../../vcenter/guest-command";
import type { CapturedResult } from "../../vcenter/guest-file-types";
import { DEFAULT_MAX_OUTPUT_BYTES } from "../../vcenter/run-captured";
import {
  clientOptionsFrom,
  type FlagValues,
  guestCredentialsFrom,
  resolveVm,
  vmSelectionFrom,
} from "../connection";
import { UsageError } from "../errors";
import type { CommandIo } from "./io";
import { envFrom, exitStatus, timeoutFrom } from "./process-spec";

const COMMAND = "process run";

/** Runs `process run` with `--capture` or `--script`; returns the exit code. */
export async function runCapturedCommand(
  values: FlagValues,
  positionals: string[],
  io: CommandIo,
): Promise<number> {
  const script = typeof values.script === "string" ? values.script : undefined;
  const line = typeof values.command === "string" ? values.command : undefined;
  if (values.arguments !== undefined) {
    throw new UsageError(
      "--arguments does not go with --capture or --script; give the arguments after --",
      COMMAND,
    );
  }
  if (values.interpreter !== undefined && script === undefined) {
    throw new UsageError("--interpreter goes with --script FILE", COMMAND);
  }
  if (script !== undefined && line !== undefined) {
    throw new UsageError("give either --script FILE or --command LINE, not both", COMMAND);
  }
  if (script === undefined && values.capture !== true) {
    throw new UsageError("--command and --max-output go with --capture (or --script)", COMMAND);
  }
  let command: GuestCommandLine | undefined;
  if (script === undefined) {
    if (line !== undefined && positionals.length > 0) {
      throw new UsageError("give either --command LINE or -- PATH [ARGS...], not both", COMMAND);
    }
    command = line ?? positionals;
    if (command.length === 0) {
      throw new UsageError(
        "give the program after -- (like: -- /bin/uname -a) or a command line with --command",
        COMMAND,
      );
    }
  }
  let maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES;
  if (typeof values["max-output"] === "string") {
    const size = parseByteSize(values["max-output"]);
    if ("error" in size) throw new UsageError(`--max-output ${size.error}`, COMMAND);
    maxOutputBytes = size.bytes;
  }
  const timeoutMs = timeoutFrom(values.timeout, COMMAND);
  const env = envFrom(values, COMMAND);
  let scriptBody: Buffer | undefined;
  if (script !== undefined) {
    scriptBody = await readFile(script).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(
        `--script ${quote(script)} cannot be read (${error.code ?? error.message})`,
        COMMAND,
      );
    });
  }
  const selection = vmSelectionFrom(values, COMMAND);
  const client = new VCenterClient(clientOptionsFrom(values, io.env, COMMAND));
  const credentials = guestCredentialsFrom(values, io.env);
  try {
    const vm = await resolveVm(client, selection, io.signal);
    const options = {
      timeoutMs,
      maxOutputBytes,
      signal: io.signal,
      ...(typeof values.cwd === "string" ? { cwd: values.cwd } : {}),
      ...(Object.keys(env).length > 0 ? { env } : {}),
    };
    let result: CapturedResult;
    try {
      result =
        scriptBody !== undefined
          ? await client.runScript(vm, credentials, scriptBody, {
              ...options,
              ...(typeof values.interpreter === "string" ? { interpreter: values.interpreter } : {}),
              args: positionals,
            })
          : await client.runCaptured(vm, credentials, command!, options);
    } catch (error) {
      if (error instanceof WaitTimeoutError) {
        io.stderr.write(`vsphere-guest: ${error.message}; the guest process was terminated\n`);
        return 124;
      }
      throw error;
    }
    await write(io.stdout, result.raw.stdout);
    await write(io.stderr, result.raw.stderr);
    if (result.truncated) {
      io.stderr.write(`vsphere-guest: output cut at ${maxOutputBytes} bytes per stream (--max-output)\n`);
    }
    for (const warning of result.warnings) io.stderr.write(`vsphere-guest: warning: ${warning}\n`);
    return exitStatus(result.exitCode);
  } finally {
    await client.close();
  }
}

function write(stream: NodeJS.WritableStream, data: Buffer): Promise<void> {
  if (data.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    stream.write(data, (error?: Error | null) => (error ? reject(error) : resolve()));
  });
}
