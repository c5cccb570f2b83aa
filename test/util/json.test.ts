import { parseJsonExact } from "../../src/util/json";

describe("parseJsonExact", () => {
  it("keeps integers beyond 2^53 exact as bigints and leaves the rest alone", () => {
    expect(parseJsonExact('{"pid": 9007199254740993, "n": 42, "f": 1.5}')).toEqual({
      pid: 9007199254740993n,
      n: 42,
      f: 1.5,
    });
    expect(parseJsonExact("9223372036854775807")).toBe(9223372036854775807n);
    expect(parseJsonExact('{"pid": 1234567890123456}')).toEqual({ pid: 1234567890123456 });
  });

  it("does not touch digits inside strings", () => {
    expect(parseJsonExact('{"s": "9007199254740993 \\" 12345678901234567"}')).toEqual({
      s: '9007199254740993 " 12345678901234567',
    });
  });

  it("throws on invalid JSON", () => {
    expect(() => parseJsonExact("<html>12345678901234567")).toThrow();
  });
});
