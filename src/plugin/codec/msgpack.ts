/**
 * A small MessagePack reader and writer, written for the cty codec: every format of the
 * specification (nil, bool, all int/uint forms with 64-bit values as `bigint`, float32/64,
 * str8/16/32, bin8/16/32, array16/32, map16/32, fixext/ext8/16/32), no dependencies beyond
 * `node:buffer`, and errors that say what went wrong at which byte.
 */
import { Buffer } from "node:buffer";

/** The family of a MessagePack value, as decided by its first byte. */
export type MsgpackKind =
  | "nil"
  | "bool"
  | "int"
  | "float"
  | "str"
  | "bin"
  | "array"
  | "map"
  | "ext"
  | "invalid";

/**
 * Stable codes of {@link MsgpackError}:
 * - `MSGPACK_TRUNCATED`: the input ends inside a value.
 * - `MSGPACK_INVALID`: a byte that is not a MessagePack format (0xc1), or nesting too deep.
 * - `MSGPACK_UNEXPECTED`: a well-formed value of another family than the caller asked for.
 * - `MSGPACK_RANGE`: a value the writer cannot represent (an integer outside int64/uint64, a bad length).
 */
export type MsgpackErrorCode =
  | "MSGPACK_TRUNCATED"
  | "MSGPACK_INVALID"
  | "MSGPACK_UNEXPECTED"
  | "MSGPACK_RANGE";

/** An error while reading or writing MessagePack; `offset` is the byte where the offending value starts. */
export class MsgpackError extends Error {
  override readonly name = "MsgpackError";

  /**
   * @param code - stable code, see {@link MsgpackErrorCode}.
   * @param message - what went wrong, including the byte offset.
   * @param offset - index in the input of the first byte of the offending value (-1 when writing).
   */
  constructor(
    readonly code: MsgpackErrorCode,
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** An extension value: its application-defined type (-128..127) and its payload. */
export interface MsgpackExt {
  /** Extension type; cty uses 0 for unknown values and 12 for refined unknowns. */
  type: number;
  /** The payload bytes (a view into the input when read). */
  data: Uint8Array;
}

/**
 * A generic MessagePack value, as produced by {@link decodeMsgpack} and accepted by
 * {@link encodeMsgpack}. Maps decode to `Map` (keys may be of any kind); plain objects are also
 * accepted when encoding, as maps with string keys.
 */
export type MsgpackValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | MsgpackExt
  | MsgpackValue[]
  | Map<MsgpackValue, MsgpackValue>
  | { [key: string]: MsgpackValue };

const KIND_NAMES: readonly MsgpackKind[] = [
  "nil",
  "bool",
  "int",
  "float",
  "str",
  "bin",
  "array",
  "map",
  "ext",
  "invalid",
];
const K_NIL = 0;
const K_BOOL = 1;
const K_INT = 2;
const K_FLOAT = 3;
const K_STR = 4;
const K_BIN = 5;
const K_ARRAY = 6;
const K_MAP = 7;
const K_EXT = 8;
const K_INVALID = 9;

/** Kind of every first byte, indexed by the byte. */
const KIND_OF_BYTE: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) {
    let k: number;
    if (b <= 0x7f || b >= 0xe0) k = K_INT;
    else if (b <= 0x8f) k = K_MAP;
    else if (b <= 0x9f) k = K_ARRAY;
    else if (b <= 0xbf) k = K_STR;
    else if (b === 0xc0) k = K_NIL;
    else if (b === 0xc1) k = K_INVALID;
    else if (b <= 0xc3) k = K_BOOL;
    else if (b <= 0xc6) k = K_BIN;
    else if (b <= 0xc9) k = K_EXT;
    else if (b <= 0xcb) k = K_FLOAT;
    else if (b <= 0xd3) k = K_INT;
    else if (b <= 0xd8) k = K_EXT;
    else if (b <= 0xdb) k = K_STR;
    else if (b <= 0xdd) k = K_ARRAY;
    else k = K_MAP;
    t[b] = k;
  }
  return t;
})();

