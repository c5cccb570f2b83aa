/**
 * Reading a request body with a size limit.
 */
import type { IncomingMessage } from "node:http";
import { ApiError } from "./responses";

/** The largest body the simulator accepts: 1 MiB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Past this many bytes the simulator stops draining an oversized body and drops the connection. */
const DRAIN_LIMIT_BYTES = 64 * MAX_BODY_BYTES;

/**
 * Reads the whole body.
 * An oversized body is drained (so the client can read the answer) and refused with 400 INVALID_REQUEST;
 * a body beyond 64 MiB gets the connection dropped.
 * @throws {@link ApiError} 400 INVALID_REQUEST when the body is larger than `limit`
 */
export function readBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > DRAIN_LIMIT_BYTES) request.socket.destroy();
    });
    request.once("end", () => {
      if (size > limit) {
        reject(
          new ApiError("INVALID_REQUEST", `the request body has ${size} bytes; the limit is ${limit} bytes`, {
            id: "simulator.request.body_too_large",
          }),
        );
      } else {
        resolve(Buffer.concat(chunks));
      }
    });
    request.once("error", reject);
    // A client that goes away mid-body never sends "end".
    request.once("close", () => {
      if (!request.complete)
        reject(new Error("the client closed the connection before the body was complete"));
    });
  });
}
