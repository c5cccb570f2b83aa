/**
 * The vAPI error envelope and the replies the simulator writes.
 *
 * Handlers never touch the HTTP response: they return a {@link Reply} or throw an {@link ApiError},
 * and {@link writeReply} turns either into bytes on the wire.
 */
import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { WireError, WireErrorType } from "../vcenter/wire";

/**
 * The HTTP status vCenter pairs with each standard error type, following the vAPI REST mapping.
 * Used when a fault rule names only an error type, and by {@link apiError}.
 */
export const STATUS_OF_ERROR_TYPE: Readonly<Record<WireErrorType, number>> = {
  ERROR: 500,
  ALREADY_EXISTS: 400,
  ALREADY_IN_DESIRED_STATE: 400,
  CANCELED: 500,
  CONCURRENT_CHANGE: 500,
  FEATURE_IN_USE: 400,
  INTERNAL_SERVER_ERROR: 500,
  INVALID_ARGUMENT: 400,
  INVALID_ELEMENT_CONFIGURATION: 400,
  INVALID_ELEMENT_TYPE: 400,
  INVALID_REQUEST: 400,
  NOT_ALLOWED_IN_CURRENT_STATE: 400,
  NOT_FOUND: 404,
  OPERATION_NOT_FOUND: 404,
  RESOURCE_BUSY: 500,
  RESOURCE_IN_USE: 400,
  RESOURCE_INACCESSIBLE: 500,
  SERVICE_UNAVAILABLE: 503,
  TIMED_OUT: 504,
  UNABLE_TO_ALLOCATE_RESOURCE: 500,
  UNAUTHENTICATED: 401,
  UNAUTHORIZED: 403,
  UNEXPECTED_INPUT: 400,
  UNSUPPORTED: 400,
  UNVERIFIED_PEER: 500,
};

/** Optional parts of an {@link ApiError}. */
export interface ApiErrorOptions {
  /** HTTP status; defaults to the one vCenter uses for the error type ({@link STATUS_OF_ERROR_TYPE}). */
  status?: number;
  /** Message id in `messages[0].id`; defaults to `simulator.<error_type in lower case>`. */
  id?: string;
  /** Message arguments in `messages[0].args`. */
  args?: string[];
  /** The envelope's optional `data` object, e.g. `{ pid: 42 }`. */
  data?: Record<string, unknown>;
  /** Extra response headers, e.g. `Allow` on a 405. */
  headers?: Record<string, string>;
}

/** A standard vAPI error: thrown by handlers, answered as the real envelope with the real status. */
export class ApiError extends Error {
  /** HTTP status of the answer. */
  readonly status: number;
  /** The envelope's `error_type`. */
  readonly errorType: WireErrorType;
  /** Message id of the first message. */
  readonly id: string;
  /** Arguments of the first message. */
  readonly args: string[];
  /** The envelope's `data`, when the operation documents one. */
  readonly data: Record<string, unknown> | undefined;
  /** Extra response headers. */
  readonly headers: Record<string, string>;

  /**
   * @param errorType - the standard error type
   * @param message - the human message (`messages[0].default_message`)
   * @param options - status, id, args, data and headers
   */
  constructor(errorType: WireErrorType, message: string, options: ApiErrorOptions = {}) {
    super(message);
    this.name = "ApiError";
    this.errorType = errorType;
    this.status = options.status ?? STATUS_OF_ERROR_TYPE[errorType];
    this.id = options.id ?? `simulator.${errorType.toLowerCase()}`;
    this.args = options.args ?? [];
    this.data = options.data;
    this.headers = options.headers ?? {};
  }

  /** The error as it travels: `{error_type, messages, data?}`. */
  toWire(): WireError {
    const wire: WireError = {
      error_type: this.errorType,
      messages: [{ id: this.id, default_message: this.message, args: this.args }],
    };
    if (this.data !== undefined) wire.data = this.data;
    return wire;
  }
}

/**
 * One answer, before it is written.
 * `json` is serialised with `Content-Type: application/json`; `raw` is sent as is (fault injection);
 * neither means an empty body (204).
 */
export interface Reply {
  /** HTTP status. */
  status: number;
  /** A JSON value to serialise (a number, a string, an object, an array). */
  json?: unknown;
  /** A body sent byte for byte, with its content type. */
  raw?: { body: string | Buffer; contentType: string };
  /** Extra headers. */
  headers?: Record<string, string>;
}

/** A JSON answer. */
export function jsonReply(status: number, value: unknown): Reply {
  return { status, json: value };
}

/** An answer without a body (204 No Content). */
export function emptyReply(status = 204): Reply {
  return { status };
}

/** The answer for an {@link ApiError}: the envelope, its status and its headers. */
export function errorReply(error: ApiError): Reply {
  return { status: error.status, json: error.toWire(), headers: error.headers };
}

/** Turns any exception into a reply: an {@link ApiError} as is, anything else as 500 INTERNAL_SERVER_ERROR. */
export function replyForException(error: unknown): Reply {
  if (error instanceof ApiError) return errorReply(error);
  const detail = error instanceof Error ? error.message : String(error);
  return errorReply(
    new ApiError("INTERNAL_SERVER_ERROR", `the simulator failed while handling the request: ${detail}`, {
      id: "simulator.internal_error",
    }),
  );
}

// Marks a bigint while JSON.stringify runs; random so no string in a reply can look like it.
const BIGINT_MARK = `bigint-${randomBytes(8).toString("hex")}:`;
const BIGINT_MARKED = new RegExp(`"${BIGINT_MARK}(-?[0-9]+)"`, "g");

/**
 * `JSON.stringify` that also writes a `bigint` as an exact JSON number (int64 pids beyond 2^53).
 * @param value - any JSON value, possibly holding bigints
 */
export function stringifyJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, item: unknown) =>
    typeof item === "bigint" ? `${BIGINT_MARK}${item.toString()}` : item,
  );
  return text.includes(BIGINT_MARK) ? text.replace(BIGINT_MARKED, "$1") : text;
}

/** Writes a reply on a response, unless the socket is already gone. */
export function writeReply(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.writableEnded) return;
  const headers: Record<string, string | number> = { ...reply.headers };
  let body: string | Buffer | undefined;
  if (reply.raw !== undefined) {
    body = reply.raw.body;
    headers["Content-Type"] = reply.raw.contentType;
  } else if (reply.json !== undefined) {
    body = stringifyJson(reply.json);
    headers["Content-Type"] = "application/json";
  }
  headers["Content-Length"] = body === undefined ? 0 : Buffer.byteLength(body);
  res.writeHead(reply.status, headers);
  res.end(body);
}