/** The family of a MessagePack value whose first byte is `byte`. */
export function msgpackKindOf(byte: number): MsgpackKind {
  return KIND_NAMES[KIND_OF_BYTE[byte & 0xff]];
}

/** `true` when `byte` starts an extension value (fixext 1..16 or ext 8/16/32). */
export function isMsgpackExt(byte: number): boolean {
  return (byte >= 0xd4 && byte <= 0xd8) || (byte >= 0xc7 && byte <= 0xc9);
}

const TWO_32 = 4294967296;
const MAX_UINT64 = 0xffffffffffffffffn;
const MIN_INT64 = -0x8000000000000000n;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
const DEFAULT_MAX_DEPTH = 512;
const EMPTY = Buffer.alloc(0);

function hex(byte: number): string {
  return "0x" + byte.toString(16).padStart(2, "0");
}

/**
 * Decodes UTF-8 bytes. Short ASCII strings (attribute names, ids, timestamps) are built in
 * JavaScript, several characters per call, which beats the native call's fixed cost.
 */
function utf8(buf: Buffer, start: number, end: number): string {
  if (end - start > 32) return buf.toString("utf8", start, end);
  let s = "";
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const a = buf[i];
    const b = buf[i + 1];
    const c = buf[i + 2];
    const d = buf[i + 3];
    if ((a | b | c | d) & 0x80) return buf.toString("utf8", start, end);
    s += String.fromCharCode(a, b, c, d);
  }
  for (; i < end; i++) {
    const a = buf[i];
    if (a & 0x80) return buf.toString("utf8", start, end);
    s += String.fromCharCode(a);
  }
  return s;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Reads MessagePack values one at a time from a byte array, without copying it.
 * Every read method checks the format byte and the remaining length, and throws a
 * {@link MsgpackError} naming the byte offset of the value it could not read.
 */
export class MsgpackReader {
  /** Index of the next byte to read. */
  pos: number;
  /** Index just past the last byte that may be read. */
  readonly end: number;
  private readonly buf: Buffer;

  /**
   * @param bytes - the input; not copied, so it must not change while it is being read.
   * @param start - index of the first byte to read (default 0).
   * @param end - index just past the last byte to read (default `bytes.length`).
   */
  constructor(bytes: Uint8Array, start = 0, end: number = bytes.length) {
    this.buf = asBuffer(bytes);
    if (start < 0 || end > bytes.length || start > end) {
      throw new RangeError(`invalid range [${start}, ${end}) of a ${bytes.length}-byte input`);
    }
    this.pos = start;
    this.end = end;
  }

  /** `true` when every byte has been read. */
  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** The first byte of the next value, not consumed. Throws `MSGPACK_TRUNCATED` at the end of input. */
  peek(): number {
    if (this.pos >= this.end) {
      throw new MsgpackError(
        "MSGPACK_TRUNCATED",
        `unexpected end of input at byte ${this.pos}: expected a value`,
        this.pos,
      );
    }
    return this.buf[this.pos];
  }

  /** The family of the next value, not consumed. */
  peekKind(): MsgpackKind {
    return KIND_NAMES[KIND_OF_BYTE[this.peek()]];
  }

  /** Consumes a nil if the next value is one, and says whether it did. */
  tryReadNil(): boolean {
    if (this.peek() === 0xc0) {
      this.pos++;
      return true;
    }
    return false;
  }

  /** Reads a nil. */
  readNil(): null {
    if (this.peek() !== 0xc0) throw this.unexpected("nil");
    this.pos++;
    return null;
  }

  /** Reads a bool. */
  readBool(): boolean {
    const b = this.peek();
    if (b === 0xc2 || b === 0xc3) {
      this.pos++;
      return b === 0xc3;
    }
    throw this.unexpected("bool");
  }

