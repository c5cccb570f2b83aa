import { escapeText, quote } from "../../src/util/quote";

describe("quote / escapeText", () => {
  test.each([
    ["plain", "vm-42", '"vm-42"', "vm-42"],
    ["newline and tab", "a\nb\tc\r", '"a\\nb\\tc\\r"', "a\\nb\\tc\\r"],
    ["escape sequence (ESC)", "x\u001b[2Jy", '"x\\u001b[2Jy"', "x\\u001b[2Jy"],
    ["NUL and DEL", "\u0000\u007f", '"\\u0000\\u007f"', "\\u0000\\u007f"],
    ["C1 control (CSI)", "a\u009bb", '"a\\u009bb"', "a\\u009bb"],
    ["right-to-left override", "exe.\u202etxt", '"exe.\\u202etxt"', "exe.\\u202etxt"],
    ["bidi isolates", "\u2066a\u2069", '"\\u2066a\\u2069"', "\\u2066a\\u2069"],
    ["LRM, RLM, ALM", "\u200e\u200f\u061c", '"\\u200e\\u200f\\u061c"', "\\u200e\\u200f\\u061c"],
    ["zero-width space and BOM", "a\u200bb\ufeff", '"a\\u200bb\\ufeff"', "a\\u200bb\\ufeff"],
    ["line and paragraph separators", "a\u2028b\u2029", '"a\\u2028b\\u2029"', "a\\u2028b\\u2029"],
    ["lone surrogate", "a\ud800b", '"a\\ud800b"', "a\\ud800b"],
    ["quotes and backslashes", 'say "hi" \\ bye', '"say \\"hi\\" \\\\ bye"', 'say "hi" \\ bye'],
    ["letters of any script and emoji stay", "Grüße 日本 😀", '"Grüße 日本 😀"', "Grüße 日本 😀"],
  ])("%s", (_name, input, quoted, escaped) => {
    expect(quote(input)).toBe(quoted);
    expect(escapeText(input)).toBe(escaped);
  });

  test.each([
    [42, "42"],
    [undefined, "undefined"],
    [null, "null"],
    [true, "true"],
    [12345678901234567890n, "12345678901234567890"],
    [{ a: "x\u202e" }, '{"a":"x\\u202e"}'],
  ])("a non-string value %p is shown as %s", (value, shown) => {
    expect(quote(value)).toBe(shown);
  });
});
