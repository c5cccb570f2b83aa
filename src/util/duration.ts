/**
 * Durations as Terraform users write them (Go's `time.ParseDuration` syntax): `90s`, `10m`,
 * `1h30m`, `500ms`, `1.5h`. A bare number is refused: the unit must be explicit.
 */
import { quote } from "./quote";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

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
  return { ms: Math.round(total) };
}