  /**
   * Reads an integer in any int/uint form: a `number` when it is a safe integer, else a `bigint`
   * (so values above 2^53 are never rounded).
   */
  readInt(): number | bigint {
    const b = this.peek();
    if (KIND_OF_BYTE[b] !== K_INT) throw this.unexpected("int");
    return this.readIntAt(b);
  }

  /** Reads a float32 or float64. */
  readFloat(): number {
    const b = this.peek();
    if (b === 0xcb) {
      this.need(9);
      const v = this.buf.readDoubleBE(this.pos + 1);
      this.pos += 9;
      return v;
    }
    if (b === 0xca) {
      this.need(5);
      const v = this.buf.readFloatBE(this.pos + 1);
      this.pos += 5;
      return v;
    }
    throw this.unexpected("float");
  }

  /** Reads an integer ({@link readInt}) or a float ({@link readFloat}). */
  readNumber(): number | bigint {
    const b = this.peek();
    const k = KIND_OF_BYTE[b];
    if (k === K_INT) return this.readIntAt(b);
    if (k === K_FLOAT) return this.readFloat();
    throw this.unexpected("int or float");
  }

  /** Reads a str (fixstr, str8/16/32) as UTF-8; invalid sequences become U+FFFD. */
  readStr(): string {
    const b = this.peek();
    let len: number;
    let head: number;
    if (b >= 0xa0 && b <= 0xbf) {
      len = b & 0x1f;
      head = 1;
    } else if (b === 0xd9) {
      this.need(2);
      len = this.buf[this.pos + 1];
      head = 2;
    } else if (b === 0xda) {
      this.need(3);
      len = this.buf.readUInt16BE(this.pos + 1);
      head = 3;
    } else if (b === 0xdb) {
      this.need(5);
      len = this.buf.readUInt32BE(this.pos + 1);
      head = 5;
    } else {
      throw this.unexpected("str");
    }
    this.need(head + len);
    const start = this.pos + head;
    this.pos = start + len;
    return utf8(this.buf, start, start + len);
  }

  /** Reads a bin8/16/32; the result is a view into the input, not a copy. */
  readBin(): Uint8Array {
    const b = this.peek();
    let len: number;
    let head: number;
    if (b === 0xc4) {
      this.need(2);
      len = this.buf[this.pos + 1];
      head = 2;
    } else if (b === 0xc5) {
      this.need(3);
      len = this.buf.readUInt16BE(this.pos + 1);
      head = 3;
    } else if (b === 0xc6) {
      this.need(5);
      len = this.buf.readUInt32BE(this.pos + 1);
      head = 5;
    } else {
      throw this.unexpected("bin");
    }
    this.need(head + len);
    const start = this.pos + head;
    this.pos = start + len;
    return this.buf.subarray(start, start + len);
  }

  /** Reads the header of an array and returns its element count; the elements follow. */
  readArrayHeader(): number {
    const b = this.peek();
    if (b >= 0x90 && b <= 0x9f) {
      this.pos++;
      return b & 0x0f;
    }
    if (b === 0xdc) {
      this.need(3);
      const n = this.buf.readUInt16BE(this.pos + 1);
      this.pos += 3;
      return n;
    }
    if (b === 0xdd) {
      this.need(5);
      const n = this.buf.readUInt32BE(this.pos + 1);
      this.pos += 5;
      return n;
    }
    throw this.unexpected("array");
  }

  /** Reads the header of a map and returns its entry count; key, value, key, value… follow. */
  readMapHeader(): number {
    const b = this.peek();
    if (b >= 0x80 && b <= 0x8f) {
      this.pos++;
      return b & 0x0f;
    }
    if (b === 0xde) {
      this.need(3);
      const n = this.buf.readUInt16BE(this.pos + 1);
      this.pos += 3;
      return n;
    }
    if (b === 0xdf) {
      this.need(5);
      const n = this.buf.readUInt32BE(this.pos + 1);
      this.pos += 5;
      return n;
    }
    throw this.unexpected("map");
  }

