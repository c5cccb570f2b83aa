/**
 * A minimal gRPC server on `node:http2` for unary methods only: what a provider process needs,
 * without a general gRPC library's start-up cost.
 *
 * Wire (gRPC over HTTP/2): a call is an HTTP/2 POST to `/<service>/<method>` with a content type
 * of `application/grpc` (optionally `+<subtype>` or `;<params>`); its body is exactly one message,
 * framed as a 1-byte compressed flag (must be 0: we announce no `grpc-encoding`), a 4-byte
 * big-endian length and the protobuf bytes, possibly split over many DATA frames. The answer is
 * HEADERS (`:status` 200, `content-type: application/grpc`), one framed message and trailers
 * `grpc-status` (and `grpc-message`, percent-encoded); an error is a trailers-only answer (one
 * HEADERS frame with the status). A wrong content type is HTTP 415, a method other than POST 405.
 *
 * `grpc-timeout` is honoured: when it passes before the handler answers, the client gets
 * DEADLINE_EXCEEDED and the handler's late answer is dropped (handlers cannot be interrupted; the
 * provider's own calls carry their own time limits). The hosts send none for provider calls.
 *
 * `node:http2` is loaded by {@link listenUnary}, not when this module is loaded, so the module
 * can sit in a V8 startup snapshot that holds no http2 state.
 */

import type * as Http2 from "node:http2";
import type { Logger } from "../log";
import { encodeGrpcMessage, GrpcError, GrpcStatus, type GrpcStatusCode } from "./grpc-status";

/** Handles one unary call: the request message's bytes in, the response message's bytes out. */
export type UnaryHandler = (request: Buffer) => Promise<Uint8Array>;

/** TLS settings of {@link listenUnary}: the server's identity and the one client certificate it accepts. */
export interface UnaryServerTls {
  /** The server's private key (PEM). */
  keyPem: string;
  /** The server's certificate (PEM). */
  certPem: string;
  /** The only client certificate accepted (PEM): it is the trust anchor, and a client must present it. */
  clientCertPem: string;
}

/** Options of {@link listenUnary}. */
export interface UnaryServerOptions {
  /** Require mutual TLS with these settings; without, serve plaintext HTTP/2 (h2c). */
  tls?: UnaryServerTls;
  /** Largest request message accepted, in bytes. @default 64 MiB */
  maxReceiveBytes?: number;
  /** Address to listen on. @default "127.0.0.1" */
  host?: string;
  /** Where refused connections and broken streams are logged (debug level). */
  logger: Logger;
}

/** A listening {@link listenUnary} server. */
export interface UnaryServer {
  /** The TCP port it listens on. */
  readonly port: number;
  /** Calls received and not finished (their streams not closed yet). */
  inFlight(): number;
  /**
   * Stops taking connections and streams (GOAWAY to every client), waits for the calls in flight to
   * finish, at most `graceMs`, then closes what is left. Resolves `true` when everything finished
   * in time, `false` when something had to be cut off.
   */
  drain(graceMs: number): Promise<boolean>;
  /** Closes the server and every connection at once. */
  close(): void;
}

/** The default receive limit: 64 MiB, as the provider's gRPC server always had. */
export const DEFAULT_MAX_RECEIVE_BYTES = 64 * 1024 * 1024;

/** The 5-byte prefix of every gRPC message: compressed flag and length. */
const PREFIX_BYTES = 5;

/** `grpc-timeout` units in milliseconds. */
const TIMEOUT_UNIT_MS: Record<string, number> = {
  H: 3_600_000,
  M: 60_000,
  S: 1000,
  m: 1,
  u: 0.001,
  n: 0.000_001,
};

