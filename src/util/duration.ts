/**
 * Durations as Terraform users write them (Go's `time.ParseDuration` syntax): `90s`, `10m`,
 * `1h30m`, `500ms`, `1.5h`. A bare number is refused: the unit must be explicit.
 */
import { quote } from "./quote";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The longest duration accepted: 2^31-1 ms (about 24.8 days), the most a Node.js timer holds.
 * Longer values are refused when parsed, naming this maximum, rather than failing at once or
 * throwing in a timer later.
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** {@link MAX_DURATION_MS} as users write it (the largest whole-second duration under it). */
export const MAX_DURATION_TEXT = "596h31m23s";

/** Parses a duration into milliseconds, or returns an error message naming what is allowed. */
export function parseDuration(text: string): { ms: number } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === "") return { error: "is empty; write a duration like 30s, 10m or 1h30m" };
  const re = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)/y;
  let total = 0;
  let index = 0;
  while (index < trimmed.length) {
    re.lastIndex = index;
    const match = re.exec(trimmed);
    if (!match) {
      return {
        error: `${quote(text)} is not a duration; write a number with a unit (ms, s, m, h) like 30s, 10m or 1h30m`,
      };
    }
    total += Number(match[1]) * UNITS[match[2]!]!;
    index = re.lastIndex;
  }
  if (total <= 0) return { error: `${quote(text)} must be longer than zero` };
  const ms = Math.round(total);
  if (ms < 1) return { error: `${quote(text)} is shorter than the shortest duration, 1ms` };
  if (!(ms <= MAX_DURATION_MS)) {
    return {
      error: `${quote(text)} is longer than the longest duration allowed, ${MAX_DURATION_TEXT} (about 24 days, what a timer can hold)`,
    };
  }
  return { ms };
}