  /** Reads an extension value (fixext 1/2/4/8/16, ext 8/16/32); `data` is a view into the input. */
  readExt(): MsgpackExt {
    const b = this.peek();
    let len: number;
    let head: number;
    if (b >= 0xd4 && b <= 0xd8) {
      len = 1 << (b - 0xd4);
      head = 2;
    } else if (b === 0xc7) {
      this.need(2);
      len = this.buf[this.pos + 1];
      head = 3;
    } else if (b === 0xc8) {
      this.need(3);
      len = this.buf.readUInt16BE(this.pos + 1);
      head = 4;
    } else if (b === 0xc9) {
      this.need(5);
      len = this.buf.readUInt32BE(this.pos + 1);
      head = 6;
    } else {
      throw this.unexpected("ext");
    }
    this.need(head + len);
    const type = this.buf.readInt8(this.pos + head - 1);
    const start = this.pos + head;
    this.pos = start + len;
    return { type, data: this.buf.subarray(start, start + len) };
  }

  /**
   * Consumes `expected` if the input continues with exactly those bytes (for example a map key
   * encoded in advance), and says whether it did.
   */
  tryReadRaw(expected: Uint8Array): boolean {
    const n = expected.length;
    const p = this.pos;
    if (p + n > this.end) return false;
    const buf = this.buf;
    for (let i = 0; i < n; i++) if (buf[p + i] !== expected[i]) return false;
    this.pos = p + n;
    return true;
  }

  /** Skips one whole value, however deeply nested, without recursion or allocation. */
  skip(): void {
    let pending = 1;
    while (pending > 0) {
      pending--;
      const b = this.peek();
      switch (KIND_OF_BYTE[b]) {
        case K_NIL:
        case K_BOOL:
          this.pos++;
          break;
        case K_INT:
          this.readIntAt(b);
          break;
        case K_FLOAT:
          this.readFloat();
          break;
        case K_STR:
        case K_BIN:
        case K_EXT:
          this.pos += this.payloadExtent(b);
          break;
        case K_ARRAY:
          pending += this.readArrayHeader();
          break;
        case K_MAP:
          pending += 2 * this.readMapHeader();
          break;
        default:
          throw this.invalid();
      }
    }
  }

  /** Throws `MSGPACK_INVALID` unless every byte has been read. */
  expectEnd(): void {
    if (this.pos < this.end) {
      throw new MsgpackError(
        "MSGPACK_INVALID",
        `${this.end - this.pos} unexpected trailing byte(s) at byte ${this.pos}`,
        this.pos,
      );
    }
  }

  /** An error saying the next value is not of the `expected` family. */
  unexpected(expected: string): MsgpackError {
    const b = this.buf[this.pos];
    if (KIND_OF_BYTE[b] === K_INVALID) return this.invalid();
    return new MsgpackError(
      "MSGPACK_UNEXPECTED",
      `expected ${expected}, found ${KIND_NAMES[KIND_OF_BYTE[b]]} (${hex(b)}) at byte ${this.pos}`,
      this.pos,
    );
  }

  private invalid(): MsgpackError {
    return new MsgpackError(
      "MSGPACK_INVALID",
      `invalid MessagePack format byte ${hex(this.buf[this.pos])} at byte ${this.pos}`,
      this.pos,
    );
  }

  /** Ensures `n` bytes are available from `pos`, the start of the value being read. */
  private need(n: number): void {
    if (this.pos + n > this.end) {
      const b = this.buf[this.pos];
      throw new MsgpackError(
        "MSGPACK_TRUNCATED",
        `truncated ${KIND_NAMES[KIND_OF_BYTE[b]]} (${hex(b)}) at byte ${this.pos}: needs ${n} bytes, ${
          this.end - this.pos
        } left`,
        this.pos,
      );
    }
  }

