import { parseDuration } from "../../src/util/duration";
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

describe("shellQuote", () => {
  it("leaves plain words and quotes the rest so a POSIX shell reads them back", () => {
    expect(shellQuote("/usr/bin/env")).toBe("/usr/bin/env");
    expect(shellQuote("exit 3")).toBe("'exit 3'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote("")).toBe("''");
    expect(shellJoin(["-c", "echo $HOME; exit 3"])).toBe("-c 'echo $HOME; exit 3'");
  });
});
