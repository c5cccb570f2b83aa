/**
 * cty values and their MessagePack encoding, as Terraform and OpenTofu send and expect them in
 * `DynamicValue.msgpack`. The encoding is not self-describing: every value is encoded against the
 * type implied by the schema (see plugin-protocol-6.md, section 5).
 */

import { Buffer } from "node:buffer";
import { quote } from "../../util/quote";
import {
  isMsgpackExt,
  MsgpackError,
  type MsgpackKind,
  MsgpackReader,
  MsgpackWriter,
  msgpackKindOf,
} from "./msgpack";

/**
 * A cty type, in the same shape as its JSON form: `"string"`, `"number"`, `"bool"`, `"dynamic"`,
 * `["list", T]`, `["set", T]`, `["map", T]`, `["object", {name: T, …}]`, `["tuple", [T, …]]`.
 */
export type CtyType =
  | "string"
  | "number"
  | "bool"
  | "dynamic"
  | readonly ["list", CtyType]
  | readonly ["set", CtyType]
  | readonly ["map", CtyType]
  | readonly ["object", Readonly<Record<string, CtyType>>]
  | readonly ["tuple", readonly CtyType[]];

/** The class of {@link UNKNOWN}, the marker of a value that is not known yet (during plan). */
export class CtyUnknown {
  declare private readonly ctyUnknownBrand: never;

  private constructor() {}

  /** The only instance; use {@link UNKNOWN}. */
  static readonly INSTANCE: CtyUnknown = Object.freeze(new CtyUnknown()) as CtyUnknown;

  /** Renders as `(unknown)` in messages and logs. */
  toString(): string {
    return "(unknown)";
  }

  /** Renders as `{"unknown":true}` in JSON logs, like the value descriptions of the test vectors. */
  toJSON(): { unknown: true } {
    return { unknown: true };
  }
}

/** The one, frozen, marker of an unknown value; compare with `===` or {@link isUnknown}. */
export const UNKNOWN: CtyUnknown = CtyUnknown.INSTANCE;

/** A value of the `dynamic` type: the concrete type travels with the value. */
export class CtyDynamic {
  /**
   * @param type - the concrete type of `value`.
   * @param value - the value, conforming to `type`.
   */
  constructor(
    readonly type: CtyType,
    readonly value: CtyValue,
  ) {
    Object.freeze(this);
  }
}

/**
 * A cty value in JavaScript: `null`; {@link UNKNOWN}; a `string`; a `boolean`; a `number` or, for
 * integers beyond 2^53, a `bigint`; an array for lists, sets and tuples; a plain object for maps and
 * objects; a {@link CtyDynamic} where the type is `dynamic`. When encoding a `number`-typed value,
 * a decimal string is also accepted (for precision beyond float64, such as `"0.1"` exactly).
 */
export type CtyValue =
  | null
  | CtyUnknown
  | string
  | boolean
  | number
  | bigint
  | CtyValue[]
  | { [key: string]: CtyValue }
  | CtyDynamic;

/** One step of a {@link CtyPath}: an object attribute, a list/set/tuple index or a map key. */
export type CtyPathStep =
  | { readonly attribute: string }
  | { readonly index: number }
  | { readonly key: string };

/** Where in a value something is, from the root. */
export type CtyPath = readonly CtyPathStep[];

/**
 * Stable codes of {@link CtyCodecError}:
 * - `CTY_TYPE_MISMATCH`: a value does not conform to its type (wrong kind, wrong tuple length…).
 * - `CTY_EXTRA_ATTRIBUTE`: an object value has an attribute its type does not declare.
 * - `CTY_INVALID_NUMBER`: NaN, or a string that is not a decimal number.
 * - `CTY_INVALID_TYPE`: a malformed type or type JSON.
 * - `CTY_TRUNCATED`: the input ends inside a value.
 * - `CTY_MALFORMED`: the input is not MessagePack (or a value cannot be written as MessagePack).
 * - `CTY_TRAILING_BYTES`: bytes follow the value.
 */
export type CtyErrorCode =
  | "CTY_TYPE_MISMATCH"
  | "CTY_EXTRA_ATTRIBUTE"
  | "CTY_INVALID_NUMBER"
  | "CTY_INVALID_TYPE"
  | "CTY_TRUNCATED"
  | "CTY_MALFORMED"
  | "CTY_TRAILING_BYTES";