  /** Total size (header and payload) of the str/bin/ext starting with byte `b` at `pos`, checked. */
  private payloadExtent(b: number): number {
    let len: number;
    let head: number;
    if (b >= 0xa0 && b <= 0xbf) {
      len = b & 0x1f;
      head = 1;
    } else if (b >= 0xd4 && b <= 0xd8) {
      len = 1 << (b - 0xd4);
      head = 2;
    } else if (b === 0xd9 || b === 0xc4 || b === 0xc7) {
      this.need(2);
      len = this.buf[this.pos + 1];
      head = b === 0xc7 ? 3 : 2;
    } else if (b === 0xda || b === 0xc5 || b === 0xc8) {
      this.need(3);
      len = this.buf.readUInt16BE(this.pos + 1);
      head = b === 0xc8 ? 4 : 3;
    } else {
      this.need(5);
      len = this.buf.readUInt32BE(this.pos + 1);
      head = b === 0xc9 ? 6 : 5;
    }
    this.need(head + len);
    return head + len;
  }

  private readIntAt(b: number): number | bigint {
    const buf = this.buf;
    if (b <= 0x7f) {
      this.pos++;
      return b;
    }
    if (b >= 0xe0) {
      this.pos++;
      return b - 0x100;
    }
    const p = this.pos + 1;
    switch (b) {
      case 0xcc:
        this.need(2);
        this.pos += 2;
        return buf[p];
      case 0xcd:
        this.need(3);
        this.pos += 3;
        return buf.readUInt16BE(p);
      case 0xce:
        this.need(5);
        this.pos += 5;
        return buf.readUInt32BE(p);
      case 0xcf: {
        this.need(9);
        this.pos += 9;
        const hi = buf.readUInt32BE(p);
        const lo = buf.readUInt32BE(p + 4);
        if (hi < 0x200000) return hi * TWO_32 + lo;
        return (BigInt(hi) << 32n) | BigInt(lo);
      }
      case 0xd0:
        this.need(2);
        this.pos += 2;
        return buf.readInt8(p);
      case 0xd1:
        this.need(3);
        this.pos += 3;
        return buf.readInt16BE(p);
      case 0xd2:
        this.need(5);
        this.pos += 5;
        return buf.readInt32BE(p);
      default: {
        // 0xd3, int64
        this.need(9);
        this.pos += 9;
        const hi = buf.readInt32BE(p);
        const lo = buf.readUInt32BE(p + 4);
        if (hi >= -0x200000 && hi < 0x200000) {
          const v = hi * TWO_32 + lo;
          if (Number.isSafeInteger(v)) return v;
        }
        return (BigInt(hi) << 32n) | BigInt(lo);
      }
    }
  }
}

/**
 * Writes MessagePack into a growing buffer, always choosing the smallest form. Integers follow
 * go-cty's encoder: non-negative values use the positive fixint/uint forms, negative ones the
 * negative fixint/int forms.
 */
export class MsgpackWriter {
  private buf: Buffer;
  private pos = 0;

