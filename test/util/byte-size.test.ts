import { parseByteSize } from "../../src/util/byte-size";

describe("parseByteSize", () => {
  it.each([
    ["0", 0],
    ["1048576", 1048576],
    ["512k", 512 * 1024],
    ["64KiB", 64 * 1024],
    ["1M", 1024 ** 2],
    ["1mib", 1024 ** 2],
    ["2GB", 2 * 1024 ** 3],
    ["10b", 10],
  ])("%s is %d bytes", (text, bytes) => {
    expect(parseByteSize(text)).toEqual({ bytes });
  });

  it.each(["", "lots", "1.5M", "-1", "1T", "1 M B"])("refuses %j, saying what is allowed", (text) => {
    const result = parseByteSize(text);
    expect(result).toEqual({ error: expect.stringContaining("is not a size; write bytes like 1048576") });
  });
});
