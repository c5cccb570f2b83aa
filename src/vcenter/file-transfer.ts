/**
 * The second half of a guest file transfer: the `GET` (download) or `PUT` (upload) of the URL that
 * `Transfers.create` returned. The URL points at the ESXi host running the VM, not at vCenter, so
 * this uses its own undici agent — with the same trust settings as the vCenter connection (the
 * CA bundle is never dropped; `allowUnverifiedSsl` covers this request too). Bodies stream; a
 * download is bounded by the caller's limit. Transfer requests are never retried: the URL is
 * single-use.
 */

import type { Readable } from "node:stream";
import { Agent, type Dispatcher } from "undici";
import { quote } from "../util/quote";
import {
  AbortedError,
  formatMs,
  RequestTimeoutError,
  TlsError,
  TransferError,
  TransferLimitError,
  TransportError,
  type VsphereGuestError,
} from "./errors";
import { classifyFailure, discard, headerValue } from "./transport";

/** How transfers connect. */
export interface FileTransferOptions {
  ca?: string | Buffer;
  allowUnverifiedSsl: boolean;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  userAgent: string;
}

/** What a transfer is about, for messages. */
export interface TransferTarget {
  vm: string;
  path: string;
}

/** Outcome of a bounded read. */
export interface BoundedRead {
  data: Buffer;
  truncated: boolean;
}

const HINT_USED =
  "a transfer URL works once and for 10 minutes, and not after the VM was powered off or migrated: start the transfer again";

/** Performs the `GET`/`PUT` of transfer URLs. One per client; {@link FileTransfers.close} when done. */
export class FileTransfers {
  private agent: Agent | undefined;

  constructor(private readonly options: FileTransferOptions) {}