  /** @param initialCapacity - bytes to reserve up front (default 256); the buffer doubles as needed. */
  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialCapacity));
  }

  /** Number of bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Returns the bytes written (a view, not a copy) and leaves the writer empty for reuse. */
  finish(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = EMPTY;
    this.pos = 0;
    return out;
  }

  /** Writes nil (0xc0). */
  writeNil(): void {
    this.ensure(1);
    this.buf[this.pos++] = 0xc0;
  }

  /** Writes true (0xc3) or false (0xc2). */
  writeBool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 0xc3 : 0xc2;
  }

  /**
   * Writes an integer in the smallest form: positive fixint/uint8/16/32/64 for `v >= 0`, negative
   * fixint/int8/16/32/64 otherwise. Accepts `number` integers (exact, even above 2^53) and `bigint`
   * from -2^63 to 2^64-1; anything else throws `MSGPACK_RANGE`.
   */
  writeInt(v: number | bigint): void {
    if (typeof v === "number") {
      if (Number.isSafeInteger(v)) {
        if (v >= 0) this.writeUintNumber(v);
        else this.writeNegNumber(v);
        return;
      }
      if (!Number.isInteger(v)) {
        throw new MsgpackError("MSGPACK_RANGE", `cannot write ${v} as a MessagePack integer`, -1);
      }
      v = BigInt(v);
    }
    if (v >= 0n) {
      if (v <= MAX_SAFE_BIG) {
        this.writeUintNumber(Number(v));
        return;
      }
      if (v > MAX_UINT64) {
        throw new MsgpackError("MSGPACK_RANGE", `integer ${v} is above the uint64 range`, -1);
      }
      this.ensure(9);
      this.buf[this.pos] = 0xcf;
      this.buf.writeBigUInt64BE(v, this.pos + 1);
      this.pos += 9;
      return;
    }
    if (v >= -MAX_SAFE_BIG) {
      this.writeNegNumber(Number(v));
      return;
    }
    if (v < MIN_INT64) {
      throw new MsgpackError("MSGPACK_RANGE", `integer ${v} is below the int64 range`, -1);
    }
    this.ensure(9);
    this.buf[this.pos] = 0xd3;
    this.buf.writeBigInt64BE(v, this.pos + 1);
    this.pos += 9;
  }

  /** Writes a float64 (0xcb). */
  writeFloat64(v: number): void {
    this.ensure(9);
    this.buf[this.pos] = 0xcb;
    this.buf.writeDoubleBE(v, this.pos + 1);
    this.pos += 9;
  }

  /** Writes a float32 (0xca); `v` is rounded to single precision. */
  writeFloat32(v: number): void {
    this.ensure(5);
    this.buf[this.pos] = 0xca;
    this.buf.writeFloatBE(v, this.pos + 1);
    this.pos += 5;
  }

  /** Writes a str as UTF-8 (lone surrogates become U+FFFD) in the smallest form. */
  writeStr(s: string): void {
    const n = s.length;
    // Short ASCII strings: write the bytes directly, the common case for attribute names.
    if (n < 32) {
      this.ensure(1 + n);
      const buf = this.buf;
      const p = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[p + i] = c;
      }
      if (i === n) {
        buf[this.pos] = 0xa0 | n;
        this.pos = p + n;
        return;
      }
    }
    const len = Buffer.byteLength(s, "utf8");
    this.writeLengthHeader(len, 0xa0, 32, 0xd9, 0xda, 0xdb);
    this.ensure(len);
    this.buf.write(s, this.pos, len, "utf8");
    this.pos += len;
  }

  /** Writes a bin8/16/32 holding `data`. */
  writeBin(data: Uint8Array): void {
    this.writeLengthHeader(data.length, -1, 0, 0xc4, 0xc5, 0xc6);
    this.writeRaw(data);
  }

  /** Writes an array header for `n` elements; write the elements next. */
  writeArrayHeader(n: number): void {
    this.writeCountHeader(n, 0x90, 0xdc, 0xdd);
  }

  /** Writes a map header for `n` entries; write key, value, key, value… next. */
  writeMapHeader(n: number): void {
    this.writeCountHeader(n, 0x80, 0xde, 0xdf);
  }

  /** Writes an extension value, as a fixext when the payload is 1, 2, 4, 8 or 16 bytes long. */
  writeExt(type: number, data: Uint8Array): void {
    if (!Number.isInteger(type) || type < -128 || type > 127) {
      throw new MsgpackError("MSGPACK_RANGE", `extension type ${type} is outside -128..127`, -1);
    }
    const len = data.length;
    this.ensure(6);
    const buf = this.buf;
    const fix =
      len === 1 ? 0xd4 : len === 2 ? 0xd5 : len === 4 ? 0xd6 : len === 8 ? 0xd7 : len === 16 ? 0xd8 : 0;
    if (fix !== 0) {
      buf[this.pos++] = fix;
    } else if (len <= 0xff) {
      buf[this.pos++] = 0xc7;
      buf[this.pos++] = len;
    } else if (len <= 0xffff) {
      buf[this.pos++] = 0xc8;
      buf.writeUInt16BE(len, this.pos);
      this.pos += 2;
    } else {
      buf[this.pos++] = 0xc9;
      buf.writeUInt32BE(len, this.pos);
      this.pos += 4;
    }
    buf.writeInt8(type, this.pos++);
    this.writeRaw(data);
  }

  /** Appends bytes as they are (for example a value encoded earlier). */
  writeRaw(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  private ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let cap = Math.max(64, this.buf.length * 2);
    while (cap < need) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private writeUintNumber(v: number): void {
    this.ensure(9);
    const buf = this.buf;
    let p = this.pos;
    if (v < 0x80) {
      buf[p++] = v;
    } else if (v <= 0xff) {
      buf[p++] = 0xcc;
      buf[p++] = v;
    } else if (v <= 0xffff) {
      buf[p++] = 0xcd;
      buf[p++] = v >>> 8;
      buf[p++] = v & 0xff;
    } else if (v <= 0xffffffff) {
      buf[p] = 0xce;
      buf.writeUInt32BE(v, p + 1);
      p += 5;
    } else {
      buf[p] = 0xcf;
      buf.writeUInt32BE(Math.floor(v / TWO_32), p + 1);
      buf.writeUInt32BE(v % TWO_32, p + 5);
      p += 9;
    }
    this.pos = p;
  }

  private writeNegNumber(v: number): void {
    this.ensure(9);
    const buf = this.buf;
    let p = this.pos;
    if (v >= -32) {
      buf[p++] = v & 0xff;
    } else if (v >= -0x80) {
      buf[p++] = 0xd0;
      buf[p++] = v & 0xff;
    } else if (v >= -0x8000) {
      buf[p] = 0xd1;
      buf.writeInt16BE(v, p + 1);
      p += 3;
    } else if (v >= -0x80000000) {
      buf[p] = 0xd2;
      buf.writeInt32BE(v, p + 1);
      p += 5;
    } else {
      const hi = Math.floor(v / TWO_32);
      buf[p] = 0xd3;
      buf.writeInt32BE(hi, p + 1);
      buf.writeUInt32BE(v - hi * TWO_32, p + 5);
      p += 9;
    }
    this.pos = p;
  }

  private writeCountHeader(n: number, fix: number, c16: number, c32: number): void {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
      throw new MsgpackError("MSGPACK_RANGE", `invalid MessagePack element count ${n}`, -1);
    }
    this.ensure(5);
    const buf = this.buf;
    if (n < 16) {
      buf[this.pos++] = fix | n;
    } else if (n <= 0xffff) {
      buf[this.pos] = c16;
      buf.writeUInt16BE(n, this.pos + 1);
      this.pos += 3;
    } else {
      buf[this.pos] = c32;
      buf.writeUInt32BE(n, this.pos + 1);
      this.pos += 5;
    }
  }

  /** Header for str (fix form below `fixLimit`) or bin (`fix` = -1: no fix form). */
  private writeLengthHeader(
    len: number,
    fix: number,
    fixLimit: number,
    c8: number,
    c16: number,
    c32: number,
  ) {
    if (len > 0xffffffff) {
      throw new MsgpackError("MSGPACK_RANGE", `${len} bytes do not fit in a MessagePack str/bin`, -1);
    }
    this.ensure(5);
    const buf = this.buf;
    if (fix >= 0 && len < fixLimit) {
      buf[this.pos++] = fix | len;
    } else if (len <= 0xff) {
      buf[this.pos++] = c8;
      buf[this.pos++] = len;
    } else if (len <= 0xffff) {
      buf[this.pos] = c16;
      buf.writeUInt16BE(len, this.pos + 1);
      this.pos += 3;
    } else {
      buf[this.pos] = c32;
      buf.writeUInt32BE(len, this.pos + 1);
      this.pos += 5;
    }
  }
}

