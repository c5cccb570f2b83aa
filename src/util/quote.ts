/**
 * User values echoed in messages (errors, diagnostics, usage lines) go through these two helpers,
 * so a value with a newline, an escape sequence or a bidirectional override shows what it is
 * instead of rewriting the terminal or the reading order of the message around it.
 */

/**
 * Characters escaped everywhere: C0 and C1 controls, DEL, bidirectional marks, embeddings,
 * overrides and isolates, zero-width characters, line/paragraph separators, the byte-order mark
 * and lone surrogates.
 */
const UNSAFE = new RegExp(
  "[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2069\\ufeff]" +
    "|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]",
  "g",
);

const SHORT: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeChar(c: string): string {
  return SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * Escapes the unsafe characters of `text` as `\n`, `\t`, `\r` or `\uXXXX`, leaving everything
 * else (quotes, backslashes, letters of any script) as it is. For values shown without quotes,
 * such as a VM id after "VM" or a message vCenter sent.
 */
export function escapeText(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * A value in double quotes for a message: a JSON string literal (so `"` and `\` are escaped too)
 * with the unsafe characters escaped as well. Non-strings are shown as JSON (`undefined` as
 * `undefined`).
 */
export function quote(value: unknown): string {
  const json = typeof value === "string" ? JSON.stringify(value) : safeJson(value);
  return json.replace(UNSAFE, escapeChar);
}

const BIGINT = "\u0000bigint:";
const BIGINT_RE = /"\\u0000bigint:(-?\d+)"/g;

/** A field's value for a message: {@link quote}d, or `missing` when it is absent (`undefined`). */
export function quoteField(value: unknown): string {
  return value === undefined ? "missing" : quote(value);
}

function safeJson(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  try {
    // Bigints nested in objects are shown as their digits (JSON.stringify alone would throw).
    const marked = JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${BIGINT}${v}` : v));
    return marked === undefined ? String(value) : marked.replace(BIGINT_RE, "$1");
  } catch {
    return String(value);
  }
}