/** Timers cannot wait longer than this (~24.8 days); longer timeouts are left unarmed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A `grpc-timeout` value in milliseconds, `undefined` when absent; throws on a malformed value. */
export function parseGrpcTimeout(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value[0] : value;
  const m = /^(\d{1,8})([HMSmun])$/.exec(text ?? "");
  if (!m) {
    throw new GrpcError(
      GrpcStatus.INTERNAL,
      `malformed grpc-timeout ${JSON.stringify(text)}: expected 1 to 8 digits and a unit (H, M, S, m, u, n)`,
    );
  }
  return Number(m[1]) * TIMEOUT_UNIT_MS[m[2]!]!;
}

/** Whether a content type is gRPC's: `application/grpc`, or it followed by `+subtype` or `;params`. */
export function isGrpcContentType(value: string | undefined): boolean {
  return value !== undefined && /^application\/grpc(?:$|[+;])/i.test(value);
}

/**
 * Serves `methods` (keyed by path, `/<service>/<method>`) on a random port of `host`. Loads
 * `node:http2` on first use.
 */
export async function listenUnary(
  methods: ReadonlyMap<string, UnaryHandler>,
  options: UnaryServerOptions,
): Promise<UnaryServer> {
  const http2 = await import("node:http2");
  const { logger } = options;
  const maxReceive = options.maxReceiveBytes ?? DEFAULT_MAX_RECEIVE_BYTES;
  const services = new Set([...methods.keys()].map((path) => path.split("/")[1]));
  const { NGHTTP2_CANCEL } = http2.constants;

  // Large schemas and requests are buffered by the session while they are written and read;
  // nghttp2's default budget (10 MB) could refuse a legitimate 64 MiB request.
  const common: Http2.ServerOptions = { maxSessionMemory: 256 };
  const server: Http2.Http2Server | Http2.Http2SecureServer = options.tls
    ? http2.createSecureServer({
        ...common,
        key: options.tls.keyPem,
        cert: options.tls.certPem,
        ca: options.tls.clientCertPem,
        requestCert: true,
        rejectUnauthorized: true,
        minVersion: "TLSv1.2",
        allowHTTP1: false,
      })
    : http2.createServer(common);

  const sessions = new Set<Http2.ServerHttp2Session>();
  const streams = new Set<Http2.ServerHttp2Stream>();
  let draining = false;
  let onIdle: (() => void) | undefined;
  const checkIdle = (): void => {
    if (onIdle && sessions.size === 0) onIdle();
  };

  server.on("session", (session: Http2.ServerHttp2Session) => {
    sessions.add(session);
    // Trace level: some hosts (OpenTofu 1.12) end the connection after Shutdown in a way nghttp2
    // calls a protocol error; grpc-js met the same and said nothing, and nothing is lost.
    session.on("error", (err: Error) => logger.trace("gRPC connection error", { error: String(err) }));
    session.once("close", () => {
      sessions.delete(session);
      checkIdle();
    });
    if (draining) session.close();
  });
  server.on("tlsClientError", (err: Error) =>
    logger.debug("refused a gRPC client at the TLS handshake", { error: String(err) }),
  );
  // A TLS client that did not negotiate h2 by ALPN: nothing to serve, close at once.
  server.on("unknownProtocol", (socket: { destroy(): void }) => {
    logger.debug("refused a gRPC client that did not negotiate HTTP/2");
    socket.destroy();
  });

  /**
   * Runs an answer; the stream can be reset by the client at any moment, and an answer that comes
   * too late must neither throw out of a timer or promise callback (which would end the process)
   * nor be retried.
   */
  const safely = (what: string, answer: () => void): void => {
    try {
      answer();
    } catch (err) {
      logger.debug("gRPC answer not sent", { what, error: String(err) });
    }
  };

  /** Answers with a status only (one HEADERS frame ending the stream), then stops reading. */
  const trailersOnly = (stream: Http2.ServerHttp2Stream, code: GrpcStatusCode, message: string): void => {
    if (stream.destroyed || stream.closed || stream.headersSent) return;
    safely("status", () =>
      stream.respond(
        {
          ":status": 200,
          "content-type": "application/grpc",
          "grpc-status": String(code),
          "grpc-message": encodeGrpcMessage(message),
        },
        { endStream: true },
      ),
    );
    stopReading(stream);
  };

  /**
   * The answer is complete: discard whatever the client still sends. No RST_STREAM: gRPC clients
   * end a call whose status arrived while they were still sending by themselves, while a reset
   * from our side can overtake the status on the wire (grpc-go then reports "stream terminated
   * by RST_STREAM with error code: NO_ERROR" instead of our status).
   */
  const stopReading = (stream: Http2.ServerHttp2Stream): void => {
    stream.removeAllListeners("data");
    stream.resume();
  };

  const httpError = (stream: Http2.ServerHttp2Stream, status: number, text: string): void => {
    if (stream.destroyed || stream.closed || stream.headersSent) return;
    safely("HTTP error", () => {
      stream.respond({ ":status": status, "content-type": "text/plain; charset=utf-8" });
      stream.end(`${text}\n`);
    });
    stopReading(stream);
  };

  const respond = (stream: Http2.ServerHttp2Stream, bytes: Uint8Array): void => {
    if (stream.destroyed || stream.closed || stream.headersSent) return;
    const prefix = Buffer.alloc(PREFIX_BYTES);
    prefix.writeUInt32BE(bytes.byteLength, 1);
    safely("response", () => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.once("wantTrailers", () =>
        safely("trailers", () => stream.sendTrailers({ "grpc-status": String(GrpcStatus.OK) })),
      );
      stream.write(prefix);
      stream.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
  };

  const onStream = (stream: Http2.ServerHttp2Stream, headers: Http2.IncomingHttpHeaders): void => {
    let timer: NodeJS.Timeout | undefined; // the grpc-timeout deadline, when one is set
    streams.add(stream);
    stream.once("close", () => {
      streams.delete(stream);
      if (timer) clearTimeout(timer);
    });
    // A client that resets the stream (cancel) or drops the connection: nothing to answer.
    stream.on("error", (err: Error) => logger.debug("gRPC stream error", { error: String(err) }));

    const path = headers[":path"] ?? "";
    if (headers[":method"] !== "POST") {
      httpError(stream, 405, `gRPC calls are HTTP/2 POST requests, not ${headers[":method"]}`);
      return;
    }
    const contentType = headers["content-type"];
    if (!isGrpcContentType(contentType)) {
      httpError(
        stream,
        415,
        `content-type ${JSON.stringify(contentType ?? "")} is not gRPC's: use application/grpc`,
      );
      return;
    }
    const handler = methods.get(path);
    if (!handler) {
      const [, service = "", method = ""] = path.split("/");
      // Trace level: go-plugin's hosts try GRPCBroker/StartStream and GRPCStdio/StreamStdio on
      // every connection, and that is normal.
      logger.trace("unimplemented gRPC method called", { grpc_method: path });
      trailersOnly(
        stream,
        GrpcStatus.UNIMPLEMENTED,
        services.has(service)
          ? `unknown method ${method} for service ${service}`
          : `unknown service ${service}`,
      );
      return;
    }
    const encoding = headers["grpc-encoding"];
    try {
      const timeoutMs = parseGrpcTimeout(headers["grpc-timeout"]);
      if (timeoutMs !== undefined && timeoutMs <= MAX_TIMER_MS) {
        timer = setTimeout(
          () => {
            logger.debug("gRPC call deadline passed", { path });
            trailersOnly(stream, GrpcStatus.DEADLINE_EXCEEDED, `deadline of ${path} exceeded`);
          },
          Math.max(0, timeoutMs),
        );
        timer.unref();
      }
    } catch (err) {
      trailersOnly(stream, (err as GrpcError).code, (err as GrpcError).message);
      return;
    }

    // Read exactly one length-prefixed message, never buffering past the receive limit.
    const chunks: Buffer[] = [];
    let received = 0;
    let expected = -1; // body length once the prefix is read
    let message: Buffer | undefined;
    const fail = (code: GrpcStatusCode, text: string): void => {
      chunks.length = 0;
      trailersOnly(stream, code, text);
    };
    stream.on("data", (chunk: Buffer) => {
      if (message !== undefined) {
        fail(GrpcStatus.INTERNAL, `${path} is unary: it takes exactly one request message, not two or more`);
        return;
      }
      chunks.push(chunk);
      received += chunk.length;
      if (expected < 0 && received >= PREFIX_BYTES) {
        const head = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        const flag = head[0];
        const length = head.readUInt32BE(1);
        if (flag === 1) {
          const named = typeof encoding === "string" && encoding !== "identity";
          fail(
            named ? GrpcStatus.UNIMPLEMENTED : GrpcStatus.INTERNAL,
            named
              ? `grpc-encoding ${JSON.stringify(encoding)} is not supported: send messages uncompressed`
              : "the message is flagged compressed without a grpc-encoding: send it uncompressed (flag 0)",
          );
          return;
        }
        if (flag !== 0) {
          fail(GrpcStatus.INTERNAL, `the message's compressed flag is ${flag}: it must be 0`);
          return;
        }
        if (length > maxReceive) {
          fail(
            GrpcStatus.RESOURCE_EXHAUSTED,
            `the request message of ${length} bytes is larger than the limit of ${maxReceive} bytes`,
          );
          return;
        }
        expected = length;
        chunks.length = 0;
        if (head.length > PREFIX_BYTES) chunks.push(head.subarray(PREFIX_BYTES));
        received = head.length - PREFIX_BYTES;
      }
      if (expected >= 0 && received >= expected) {
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        chunks.length = 0;
        message = body.subarray(0, expected);
        if (body.length > expected) {
          fail(
            GrpcStatus.INTERNAL,
            `${path} is unary: it takes exactly one request message, not two or more`,
          );
        }
      }
    });
    stream.once("end", () => {
      if (stream.headersSent || stream.closed || stream.destroyed) return;
      if (message === undefined) {
        fail(
          GrpcStatus.INTERNAL,
          received === 0 && expected < 0
            ? `${path} is unary: it takes exactly one request message, and none was sent`
            : `the request message ended early: ${received} of ${expected < 0 ? "at least 5" : expected} bytes arrived`,
        );
        return;
      }
      const request = message;
      Promise.resolve()
        .then(() => handler(request))
        .then(
          (bytes) => respond(stream, bytes),
          (err: unknown) => {
            if (err instanceof GrpcError) trailersOnly(stream, err.code, err.message);
            else {
              logger.debug("a unary handler threw", { path, error: String(err) });
              trailersOnly(stream, GrpcStatus.INTERNAL, `${path} failed with an internal error`);
            }
          },
        );
    });
  };

  server.on("stream", (stream: Http2.ServerHttp2Stream, headers: Http2.IncomingHttpHeaders) => {
    try {
      onStream(stream, headers);
    } catch (err) {
      logger.debug("gRPC stream setup failed", { error: String(err) });
      stream.close(NGHTTP2_CANCEL);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (err: Error) => logger.debug("gRPC server error", { error: String(err) }));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;

  const closeAll = (): void => {
    server.close();
    for (const session of sessions) session.destroy();
  };

  return {
    port,
    inFlight: () => streams.size,
    drain(graceMs: number): Promise<boolean> {
      draining = true;
      server.close();
      for (const session of sessions) session.close();
      return new Promise((resolve) => {
        if (sessions.size === 0) {
          resolve(true);
          return;
        }
        const fallback = setTimeout(() => {
          onIdle = undefined;
          closeAll();
          resolve(false);
        }, graceMs);
        fallback.unref();
        onIdle = () => {
          onIdle = undefined;
          clearTimeout(fallback);
          resolve(true);
        };
      });
    },
    close(): void {
      draining = true;
      closeAll();
    },
  };
}
