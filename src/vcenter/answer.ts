/**
 * Checking vCenter's answers field by field against the API's types. Every parser of the client
 * reads its answer through an {@link Answer}: a field of the wrong type, out of range or missing
 * is a {@link BadResponseError} naming the operation, the field and the value, never a coerced
 * value (an `exit_code` of `""` is not 0).
 */
import { quote } from "../util/quote";
import { BadResponseError } from "./errors";
import type { TransportResponse } from "./transport";

/** Smallest and largest int64. */
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

/** RFC 3339 date-time, as the API's `date-time` fields carry it. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Longest excerpt of a bad value quoted in a message. */
const MAX_SHOWN = 60;

/**
 * A value as a message shows it: JSON (bigints as their digits), control, bidi and other
 * invisible characters escaped, cut to about 60 characters.
 */
export function showValue(value: unknown): string {
  if (value === undefined) return "missing";
  const text = quote(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

/** Why `value` is not an int64, or `undefined` when it is one (returned as an exact number or bigint). */
function int64Problem(value: unknown): string | undefined {
  if (typeof value === "bigint") {
    return value < INT64_MIN || value > INT64_MAX ? "is beyond the int64 range" : undefined;
  }
  if (typeof value !== "number") return "is not a number";
  if (!Number.isFinite(value) || !Number.isInteger(value)) return "is not a whole number";
  // Integers beyond 2^53 arrive as bigints (see json.ts); a double here came from an exponent
  // or a fraction and cannot be trusted to be exact.
  if (!Number.isSafeInteger(value))
    return value < -(2 ** 63) || value >= 2 ** 63
      ? "is beyond the int64 range"
      : "is not written as an exact integer";
  return undefined;
}

/** Whether `text` is an RFC 3339 date-time with a real date and time. */
export function isDateTime(text: string): boolean {
  const m = DATE_TIME.exec(text);
  if (!m) return false;
  const [, year, month, day, hour, minute, second] = m.map(Number) as number[];
  if (month! < 1 || month! > 12 || hour! > 23 || minute! > 59 || second! > 60) return false;
  const days = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return day! >= 1 && day! <= days && !Number.isNaN(Date.parse(text.replace(" ", "T")));
}

/** One answer of vCenter being read: knows the operation (for messages) and the HTTP response. */
export class Answer {
  /**
   * @param operation - the call, as messages name it, e.g. `get process 42 in VM vm-1`
   * @param res - the response (status and content type go into the error)
   */
  constructor(
    readonly operation: string,
    private readonly res: Pick<TransportResponse, "statusCode" | "contentType">,
  ) {}

  /** The error for `field` holding `value`, which `problem` describes (e.g. "is not a number"). */
  invalid(field: string, value: unknown, problem: string): BadResponseError {
    const what =
      value === undefined
        ? `has no ${field}, which the API requires`
        : `has an invalid ${field}: ${showValue(value)} ${problem}`;
    return new BadResponseError(
      `vCenter's answer to ${this.operation} ${what}`,
      this.res.statusCode,
      this.res.contentType,
      "no value was assumed in its place; check that the server address points at vCenter's API (not a proxy) and report the answer to vCenter's administrator",
    );
  }

  /**
   * The error for a secret `field` (the session token): says what is wrong with it, but never
   * shows its value, which may be a working credential.
   */
  invalidSecret(field: string, problem: string): BadResponseError {
    return new BadResponseError(
      `vCenter's answer to ${this.operation} has an invalid ${field}: it ${problem} (its value is not shown: it is a secret)`,
      this.res.statusCode,
      this.res.contentType,
      "check that the server address points at vCenter's API (not a proxy)",
    );
  }

  /** The body as an object (a JSON object, not an array or null). */
  object(value: unknown, field = "body"): Record<string, unknown> {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw this.invalid(field, value, "is not an object");
    }
    return value as Record<string, unknown>;
  }

  /** The body as an array. */
  array(value: unknown, field = "body"): unknown[] {
    if (!Array.isArray(value)) throw this.invalid(field, value, "is not an array");
    return value;
  }

  /** A required string field (may be empty unless `nonEmpty`). */
  string(
    obj: Record<string, unknown>,
    name: string,
    at = name,
    options: { nonEmpty?: boolean } = {},
  ): string {
    const value = obj[name];
    if (value === undefined || value === null) throw this.invalid(at, undefined, "");
    if (typeof value !== "string") throw this.invalid(at, value, "is not a string");
    if (options.nonEmpty && value === "") throw this.invalid(at, value, "is empty");
    return value;
  }

  /** A required boolean field. */
  boolean(obj: Record<string, unknown>, name: string, at = name): boolean {
    const value = obj[name];
    if (value === undefined || value === null) throw this.invalid(at, undefined, "");
    if (typeof value !== "boolean") throw this.invalid(at, value, "is not a boolean");
    return value;
  }

  /** A required string field holding one of `allowed`. */
  oneOf<T extends string>(obj: Record<string, unknown>, name: string, allowed: readonly T[], at = name): T {
    const value = this.string(obj, name, at);
    if (!(allowed as readonly string[]).includes(value)) {
      throw this.invalid(at, value, `is not one of ${allowed.join(", ")}`);
    }
    return value as T;
  }

  /** A required date-time field (RFC 3339), returned as sent. */
  dateTime(obj: Record<string, unknown>, name: string, at = name): string {
    const value = obj[name];
    if (value === undefined || value === null) throw this.invalid(at, undefined, "");
    return this.dateTimeValue(value, at);
  }

  /** An optional date-time field: `undefined` when absent or null. */
  optionalDateTime(obj: Record<string, unknown>, name: string, at = name): string | undefined {
    const value = obj[name];
    return value === undefined || value === null ? undefined : this.dateTimeValue(value, at);
  }

  /** An optional int64 field, exact (a bigint beyond 2^53): `undefined` when absent or null. */
  optionalInt64(obj: Record<string, unknown>, name: string, at = name): number | bigint | undefined {
    const value = obj[name];
    return value === undefined || value === null ? undefined : this.int64Value(value, at);
  }

  /** A value that must be an int64, exact. */
  int64Value(value: unknown, at: string): number | bigint {
    const problem = int64Problem(value);
    if (problem !== undefined) throw this.invalid(at, value, `${problem}; the API sends an int64`);
    return typeof value === "number" ? value + 0 : (value as bigint);
  }

  /** A value that must be a pid: an int64 from 1 up. */
  pidValue(value: unknown, at: string): number | bigint {
    if (value === undefined || value === null) throw this.invalid(at, undefined, "");
    const problem = int64Problem(value);
    if (problem !== undefined) throw this.invalid(at, value, `${problem}; a pid is a whole number from 1 up`);
    if ((value as number | bigint) < 1)
      throw this.invalid(at, value, "is not a pid (a whole number from 1 up)");
    return value as number | bigint;
  }

  private dateTimeValue(value: unknown, at: string): string {
    if (typeof value !== "string") throw this.invalid(at, value, "is not a date-time string");
    if (!isDateTime(value)) throw this.invalid(at, value, "is not an RFC 3339 date-time");
    return value;
  }
}
