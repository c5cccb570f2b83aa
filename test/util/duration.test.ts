import { MAX_DURATION_MS, MAX_DURATION_TEXT, parseDuration } from "../../src/util/duration";
import { shellJoin, shellQuote } from "../../src/util/shell-quote";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["10m", 600_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["2m30s", 150_000],
  ])("parses %s", (text, ms) => {
    expect(parseDuration(text)).toEqual({ ms });
  });

  it.each([
    ["", "is empty"],
    ["10", "is not a duration"],
    ["10 minutes", "is not a duration"],
    ["-5m", "is not a duration"],
    ["0s", "must be longer than zero"],
  ])("refuses %j", (text, message) => {
    const result = parseDuration(text);
    expect("error" in result && result.error).toContain(message);
  });
});

describe("parseDuration at the edges of what a timer holds", () => {
  it.each([
    ["596h31m23s", 2_147_483_000],
    ["596h31m23.647s", 2 ** 31 - 1],
    ["2147483647ms", 2 ** 31 - 1],
    ["1ms", 1],
    ["0.5ms", 1],
  ])("accepts %s (%i ms)", (text, ms) => {
    expect(parseDuration(text)).toEqual({ ms });
  });

  it.each([
    ["2147483648ms", "longer than the longest duration allowed, 596h31m23s"],
    ["596h31m24s", "longer than the longest duration allowed, 596h31m23s"],
    ["597h", "longer than the longest duration allowed, 596h31m23s"],
    ["36000000m", "longer than the longest duration allowed, 596h31m23s"],
    ["99999999999999999999999999h", "longer than the longest duration allowed, 596h31m23s"],
    [`${"9".repeat(400)}h`, "longer than the longest duration allowed, 596h31m23s"],
    ["0.4ms", "shorter than the shortest duration, 1ms"],
    ["0.0001s", "shorter than the shortest duration, 1ms"],
  ])("refuses %s", (text, message) => {
    const result = parseDuration(text);
    expect("error" in result && result.error).toContain(message);
  });

  it("names the maximum it advertises as accepted", () => {
    expect(MAX_DURATION_MS).toBe(2 ** 31 - 1);
    const max = parseDuration(MAX_DURATION_TEXT);
    expect("ms" in max && max.ms).toBeLessThanOrEqual(MAX_DURATION_MS);
  });
});

describe("shellQuote", () => {
  it("leaves plain words and quotes the rest so a POSIX shell reads them back", () => {
    expect(shellQuote("/usr/bin/env")).toBe("/usr/bin/env");
    expect(shellQuote("exit 3")).toBe("'exit 3'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote("")).toBe("''");
    expect(shellJoin(["-c", "echo $HOME; exit 3"])).toBe("-c 'echo $HOME; exit 3'");
  });
});
