/**
 * JSON parsing that keeps integers beyond 2^53 exact: they come back as `bigint` (pids are
 * int64 on the wire). Everything else is plain `JSON.parse`.
 */
const BIG_MARK = "\u0000vsg-big:";

/** Parses JSON; integer literals with 16 or more digits that do not fit a double exactly become bigints. */
export function parseJsonExact(text: string): unknown {
  if (!/\d{16}/.test(text)) return JSON.parse(text);
  let out = "";
  let i = 0;
  let inString = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === "\\") {
        out += text[i + 1] ?? "";
        i += 2;
        continue;
      }
      if (ch === '"') inString = false;
      i++;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
      i++;
      continue;
    }
    if (ch === "-" || (ch >= "0" && ch <= "9")) {
      let j = i + 1;
      while (j < text.length && /[0-9.eE+-]/.test(text[j]!)) j++;
      const literal = text.slice(i, j);
      out += /^-?\d{16,}$/.test(literal) ? JSON.stringify(BIG_MARK + literal) : literal;
      i = j;
      continue;
    }
    out += ch;
    i++;
  }
  return JSON.parse(out, (_key, value: unknown) => {
    if (typeof value === "string" && value.startsWith(BIG_MARK)) {
      const big = BigInt(value.slice(BIG_MARK.length));
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(big)
        : big;
    }
    return value;
  });
}

/** Whether `value` is a JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
