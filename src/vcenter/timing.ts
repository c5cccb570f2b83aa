/** Timing helpers shared by the client's retries and by waiting for a process. */

import { MAX_DURATION_MS } from "../util/duration";

/** The longest delay a Node.js timer holds (2^31-1 ms); longer ones fire at once with a warning. */
export const MAX_TIMER_MS = MAX_DURATION_MS;

/** Exponential backoff with "equal jitter": half fixed, half random. */
export function jitteredDelay(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * Resolves after `ms` (any length: beyond {@link MAX_TIMER_MS} it waits in chunks), or rejects
 * with the signal's reason when it aborts first.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const end = Date.now() + ms;
    let timer: NodeJS.Timeout;
    const arm = (left: number): void => {
      timer = setTimeout(
        () => {
          const rest = end - Date.now();
          if (left > MAX_TIMER_MS && rest > 0) {
            arm(rest);
            return;
          }
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        Math.min(Math.max(0, left), MAX_TIMER_MS),
      );
    };
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    arm(ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