/** Renders a path the way Terraform users read it: `.credentials[0].user_name`, `.tags["env"]`. */
export function formatCtyPath(path: CtyPath): string {
  let s = "";
  for (const step of path) {
    if ("attribute" in step) s += "." + step.attribute;
    else if ("index" in step) s += "[" + step.index + "]";
    else s += "[" + quote(step.key) + "]";
  }
  return s;
}

/**
 * An error encoding or decoding a cty value or type. The message starts with the path when there is
 * one: `.credentials[0].password: expected string, found msgpack int at byte 57`. Values are never
 * quoted in messages, since they may be secrets.
 */
export class CtyCodecError extends Error {
  override readonly name = "CtyCodecError";
  /** Where in the value the problem is; empty for the root. */
  readonly path: CtyPathStep[];

  /**
   * @param code - stable code, see {@link CtyErrorCode}.
   * @param detail - what is wrong, without the path.
   * @param path - where in the value (default: the root).
   * @param offset - byte offset in the input, for decoding errors.
   */
  constructor(
    readonly code: CtyErrorCode,
    readonly detail: string,
    path: CtyPath = [],
    readonly offset?: number,
  ) {
    super(path.length > 0 ? `${formatCtyPath(path)}: ${detail}` : detail);
    this.path = [...path];
  }
}

/** `true` for {@link UNKNOWN}. */
export function isUnknown(value: CtyValue): value is CtyUnknown {
  return value === UNKNOWN;
}

