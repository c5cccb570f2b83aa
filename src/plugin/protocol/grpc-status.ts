/**
 * gRPC status codes and the `grpc-message` trailer's percent-encoding, as the provider's unary
 * server (`unary-server.ts`) answers them.
 */

/** The gRPC status codes this provider's server answers with (numbers from the gRPC spec). */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

/** One of {@link GrpcStatus}'s codes. */
export type GrpcStatusCode = (typeof GrpcStatus)[keyof typeof GrpcStatus];

/**
 * Thrown by a unary handler to answer with a given status and message instead of a response.
 * Any other exception reaches the client as INTERNAL with a generic message (its text may hold
 * anything, so it is not sent).
 */
export class GrpcError extends Error {
  /** The status the client receives. */
  readonly code: GrpcStatusCode;

  constructor(code: GrpcStatusCode, message: string) {
    super(message);
    this.name = "GrpcError";
    this.code = code;
  }
}

/**
 * Percent-encodes a `grpc-message` value as the gRPC spec says: the message's UTF-8 bytes, each byte
 * outside printable ASCII (0x20–0x7E) and `%` itself written as `%XX`.
 */
export function encodeGrpcMessage(message: string): string {
  let out = "";
  for (const byte of Buffer.from(message, "utf8")) {
    if (byte >= 0x20 && byte <= 0x7e && byte !== 0x25) out += String.fromCharCode(byte);
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
