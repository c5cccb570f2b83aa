/**
 * One HTTP exchange with vCenter over a keep-alive undici pool: TLS verification, timeouts,
 * bounded bodies, and the mapping of low-level failures onto the client's error family.
 */
import { Pool } from "undici";
import {
  AbortedError,
  BadResponseError,
  formatMs,
  RequestTimeoutError,
  TlsError,
  TransportError,
  type VsphereGuestError,
} from "./errors";
import type { ServerAddress } from "./server-address";

/** How the transport connects. */
export interface TransportOptions {
  address: ServerAddress;
  /** PEM CA bundle to trust instead of the system roots. */
  ca?: string | Buffer;
  /** Accept any certificate. Only for labs; off by default. */
  allowUnverifiedSsl: boolean;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  maxResponseBytes: number;
  /** Upper bound of parallel connections. */
  connections: number;
  userAgent: string;
}

/** One request. `body` is serialised as JSON. */
export interface TransportRequest {
  method: "GET" | "POST" | "DELETE";
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
}

/** The answer, read whole. */
export interface TransportResponse {
  statusCode: number;
  contentType: string | undefined;
  text: string;
}

/** System error codes of a connection that dropped; worth one more try on an idempotent call. */
export const CONNECTION_RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);

/** Node.js error codes of a certificate that could not be verified. */
const TLS_CODES = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_SIGNATURE_FAILURE",
  "CERT_REJECTED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "HOSTNAME_MISMATCH",
]);

/** The transport: one pool per client, closed with {@link Transport.close}. */
export class Transport {
  private readonly pool: Pool;
  private readonly options: TransportOptions;

  constructor(options: TransportOptions) {
    this.options = options;
    const tls = options.address.protocol === "https:";
    this.pool = new Pool(options.address.origin, {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
      connect: {
        timeout: options.connectTimeoutMs,
        ...(tls
          ? {
              rejectUnauthorized: !options.allowUnverifiedSsl,
              ...(options.ca !== undefined ? { ca: options.ca } : {}),
            }
          : {}),
      },
    });
  }

  /** Sends one request and reads the whole answer; throws a client error on any failure. */
  async send(request: TransportRequest): Promise<TransportResponse> {
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": this.options.userAgent,
      ...request.headers,
    };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers["content-type"] = "application/json";
    }
    let response: Awaited<ReturnType<Pool["request"]>>;
    try {
      response = await this.pool.request({
        method: request.method,
        path: request.path,
        headers,
        body,
        signal: request.signal,
      });
    } catch (error) {
      throw this.mapError(error, request);
    }
    const contentType = headerValue(response.headers["content-type"]);
    const declared = Number(headerValue(response.headers["content-length"]) ?? "0");
    if (declared > this.options.maxResponseBytes) {
      discard(response.body);
      throw oversized(response.statusCode, contentType, this.options.maxResponseBytes);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body) {
        size += (chunk as Buffer).length;
        if (size > this.options.maxResponseBytes) {
          discard(response.body);
          throw oversized(response.statusCode, contentType, this.options.maxResponseBytes);
        }
        chunks.push(chunk as Buffer);
      }
    } catch (error) {
      if (error instanceof BadResponseError) throw error;
      throw this.mapError(error, request);
    }
    return { statusCode: response.statusCode, contentType, text: Buffer.concat(chunks).toString("utf8") };
  }

  /** Closes every connection. */
  async close(): Promise<void> {
    await this.pool.close();
  }

  private mapError(error: unknown, request: TransportRequest): VsphereGuestError {
    const server = this.options.address.display;
    const failure = classifyFailure(error, request.signal);
    const what = `${request.method} ${request.path.split("?")[0]}`;
    switch (failure.kind) {
      case "aborted":
        return new AbortedError(what, error);
      case "closed":
        return new AbortedError(`${what} (the client was closed)`, error);
      case "connect-timeout":
        return new RequestTimeoutError(
          "connect",
          this.options.connectTimeoutMs,
          `could not connect to ${server} within ${formatMs(this.options.connectTimeoutMs)}`,
          error,
        );
      case "headers-timeout":
      case "body-timeout":
        return new RequestTimeoutError(
          failure.kind === "headers-timeout" ? "headers" : "body",
          this.options.requestTimeoutMs,
          `vCenter at ${server} did not answer within ${formatMs(this.options.requestTimeoutMs)}`,
          error,
        );
      case "tls":
        return new TlsError(
          `the TLS certificate of ${server} could not be verified (${failure.code}: ${failure.message})`,
          failure.code,
          error,
        );
      case "reset":
        return new TransportError(
          `the connection to ${server} was reset (${failure.code})`,
          failure.code,
          error,
          "retry; if it keeps happening, check proxies and load balancers in the way",
        );
      case "refused":
        return new TransportError(
          `nothing accepts connections at ${server} (ECONNREFUSED)`,
          failure.code,
          error,
          "check the server address and port",
        );
      case "dns":
        return new TransportError(
          `the host name of ${server} does not resolve (${failure.code})`,
          failure.code,
          error,
          "check the server name and DNS",
        );
      default:
        return new TransportError(`the request to ${server} failed (${failure.detail})`, failure.code, error);
    }
  }
}

