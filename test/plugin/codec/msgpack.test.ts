import {
  decodeMsgpack,
  encodeMsgpack,
  isMsgpackExt,
  MsgpackError,
  type MsgpackErrorCode,
  MsgpackReader,
  type MsgpackValue,
  MsgpackWriter,
  msgpackKindOf,
} from "../../../src/plugin/codec/msgpack";

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");
const repeat = (byteHex: string, n: number): string => byteHex.repeat(n);

function catchError(fn: () => unknown): MsgpackError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MsgpackError) return e;
    throw e;
  }
  throw new Error("expected a MsgpackError, nothing was thrown");
}

interface Case {
  name: string;
  value: MsgpackValue;
  hex: string;
}

const canonical: Case[] = [
  { name: "nil", value: null, hex: "c0" },
  { name: "false", value: false, hex: "c2" },
  { name: "true", value: true, hex: "c3" },
  { name: "positive fixint 0", value: 0, hex: "00" },
  { name: "positive fixint 127", value: 127, hex: "7f" },
  { name: "uint8 128", value: 128, hex: "cc80" },
  { name: "uint8 255", value: 255, hex: "ccff" },
  { name: "uint16 256", value: 256, hex: "cd0100" },
  { name: "uint16 65535", value: 65535, hex: "cdffff" },
  { name: "uint32 65536", value: 65536, hex: "ce00010000" },
  { name: "uint32 2^32-1", value: 4294967295, hex: "ceffffffff" },
  { name: "uint64 2^32", value: 4294967296, hex: "cf0000000100000000" },
  { name: "uint64 2^53-1", value: Number.MAX_SAFE_INTEGER, hex: "cf001fffffffffffff" },
  { name: "uint64 2^53 (bigint)", value: 2n ** 53n, hex: "cf0020000000000000" },
  { name: "uint64 2^53+1 (bigint)", value: 2n ** 53n + 1n, hex: "cf0020000000000001" },
  { name: "uint64 max", value: 2n ** 64n - 1n, hex: "cfffffffffffffffff" },
  { name: "negative fixint -1", value: -1, hex: "ff" },
  { name: "negative fixint -32", value: -32, hex: "e0" },
  { name: "int8 -33", value: -33, hex: "d0df" },
  { name: "int8 -128", value: -128, hex: "d080" },
  { name: "int16 -129", value: -129, hex: "d1ff7f" },
  { name: "int16 -32768", value: -32768, hex: "d18000" },
  { name: "int32 -32769", value: -32769, hex: "d2ffff7fff" },
  { name: "int32 -2^31", value: -2147483648, hex: "d280000000" },
  { name: "int64 -2^31-1", value: -2147483649, hex: "d3ffffffff7fffffff" },
  { name: "int64 -(2^53-1)", value: -Number.MAX_SAFE_INTEGER, hex: "d3ffe0000000000001" },
  { name: "int64 -2^53 (bigint)", value: -(2n ** 53n), hex: "d3ffe0000000000000" },
  { name: "int64 min (bigint)", value: -(2n ** 63n), hex: "d38000000000000000" },
  { name: "float64 1.5", value: 1.5, hex: "cb3ff8000000000000" },
  { name: "float64 -0.1", value: -0.1, hex: "cbbfb999999999999a" },
  { name: "float64 infinity", value: Infinity, hex: "cb7ff0000000000000" },
  { name: "fixstr empty", value: "", hex: "a0" },
  { name: "fixstr ascii", value: "hello", hex: "a568656c6c6f" },
  { name: "fixstr utf-8", value: "päß", hex: "a570c3a4c39f" },
  { name: "fixstr 31 bytes", value: "x".repeat(31), hex: "bf" + repeat("78", 31) },
  { name: "str8 32 bytes", value: "x".repeat(32), hex: "d920" + repeat("78", 32) },
  { name: "str8 long utf-8", value: "✓".repeat(40), hex: "d978" + repeat("e29c93", 40) },
  { name: "str16 256 bytes", value: "y".repeat(256), hex: "da0100" + repeat("79", 256) },
  { name: "str32 65536 bytes", value: "z".repeat(65536), hex: "db00010000" + repeat("7a", 65536) },
  { name: "bin8 empty", value: new Uint8Array(0), hex: "c400" },
  { name: "bin8 3 bytes", value: new Uint8Array([1, 2, 3]), hex: "c403010203" },
  { name: "bin16 256 bytes", value: new Uint8Array(256).fill(9), hex: "c50100" + repeat("09", 256) },
  {
    name: "bin32 65536 bytes",
    value: new Uint8Array(65536).fill(7),
    hex: "c600010000" + repeat("07", 65536),
  },
  { name: "fixarray empty", value: [], hex: "90" },
  { name: "fixarray 15", value: new Array(15).fill(1), hex: "9f" + repeat("01", 15) },
  { name: "array16 16", value: new Array(16).fill(0), hex: "dc0010" + repeat("00", 16) },
  { name: "array32 65536", value: new Array(65536).fill(null), hex: "dd00010000" + repeat("c0", 65536) },
  { name: "nested arrays", value: [[1, [true]], "a"], hex: "92920191c3a161" },
  { name: "fixmap empty", value: new Map(), hex: "80" },
  { name: "fixmap", value: new Map<MsgpackValue, MsgpackValue>([["a", 1]]), hex: "81a16101" },
  {
    name: "map16 16 entries",
    value: new Map(Array.from({ length: 16 }, (_, i) => [i, null])),
    hex: "de0010" + Array.from({ length: 16 }, (_, i) => i.toString(16).padStart(2, "0") + "c0").join(""),
  },
  {
    name: "map32 65536 entries",
    value: new Map(Array.from({ length: 65536 }, (_, i) => [i, true])),
    hex:
      "df00010000" +
      Array.from({ length: 65536 }, (_, i) => {
        if (i < 128) return i.toString(16).padStart(2, "0") + "c3";
        if (i < 256) return "cc" + i.toString(16).padStart(2, "0") + "c3";
        return "cd" + i.toString(16).padStart(4, "0") + "c3";
      }).join(""),
  },
  { name: "fixext1 (cty unknown)", value: { type: 0, data: new Uint8Array([0]) }, hex: "d40000" },
  { name: "fixext2", value: { type: 1, data: new Uint8Array([1, 2]) }, hex: "d5010102" },
  { name: "fixext4", value: { type: 2, data: new Uint8Array(4).fill(4) }, hex: "d60204040404" },
  { name: "fixext8", value: { type: 3, data: new Uint8Array(8).fill(8) }, hex: "d703" + repeat("08", 8) },
  { name: "fixext16", value: { type: 4, data: new Uint8Array(16).fill(6) }, hex: "d804" + repeat("06", 16) },
  { name: "ext8 empty", value: { type: 5, data: new Uint8Array(0) }, hex: "c70005" },
  { name: "ext8 3 bytes (refined unknown)", value: { type: 12, data: hex("8101c2") }, hex: "c7030c8101c2" },
  { name: "ext8 negative type", value: { type: -1, data: new Uint8Array(3) }, hex: "c703ff000000" },
  {
    name: "ext16 256 bytes",
    value: { type: 7, data: new Uint8Array(256) },
    hex: "c8010007" + repeat("00", 256),
  },
  {
    name: "ext32 65536 bytes",
    value: { type: 8, data: new Uint8Array(65536) },
    hex: "c90001000008" + repeat("00", 65536),
  },
];

