/**
 * Running a guest command with its output captured, the way govc `guest.run` and PowerCLI's
 * `Invoke-VMScript` do it (the API itself has no stdout/stderr): a temporary directory in the
 * guest, the command wrapped for the guest family with its output redirected there, wait for the
 * exit, download both files (bounded), delete the directory — also on failure, timeout and
 * cancellation, when the guest process is terminated first.
 */
import { quote } from "../util/quote";
import type { VCenterClient } from "./client";
import type { GuestCredentials } from "./credentials";
import { GuestFileNotFoundError, InvalidArgumentError } from "./errors";
import {
  type CaptureFiles,
  cmdEscape,
  type GuestCommandLine,
  guestJoin,
  posixCommandLine,
  posixQuote,
  windowsQuoteArgument,
  wrapForFamily,
} from "./guest-command";
import type { CapturedResult, GuestOsFamily, RunCapturedOptions, RunScriptOptions } from "./guest-file-types";
import { checkByteLimit, type Pid } from "./paths";

/** Default bound of each of stdout and stderr: 1 MiB. */
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;

/** How long clean-up calls may take once the caller's own signal has fired. */
const CLEANUP_TIMEOUT_MS = 30_000;

const decoder = new TextDecoder("utf-8", { fatal: false });

function positive(value: number, field: string, example: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(
      field,
      `${field} ${value} is not a positive number`,
      `give it like ${example}`,
    );
  }
  return value;
}

async function familyOf(
  client: VCenterClient,
  vm: string,
  options: RunCapturedOptions,
): Promise<GuestOsFamily> {
  return options.family ?? (await client.guestIdentity(vm, options.signal)).family;
}

/** Runs a clean-up step that must not hide the caller's outcome; returns a warning when it failed. */
async function bestEffort(what: string, step: (signal: AbortSignal) => Promise<void>): Promise<string[]> {
  try {
    await step(AbortSignal.timeout(CLEANUP_TIMEOUT_MS));
    return [];
  } catch (error) {
    // A delete retried after a reset finds nothing left: that is the outcome wanted.
    if (error instanceof GuestFileNotFoundError) return [];
    return [`${what} failed: ${error instanceof Error ? error.message : String(error)}`];
  }
}

/** See `VCenterClient.runCaptured`. */
export async function runCaptured(
  client: VCenterClient,
  vm: string,
  credentials: GuestCredentials,
  command: GuestCommandLine,
  options: RunCapturedOptions = {},
): Promise<CapturedResult> {
  const timeoutMs = positive(options.timeoutMs ?? 600_000, "timeout", "10m");
  const maxOutputBytes = checkByteLimit(
    options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
    "max_output_bytes",
  );
  posixCommandLine(command); // the emptiness checks, before any call
  const { signal } = options;
  const family = await familyOf(client, vm, options);
  if (options.discardOutput === true) {
    return runWithOutput(client, vm, credentials, command, options, {
      family,
      timeoutMs,
      files: nullDevices(family),
    });
  }
  const directory = await client.createTemporaryDirectory(
    vm,
    credentials,
    { prefix: "vsphere-guest-run-" },
    signal,
  );
  const files = { stdout: guestJoin(directory, "stdout"), stderr: guestJoin(directory, "stderr") };
  const warnings: string[] = [];
  try {
    return await runWithOutput(
      client,
      vm,
      credentials,
      command,
      options,
      { family, timeoutMs, files },
      { maxOutputBytes, warnings },
    );
  } finally {
    warnings.push(
      ...(await bestEffort(`deleting the temporary directory ${quote(directory)} in VM ${vm}`, (s) =>
        client.deleteDirectory(vm, credentials, directory, { recursive: true }, s),
      )),
    );
  }
}

/** The null device of a guest family, as both output files of a run whose output is discarded. */
function nullDevices(family: GuestOsFamily): CaptureFiles {
  const device = family === "WINDOWS" ? "NUL" : "/dev/null";
  return { stdout: device, stderr: device };
}

/**
 * Runs the command wrapped for `family`, waits for its exit (terminating it on timeout or
 * cancellation), and — with `capture` — downloads what it wrote to `files`. `capture.warnings` is the list the caller's
 * clean-up adds to, returned in the result.
 */
