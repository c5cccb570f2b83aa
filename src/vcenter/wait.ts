/**
 * Waiting for a guest process to exit: polls `get` with capped exponential backoff, treats a
 * 503 (Tools restarting) as "not yet", stops at the first exit code, honours an AbortSignal and
 * a timeout, and explains a 404 (the guest forgets exit codes about 5 minutes after exit).
 */
import type { GuestCredentials } from "./credentials";
import { AbortedError, ApiError, InvalidArgumentError, WaitTimeoutError } from "./errors";
import { type Pid, pidToString } from "./paths";
import { MAX_TIMER_MS, sleep } from "./timing";
import type { ProcessInfo } from "./types";

/** How long and how to wait. */
export interface WaitOptions {
  /** Give up after this long. @default 600000 (10 minutes) */
  timeoutMs?: number;
  /** Cancels the wait (e.g. Ctrl-C). */
  signal?: AbortSignal;
  /** First delay between polls. @default 100 */
  initialDelayMs?: number;
  /** Longest delay between polls (Tools dislikes fast polling). @default 1000 */
  maxDelayMs?: number;
  /** Called after every poll: the state read (undefined while Tools is unavailable). */
  onPoll?: (event: { info: ProcessInfo | undefined; polls: number; elapsedMs: number }) => void;
}

/** What {@link waitForExit} needs from the client. */
export interface ProcessReader {
  getProcess(vm: string, pid: Pid, credentials: GuestCredentials, signal?: AbortSignal): Promise<ProcessInfo>;
}

/** Polls until the process has an exit code; see {@link WaitOptions}. */
export async function waitForExit(
  reader: ProcessReader,
  vm: string,
  pid: Pid,
  credentials: GuestCredentials,
  options: WaitOptions = {},
): Promise<ProcessInfo> {
  const pidText = pidToString(pid);
  const timeoutMs = options.timeoutMs ?? 600_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new InvalidArgumentError(
      "timeout",
      `timeout ${timeoutMs}ms is not a positive duration`,
      "give a duration like 10m",
    );
  }
  const initial = options.initialDelayMs ?? 100;
  const cap = options.maxDelayMs ?? 1000;
  const start = Date.now();
  const deadline = start + timeoutMs;
  const what = `waiting for process ${pidText} in VM ${vm}`;
  let delay = initial;
  let polls = 0;
  let last: ProcessInfo | undefined;
  let lastError: Error | undefined;
  for (;;) {
    if (options.signal?.aborted) throw new AbortedError(what, options.signal.reason);
    const remaining = deadline - Date.now();
    if (remaining <= 0 && polls > 0)
      throw new WaitTimeoutError(vm, pidText, timeoutMs, last, last ? undefined : lastError);
    // The first poll always runs to its answer (bounded by the request timeout only): a process
    // that has already exited is returned whatever the timeout. Later polls may not outlive the
    // deadline, so a hung request ends with the wait; a timer holds at most 2^31-1 ms, so a longer
    // wait bounds each poll by that and checks the deadline again.
    const pollLimit = polls === 0 ? undefined : AbortSignal.timeout(Math.min(remaining, MAX_TIMER_MS));
    const signals = [options.signal, pollLimit].filter((s): s is AbortSignal => s !== undefined);
    const pollSignal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    try {
      last = await reader.getProcess(vm, pidText, credentials, pollSignal);
      lastError = undefined;
    } catch (error) {
      if (options.signal?.aborted) throw new AbortedError(what, options.signal.reason);
      if (pollLimit?.aborted && deadline - Date.now() <= 0)
        throw new WaitTimeoutError(vm, pidText, timeoutMs, last, lastError);
      if (pollLimit?.aborted) continue;
      if (!(error instanceof ApiError && error.errorType === "SERVICE_UNAVAILABLE")) throw error;
      // Tools is (re)starting: keep waiting until the deadline.
      lastError = error;
    }
    polls++;
    options.onPoll?.({ info: lastError ? undefined : last, polls, elapsedMs: Date.now() - start });
    if (!lastError && last?.exitCode !== undefined) return last;
    const pause = Math.min(delay, Math.max(0, deadline - Date.now()));
    try {
      await sleep(pause, options.signal);
    } catch {
      throw new AbortedError(what, options.signal?.reason);
    }
    delay = Math.min(cap, delay * 2);
  }
}
