import * as fs from "node:fs";
import * as path from "node:path";
import {
  CtyCodecError,
  CtyDynamic,
  type CtyErrorCode,
  type CtyType,
  type CtyValue,
  compareCodePoints,
  ctyTypeToJson,
  decodeCty,
  encodeCty,
  formatCtyPath,
  isUnknown,
  isWhollyKnown,
  parseCtyType,
  UNKNOWN,
} from "../../../src/plugin/codec/cty";
import { impliedType, type SchemaBlock } from "../../../src/plugin/codec/schema";

// ---------------------------------------------------------------------------------------------
// The go-cty vectors, kept in the repository's test fixtures so a fresh clone runs them;
// a missing file fails the suite on purpose.

const VECTORS_PATH = path.join(__dirname, "../../fixtures/cty-msgpack.json");

/** The language-neutral value description of the vector file (see its `about`). */
type Desc =
  | { string: string }
  | { number: string }
  | { bool: boolean }
  | { null: true }
  | { unknown: true }
  | { list: Desc[] }
  | { set: Desc[] }
  | { tuple: Desc[] }
  | { map: Record<string, Desc> }
  | { object: Record<string, Desc> }
  | { dynamic: { type: unknown; value: Desc } };

interface Vector {
  name: string;
  type: unknown;
  value: Desc;
  msgpack_hex: string;
}

interface VectorFile {
  about: string;
  vectors: Vector[];
  decode_only: Vector[];
}

function loadVectors(): VectorFile {
  let text: string;
  try {
    text = fs.readFileSync(VECTORS_PATH, "utf8");
  } catch (e) {
    throw new Error(`the cty vectors are missing at ${VECTORS_PATH}: ${(e as Error).message}`);
  }
  return JSON.parse(text) as VectorFile;
}

const file = loadVectors();

/** The JavaScript value a decimal number description decodes to. */
function naturalNumber(s: string): number | bigint {
  if (/^-?\d+$/.test(s)) {
    const b = BigInt(s);
    return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  }
  return Number(s);
}

/** `true` when the decimal `s` is exactly a float64 (toFixed prints a double's exact expansion). */
function exactInFloat64(s: string): boolean {
  if (/^-?\d+$/.test(s)) return true;
  const x = Number(s);
  const strip = (t: string) =>
    t
      .replace(/^(-?)0+(?=\d)/, "$1")
      .replace(/(\.\d*?)0+$/, "$1")
      .replace(/\.$/, "");
  return Math.abs(x) < 1e21 && strip(x.toFixed(100)) === strip(s);
}

/**
 * The CtyValue of a description. `numbers: "natural"` gives the decoded form (number/bigint);
 * `"decimal"` keeps the decimal strings, which encode exactly as go-cty did.
 */
function toValue(d: Desc, numbers: "natural" | "decimal"): CtyValue {
  const keys = Object.keys(d);
  if (keys.length !== 1) throw new Error(`bad value description ${JSON.stringify(d)}`);
  if ("string" in d) return d.string;
  if ("number" in d) return numbers === "natural" ? naturalNumber(d.number) : d.number;
  if ("bool" in d) return d.bool;
  if ("null" in d) return null;
  if ("unknown" in d) return UNKNOWN;
  if ("list" in d) return d.list.map((e) => toValue(e, numbers));
  if ("set" in d) return d.set.map((e) => toValue(e, numbers));
  if ("tuple" in d) return d.tuple.map((e) => toValue(e, numbers));
  const obj = "map" in d ? d.map : "object" in d ? d.object : undefined;
  if (obj !== undefined) {
    const out: { [k: string]: CtyValue } = {};
    for (const [k, e] of Object.entries(obj)) out[k] = toValue(e, numbers);
    return out;
  }
  if ("dynamic" in d) {
    return new CtyDynamic(parseCtyType(JSON.stringify(d.dynamic.type)), toValue(d.dynamic.value, numbers));
  }
  throw new Error(`unknown value description ${JSON.stringify(d)}`);
}

function allNumbersExact(d: Desc): boolean {
  if ("number" in d) return exactInFloat64(d.number);
  if ("list" in d) return d.list.every(allNumbersExact);
  if ("set" in d) return d.set.every(allNumbersExact);
  if ("tuple" in d) return d.tuple.every(allNumbersExact);
  if ("map" in d) return Object.values(d.map).every(allNumbersExact);
  if ("object" in d) return Object.values(d.object).every(allNumbersExact);
  if ("dynamic" in d) return allNumbersExact(d.dynamic.value);
  return true;
}

function hasUnknown(d: Desc): boolean {
  if ("unknown" in d) return true;
  const children = "list" in d ? d.list : "set" in d ? d.set : "tuple" in d ? d.tuple : undefined;
  if (children) return children.some(hasUnknown);
  if ("map" in d) return Object.values(d.map).some(hasUnknown);
  if ("object" in d) return Object.values(d.object).some(hasUnknown);
  if ("dynamic" in d) return hasUnknown(d.dynamic.value);
  return false;
}

