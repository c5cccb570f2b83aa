/**
 * The simulated ESXi host's side of guest file transfers: `GET` and `PUT` of
 * `/guestFile?id=N&token=T` on a listener of its own, with its own certificate. Answers are plain
 * HTTP (the host's file service is not the vAPI): 200 with the bytes, 200 after an upload, or an
 * error status with one line of text.
 */
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { chmod, lstat, rename, rm, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { basename, dirname, join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { TicketRefusal, TransferTicket } from "./transfers";

/** The path of every transfer URL. */
export const TRANSFER_PATH = "/guestFile";

/** Writes a plain-text answer and ends the response. */
export function plainReply(response: ServerResponse, status: number, text: string): void {
  if (response.headersSent || response.destroyed) {
    response.destroy();
    return;
  }
  const body = `${text}\n`;
  response.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
  });
  response.end(body);
}

/** The answer for a ticket that cannot be used. */
export function refuseTicket(response: ServerResponse, reason: TicketRefusal): void {
  const why: Record<TicketRefusal, string> = {
    unknown: "no transfer has this id and token",
    used: "this transfer URL was already used; a transfer URL works once",
    expired: "this transfer URL has expired; a transfer URL is valid for 10 minutes",
    invalidated: "this transfer URL is no longer valid: its virtual machine stopped running",
  };
  plainReply(response, 404, why[reason]);
}

/** `GET`: streams the guest file. */
export async function serveDownload(ticket: TransferTicket, response: ServerResponse): Promise<void> {
  const info = await stat(ticket.path).catch(() => undefined);
  if (info === undefined || !info.isFile()) {
    plainReply(response, 404, `the guest file ${ticket.path} no longer exists`);
    return;
  }
  response.writeHead(200, {
    "Content-Type": "application/octet-stream",
    "Content-Length": info.size,
  });
  try {
    await pipeline(createReadStream(ticket.path, { start: 0, end: Math.max(0, info.size - 1) }), response);
  } catch {
    // The client went away (or stopped reading at its limit): nothing more to send.
    response.destroy();
  }
}

/**
 * `PUT`: receives exactly the announced number of bytes into a file beside the target, then
 * renames it into place (so a cut upload never leaves half a file), with the requested permissions.
 */
export async function receiveUpload(
  ticket: TransferTicket,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const size = ticket.size ?? 0;
  const declared = request.headers["content-length"];
  if (declared !== undefined && Number(declared) !== size) {
    plainReply(response, 400, `the upload announced ${size} bytes but sends ${declared}`);
    request.resume();
    return;
  }
  const partial = join(
    dirname(ticket.path),
    `.${basename(ticket.path)}.upload-${randomBytes(4).toString("hex")}`,
  );
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > size) done(new Error(`more than the ${size} bytes announced`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(request, counter, createWriteStream(partial, { flags: "wx", mode: 0o600 }));
  } catch (error) {
    await rm(partial, { force: true });
    plainReply(response, 400, `the upload failed: ${(error as Error).message}`);
    return;
  }
  try {
    if (received !== size) {
      plainReply(response, 400, `the upload announced ${size} bytes but sent ${received}`);
      return;
    }
    if (!ticket.overwrite && (await lstat(ticket.path).catch(() => undefined)) !== undefined) {
      plainReply(response, 409, `${ticket.path} was created meanwhile and overwrite is false`);
      return;
    }
    await chmod(partial, Number.parseInt(ticket.permissions ?? "0644", 8));
    await rename(partial, ticket.path);
  } finally {
    await rm(partial, { force: true });
  }
  plainReply(response, 200, "ok");
}
