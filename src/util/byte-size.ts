/**
 * Byte sizes as people write them on a command line: `1048576`, `512k`, `64KiB`, `1M`, `1MiB`,
 * `2g`. Units are binary (k = 1024), with or without `iB`/`B`, any case.
 */

import { quote } from "./quote";

const UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Parses a byte size, or returns an error message naming what is allowed. */
export function parseByteSize(text: string): { bytes: number } | { error: string } {
  const match = /^\s*(\d+)\s*(?:([kmg])(?:i?b)?|(b))?\s*$/i.exec(text);
  if (match === null) {
    return {
      error: `${quote(text)} is not a size; write bytes like 1048576, or 512KiB, 1MiB, 2GiB`,
    };
  }
  const unit = (match[2] ?? match[3] ?? "").toLowerCase();
  const bytes = Number(match[1]) * UNITS[unit]!;
  if (!Number.isSafeInteger(bytes)) return { error: `${quote(text)} is too large` };
  return { bytes };
}