/** Normalizes what decodeMsgpack returns so it compares equal to the case value (Buffers vs Uint8Array). */
function plain(v: MsgpackValue): unknown {
  if (v instanceof Uint8Array) return Array.from(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return new Map([...v].map(([k, e]) => [plain(k), plain(e)]));
  if (v !== null && typeof v === "object") {
    const o = v as { type: number; data: Uint8Array };
    return { type: o.type, data: Array.from(o.data) };
  }
  return v;
}

describe("msgpack canonical forms", () => {
  test.each(canonical)("encodes $name", ({ value, hex: h }) => {
    expect(encodeMsgpack(value).toString("hex")).toBe(h);
  });

  test.each(canonical)("decodes $name", ({ value, hex: h }) => {
    expect(plain(decodeMsgpack(hex(h)))).toStrictEqual(plain(value));
  });
});

describe("msgpack non-canonical forms decode", () => {
  const cases: { name: string; hex: string; value: MsgpackValue }[] = [
    { name: "uint8 holding 5", hex: "cc05", value: 5 },
    { name: "uint16 holding 5", hex: "cd0005", value: 5 },
    { name: "uint32 holding 5", hex: "ce00000005", value: 5 },
    { name: "uint64 holding 5", hex: "cf0000000000000005", value: 5 },
    { name: "int8 holding 5", hex: "d005", value: 5 },
    { name: "int16 holding -1", hex: "d1ffff", value: -1 },
    { name: "int32 holding 7", hex: "d200000007", value: 7 },
    { name: "int64 holding -1", hex: "d3ffffffffffffffff", value: -1 },
    { name: "int64 holding 2^53-1", hex: "d3001fffffffffffff", value: Number.MAX_SAFE_INTEGER },
    { name: "int64 holding max int64", hex: "d37fffffffffffffff", value: 2n ** 63n - 1n },
    { name: "float32 1.5", hex: "ca3fc00000", value: 1.5 },
    { name: "float32 -infinity", hex: "caff800000", value: -Infinity },
    { name: "str8 short", hex: "d903616263", value: "abc" },
    { name: "str16 short", hex: "da0001" + "61", value: "a" },
    { name: "str32 short", hex: "db00000001" + "62", value: "b" },
    { name: "array16 short", hex: "dc000101", value: [1] },
    { name: "array32 short", hex: "dd0000000102", value: [2] },
    { name: "map16 short", hex: "de0001a16101", value: new Map<MsgpackValue, MsgpackValue>([["a", 1]]) },
    { name: "map32 short", hex: "df00000001a16102", value: new Map<MsgpackValue, MsgpackValue>([["a", 2]]) },
    { name: "invalid utf-8 becomes U+FFFD", hex: "a2c328", value: "\ufffd(" },
  ];
  test.each(cases)("$name", ({ hex: h, value }) => {
    expect(plain(decodeMsgpack(hex(h)))).toStrictEqual(plain(value));
  });
});

describe("msgpack decoding errors", () => {
  const cases: { name: string; hex: string; code: MsgpackErrorCode; offset: number; message: RegExp }[] = [
    { name: "empty input", hex: "", code: "MSGPACK_TRUNCATED", offset: 0, message: /end of input at byte 0/ },
    {
      name: "uint16 missing a byte",
      hex: "cd10",
      code: "MSGPACK_TRUNCATED",
      offset: 0,
      message: /needs 3 bytes, 2 left/,
    },
    {
      name: "uint64 missing bytes",
      hex: "cf00200000",
      code: "MSGPACK_TRUNCATED",
      offset: 0,
      message: /byte 0/,
    },
    { name: "float64 missing bytes", hex: "cb3ff8", code: "MSGPACK_TRUNCATED", offset: 0, message: /float/ },
    { name: "float32 missing bytes", hex: "ca3f", code: "MSGPACK_TRUNCATED", offset: 0, message: /float/ },
    { name: "fixstr short payload", hex: "a56868", code: "MSGPACK_TRUNCATED", offset: 0, message: /str/ },
    { name: "str8 missing length", hex: "d9", code: "MSGPACK_TRUNCATED", offset: 0, message: /str/ },
    { name: "str32 huge length", hex: "dbffffffff61", code: "MSGPACK_TRUNCATED", offset: 0, message: /left/ },
    { name: "bin16 short payload", hex: "c5000501", code: "MSGPACK_TRUNCATED", offset: 0, message: /bin/ },
    { name: "fixext4 short payload", hex: "d60001", code: "MSGPACK_TRUNCATED", offset: 0, message: /ext/ },
    { name: "ext32 missing length", hex: "c90000", code: "MSGPACK_TRUNCATED", offset: 0, message: /ext/ },
    { name: "array missing element", hex: "9201", code: "MSGPACK_TRUNCATED", offset: 2, message: /byte 2/ },
    { name: "map missing value", hex: "81a161", code: "MSGPACK_TRUNCATED", offset: 3, message: /byte 3/ },
    { name: "array16 missing count", hex: "dc00", code: "MSGPACK_TRUNCATED", offset: 0, message: /array/ },
    { name: "nested truncation", hex: "9191cd01", code: "MSGPACK_TRUNCATED", offset: 2, message: /byte 2/ },
    {
      name: "never-used byte 0xc1",
      hex: "c1",
      code: "MSGPACK_INVALID",
      offset: 0,
      message: /0xc1 at byte 0/,
    },
    {
      name: "0xc1 inside an array",
      hex: "9201c1",
      code: "MSGPACK_INVALID",
      offset: 2,
      message: /0xc1 at byte 2/,
    },
    { name: "trailing bytes", hex: "0001", code: "MSGPACK_INVALID", offset: 1, message: /trailing/ },
  ];
  test.each(cases)("$name", ({ hex: h, code, offset, message }) => {
    const e = catchError(() => decodeMsgpack(hex(h)));
    expect(e.code).toBe(code);
    expect(e.offset).toBe(offset);
    expect(e.message).toMatch(message);
    expect(e.name).toBe("MsgpackError");
  });

  test("nesting deeper than the limit is rejected, not a stack overflow", () => {
    const e = catchError(() => decodeMsgpack(Buffer.alloc(100000, 0x91)));
    expect(e.code).toBe("MSGPACK_INVALID");
    expect(e.message).toMatch(/nesting too deep/);
  });
});

describe("MsgpackReader", () => {
  test("typed reads report the family they found", () => {
    const r = new MsgpackReader(hex("92"));
    const e = catchError(() => r.readStr());
    expect(e.code).toBe("MSGPACK_UNEXPECTED");
    expect(e.message).toBe("expected str, found array (0x92) at byte 0");
    expect(r.pos).toBe(0);
  });

  test.each([
    ["readNil", "c3"],
    ["readBool", "c0"],
    ["readInt", "cb3ff8000000000000"],
    ["readFloat", "01"],
    ["readNumber", "a0"],
    ["readBin", "a0"],
    ["readArrayHeader", "80"],
    ["readMapHeader", "90"],
    ["readExt", "c400"],
  ] as const)("%s rejects %s", (method, h) => {
    const r = new MsgpackReader(hex(h));
    expect(catchError(() => r[method]()).code).toBe("MSGPACK_UNEXPECTED");
  });

  test("reads a sequence of values with the typed methods", () => {
    const w = new MsgpackWriter(1);
    w.writeArrayHeader(3);
    w.writeStr("pid");
    w.writeInt(4242);
    w.writeMapHeader(1);
    w.writeBool(true);
    w.writeNil();
    w.writeFloat32(0.5);
    w.writeExt(12, hex("8101c2"));
    w.writeBin(hex("00ff"));
    w.writeRaw(hex("c3"));
    const r = new MsgpackReader(w.finish());
    expect(r.peekKind()).toBe("array");
    expect(r.readArrayHeader()).toBe(3);
    expect(r.readStr()).toBe("pid");
    expect(r.readNumber()).toBe(4242);
    expect(r.readMapHeader()).toBe(1);
    expect(r.readBool()).toBe(true);
    expect(r.tryReadNil()).toBe(true);
    expect(r.tryReadNil()).toBe(false);
    expect(r.readNumber()).toBe(0.5);
    const ext = r.readExt();
    expect(ext.type).toBe(12);
    expect(Buffer.from(ext.data).toString("hex")).toBe("8101c2");
    expect(Buffer.from(r.readBin()).toString("hex")).toBe("00ff");
    expect(r.readBool()).toBe(true);
    expect(r.atEnd).toBe(true);
    expect(() => r.expectEnd()).not.toThrow();
  });

  test("skip() passes over nested values of every family", () => {
    const value: MsgpackValue = [
      new Map<MsgpackValue, MsgpackValue>([["a", [1, -200, 2n ** 60n, 1.5, "x".repeat(40)]]]),
      { type: 12, data: hex("8201c202a3766d2d") },
      new Uint8Array(300),
      [[[[]]]],
      null,
      false,
    ];
    const bytes = Buffer.concat([encodeMsgpack(value), hex("7b")]);
    const r = new MsgpackReader(bytes);
    r.skip();
    expect(r.readInt()).toBe(123);
    expect(r.atEnd).toBe(true);
  });

  test("skip() reports truncation inside a nested value", () => {
    const r = new MsgpackReader(hex("9281a161dc00"));
    expect(catchError(() => r.skip()).code).toBe("MSGPACK_TRUNCATED");
  });

  test("reads only the given range of a larger buffer, without copying", () => {
    const bytes = hex("ffa3616263c0");
    const r = new MsgpackReader(bytes, 1, 5);
    expect(r.readStr()).toBe("abc");
    expect(r.atEnd).toBe(true);
    expect(catchError(() => r.peek()).offset).toBe(5);
    expect(() => new MsgpackReader(bytes, 4, 10)).toThrow(RangeError);
  });

  test("accepts a Uint8Array view that is not a Buffer", () => {
    const backing = new Uint8Array([0xff, 0xcd, 0x10, 0x92, 0xff]);
    const r = new MsgpackReader(backing.subarray(1, 4));
    expect(r.readInt()).toBe(4242);
  });

  test("kinds of first bytes", () => {
    expect(
      [0x00, 0x80, 0x90, 0xa0, 0xc0, 0xc1, 0xc2, 0xc4, 0xc7, 0xca, 0xcc, 0xd4, 0xd9, 0xdc, 0xde, 0xe0].map(
        msgpackKindOf,
      ),
    ).toEqual([
      "int",
      "map",
      "array",
      "str",
      "nil",
      "invalid",
      "bool",
      "bin",
      "ext",
      "float",
      "int",
      "ext",
      "str",
      "array",
      "map",
      "int",
    ]);
    expect([0xc7, 0xc8, 0xc9, 0xd4, 0xd8].every(isMsgpackExt)).toBe(true);
    expect([0xc6, 0xca, 0xd3, 0xd9, 0xc0].some(isMsgpackExt)).toBe(false);
  });
});

describe("MsgpackWriter", () => {
  test("grows from a tiny buffer and keeps earlier bytes", () => {
    const w = new MsgpackWriter(1);
    for (let i = 0; i < 1000; i++) w.writeInt(i);
    const out = w.finish();
    expect(decodeMsgpack(Buffer.concat([hex("dc03e8"), out]))).toEqual(
      Array.from({ length: 1000 }, (_, i) => i),
    );
    expect(w.length).toBe(0);
  });

  test("writes number integers above 2^53 exactly", () => {
    const w = new MsgpackWriter();
    w.writeInt(2 ** 60);
    w.writeInt(-(2 ** 60));
    expect(w.finish().toString("hex")).toBe("cf1000000000000000" + "d3f000000000000000");
  });

  test.each([
    ["a fraction", 1.5],
    ["NaN", Number.NaN],
    ["2^64", 2n ** 64n],
    ["-2^63-1", -(2n ** 63n) - 1n],
  ] as const)("writeInt rejects %s", (_name, v) => {
    const w = new MsgpackWriter();
    expect(catchError(() => w.writeInt(v)).code).toBe("MSGPACK_RANGE");
  });

  test("writeExt rejects an out-of-range extension type", () => {
    expect(catchError(() => new MsgpackWriter().writeExt(200, new Uint8Array(1))).code).toBe("MSGPACK_RANGE");
  });

  test("lone surrogates are written as U+FFFD", () => {
    expect(encodeMsgpack("a\ud800").toString("hex")).toBe("a461efbfbd");
    expect(encodeMsgpack("\ud800".repeat(20)).toString("hex")).toBe("d93c" + "efbfbd".repeat(20));
  });

  test("plain objects encode as maps with string keys", () => {
    expect(encodeMsgpack({ a: 1, b: [true] }).toString("hex")).toBe("82a16101a16291c3");
  });
});