  /** Downloads into memory: at most `maxBytes`; beyond it an error, or (`truncate`) the first `maxBytes`. */
  async read(
    url: URL,
    target: TransferTarget,
    limit: { maxBytes: number; onLimit: "error" | "truncate" },
    signal?: AbortSignal,
  ): Promise<BoundedRead> {
    const response = await this.open(url, target, signal);
    const declared = Number(headerValue(response.headers["content-length"]) ?? Number.NaN);
    if (limit.onLimit === "error" && Number.isFinite(declared) && declared > limit.maxBytes) {
      discard(response.body);
      throw new TransferLimitError(target.vm, target.path, limit.maxBytes, declared);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    try {
      for await (const chunk of response.body) {
        const buffer = chunk as Buffer;
        if (size + buffer.length > limit.maxBytes) {
          if (limit.onLimit === "error") {
            discard(response.body);
            throw new TransferLimitError(target.vm, target.path, limit.maxBytes);
          }
          chunks.push(buffer.subarray(0, limit.maxBytes - size));
          size = limit.maxBytes;
          truncated = true;
          discard(response.body);
          break;
        }
        chunks.push(buffer);
        size += buffer.length;
      }
    } catch (error) {
      if (error instanceof TransferLimitError) throw error;
      throw this.mapError(error, url, target, "download", signal);
    }
    return { data: Buffer.concat(chunks, size), truncated };
  }

  /**
   * Downloads into a stream (a file, stdout) without holding the file in memory. With `maxBytes`,
   * a larger file is a {@link TransferLimitError} (what was written up to then stays written).
   * @returns the number of bytes written
   */
  async pipe(
    url: URL,
    target: TransferTarget,
    sink: NodeJS.WritableStream,
    maxBytes: number | undefined,
    signal?: AbortSignal,
  ): Promise<number> {
    const response = await this.open(url, target, signal);
    const declared = Number(headerValue(response.headers["content-length"]) ?? Number.NaN);
    if (maxBytes !== undefined && Number.isFinite(declared) && declared > maxBytes) {
      discard(response.body);
      throw new TransferLimitError(target.vm, target.path, maxBytes, declared);
    }
    let size = 0;
    try {
      for await (const chunk of response.body) {
        const buffer = chunk as Buffer;
        size += buffer.length;
        if (maxBytes !== undefined && size > maxBytes) {
          discard(response.body);
          throw new TransferLimitError(target.vm, target.path, maxBytes);
        }
        if (!sink.write(buffer)) await drained(sink, signal);
      }
    } catch (error) {
      if (error instanceof TransferLimitError || error instanceof AbortedError) throw error;
      throw this.mapError(error, url, target, "download", signal);
    }
    return size;
  }

  /** Uploads exactly `size` bytes from `source` with `PUT`. */
  async write(
    url: URL,
    target: TransferTarget,
    source: Buffer | Readable,
    size: number,
    signal?: AbortSignal,
  ): Promise<void> {
    let response: Dispatcher.ResponseData;
    try {
      response = await this.dispatcher().request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: "PUT",
        headers: {
          "content-type": "application/octet-stream",
          "content-length": String(size),
          "user-agent": this.options.userAgent,
        },
        body: source,
        signal,
      });
    } catch (error) {
      throw this.mapError(error, url, target, "upload", signal);
    }
    await this.checkStatus(response, url, target, "upload");
    discard(response.body);
  }

  /** Closes the agent's connections. */
  async close(): Promise<void> {
    await this.agent?.close();
  }

  private dispatcher(): Agent {
    this.agent ??= new Agent({
      keepAliveTimeout: 10_000,
      headersTimeout: this.options.requestTimeoutMs,
      bodyTimeout: this.options.requestTimeoutMs,
      connect: {
        timeout: this.options.connectTimeoutMs,
        rejectUnauthorized: !this.options.allowUnverifiedSsl,
        ...(this.options.ca !== undefined ? { ca: this.options.ca } : {}),
      },
    });
    return this.agent;
  }

  private async open(
    url: URL,
    target: TransferTarget,
    signal?: AbortSignal,
  ): Promise<Dispatcher.ResponseData> {
    let response: Dispatcher.ResponseData;
    try {
      response = await this.dispatcher().request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: "GET",
        headers: { "user-agent": this.options.userAgent, accept: "application/octet-stream" },
        signal,
      });
    } catch (error) {
      throw this.mapError(error, url, target, "download", signal);
    }
    await this.checkStatus(response, url, target, "download");
    return response;
  }

  private async checkStatus(
    response: Dispatcher.ResponseData,
    url: URL,
    target: TransferTarget,
    direction: "download" | "upload",
  ): Promise<void> {
    if (response.statusCode >= 200 && response.statusCode < 300) return;
    let text = "";
    try {
      for await (const chunk of response.body) {
        text += (chunk as Buffer).toString("utf8");
        if (text.length > 2048) break;
      }
    } catch {
      // The status is what matters; a body cut short adds nothing.
    }
    discard(response.body);
    const flat = text.replace(/\s+/g, " ").trim().slice(0, 200);
    throw new TransferError(
      `the ${direction} of ${quote(target.path)} in VM ${target.vm} failed: the ESXi host ${url.host} answered HTTP ${response.statusCode}${flat ? ` (${flat})` : ""}`,
      { ...target, statusCode: response.statusCode },
      response.statusCode === 401 ||
        response.statusCode === 403 ||
        response.statusCode === 404 ||
        response.statusCode === 410
        ? HINT_USED
        : "check the ESXi host's state and retry the transfer",
    );
  }

  private mapError(
    error: unknown,
    url: URL,
    target: TransferTarget,
    direction: "download" | "upload",
    signal: AbortSignal | undefined,
  ): VsphereGuestError {
    const what = `the ${direction} of ${quote(target.path)} in VM ${target.vm}`;
    const failure = classifyFailure(error, signal);
    switch (failure.kind) {
      case "aborted":
        return new AbortedError(what, error);
      case "closed":
        return new AbortedError(`${what} (the client was closed)`, error);
      case "connect-timeout":
        return new RequestTimeoutError(
          "connect",
          this.options.connectTimeoutMs,
          `${what}: could not connect to the ESXi host ${url.host} within ${formatMs(this.options.connectTimeoutMs)}`,
          error,
        );
      case "headers-timeout":
      case "body-timeout":
        return new RequestTimeoutError(
          failure.kind === "headers-timeout" ? "headers" : "body",
          this.options.requestTimeoutMs,
          `${what}: the ESXi host ${url.host} did not answer within ${formatMs(this.options.requestTimeoutMs)}`,
          error,
        );
      case "tls":
        return new TlsError(
          `${what}: the TLS certificate of the ESXi host ${url.host} (transfers go to the host running the VM, not to vCenter) could not be verified (${failure.code}: ${failure.message})`,
          failure.code,
          error,
        );
      case "content-length":
        return new TransferError(
          `${what}: the local data did not have the size announced to the guest`,
          target,
          "do not change the local file while it uploads",
          error,
        );
      default:
        return new TransportError(
          `${what}: the connection to the ESXi host ${url.host} failed (${failure.detail})`,
          failure.code,
          error,
          "the ESXi host running the VM must be reachable from here on the port of the transfer URL (usually 443)",
        );
    }
  }
}

function drained(sink: NodeJS.WritableStream, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      sink.off("drain", done);
      sink.off("error", fail);
      signal?.removeEventListener("abort", abort);
      resolve();
    };
    const fail = (error: Error): void => {
      sink.off("drain", done);
      signal?.removeEventListener("abort", abort);
      reject(error);
    };
    const abort = (): void => fail(new AbortedError("writing the download", signal?.reason));
    sink.once("drain", done);
    sink.once("error", fail);
    signal?.addEventListener("abort", abort, { once: true });
  });
}