/** What kind of low-level failure an undici or socket error is. */
export type FailureKind =
  | "aborted"
  | "closed"
  | "connect-timeout"
  | "headers-timeout"
  | "body-timeout"
  | "tls"
  | "reset"
  | "refused"
  | "dns"
  | "content-length"
  | "other";

/** A low-level failure, classified once for every connection the client makes (vCenter, ESXi). */
export interface Failure {
  kind: FailureKind;
  /** The error's code (or its cause's), e.g. `ECONNRESET`, `UND_ERR_CONNECT_TIMEOUT`. */
  code: string | undefined;
  /** The error's own message. */
  message: string;
  /** `CODE: message`, for the catch-all messages. */
  detail: string;
}

const FAILURE_KIND_OF_CODE: Record<string, FailureKind> = {
  UND_ERR_DESTROYED: "closed",
  UND_ERR_CLOSED: "closed",
  UND_ERR_CONNECT_TIMEOUT: "connect-timeout",
  UND_ERR_HEADERS_TIMEOUT: "headers-timeout",
  UND_ERR_BODY_TIMEOUT: "body-timeout",
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: "content-length",
  ECONNREFUSED: "refused",
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
};

/** Classifies what undici (or the socket under it) threw; `signal` is the request's own. */
export function classifyFailure(error: unknown, signal?: AbortSignal): Failure {
  const err = error as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  const message = err.message ?? String(error);
  const detail = `${code ?? err.name ?? "error"}: ${message}`;
  let kind: FailureKind;
  if (signal?.aborted || err.name === "AbortError" || err.code === "UND_ERR_ABORTED") kind = "aborted";
  else if (code === undefined) kind = "other";
  else if (isTlsErrorCode(code)) kind = "tls";
  else if (CONNECTION_RESET_CODES.has(code)) kind = "reset";
  else kind = FAILURE_KIND_OF_CODE[code] ?? "other";
  return { kind, code, message: err.message ?? "", detail };
}

/** Whether a connection error code means the peer's certificate could not be verified. */
export function isTlsErrorCode(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS");
}

/** Drops a body we will not read; the error its destruction raises is expected. */
export function discard(body: NodeJS.ReadableStream & { destroy(): void }): void {
  body.on("error", () => {});
  body.destroy();
}

/** The first value of a response header. */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function oversized(statusCode: number, contentType: string | undefined, limit: number): BadResponseError {
  return new BadResponseError(
    `vCenter's answer (HTTP ${statusCode}) is larger than ${limit} bytes`,
    statusCode,
    contentType,
    "check that the server address points at vCenter's API, or raise maxResponseBytes",
  );
}