/** `true` when no part of `value`, however deep (including inside dynamic values), is unknown. */
export function isWhollyKnown(value: CtyValue): boolean {
  if (value === null || typeof value !== "object") return true;
  if (isUnknown(value)) return false;
  if (value instanceof CtyDynamic) return isWhollyKnown(value.value);
  if (Array.isArray(value)) {
    for (const e of value) if (!isWhollyKnown(e)) return false;
    return true;
  }
  for (const k in value) if (!isWhollyKnown(value[k])) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Types: parsing, printing, describing

const PRIMITIVES: ReadonlySet<string> = new Set(["string", "number", "bool", "dynamic"]);
const MAX_TYPE_DEPTH = 100;
const TYPE_CACHE_LIMIT = 128;
const typeCache = new Map<string, CtyType>();

/** Sets an own property, also for the key `__proto__` (which plain assignment would not create). */
function setOwn<T>(o: Record<string, T>, k: string, v: T): void {
  if (k === "__proto__")
    Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

function typeError(where: string, detail: string): CtyCodecError {
  return new CtyCodecError("CTY_INVALID_TYPE", `invalid cty type${where ? ` at ${where}` : ""}: ${detail}`);
}

function jsonKind(raw: unknown): string {
  if (raw === null) return "null";
  if (Array.isArray(raw)) return `an array of ${raw.length}`;
  return typeof raw === "string" ? `"${raw}"` : `a ${typeof raw}`;
}

function typeFromJson(raw: unknown, where: string, depth: number): CtyType {
  if (depth > MAX_TYPE_DEPTH) throw typeError(where, `nested deeper than ${MAX_TYPE_DEPTH} levels`);
  if (typeof raw === "string") {
    if (PRIMITIVES.has(raw)) return raw as CtyType;
    throw typeError(where, `unknown type ${quote(raw)} (expected "string", "number", "bool" or "dynamic")`);
  }
  if (!Array.isArray(raw) || raw.length < 2 || typeof raw[0] !== "string") {
    throw typeError(
      where,
      `expected a type name or a ["list"|"set"|"map"|"object"|"tuple", …] array, got ${jsonKind(raw)}`,
    );
  }
  const kind = raw[0];
  const at = where || "type";
  switch (kind) {
    case "list":
    case "set":
    case "map":
      if (raw.length !== 2) throw typeError(where, `["${kind}", T] must have 2 elements, got ${raw.length}`);
      return Object.freeze([kind, typeFromJson(raw[1], `${at}[1]`, depth + 1)] as const);
    case "object": {
      const attrs = raw[1];
      if (raw.length > 3)
        throw typeError(where, `["object", {…}] must have 2 or 3 elements, got ${raw.length}`);
      if (attrs === null || typeof attrs !== "object" || Array.isArray(attrs)) {
        throw typeError(
          where,
          `the attributes of an object type must be a JSON object, got ${jsonKind(attrs)}`,
        );
      }
      if (raw.length === 3) {
        // Optional-attribute names (Terraform's type constraint form): accepted and ignored.
        const opt = raw[2];
        if (!Array.isArray(opt) || !opt.every((n) => typeof n === "string")) {
          throw typeError(where, "the third element of an object type must be an array of attribute names");
        }
      }
      const out: Record<string, CtyType> = {};
      for (const name of Object.keys(attrs)) {
        setOwn(
          out,
          name,
          typeFromJson((attrs as Record<string, unknown>)[name], `${at}[1].${name}`, depth + 1),
        );
      }
      return Object.freeze(["object", Object.freeze(out)] as const);
    }
    case "tuple": {
      const elems = raw[1];
      if (raw.length !== 2)
        throw typeError(where, `["tuple", [T, …]] must have 2 elements, got ${raw.length}`);
      if (!Array.isArray(elems)) {
        throw typeError(where, `the element types of a tuple type must be an array, got ${jsonKind(elems)}`);
      }
      const out = elems.map((e, i) => typeFromJson(e, `${at}[1][${i}]`, depth + 1));
      return Object.freeze(["tuple", Object.freeze(out)] as const);
    }
    default:
      throw typeError(where, `unknown type kind ${quote(kind)} (expected list, set, map, object or tuple)`);
  }
}

/**
 * Parses a type from its JSON form (as in `Schema.Attribute.type` and in dynamic values), as UTF-8
 * bytes or a string. The result is deeply frozen. Throws `CTY_INVALID_TYPE` with a message that says
 * where the JSON is wrong.
 */
export function parseCtyType(json: string | Uint8Array): CtyType {
  const text =
    typeof json === "string"
      ? json
      : Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString("utf8");
  const cached = typeCache.get(text);
  if (cached !== undefined) return cached;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CtyCodecError("CTY_INVALID_TYPE", `invalid cty type JSON: ${(e as Error).message}`);
  }
  const type = typeFromJson(raw, "", 0);
  if (typeCache.size >= TYPE_CACHE_LIMIT) typeCache.clear();
  typeCache.set(text, type);
  return type;
}

/** Orders strings by Unicode code point (= UTF-8 byte order, as Go sorts them), not UTF-16 unit. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      // Surrogates (D800–DFFF) encode code points above FFFF, so they sort after E000–FFFF.
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x - y;
    }
  }
  return a.length - b.length;
}

/** A JSON string the way Go's encoding/json writes it (which escapes <, >, &, U+2028 and U+2029). */
function goJsonString(s: string): string {
  const j = JSON.stringify(s);
  return /[<>&\u2028\u2029]/.test(j)
    ? j.replace(/[<>&\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"))
    : j;
}

const typeJsonCache = new WeakMap<object, string>();

/**
 * The compact JSON of a type, byte for byte as Terraform writes it: `"string"`,
 * `["list","string"]`, `["object",{"a":"string","b":"number"}]` (attribute names sorted).
 */
export function ctyTypeToJson(type: CtyType): string {
  if (typeof type === "string") {
    if (!PRIMITIVES.has(type)) throw typeError("", `unknown type ${quote(type)}`);
    return `"${type}"`;
  }
  if (!Array.isArray(type)) throw typeError("", `expected a type, got ${jsonKind(type)}`);
  const cached = typeJsonCache.get(type);
  if (cached !== undefined) return cached;
  let out: string;
  switch (type[0]) {
    case "list":
    case "set":
    case "map":
      out = `["${type[0]}",${ctyTypeToJson(type[1])}]`;
      break;
    case "object": {
      const attrs = type[1];
      const parts = Object.keys(attrs)
        .sort(compareCodePoints)
        .map((k) => goJsonString(k) + ":" + ctyTypeToJson(attrs[k]));
      out = `["object",{${parts.join(",")}}]`;
      break;
    }
    case "tuple":
      out = `["tuple",[${type[1].map(ctyTypeToJson).join(",")}]]`;
      break;
    default:
      throw typeError("", `unknown type kind ${quote((type as unknown[])[0])}`);
  }
  typeJsonCache.set(type, out);
  return out;
}

const primitiveJsonBytes = new Map<string, Buffer>();
const typeJsonBytesCache = new WeakMap<object, Buffer>();

function typeJsonBytes(type: CtyType): Buffer {
  const cache = typeof type === "string" ? primitiveJsonBytes : typeJsonBytesCache;
  const key = type as string & object;
  let b = cache.get(key);
  if (b === undefined) {
    b = Buffer.from(ctyTypeToJson(type), "utf8");
    cache.set(key, b);
  }
  return b;
}

/** A short description of a type for messages: `list of string`, `object`, `tuple of 2 elements`. */
function describeType(type: CtyType): string {
  if (typeof type === "string") return type;
  switch (type[0]) {
    case "list":
    case "set":
    case "map":
      return `${type[0]} of ${typeof type[1] === "string" ? type[1] : type[1][0]}`;
    case "object":
      return "object";
    case "tuple":
      return `tuple of ${type[1].length} elements`;
  }
}

/** What a JavaScript value is, for messages (never the value itself: it may be a secret). */
function describeJs(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (v instanceof CtyDynamic) return "a CtyDynamic";
  if (typeof v === "object") {
    const proto = Object.getPrototypeOf(v);
    if (proto !== null && proto !== Object.prototype && typeof proto.constructor === "function") {
      return `a ${proto.constructor.name}`;
    }
    return "an object";
  }
  return typeof v === "undefined" ? "undefined" : `a ${typeof v}`;
}

function isInvalidTypeShape(type: unknown): boolean {
  return !Array.isArray(type) || type.length < 2;
}

// ---------------------------------------------------------------------------------------------
// Object type metadata, computed once per object type

interface ObjectInfo {
  /** Attribute names in the order go-cty writes them (sorted by code point). */
  readonly names: string[];
  /** Attribute types, parallel to `names`. */
  readonly types: CtyType[];
  /** Each name already encoded as a msgpack str, parallel to `names`. */
  readonly keys: Buffer[];
  /** Type by attribute name. */
  readonly byName: Map<string, CtyType>;
}

const objectInfoCache = new WeakMap<object, ObjectInfo>();

function objectInfo(attrs: Readonly<Record<string, CtyType>>): ObjectInfo {
  let info = objectInfoCache.get(attrs);
  if (info === undefined) {
    if (attrs === null || typeof attrs !== "object")
      throw typeError("", "the attributes of an object type are missing");
    const names = Object.keys(attrs).sort(compareCodePoints);
    const types = names.map((n) => attrs[n]);
    const w = new MsgpackWriter(64);
    const keys = names.map((n) => {
      w.writeStr(n);
      return Buffer.from(w.finish());
    });
    info = { names, types, keys, byName: new Map(names.map((n, i) => [n, types[i]])) };
    objectInfoCache.set(attrs, info);
  }
  return info;
}

// ---------------------------------------------------------------------------------------------
// Numbers

const TWO_63 = 2 ** 63;
const MIN_INT64 = -0x8000000000000000n;
const MAX_INT64 = 0x7fffffffffffffffn;
/** Upper bound on the digits of a decimal number we expand, so hostile input cannot exhaust memory. */
const MAX_DECIMAL_DIGITS = 10000;
const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const INFINITY_RE = /^([+-]?)inf(?:inity)?$/i;

/** A finite decimal: `digits` × 10^`exp`, `digits` without leading or trailing zeros ("" for zero). */
interface Decimal {
  neg: boolean;
  digits: string;
  exp: number;
}

/** Parses a decimal number string; ±Infinity for `inf`/`infinity`; `undefined` when malformed. */
function parseDecimal(s: string): Decimal | number | undefined {
  const m = DECIMAL_RE.exec(s);
  if (m === null) {
    const inf = INFINITY_RE.exec(s);
    if (inf === null) return undefined;
    return inf[1] === "-" ? -Infinity : Infinity;
  }
  const intPart = m[2];
  const fracPart = m[3] ?? "";
  if (intPart.length === 0 && fracPart.length === 0) return undefined;
  let all = intPart + fracPart;
  let exp = (m[4] === undefined ? 0 : Number(m[4])) - fracPart.length;
  let lead = 0;
  while (lead < all.length && all.charCodeAt(lead) === 0x30) lead++;
  all = all.slice(lead);
  if (all.length === 0) return { neg: false, digits: "", exp: 0 };
  let trail = all.length;
  while (all.charCodeAt(trail - 1) === 0x30) trail--;
  exp += all.length - trail;
  all = all.slice(0, trail);
  if (!Number.isSafeInteger(exp) || all.length + Math.abs(exp) > MAX_DECIMAL_DIGITS) return undefined;
  return { neg: m[1] === "-", digits: all, exp };
}

function decimalToBigInt(d: Decimal): bigint {
  const b = BigInt(d.digits + "0".repeat(d.exp));
  return d.neg ? -b : b;
}

/** Plain decimal notation (no exponent) of a non-integer decimal, as Go's `Text('f', -1)`. */
function decimalText(d: Decimal): string {
  const k = -d.exp;
  const n = d.digits.length;
  const body =
    n > k ? `${d.digits.slice(0, n - k)}.${d.digits.slice(n - k)}` : `0.${"0".repeat(k - n)}${d.digits}`;
  return d.neg ? "-" + body : body;
}

const f64View = new DataView(new ArrayBuffer(8));

/** `true` when the non-integer decimal `d` is exactly the float64 `f` (finite, non-zero). */
function isExactFloat(d: Decimal, f: number): boolean {
  f64View.setFloat64(0, f);
  const hi = f64View.getUint32(0);
  const lo = f64View.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (biased === 0) {
    e2 = -1074;
  } else {
    m |= 1n << 52n;
    e2 = biased - 1075;
  }
  while ((m & 1n) === 0n) {
    m >>= 1n;
    e2++;
  }
  // f = m / 2^k = m·5^k / 10^k with m odd, so its decimal form has exactly k fractional digits.
  if (e2 >= 0 || -e2 !== -d.exp) return false;
  return BigInt(d.digits) === m * 5n ** BigInt(-e2);
}

/** The JavaScript value of a number read from a decimal string (see {@link CtyValue}). */
function numberFromString(s: string): number | bigint | undefined {
  const d = parseDecimal(s);
  if (d === undefined || typeof d === "number") return d;
  if (d.exp < 0) return Number(s);
  if (d.digits.length + d.exp <= 15) {
    const n = Number(d.digits + "0".repeat(d.exp));
    return d.neg ? -n : n;
  }
  const b = decimalToBigInt(d);
  return b >= -BigInt(Number.MAX_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

function writeBigNumber(w: MsgpackWriter, v: bigint): void {
  if (v >= MIN_INT64 && v <= MAX_INT64) {
    w.writeInt(v);
    return;
  }
  const f = Number(v);
  if (Number.isFinite(f) && BigInt(f) === v) {
    w.writeFloat64(f);
    return;
  }
  w.writeStr(v.toString());
}

/** Writes a number the way go-cty does: int64 if exact, else float64 if exact, else a decimal string. */
function writeNumber(w: MsgpackWriter, v: CtyValue): void {
  if (typeof v === "number") {
    if (Number.isInteger(v)) {
      if (Number.isSafeInteger(v)) {
        w.writeInt(v);
        return;
      }
      if (v >= -TWO_63 && v < TWO_63) {
        w.writeInt(BigInt(v));
        return;
      }
      w.writeFloat64(v);
      return;
    }
    if (Number.isNaN(v)) throw new CtyCodecError("CTY_INVALID_NUMBER", "NaN is not a cty number");
    w.writeFloat64(v);
    return;
  }
  if (typeof v === "bigint") {
    writeBigNumber(w, v);
    return;
  }
  if (typeof v === "string") {
    const d = parseDecimal(v);
    if (d === undefined) {
      throw new CtyCodecError(
        "CTY_INVALID_NUMBER",
        "expected number, got a string that is not a decimal number",
      );
    }
    if (typeof d === "number") {
      w.writeFloat64(d);
      return;
    }
    if (d.exp >= 0) {
      writeBigNumber(w, decimalToBigInt(d));
      return;
    }
    const f = Number(v);
    if (Number.isFinite(f) && f !== 0 && isExactFloat(d, f)) {
      w.writeFloat64(f);
      return;
    }
    w.writeStr(decimalText(d));
    return;
  }
  throw mismatchJs("number", v);
}

// ---------------------------------------------------------------------------------------------
// Encoding

function mismatchJs(expected: string, v: unknown): CtyCodecError {
  return new CtyCodecError("CTY_TYPE_MISMATCH", `expected ${expected}, got ${describeJs(v)}`);
}

function isPlainObject(v: unknown): v is { [key: string]: CtyValue } {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Adds `step` in front of the path of an error thrown below it. */
function withStep(e: unknown, step: CtyPathStep): unknown {
  if (e instanceof CtyCodecError) {
    e.path.unshift(step);
    return e;
  }
  if (e instanceof MsgpackError) return fromMsgpackError(e, [step]);
  return e;
}

function fromMsgpackError(e: MsgpackError, path: CtyPathStep[]): CtyCodecError {
  const code: CtyErrorCode =
    e.code === "MSGPACK_TRUNCATED"
      ? "CTY_TRUNCATED"
      : e.code === "MSGPACK_UNEXPECTED"
        ? "CTY_TYPE_MISMATCH"
        : "CTY_MALFORMED";
  return new CtyCodecError(code, e.message, path, e.offset >= 0 ? e.offset : undefined);
}

/** Rebuilds an error at the API boundary, so its message and stack include the whole path. */
function finalError(e: unknown): unknown {
  if (e instanceof CtyCodecError) return new CtyCodecError(e.code, e.detail, e.path, e.offset);
  if (e instanceof MsgpackError) return fromMsgpackError(e, []);
  return e;
}

function encodeValue(w: MsgpackWriter, type: CtyType, v: CtyValue): void {
  if (v === null) {
    w.writeNil();
    return;
  }
  if (v === UNKNOWN) {
    w.writeExt(0, UNKNOWN_PAYLOAD);
    return;
  }
  if (typeof type === "string") {
    switch (type) {
      case "string":
        if (typeof v !== "string") throw mismatchJs("string", v);
        w.writeStr(v);
        return;
      case "number":
        writeNumber(w, v);
        return;
      case "bool":
        if (typeof v !== "boolean") throw mismatchJs("bool", v);
        w.writeBool(v);
        return;
      case "dynamic":
        if (!(v instanceof CtyDynamic)) throw mismatchJs("a CtyDynamic (the type is dynamic)", v);
        w.writeArrayHeader(2);
        w.writeBin(typeJsonBytes(v.type));
        encodeValue(w, v.type, v.value);
        return;
      default:
        throw typeError("", `unknown type ${quote(type)}`);
    }
  }
  if (isInvalidTypeShape(type)) throw typeError("", `expected a type, got ${jsonKind(type)}`);
  switch (type[0]) {
    case "list":
    case "set": {
      if (!Array.isArray(v)) throw mismatchJs(describeType(type), v);
      const et = type[1];
      w.writeArrayHeader(v.length);
      for (let i = 0; i < v.length; i++) {
        try {
          encodeValue(w, et, v[i]);
        } catch (e) {
          throw withStep(e, { index: i });
        }
      }
      return;
    }
    case "tuple": {
      const ets = type[1];
      if (!Array.isArray(v)) throw mismatchJs(describeType(type), v);
      if (v.length !== ets.length) {
        throw new CtyCodecError(
          "CTY_TYPE_MISMATCH",
          `expected a tuple of ${ets.length} elements, got an array of ${v.length}`,
        );
      }
      w.writeArrayHeader(v.length);
      for (let i = 0; i < v.length; i++) {
        try {
          encodeValue(w, ets[i], v[i]);
        } catch (e) {
          throw withStep(e, { index: i });
        }
      }
      return;
    }
    case "map": {
      if (!isPlainObject(v)) throw mismatchJs(describeType(type), v);
      const et = type[1];
      const keys = Object.keys(v);
      if (keys.length > 1) keys.sort(compareCodePoints);
      w.writeMapHeader(keys.length);
      for (const k of keys) {
        w.writeStr(k);
        try {
          encodeValue(w, et, v[k]);
        } catch (e) {
          throw withStep(e, { key: k });
        }
      }
      return;
    }
    case "object": {
      if (!isPlainObject(v)) throw mismatchJs("object", v);
      const info = objectInfo(type[1]);
      let present = 0;
      for (const k in v) {
        if (!info.byName.has(k)) {
          throw new CtyCodecError("CTY_EXTRA_ATTRIBUTE", `unsupported attribute ${quote(k)}`);
        }
        present++;
      }
      // When every attribute is an own key, plain indexing is safe; otherwise names such as
      // "constructor" would reach Object.prototype.
      const allOwn = present === info.names.length;
      const { names, types, keys } = info;
      w.writeMapHeader(names.length);
      for (let i = 0; i < names.length; i++) {
        const name = names[i];
        w.writeRaw(keys[i]);
        const a = allOwn || Object.hasOwn(v, name) ? v[name] : null;
        try {
          encodeValue(w, types[i], a === undefined ? null : a);
        } catch (e) {
          throw withStep(e, { attribute: name });
        }
      }
      return;
    }
    default:
      throw typeError("", `unknown type kind ${quote((type as unknown[])[0])}`);
  }
}

const UNKNOWN_PAYLOAD = new Uint8Array([0]);

/**
 * Encodes `value` against `type` in go-cty's MessagePack form: nil for null, `d4 00 00` for
 * unknown, the smallest int form for integers in the int64 range (uint forms for non-negative
 * ones), float64 for other numbers exact in float64, a decimal string otherwise; attributes and
 * map keys in sorted order; missing (or `undefined`) object attributes as nil.
 * Throws a {@link CtyCodecError} with the path of the first value that does not fit its type.
 */
export function encodeCty(type: CtyType, value: CtyValue): Buffer {
  const w = new MsgpackWriter();
  try {
    encodeValue(w, type, value);
  } catch (e) {
    throw finalError(e);
  }
  return w.finish();
}

// ---------------------------------------------------------------------------------------------
// Decoding

function mismatchAt(r: MsgpackReader, expected: string): CtyCodecError {
  const b = r.peek();
  const kind: MsgpackKind = msgpackKindOf(b);
  if (kind === "invalid") {
    return new CtyCodecError(
      "CTY_MALFORMED",
      `invalid MessagePack format byte 0x${b.toString(16)} at byte ${r.pos}`,
      [],
      r.pos,
    );
  }
  return new CtyCodecError(
    "CTY_TYPE_MISMATCH",
    `expected ${expected}, found msgpack ${kind} at byte ${r.pos}`,
    [],
    r.pos,
  );
}

/** Reads a str, or a bin holding UTF-8 (go-cty's decoder accepts both). */
function readStringLike(r: MsgpackReader, b: number, expected: string): string {
  if ((b >= 0xa0 && b <= 0xbf) || (b >= 0xd9 && b <= 0xdb)) return r.readStr();
  if (b >= 0xc4 && b <= 0xc6) {
    const bin = r.readBin();
    return Buffer.from(bin.buffer, bin.byteOffset, bin.byteLength).toString("utf8");
  }
  throw mismatchAt(r, expected);
}

function readNumberValue(r: MsgpackReader, b: number): CtyValue {
  if (b <= 0x7f) {
    r.pos++;
    return b;
  }
  const kind = msgpackKindOf(b);
  if (kind === "int") return r.readInt();
  if (kind === "float") {
    const start = r.pos;
    const f = r.readFloat();
    if (Number.isNaN(f)) {
      throw new CtyCodecError("CTY_INVALID_NUMBER", `NaN is not a cty number (at byte ${start})`, [], start);
    }
    return Number.isInteger(f) && !Number.isSafeInteger(f) ? BigInt(f) : f;
  }
  const start = r.pos;
  const s = readStringLike(r, b, "number");
  const n = numberFromString(s);
  if (n === undefined) {
    throw new CtyCodecError(
      "CTY_INVALID_NUMBER",
      `expected number, found a string that is not a decimal number at byte ${start}`,
      [],
      start,
    );
  }
  return n;
}

/** Checks that `n` elements (each at least one byte) can still follow, before allocating for them. */
function checkCount(r: MsgpackReader, n: number, bytesPerItem: number, start: number, what: string): void {
  if (n * bytesPerItem > r.end - r.pos) {
    throw new CtyCodecError(
      "CTY_TRUNCATED",
      `truncated ${what} at byte ${start}: ${n} elements announced, ${r.end - r.pos} bytes left`,
      [],
      start,
    );
  }
}

function readArrayOf(r: MsgpackReader, b: number, type: CtyType): number {
  if ((b & 0xf0) !== 0x90 && b !== 0xdc && b !== 0xdd) throw mismatchAt(r, describeType(type));
  const start = r.pos;
  const n = r.readArrayHeader();
  checkCount(r, n, 1, start, "array");
  return n;
}

function readMapOf(r: MsgpackReader, b: number, type: CtyType): number {
  if ((b & 0xf0) !== 0x80 && b !== 0xde && b !== 0xdf) throw mismatchAt(r, describeType(type));
  const start = r.pos;
  const n = r.readMapHeader();
  checkCount(r, n, 2, start, "map");
  return n;
}

function decodeValue(r: MsgpackReader, type: CtyType): CtyValue {
  const b = r.peek();
  // go-cty: any extension is an unknown value (type 0, or 12 for refined unknowns), whatever the type.
  if (isMsgpackExt(b)) {
    r.skip();
    return UNKNOWN;
  }
  if (b === 0xc0) {
    r.pos++;
    return null;
  }
  if (typeof type === "string") {
    switch (type) {
      case "string":
        return readStringLike(r, b, "string");
      case "number":
        return readNumberValue(r, b);
      case "bool":
        if (b === 0xc2 || b === 0xc3) {
          r.pos++;
          return b === 0xc3;
        }
        throw mismatchAt(r, "bool");
      case "dynamic":
        return decodeDynamic(r, b);
      default:
        throw typeError("", `unknown type ${quote(type)}`);
    }
  }
  if (isInvalidTypeShape(type)) throw typeError("", `expected a type, got ${jsonKind(type)}`);
  switch (type[0]) {
    case "list":
    case "set": {
      const n = readArrayOf(r, b, type);
      const et = type[1];
      const out: CtyValue[] = [];
      for (let i = 0; i < n; i++) {
        try {
          out.push(decodeValue(r, et));
        } catch (e) {
          throw withStep(e, { index: i });
        }
      }
      return out;
    }
    case "tuple": {
      const ets = type[1];
      const start = r.pos;
      const n = readArrayOf(r, b, type);
      if (n !== ets.length) {
        throw new CtyCodecError(
          "CTY_TYPE_MISMATCH",
          `expected a tuple of ${ets.length} elements, found an array of ${n} at byte ${start}`,
          [],
          start,
        );
      }
      const out: CtyValue[] = [];
      for (let i = 0; i < n; i++) {
        try {
          out.push(decodeValue(r, ets[i]));
        } catch (e) {
          throw withStep(e, { index: i });
        }
      }
      return out;
    }
    case "map": {
      const n = readMapOf(r, b, type);
      const et = type[1];
      const out: { [key: string]: CtyValue } = {};
      for (let i = 0; i < n; i++) {
        const key = readStringLike(r, r.peek(), "a string map key");
        try {
          setOwn(out, key, decodeValue(r, et));
        } catch (e) {
          throw withStep(e, { key });
        }
      }
      return out;
    }
    case "object": {
      const info = objectInfo(type[1]);
      const n = readMapOf(r, b, type);
      const out: { [key: string]: CtyValue } = {};
      // Attributes absent from the input are null; pre-filling also gives every decoded object of
      // one type the same property order (and the same hidden class).
      for (const name of info.names) setOwn(out, name, null);
      const { names, types, keys } = info;
      for (let i = 0; i < n; i++) {
        // Hosts send attributes in sorted order, as go-cty writes them: compare the bytes of the
        // expected key first and only build a string when they differ.
        let key: string;
        let at: CtyType | undefined;
        if (i < keys.length && r.tryReadRaw(keys[i])) {
          key = names[i];
          at = types[i];
        } else {
          const keyAt = r.pos;
          key = readStringLike(r, r.peek(), "an attribute name");
          at = info.byName.get(key);
          if (at === undefined) {
            throw new CtyCodecError(
              "CTY_EXTRA_ATTRIBUTE",
              `unsupported attribute ${quote(key)} at byte ${keyAt}`,
              [],
              keyAt,
            );
          }
        }
        try {
          setOwn(out, key, decodeValue(r, at));
        } catch (e) {
          throw withStep(e, { attribute: key });
        }
      }
      return out;
    }
    default:
      throw typeError("", `unknown type kind ${quote((type as unknown[])[0])}`);
  }
}

/** A dynamic value: `[type JSON (bin, or str), value encoded against that type]`. */
function decodeDynamic(r: MsgpackReader, b: number): CtyValue {
  const start = r.pos;
  const n = readArrayOf(r, b, "dynamic");
  if (n !== 2) {
    throw new CtyCodecError(
      "CTY_TYPE_MISMATCH",
      `a dynamic value must be a [type, value] array of 2 elements, found ${n} at byte ${start}`,
      [],
      start,
    );
  }
  const typeAt = r.pos;
  const tb = r.peek();
  let type: CtyType;
  if (tb >= 0xc4 && tb <= 0xc6) {
    const json = r.readBin();
    try {
      type = parseCtyType(json);
    } catch (e) {
      throw new CtyCodecError("CTY_INVALID_TYPE", `${(e as Error).message} (at byte ${typeAt})`, [], typeAt);
    }
  } else {
    const json = readStringLike(r, tb, "the type JSON of a dynamic value (bin)");
    try {
      type = parseCtyType(json);
    } catch (e) {
      throw new CtyCodecError("CTY_INVALID_TYPE", `${(e as Error).message} (at byte ${typeAt})`, [], typeAt);
    }
  }
  return new CtyDynamic(type, decodeValue(r, type));
}

/**
 * Decodes a value encoded against `type`. Any msgpack extension decodes as {@link UNKNOWN};
 * numbers as described by {@link CtyValue}; objects get every attribute of their type (null when
 * absent from the input), and an attribute the type does not declare is an error. The whole input
 * must be one value. Throws a {@link CtyCodecError} with the path and byte offset of the problem.
 */
export function decodeCty(type: CtyType, bytes: Uint8Array): CtyValue {
  const r = new MsgpackReader(bytes);
  try {
    const v = decodeValue(r, type);
    if (!r.atEnd) {
      throw new CtyCodecError(
        "CTY_TRAILING_BYTES",
        `${r.end - r.pos} unexpected byte(s) after the value, at byte ${r.pos}`,
        [],
        r.pos,
      );
    }
    return v;
  } catch (e) {
    throw finalError(e);
  }
}