function isExtValue(v: object): v is MsgpackExt {
  return (
    !Array.isArray(v) &&
    !(v instanceof Map) &&
    Object.keys(v).length === 2 &&
    typeof (v as MsgpackExt).type === "number" &&
    (v as MsgpackExt).data instanceof Uint8Array
  );
}

function writeGeneric(w: MsgpackWriter, v: MsgpackValue, depth: number): void {
  if (depth > DEFAULT_MAX_DEPTH) throw new MsgpackError("MSGPACK_RANGE", "value nested too deeply", -1);
  if (v === null) {
    w.writeNil();
    return;
  }
  switch (typeof v) {
    case "boolean":
      w.writeBool(v);
      return;
    case "number":
      Number.isInteger(v) ? w.writeInt(v) : w.writeFloat64(v);
      return;
    case "bigint":
      w.writeInt(v);
      return;
    case "string":
      w.writeStr(v);
      return;
  }
  if (v instanceof Uint8Array) {
    w.writeBin(v);
    return;
  }
  if (Array.isArray(v)) {
    w.writeArrayHeader(v.length);
    for (const e of v) writeGeneric(w, e, depth + 1);
    return;
  }
  if (v instanceof Map) {
    w.writeMapHeader(v.size);
    for (const [k, e] of v) {
      writeGeneric(w, k, depth + 1);
      writeGeneric(w, e, depth + 1);
    }
    return;
  }
  if (typeof v === "object" && isExtValue(v)) {
    w.writeExt(v.type, v.data);
    return;
  }
  if (typeof v === "object") {
    const keys = Object.keys(v);
    w.writeMapHeader(keys.length);
    for (const k of keys) {
      w.writeStr(k);
      writeGeneric(w, (v as { [key: string]: MsgpackValue })[k], depth + 1);
    }
    return;
  }
  throw new MsgpackError("MSGPACK_RANGE", `cannot write a ${typeof v} as MessagePack`, -1);
}