const typeOf = (v: Vector): CtyType => parseCtyType(JSON.stringify(v.type));
const bytes = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ""), "hex");
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString("hex");

function catchCty(fn: () => unknown): CtyCodecError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CtyCodecError) return e;
    throw e;
  }
  throw new Error("expected a CtyCodecError, nothing was thrown");
}

describe("go-cty vectors (test/fixtures/cty-msgpack.json)", () => {
  test("the vector file has the expected structure and size", () => {
    expect(typeof file.about).toBe("string");
    expect(file.vectors.length).toBeGreaterThanOrEqual(34);
    expect(file.decode_only.length).toBeGreaterThanOrEqual(3);
    for (const v of [...file.vectors, ...file.decode_only]) {
      expect(typeof v.name).toBe("string");
      expect(v.msgpack_hex).toMatch(/^([0-9a-f]{2})+$/);
    }
  });

  const all = [...file.vectors, ...file.decode_only];

  test.each(all)("decodes: $name", (v) => {
    expect(decodeCty(typeOf(v), bytes(v.msgpack_hex))).toStrictEqual(toValue(v.value, "natural"));
  });

  test.each(all)("type JSON prints back identically: $name", (v) => {
    expect(ctyTypeToJson(typeOf(v))).toBe(JSON.stringify(v.type));
  });

  test.each(all)("isWhollyKnown agrees with the description: $name", (v) => {
    expect(isWhollyKnown(decodeCty(typeOf(v), bytes(v.msgpack_hex)))).toBe(!hasUnknown(v.value));
  });

  test.each(file.vectors)("encodes to go-cty's exact bytes: $name", (v) => {
    const type = typeOf(v);
    const encoded = encodeCty(type, toValue(v.value, "decimal"));
    expect(hexOf(encoded)).toBe(v.msgpack_hex);
    expect(decodeCty(type, encoded)).toStrictEqual(toValue(v.value, "natural"));
  });

  test.each(file.vectors)("round-trips the decoded JavaScript value: $name", (v) => {
    const type = typeOf(v);
    const natural = toValue(v.value, "natural");
    const encoded = encodeCty(type, natural);
    // A decimal that float64 cannot hold (0.1) decodes to the nearest double, which then
    // encodes as that double; everything else comes back byte for byte.
    if (allNumbersExact(v.value)) expect(hexOf(encoded)).toBe(v.msgpack_hex);
    expect(decodeCty(type, encoded)).toStrictEqual(natural);
  });

  test.each(all)("every strict prefix is reported as truncated: $name", (v) => {
    const full = bytes(v.msgpack_hex);
    const type = typeOf(v);
    for (let n = 0; n < full.length; n++) {
      const e = catchCty(() => decodeCty(type, full.subarray(0, n)));
      expect(e.code).toBe("CTY_TRUNCATED");
      expect(e.offset).toBeLessThanOrEqual(n);
    }
  });

  test("corrupted vectors either decode or fail with a CtyCodecError", () => {
    // A small deterministic PRNG, so a failure is reproducible.
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    let failures = 0;
    for (const v of all) {
      const type = typeOf(v);
      const full = bytes(v.msgpack_hex);
      for (let i = 0; i < full.length; i++) {
        for (let k = 0; k < 8; k++) {
          const mutated = Buffer.from(full);
          mutated[i] = rand() & 0xff;
          try {
            decodeCty(type, mutated);
          } catch (e) {
            expect(e).toBeInstanceOf(CtyCodecError);
            failures++;
          }
        }
      }
    }
    expect(failures).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Named cases

interface RoundTrip {
  name: string;
  type: CtyType;
  value: CtyValue;
  hex: string;
  /** What decoding gives, when not `value` itself. */
  decoded?: CtyValue;
}

const str = "string" as const;
const num = "number" as const;
const ascii = (s: string): string => Buffer.from(s).toString("hex");
const hex2 = (n: number): string => n.toString(16).padStart(2, "0");
/** A msgpack str (fixstr or str8) holding `s`, in hex. */
const strHex = (s: string): string => {
  const n = Buffer.byteLength(s);
  return (n < 32 ? hex2(0xa0 | n) : "d9" + hex2(n)) + ascii(s);
};
/** A msgpack bin8 holding the UTF-8 of `s`, in hex. */
const binHex = (s: string): string => "c4" + hex2(Buffer.byteLength(s)) + ascii(s);

const roundTrips: RoundTrip[] = [
  { name: "null string", type: str, value: null, hex: "c0" },
  { name: "null list", type: ["list", str], value: null, hex: "c0" },
  { name: "null object", type: ["object", { a: str }], value: null, hex: "c0" },
  { name: "null dynamic", type: "dynamic", value: null, hex: "c0" },
  { name: "unknown bool", type: "bool", value: UNKNOWN, hex: "d40000" },
  { name: "unknown map", type: ["map", num], value: UNKNOWN, hex: "d40000" },
  { name: "unknown object", type: ["object", { a: str }], value: UNKNOWN, hex: "d40000" },
  { name: "unknown tuple", type: ["tuple", [str]], value: UNKNOWN, hex: "d40000" },
  { name: "unknown dynamic", type: "dynamic", value: UNKNOWN, hex: "d40000" },
  { name: "2^53+1 stays exact", type: num, value: 2n ** 53n + 1n, hex: "cf0020000000000001" },
  { name: "2^53 as a number", type: num, value: 2 ** 53, hex: "cf0020000000000000", decoded: 2n ** 53n },
  { name: "2^53-1 is a safe number", type: num, value: Number.MAX_SAFE_INTEGER, hex: "cf001fffffffffffff" },
  { name: "-(2^53+1)", type: num, value: -(2n ** 53n) - 1n, hex: "d3ffdfffffffffffff" },
  { name: "max int64", type: num, value: 2n ** 63n - 1n, hex: "cf7fffffffffffffff" },
  { name: "min int64", type: num, value: -(2n ** 63n), hex: "d38000000000000000" },
  { name: "2^63 is exact in float64", type: num, value: 2n ** 63n, hex: "cb43e0000000000000" },
  {
    name: "2^64+1 becomes a decimal string",
    type: num,
    value: 2n ** 64n + 1n,
    hex: strHex("18446744073709551617"),
  },
  {
    name: "-2^63-1 becomes a decimal string",
    type: num,
    value: -(2n ** 63n) - 1n,
    hex: strHex("-9223372036854775809"),
  },
  {
    name: "1e300 (an integer number) as float64",
    type: num,
    value: 1e300,
    hex: "cb7e37e43c8800759c",
    decoded: BigInt(1e300),
  },
  { name: "number 0.1 as float64", type: num, value: 0.1, hex: "cb3fb999999999999a" },
  { name: "negative fraction", type: num, value: -2.25, hex: "cbc002000000000000" },
  { name: "infinity", type: num, value: Infinity, hex: "cb7ff0000000000000" },
  { name: "decimal string 1.50 is exact", type: num, value: "1.50", hex: "cb3ff8000000000000", decoded: 1.5 },
  { name: "decimal string 0.1000", type: num, value: "0.1000", hex: "a3302e31", decoded: 0.1 },
  { name: "decimal string 1e-7", type: num, value: "1e-7", hex: "a9302e30303030303031", decoded: 1e-7 },
  { name: "decimal string -12.5e1", type: num, value: "-12.5e1", hex: "d083", decoded: -125 },
  { name: "decimal string 4242", type: num, value: "4242", hex: "cd1092", decoded: 4242 },
  { name: "decimal string -0", type: num, value: "-0", hex: "00", decoded: 0 },
  {
    name: "decimal string beyond float64 precision",
    type: num,
    value: "3.14159265358979323846264338327950288",
    hex: strHex("3.14159265358979323846264338327950288"),
    decoded: Math.PI,
  },
  { name: "set of strings", type: ["set", str], value: ["a", "b", "c"], hex: "93a161a162a163" },
  {
    name: "set of objects",
    type: ["set", ["object", { id: num }]],
    value: [{ id: 1 }, { id: 2 }],
    hex: "9281a2696401" + "81a2696402",
  },
  {
    name: "map keys are written in sorted order",
    type: ["map", num],
    value: { b: 2, a: 1 },
    hex: "82a16101a16202",
  },
  {
    name: "map keys sort by code point, not UTF-16 unit",
    type: ["map", "bool"],
    value: { "\u{1F600}": true, "\uFB01": false },
    hex: "82a3efac81c2a4f09f9880c3",
  },
  {
    name: "map with null and unknown elements",
    type: ["map", str],
    value: { a: null, b: UNKNOWN },
    hex: "82a161c0a162d40000",
  },
  {
    name: "map key __proto__ is an own key",
    type: ["map", str],
    value: JSON.parse('{"__proto__":"x"}'),
    hex: "81a95f5f70726f746f5f5fa178",
  },
  { name: "empty map", type: ["map", str], value: {}, hex: "80" },
  {
    name: "object attributes are written sorted, missing ones as nil",
    type: ["object", { zeta: str, alpha: num, mid: "bool" }],
    value: { zeta: "z" },
    hex: "83a5616c706861c0a36d6964c0a47a657461a17a",
    decoded: { alpha: null, mid: null, zeta: "z" },
  },
  {
    name: "object attribute named like an Object.prototype member",
    type: ["object", { constructor: str, toString: str }],
    value: { toString: "t" },
    hex: "82ab636f6e7374727563746f72c0a8746f537472696e67a174",
    decoded: { constructor: null, toString: "t" },
  },
  { name: "empty object type", type: ["object", {}], value: {}, hex: "80" },
  { name: "tuple", type: ["tuple", [str, num, "bool"]], value: ["a", 1, true], hex: "93a16101c3" },
  { name: "empty tuple", type: ["tuple", []], value: [], hex: "90" },
  {
    name: "dynamic holding an object",
    type: "dynamic",
    value: new CtyDynamic(["object", { a: str }], { a: "x" }),
    hex: "92" + binHex('["object",{"a":"string"}]') + "81a161a178",
  },
  {
    name: "dynamic holding a null string",
    type: "dynamic",
    value: new CtyDynamic(str, null),
    hex: "92" + binHex('"string"') + "c0",
  },
  {
    name: "dynamic holding an unknown number",
    type: "dynamic",
    value: new CtyDynamic(num, UNKNOWN),
    hex: "92" + binHex('"number"') + "d40000",
  },
  {
    name: "dynamic inside an object attribute",
    type: ["object", { extra: "dynamic" }],
    value: { extra: new CtyDynamic(["list", "bool"], [true]) },
    hex: "81a56578747261" + "92" + binHex('["list","bool"]') + "91c3",
  },
  {
    name: "list of dynamic",
    type: ["list", "dynamic"],
    value: [new CtyDynamic(num, 1), new CtyDynamic(str, "a")],
    hex: "92" + "92" + binHex('"number"') + "01" + "92" + binHex('"string"') + "a161",
  },
  { name: "long string", type: str, value: "é".repeat(100), hex: "d9c8" + "c3a9".repeat(100) },
];

describe("round trips", () => {
  test.each(roundTrips)("$name", ({ type, value, hex, decoded }) => {
    const encoded = encodeCty(type, value);
    expect(hexOf(encoded)).toBe(hex);
    expect(decodeCty(type, encoded)).toStrictEqual(decoded === undefined ? value : decoded);
  });
});

// ---------------------------------------------------------------------------------------------
// Decoding what go-cty and newer hosts may send

interface DecodeCase {
  name: string;
  type: CtyType;
  hex: string;
  value: CtyValue;
}

const decodeCases: DecodeCase[] = [
  {
    name: "refined unknown object (ext 12)",
    type: ["object", { a: str }],
    hex: "c7030c8101c2",
    value: UNKNOWN,
  },
  {
    name: "refined unknown list element",
    type: ["list", str],
    hex: "92a161c7030c8101c2",
    value: ["a", UNKNOWN],
  },
  { name: "refined unknown dynamic", type: "dynamic", hex: "c7030c8101c2", value: UNKNOWN },
  {
    name: "any extension type is unknown (fixext4, type 5)",
    type: "bool",
    hex: "d60500000000",
    value: UNKNOWN,
  },
  { name: "unknown in an ext32", type: str, hex: "c9000000010000", value: UNKNOWN },
  { name: "number as uint8", type: num, hex: "cc05", value: 5 },
  { name: "number as int8", type: num, hex: "d0ff", value: -1 },
  { name: "number as int64 (small)", type: num, hex: "d30000000000000007", value: 7 },
  { name: "number as uint64 max", type: num, hex: "cfffffffffffffffff", value: 2n ** 64n - 1n },
  { name: "number as float32", type: num, hex: "ca3fc00000", value: 1.5 },
  { name: "number as float64 2^53 (bigint)", type: num, hex: "cb4340000000000000", value: 2n ** 53n },
  { name: "number as float64 -infinity", type: num, hex: "cbfff0000000000000", value: -Infinity },
  { name: "number as string 1e3", type: num, hex: strHex("1e3"), value: 1000 },
  { name: "number as string -0.5", type: num, hex: "a42d302e35", value: -0.5 },
  { name: "number as string +Inf", type: num, hex: "a42b496e66", value: Infinity },
  {
    name: "number as string -2^63 (a bigint)",
    type: num,
    hex: strHex("-9223372036854775808"),
    value: -(2n ** 63n),
  },
  { name: "string sent as bin", type: str, hex: "c4026869", value: "hi" },
  { name: "string as str16", type: str, hex: "da00026869", value: "hi" },
  { name: "list as array16", type: ["list", num], hex: "dc00020102", value: [1, 2] },
  { name: "map as map16", type: ["map", num], hex: "de0001a16101", value: { a: 1 } },
  {
    name: "object with attributes out of order",
    type: ["object", { a: num, b: num }],
    hex: "82a16202a16101",
    value: { a: 1, b: 2 },
  },
  {
    name: "object with a missing attribute (null)",
    type: ["object", { a: num, b: num }],
    hex: "81a16202",
    value: { a: null, b: 2 },
  },
  {
    name: "dynamic with its type JSON as str",
    type: "dynamic",
    hex: "92" + strHex('"string"') + "a178",
    value: new CtyDynamic(str, "x"),
  },
  {
    name: "dynamic type JSON of an object with optional attributes",
    type: "dynamic",
    hex: "92" + binHex('["object",{"a":"bool"},["a"]]') + "81a161c3",
    value: new CtyDynamic(["object", { a: "bool" }], { a: true }),
  },
];

describe("decoding", () => {
  test.each(decodeCases)("$name", ({ type, hex, value }) => {
    expect(decodeCty(type, bytes(hex))).toStrictEqual(value);
  });

  test("decodes from a Uint8Array view with an offset", () => {
    const backing = new Uint8Array([0xff, 0x92, 0xa1, 0x61, 0x01, 0xff]);
    expect(decodeCty(["tuple", [str, num]], backing.subarray(1, 5))).toStrictEqual(["a", 1]);
  });
});

// ---------------------------------------------------------------------------------------------
// A data source schema with nested blocks

const processBlock: SchemaBlock = {
  description: "A process in a guest.",
  attributes: [
    { name: "vm", type: str, description: "VM id.", required: true },
    { name: "pid", type: num, description: "Process id.", optional: true, computed: true },
    { name: "env", type: ["map", str], description: "Environment.", optional: true },
  ],
  blockTypes: [
    {
      typeName: "credentials",
      nesting: "list",
      minItems: 1,
      block: {
        attributes: [
          { name: "user_name", type: str, description: "User.", required: true },
          { name: "password", type: str, description: "Password.", optional: true, sensitive: true },
        ],
        blockTypes: [],
      },
    },
    {
      typeName: "timeouts",
      nesting: "single",
      block: {
        attributes: [{ name: "read", type: str, description: "Read timeout.", optional: true }],
        blockTypes: [],
      },
    },
    {
      typeName: "tags",
      nesting: "set",
      block: {
        attributes: [{ name: "name", type: str, description: "Tag.", required: true }],
        blockTypes: [],
      },
    },
    {
      typeName: "labels",
      nesting: "map",
      block: {
        attributes: [{ name: "value", type: str, description: "Label.", required: true }],
        blockTypes: [],
      },
    },
    {
      typeName: "always",
      nesting: "group",
      block: {
        attributes: [{ name: "on", type: "bool", description: "On.", optional: true }],
        blockTypes: [],
      },
    },
  ],
};

describe("impliedType and nested blocks", () => {
  const type = impliedType(processBlock);

  test("maps every attribute and nested block to the object type Terraform implies", () => {
    expect(ctyTypeToJson(type)).toBe(
      '["object",{"always":["object",{"on":"bool"}],' +
        '"credentials":["list",["object",{"password":"string","user_name":"string"}]],' +
        '"env":["map","string"],"labels":["map",["object",{"value":"string"}]],"pid":"number",' +
        '"tags":["set",["object",{"name":"string"}]],"timeouts":["object",{"read":"string"}],"vm":"string"}]',
    );
  });

  test("is cached and frozen", () => {
    expect(impliedType(processBlock)).toBe(type);
    expect(Object.isFrozen(type)).toBe(true);
    expect(Object.isFrozen((type as readonly [string, object])[1])).toBe(true);
  });

  test("an empty block implies an empty object", () => {
    expect(ctyTypeToJson(impliedType({ attributes: [], blockTypes: [] }))).toBe('["object",{}]');
  });

  test("a state with a list of nested objects round-trips", () => {
    const state: CtyValue = {
      vm: "vm-1001",
      pid: 2n ** 53n + 7n,
      env: { PATH: "/bin", HOME: "/root" },
      credentials: [
        { user_name: "root", password: UNKNOWN },
        { user_name: "admin", password: null },
      ],
      timeouts: null,
      tags: [{ name: "a" }],
      labels: { x: { value: "1" } },
      always: { on: true },
    };
    const decoded = decodeCty(type, encodeCty(type, state));
    expect(decoded).toStrictEqual(state);
    expect(isWhollyKnown(decoded)).toBe(false);
  });

  test("rejects a name used twice", () => {
    const block: SchemaBlock = {
      attributes: [{ name: "x", type: str, description: "x" }],
      blockTypes: [{ typeName: "x", nesting: "single", block: { attributes: [], blockTypes: [] } }],
    };
    expect(() => impliedType(block)).toThrow(/"x" is defined twice/);
  });

  test("rejects dynamic inside list-nested blocks", () => {
    const block: SchemaBlock = {
      attributes: [],
      blockTypes: [
        {
          typeName: "item",
          nesting: "list",
          block: { attributes: [{ name: "v", type: "dynamic", description: "v" }], blockTypes: [] },
        },
      ],
    };
    expect(() => impliedType(block)).toThrow(/must not contain dynamic/);
  });
});

// ---------------------------------------------------------------------------------------------
// Errors, with the path where they happened

const stateType = impliedType(processBlock);

interface ErrorCase {
  name: string;
  run: () => unknown;
  code: CtyErrorCode;
  path: string;
  message: RegExp;
}

/** The same shape with `password` as a number, to produce bytes the real type rejects deep inside. */
const numericPasswordType: CtyType = [
  "object",
  { credentials: ["list", ["object", { password: num, user_name: str }]] },
];
const wrongPasswordBytes = encodeCty(numericPasswordType, {
  credentials: [{ user_name: "root", password: 12345 }],
});
const credsType: CtyType = [
  "object",
  { credentials: ["list", ["object", { password: str, user_name: str }]] },
];

const errorCases: ErrorCase[] = [
  {
    name: "encode: wrong type deep in a nested object",
    run: () => encodeCty(stateType, { vm: "v", credentials: [{ user_name: "root", password: 12345 }] }),
    code: "CTY_TYPE_MISMATCH",
    path: ".credentials[0].password",
    message: /^\.credentials\[0\]\.password: expected string, got a number$/,
  },
  {
    name: "decode: wrong type deep in a nested object",
    run: () => decodeCty(credsType, wrongPasswordBytes),
    code: "CTY_TYPE_MISMATCH",
    path: ".credentials[0].password",
    message: /^\.credentials\[0\]\.password: expected string, found msgpack int at byte \d+$/,
  },
  {
    name: "encode: wrong type in a map element",
    run: () => encodeCty(stateType, { labels: { "a b": { value: true } } }),
    code: "CTY_TYPE_MISMATCH",
    path: '.labels["a b"].value',
    message: /expected string, got a boolean/,
  },
  {
    name: "decode: wrong type in a map element",
    run: () => decodeCty(["map", str], bytes("81a3612062c3")),
    code: "CTY_TYPE_MISMATCH",
    path: '["a b"]',
    message: /found msgpack bool at byte 5/,
  },
  {
    name: "decode: extra object key rejected",
    run: () => decodeCty(["object", { a: str }], bytes("82a161a178a162a179")),
    code: "CTY_EXTRA_ATTRIBUTE",
    path: "",
    message: /^unsupported attribute "b" at byte 5$/,
  },
  {
    name: "decode: extra key in a nested object",
    run: () => decodeCty(["list", ["object", { a: str }]], bytes("9181a27878c0")),
    code: "CTY_EXTRA_ATTRIBUTE",
    path: "[0]",
    message: /unsupported attribute "xx"/,
  },
  {
    name: "encode: extra object key rejected",
    run: () => encodeCty(stateType, { vm: "v", vm_id: "x" }),
    code: "CTY_EXTRA_ATTRIBUTE",
    path: "",
    message: /unsupported attribute "vm_id"/,
  },
  {
    name: "decode: truncated input",
    run: () =>
      decodeCty(numericPasswordType, wrongPasswordBytes.subarray(0, wrongPasswordBytes.indexOf(0xcd) + 2)),
    code: "CTY_TRUNCATED",
    path: ".credentials[0].password",
    message: /truncated int/,
  },
  {
    name: "decode: array count larger than the input",
    run: () => decodeCty(["list", str], bytes("ddffffffff")),
    code: "CTY_TRUNCATED",
    path: "",
    message: /4294967295 elements announced, 0 bytes left/,
  },
  {
    name: "decode: empty input",
    run: () => decodeCty(str, new Uint8Array(0)),
    code: "CTY_TRUNCATED",
    path: "",
    message: /end of input at byte 0/,
  },
  {
    name: "decode: trailing bytes",
    run: () => decodeCty(str, bytes("a0c0")),
    code: "CTY_TRAILING_BYTES",
    path: "",
    message: /1 unexpected byte\(s\) after the value, at byte 1/,
  },
  {
    name: "decode: invalid byte 0xc1",
    run: () => decodeCty(["list", str], bytes("91c1")),
    code: "CTY_MALFORMED",
    path: "[0]",
    message: /0xc1 at byte 1/,
  },
  {
    name: "decode: invalid byte inside an unknown's skipped payload is fine, but not in a value",
    run: () => decodeCty(["tuple", [str, str]], bytes("92d40000c1")),
    code: "CTY_MALFORMED",
    path: "[1]",
    message: /0xc1/,
  },
  {
    name: "decode: tuple of the wrong length",
    run: () => decodeCty(["tuple", [str, str]], bytes("91a0")),
    code: "CTY_TYPE_MISMATCH",
    path: "",
    message: /expected a tuple of 2 elements, found an array of 1/,
  },
  {
    name: "encode: tuple of the wrong length",
    run: () => encodeCty(["object", { t: ["tuple", [str]] }], { t: ["a", "b"] }),
    code: "CTY_TYPE_MISMATCH",
    path: ".t",
    message: /expected a tuple of 1 elements, got an array of 2/,
  },
  {
    name: "decode: bool where a list is expected",
    run: () => decodeCty(["list", num], bytes("c3")),
    code: "CTY_TYPE_MISMATCH",
    path: "",
    message: /^expected list of number, found msgpack bool at byte 0$/,
  },
  {
    name: "decode: number string that is not a number",
    run: () => decodeCty(["list", num], bytes("91a3616263")),
    code: "CTY_INVALID_NUMBER",
    path: "[0]",
    message: /not a decimal number at byte 1/,
  },
  {
    name: "decode: NaN",
    run: () => decodeCty(num, bytes("cb7ff8000000000000")),
    code: "CTY_INVALID_NUMBER",
    path: "",
    message: /NaN/,
  },
  {
    name: "decode: dynamic that is not a pair",
    run: () => decodeCty("dynamic", bytes("93c0c0c0")),
    code: "CTY_TYPE_MISMATCH",
    path: "",
    message: /2 elements, found 3/,
  },
  {
    name: "decode: dynamic with malformed type JSON",
    run: () => decodeCty(["map", "dynamic"], bytes("81a17892" + binHex("[1]") + "c0")),
    code: "CTY_INVALID_TYPE",
    path: '["x"]',
    message: /invalid cty type.*at byte 4/,
  },
  {
    name: "encode: NaN",
    run: () => encodeCty(["list", num], [1, Number.NaN]),
    code: "CTY_INVALID_NUMBER",
    path: "[1]",
    message: /NaN is not a cty number/,
  },
  {
    name: "encode: a string that is not a number",
    run: () => encodeCty(num, "12 apples"),
    code: "CTY_INVALID_NUMBER",
    path: "",
    message: /not a decimal number/,
  },
  {
    name: "encode: a Map where a map is expected",
    run: () => encodeCty(["map", str], new Map() as unknown as CtyValue),
    code: "CTY_TYPE_MISMATCH",
    path: "",
    message: /expected map of string, got a Map/,
  },
  {
    name: "encode: an array where an object is expected",
    run: () => encodeCty(stateType, [] as CtyValue),
    code: "CTY_TYPE_MISMATCH",
    path: "",
    message: /expected object, got an array/,
  },
  {
    name: "encode: a plain value where dynamic is expected",
    run: () => encodeCty(["object", { d: "dynamic" }], { d: "x" }),
    code: "CTY_TYPE_MISMATCH",
    path: ".d",
    message: /expected a CtyDynamic/,
  },
  {
    name: "encode: a CtyDynamic where a string is expected",
    run: () => encodeCty(str, new CtyDynamic(str, "x")),
    code: "CTY_TYPE_MISMATCH",
    path: "",
    message: /expected string, got a CtyDynamic/,
  },
  {
    name: "encode: the inner value of a dynamic does not fit its type",
    run: () => encodeCty("dynamic", new CtyDynamic(["list", str], ["a", 2])),
    code: "CTY_TYPE_MISMATCH",
    path: "[1]",
    message: /expected string, got a number/,
  },
  {
    name: "encode: undefined in a list",
    run: () => encodeCty(["list", str], [undefined as unknown as CtyValue]),
    code: "CTY_TYPE_MISMATCH",
    path: "[0]",
    message: /got undefined/,
  },
  {
    name: "encode: an invalid type",
    run: () => encodeCty(["list", "strin" as CtyType], ["a"]),
    code: "CTY_INVALID_TYPE",
    path: "[0]",
    message: /unknown type "strin"/,
  },
];

describe("errors", () => {
  test.each(errorCases)("$name", ({ run, code, path: p, message }) => {
    const e = catchCty(run);
    expect(e.code).toBe(code);
    expect(formatCtyPath(e.path)).toBe(p);
    expect(e.message).toMatch(message);
    expect(e.name).toBe("CtyCodecError");
    expect(e).toBeInstanceOf(Error);
  });

  test("the path is made of attribute, index and key steps", () => {
    const e = catchCty(() => encodeCty(stateType, { labels: { k: { value: 1 } }, vm: "x" }));
    expect(e.path).toStrictEqual([{ attribute: "labels" }, { key: "k" }, { attribute: "value" }]);
    const d = catchCty(() => decodeCty(credsType, wrongPasswordBytes));
    expect(d.path).toStrictEqual([{ attribute: "credentials" }, { index: 0 }, { attribute: "password" }]);
    expect(d.offset).toBe(wrongPasswordBytes.indexOf(0xcd));
  });

  test("messages never quote the offending value", () => {
    const e = catchCty(() =>
      encodeCty(stateType, { vm: "x", credentials: [{ user_name: "u", password: ["hunter2"] }] }),
    );
    expect(e.message).not.toContain("hunter2");
  });
});

// ---------------------------------------------------------------------------------------------
// Types

describe("parseCtyType / ctyTypeToJson", () => {
  const valid: { name: string; json: string; printed?: string }[] = [
    { name: "string", json: '"string"' },
    { name: "number", json: '"number"' },
    { name: "bool", json: '"bool"' },
    { name: "dynamic", json: '"dynamic"' },
    { name: "list", json: '["list","string"]' },
    { name: "set", json: '["set",["list","bool"]]' },
    { name: "map", json: '["map","number"]' },
    {
      name: "object, keys sorted on print",
      json: '["object",{"b":"string","a":"number"}]',
      printed: '["object",{"a":"number","b":"string"}]',
    },
    {
      name: "object with optional attributes",
      json: '["object",{"a":"string"},["a"]]',
      printed: '["object",{"a":"string"}]',
    },
    { name: "tuple", json: '["tuple",["string",["map","bool"]]]' },
    { name: "empty tuple", json: '["tuple",[]]' },
    { name: "whitespace", json: ' [ "list" , "string" ] ', printed: '["list","string"]' },
    {
      name: "Go escapes in names",
      json: '["object",{"a<b>&":"string"}]',
      printed: '["object",{"a\\u003cb\\u003e\\u0026":"string"}]',
    },
    { name: "__proto__ attribute", json: '["object",{"__proto__":"string"}]' },
  ];
  test.each(valid)("parses and prints $name", ({ json, printed }) => {
    const t = parseCtyType(json);
    expect(ctyTypeToJson(t)).toBe(printed ?? json);
    expect(parseCtyType(Buffer.from(json))).toStrictEqual(t);
    expect(Object.isFrozen(t)).toBe(true);
  });

  const invalid: { name: string; json: string; message: RegExp }[] = [
    { name: "not JSON", json: "[list", message: /invalid cty type JSON/ },
    { name: "unknown primitive", json: '"strin"', message: /unknown type "strin"/ },
    { name: "unknown kind", json: '["array","string"]', message: /unknown type kind "array"/ },
    { name: "list without element type", json: '["list"]', message: /expected a type name or/ },
    {
      name: "list with two element types",
      json: '["list","string","bool"]',
      message: /must have 2 elements, got 3/,
    },
    { name: "object attributes not an object", json: '["object",["a"]]', message: /must be a JSON object/ },
    {
      name: "object optional list not strings",
      json: '["object",{},[1]]',
      message: /array of attribute names/,
    },
    { name: "tuple elements not an array", json: '["tuple","string"]', message: /must be an array/ },
    {
      name: "nested error names where",
      json: '["object",{"a":["list","nope"]}]',
      message: /at type\[1\]\.a\[1\]: unknown type "nope"/,
    },
    { name: "number", json: "3", message: /got a number/ },
    { name: "null", json: "null", message: /got null/ },
    {
      name: "too deep",
      json: '["list",'.repeat(200) + '"string"' + "]".repeat(200),
      message: /nested deeper than 100/,
    },
  ];
  test.each(invalid)("rejects $name", ({ json, message }) => {
    const e = catchCty(() => parseCtyType(json));
    expect(e.code).toBe("CTY_INVALID_TYPE");
    expect(e.message).toMatch(message);
  });

  test("ctyTypeToJson rejects a malformed type", () => {
    expect(catchCty(() => ctyTypeToJson(["lst", "string"] as unknown as CtyType)).code).toBe(
      "CTY_INVALID_TYPE",
    );
  });

  test("compareCodePoints orders like UTF-8 bytes", () => {
    const keys = ["\u{1F600}", "\uFB01", "b", "a", "ab", ""];
    const utf8Sorted = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...keys].sort(compareCodePoints)).toStrictEqual(utf8Sorted);
  });
});

// ---------------------------------------------------------------------------------------------
// Values

describe("values", () => {
  test("UNKNOWN is a frozen singleton", () => {
    expect(Object.isFrozen(UNKNOWN)).toBe(true);
    expect(isUnknown(UNKNOWN)).toBe(true);
    expect(isUnknown(null)).toBe(false);
    expect(isUnknown({})).toBe(false);
    expect(String(UNKNOWN)).toBe("(unknown)");
    expect(JSON.stringify([UNKNOWN])).toBe('[{"unknown":true}]');
  });

  test.each([
    ["null", null, true],
    ["unknown", UNKNOWN, false],
    ["string", "x", true],
    ["bigint", 1n, true],
    ["list with unknown", ["a", UNKNOWN], false],
    ["nested object with unknown", { a: { b: [UNKNOWN] } }, false],
    ["nested object all known", { a: { b: [null, 1] } }, true],
    ["dynamic with unknown inside", new CtyDynamic(["list", str], [UNKNOWN]), false],
    ["dynamic all known", new CtyDynamic(str, "x"), true],
  ] as [string, CtyValue, boolean][])("isWhollyKnown: %s", (_name, value, known) => {
    expect(isWhollyKnown(value)).toBe(known);
  });

  test("CtyDynamic is immutable", () => {
    expect(Object.isFrozen(new CtyDynamic(str, "x"))).toBe(true);
  });

  test("encodeCty returns a Buffer and does not retain state between calls", () => {
    const a = encodeCty(str, "a");
    const b = encodeCty(str, "b");
    expect(Buffer.isBuffer(a)).toBe(true);
    expect(hexOf(a)).toBe("a161");
    expect(hexOf(b)).toBe("a162");
  });
});