async function runWithOutput(
  client: VCenterClient,
  vm: string,
  credentials: GuestCredentials,
  command: GuestCommandLine,
  options: RunCapturedOptions,
  { family, timeoutMs, files }: { family: GuestOsFamily; timeoutMs: number; files: CaptureFiles },
  capture?: { maxOutputBytes: number; warnings: string[] },
): Promise<CapturedResult> {
  const { signal } = options;
  const spec = {
    ...wrapForFamily(family, command, files),
    ...(options.cwd !== undefined ? { workingDirectory: options.cwd } : {}),
    ...(options.env !== undefined ? { environmentVariables: options.env } : {}),
  };
  const pid: Pid = await client.createProcess(vm, credentials, spec, signal);
  let info: Awaited<ReturnType<VCenterClient["waitForExit"]>>;
  try {
    // Captured commands are mostly short: poll sooner than a plain wait (20 ms, doubling to the
    // same 1 s cap), so a quick command is not held up by a fixed 100 ms first pause.
    info = await client.waitForExit(vm, pid, credentials, { timeoutMs, signal, initialDelayMs: 20 });
  } catch (error) {
    // Timed out, cancelled, or no longer readable: the command must not outlive the caller's
    // interest in it (a process that already ended is left alone by the guest).
    await bestEffort(`terminating process ${String(pid)} in VM ${vm}`, (s) =>
      client.deleteProcess(vm, pid, credentials, s),
    );
    throw error;
  }
  const read = async (path: string): Promise<{ data: Buffer; truncated: boolean }> => {
    if (capture === undefined) return { data: Buffer.alloc(0), truncated: false };
    try {
      return await client.downloadFile(vm, credentials, path, {
        maxBytes: capture.maxOutputBytes,
        onLimit: "truncate",
        signal,
      });
    } catch (error) {
      // A shell that failed before its redirection leaves no file: no output.
      if (error instanceof GuestFileNotFoundError) return { data: Buffer.alloc(0), truncated: false };
      throw error;
    }
  };
  const [stdout, stderr] = await Promise.all([read(files.stdout), read(files.stderr)]);
  return {
    pid,
    exitCode: info.exitCode ?? null,
    stdout: decoder.decode(stdout.data),
    stderr: decoder.decode(stderr.data),
    raw: { stdout: stdout.data, stderr: stderr.data },
    truncated: stdout.truncated || stderr.truncated,
    started: info.started,
    finished: info.finished ?? info.started,
    warnings: capture?.warnings ?? [],
  };
}

/** See `VCenterClient.runScript`. */
export async function runScript(
  client: VCenterClient,
  vm: string,
  credentials: GuestCredentials,
  script: Buffer | string,
  options: RunScriptOptions = {},
): Promise<CapturedResult> {
  const body = typeof script === "string" ? Buffer.from(script, "utf8") : script;
  if (options.interpreter !== undefined && options.interpreter.trim() === "") {
    throw new InvalidArgumentError(
      "interpreter",
      "the interpreter is empty",
      "give a program like /bin/bash, or leave it out",
    );
  }
  const family = await familyOf(client, vm, options);
  const windows = family === "WINDOWS";
  const file = await client.createTemporaryFile(
    vm,
    credentials,
    { prefix: "vsphere-guest-script-", suffix: windows ? ".cmd" : ".sh" },
    options.signal,
  );
  let result: CapturedResult;
  let cleanup: string[] = [];
  try {
    await client.uploadFile(vm, credentials, file, body, {
      overwrite: true,
      ...(windows ? {} : { mode: "0700" }),
      signal: options.signal,
    });
    const args = options.args ?? [];
    const command = windows
      ? `${options.interpreter === undefined ? "" : `${options.interpreter} `}"${file}"${args.map((a) => ` ${cmdEscape(windowsQuoteArgument(a))}`).join("")}`
      : `${options.interpreter ?? "/bin/sh"} ${[file, ...args].map(posixQuote).join(" ")}`;
    result = await runCaptured(client, vm, credentials, command, { ...options, family });
  } finally {
    cleanup = await bestEffort(`deleting the script ${quote(file)} in VM ${vm}`, (s) =>
      client.deleteFile(vm, credentials, file, s),
    );
  }
  result.warnings.push(...cleanup);
  return result;
}