function readGeneric(r: MsgpackReader, depth: number): MsgpackValue {
  const start = r.pos;
  switch (r.peekKind()) {
    case "nil":
      return r.readNil();
    case "bool":
      return r.readBool();
    case "int":
      return r.readInt();
    case "float":
      return r.readFloat();
    case "str":
      return r.readStr();
    case "bin":
      return r.readBin();
    case "ext":
      return r.readExt();
    case "array": {
      if (depth >= DEFAULT_MAX_DEPTH)
        throw new MsgpackError("MSGPACK_INVALID", `nesting too deep at byte ${start}`, start);
      const n = r.readArrayHeader();
      const out: MsgpackValue[] = [];
      for (let i = 0; i < n; i++) out.push(readGeneric(r, depth + 1));
      return out;
    }
    case "map": {
      if (depth >= DEFAULT_MAX_DEPTH)
        throw new MsgpackError("MSGPACK_INVALID", `nesting too deep at byte ${start}`, start);
      const n = r.readMapHeader();
      const out = new Map<MsgpackValue, MsgpackValue>();
      for (let i = 0; i < n; i++) {
        const k = readGeneric(r, depth + 1);
        out.set(k, readGeneric(r, depth + 1));
      }
      return out;
    }
    default:
      throw r.unexpected("a value");
  }
}

/**
 * Encodes a generic value: integers (`number` integers and `bigint`) in the smallest int form,
 * other numbers as float64, `Uint8Array` as bin, `{type, data}` as ext, `Map` and plain objects as maps.
 */
export function encodeMsgpack(value: MsgpackValue): Buffer {
  const w = new MsgpackWriter();
  writeGeneric(w, value, 0);
  return w.finish();
}

/**
 * Decodes exactly one value from `bytes` (trailing bytes are an error). Maps become `Map`s,
 * bin and ext payloads are views into `bytes`, integers above 2^53 are `bigint`s.
 */
export function decodeMsgpack(bytes: Uint8Array): MsgpackValue {
  const r = new MsgpackReader(bytes);
  const v = readGeneric(r, 0);
  r.expectEnd();
  return v;
}
