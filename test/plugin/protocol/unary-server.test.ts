/**
 * The unary gRPC server on node:http2, on loopback over mTLS (and h2c), driven by two independent
 * clients: raw node:http2 streams (to write exactly the frames a case needs: split messages, none,
 * two, compressed, oversize, wrong content type, resets) and the grpc-js client.
 */

import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http2 from "node:http2";
import * as path from "node:path";
import * as tls from "node:tls";
import * as grpc from "@grpc/grpc-js";
import { createLogger } from "../../../src/plugin/log";
import { encodeGrpcMessage, GrpcError, GrpcStatus } from "../../../src/plugin/protocol/grpc-status";
import {
  isGrpcContentType,
  listenUnary,
  parseGrpcTimeout,
  type UnaryHandler,
  type UnaryServer,
} from "../../../src/plugin/protocol/unary-server";
import { type IssuedCertificate, pluginServerCertificate } from "../../../src/plugin/tls/x509";
import { call, connect, failingCall, ROOT } from "./helpers";

const serverCert = pluginServerCertificate();
const hostCert = pluginServerCertificate();
const logger = createLogger({ level: "off" });

/** A 5-byte gRPC prefix (flag, big-endian length) followed by `body`. */
function frame(body: Buffer, flag = 0, length = body.length): Buffer {
  const prefix = Buffer.alloc(5);
  prefix[0] = flag;
  prefix.writeUInt32BE(length, 1);
  return Buffer.concat([prefix, body]);
}

/** A promise and the function that settles it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** What a raw call received. */
interface RawAnswer {
  headers: http2.IncomingHttpHeaders;
  trailers: http2.IncomingHttpHeaders;
  body: Buffer;
  grpcStatus?: number;
  grpcMessage?: string;
  stream: http2.ClientHttp2Stream;
}

/** Connects a raw HTTP/2 client over TLS (presenting `cert` when given) or plaintext. */
async function rawSession(
  port: number,
  auth: { tls: false } | { tls: true; cert?: IssuedCertificate },
): Promise<http2.ClientHttp2Session> {
  const session = auth.tls
    ? http2.connect(`https://127.0.0.1:${port}`, {
        ca: serverCert.certPem,
        servername: "localhost",
        ...(auth.cert ? { cert: auth.cert.certPem, key: auth.cert.keyPem } : {}),
      })
    : http2.connect(`http://127.0.0.1:${port}`);
  session.on("error", () => {});
  return session;
}

/**
 * Sends `chunks` as separate writes (each its own DATA frame, a turn of the event loop apart) on
 * a POST to `path`, ends the request unless `end` is false, and resolves once the answer's status
 * is known: trailers, a trailers-only answer, or the end of a non-gRPC answer.
 */
function rawCall(
  session: http2.ClientHttp2Session,
  path: string,
  chunks: Buffer[],
  options: { headers?: http2.OutgoingHttpHeaders; end?: boolean } = {},
): Promise<RawAnswer> {
  const stream = session.request({
    ":method": "POST",
    ":path": path,
    "content-type": "application/grpc",
    te: "trailers",
    ...options.headers,
  });
  return new Promise((resolve, reject) => {
    let headers: http2.IncomingHttpHeaders = {};
    const body: Buffer[] = [];
    const settle = (trailers: http2.IncomingHttpHeaders): void => {
      const status = trailers["grpc-status"] ?? headers["grpc-status"];
      const message = trailers["grpc-message"] ?? headers["grpc-message"];
      resolve({
        headers,
        trailers,
        body: Buffer.concat(body),
        grpcStatus: status === undefined ? undefined : Number(status),
        grpcMessage: message === undefined ? undefined : String(message),
        stream,
      });
    };
    stream.on("response", (h) => {
      headers = h;
      if (h["grpc-status"] !== undefined) settle({});
    });
    stream.on("data", (chunk: Buffer) => body.push(chunk));
    stream.on("trailers", (t) => settle(t));
    stream.on("end", () =>
      headers[":status"] === undefined ? reject(new Error("the stream ended without an answer")) : settle({}),
    );
    stream.on("error", reject);
    stream.on("close", () =>
      reject(new Error(`the stream closed without an answer (code ${stream.rstCode})`)),
    );
    (async () => {
      for (const chunk of chunks) {
        if (stream.destroyed) return;
        await new Promise<void>((done) => stream.write(chunk, () => done()));
        await new Promise((done) => setImmediate(done));
      }
      if (options.end !== false && !stream.destroyed) stream.end();
    })().catch(reject);
  });
}

describe("the unary gRPC server", () => {
  let server: UnaryServer;
  let slowGate: ReturnType<typeof gate>;
  let slowStarted: ReturnType<typeof gate>;
  let slowFinished: number;
  let sessions: http2.ClientHttp2Session[];
  let clients: grpc.Client[];

  const handlers = (): Map<string, UnaryHandler> =>
    new Map<string, UnaryHandler>([
      ["/test.Echo/Echo", async (req) => Buffer.concat([Buffer.from("echo:"), req])],
      [
        "/test.Echo/Slow",
        async (req) => {
          slowStarted.open();
          await slowGate.opened;
          slowFinished++;
          return req;
        },
      ],
      [
        "/test.Echo/Throw",
        async () => {
          throw new Error("secret detail hunter2");
        },
      ],
      [
        "/test.Echo/SyncThrow",
        (() => {
          throw new Error("thrown before any promise");
        }) as UnaryHandler,
      ],
      [
        "/test.Echo/Status",
        async () => {
          throw new GrpcError(GrpcStatus.INVALID_ARGUMENT, "bad 100% ünïcode\nsecond line");
        },
      ],
    ]);

  beforeEach(async () => {
    slowGate = gate();
    slowStarted = gate();
    slowFinished = 0;
    sessions = [];
    clients = [];
    server = await listenUnary(handlers(), {
      tls: { keyPem: serverCert.keyPem, certPem: serverCert.certPem, clientCertPem: hostCert.certPem },
      logger,
    });
  });

  afterEach(() => {
    slowGate.open();
    for (const c of clients) c.close();
    for (const s of sessions) s.destroy();
    server.close();
  });

  const host = async (): Promise<http2.ClientHttp2Session> => {
    const s = await rawSession(server.port, { tls: true, cert: hostCert });
    sessions.push(s);
    return s;
  };
  const grpcClient = (): grpc.Client => {
    const c = connect(`127.0.0.1:${server.port}`, {
      kind: "mtls",
      serverCertPem: serverCert.certPem,
      clientCert: hostCert,
    });
    clients.push(c);
    return c;
  };

  test("answers a message split over many DATA frames with HEADERS, one message and trailers", async () => {
    const payload = Buffer.from("a request split into pieces");
    const whole = frame(payload);
    // The prefix itself is split (2 + 3 bytes), then the body in 4-byte pieces.
    const chunks = [whole.subarray(0, 2), whole.subarray(2, 5)];
    for (let i = 5; i < whole.length; i += 4) chunks.push(whole.subarray(i, i + 4));
    const answer = await rawCall(await host(), "/test.Echo/Echo", chunks);
    expect(answer.headers[":status"]).toBe(200);
    expect(answer.headers["content-type"]).toBe("application/grpc");
    expect(answer.headers["grpc-status"]).toBeUndefined();
    expect(answer.trailers["grpc-status"]).toBe("0");
    expect(answer.body).toEqual(frame(Buffer.concat([Buffer.from("echo:"), payload])));
  });

  test("serves the grpc-js client over mTLS, many calls at once on one connection", async () => {
    const client = grpcClient();
    const replies = await Promise.all(
      Array.from({ length: 25 }, (_, i) => call(client, "/test.Echo/Echo", Buffer.from(`call ${i}`))),
    );
    expect(replies.map((r) => r.toString())).toEqual(Array.from({ length: 25 }, (_, i) => `echo:call ${i}`));
  });

  test("a slow call does not hold up the others", async () => {
    const client = grpcClient();
    const slow = call(client, "/test.Echo/Slow", Buffer.from("slow"), 30_000);
    await slowStarted.opened;
    expect((await call(client, "/test.Echo/Echo", Buffer.from("fast"))).toString()).toBe("echo:fast");
    expect(slowFinished).toBe(0);
    slowGate.open();
    expect((await slow).toString()).toBe("slow");
  });

  test("an empty request message (length 0) is a message", async () => {
    const answer = await rawCall(await host(), "/test.Echo/Echo", [frame(Buffer.alloc(0))]);
    expect(answer.trailers["grpc-status"]).toBe("0");
    expect(answer.body).toEqual(frame(Buffer.from("echo:")));
  });

  test("no request message is an INTERNAL error", async () => {
    const answer = await rawCall(await host(), "/test.Echo/Echo", []);
    expect(answer.grpcStatus).toBe(GrpcStatus.INTERNAL);
    expect(answer.grpcMessage).toBe(
      "/test.Echo/Echo is unary: it takes exactly one request message, and none was sent",
    );
    expect(answer.body.length).toBe(0);
  });

  test("two request messages are an INTERNAL error, in one DATA frame or two", async () => {
    const s = await host();
    for (const chunks of [
      [Buffer.concat([frame(Buffer.from("one")), frame(Buffer.from("two"))])],
      [frame(Buffer.from("one")), frame(Buffer.from("two"))],
    ]) {
      const answer = await rawCall(s, "/test.Echo/Echo", chunks);
      expect(answer.grpcStatus).toBe(GrpcStatus.INTERNAL);
      expect(answer.grpcMessage).toContain("takes exactly one request message, not two or more");
    }
  });

  test("a message cut short is an INTERNAL error", async () => {
    const answer = await rawCall(await host(), "/test.Echo/Echo", [
      frame(Buffer.from("abc"), 0, 10).subarray(0, 8),
    ]);
    expect(answer.grpcStatus).toBe(GrpcStatus.INTERNAL);
    expect(answer.grpcMessage).toBe("the request message ended early: 3 of 10 bytes arrived");
  });

  test("a compressed message is refused: INTERNAL without grpc-encoding, UNIMPLEMENTED with one", async () => {
    const s = await host();
    const plain = await rawCall(s, "/test.Echo/Echo", [frame(Buffer.from("x"), 1)]);
    expect(plain.grpcStatus).toBe(GrpcStatus.INTERNAL);
    expect(plain.grpcMessage).toContain("flagged compressed");
    const gzip = await rawCall(s, "/test.Echo/Echo", [frame(Buffer.from("x"), 1)], {
      headers: { "grpc-encoding": "gzip" },
    });
    expect(gzip.grpcStatus).toBe(GrpcStatus.UNIMPLEMENTED);
    expect(gzip.grpcMessage).toBe('grpc-encoding "gzip" is not supported: send messages uncompressed');
    const odd = await rawCall(s, "/test.Echo/Echo", [frame(Buffer.from("x"), 7)]);
    expect(odd.grpcStatus).toBe(GrpcStatus.INTERNAL);
    expect(odd.grpcMessage).toBe("the message's compressed flag is 7: it must be 0");
  });

  test("a message over 64 MiB is RESOURCE_EXHAUSTED as soon as its prefix arrives", async () => {
    // Only the prefix and 1 KiB are sent and the request is never ended: the answer cannot
    // have waited for (or buffered) the announced 64 MiB + 1.
    const limit = 64 * 1024 * 1024;
    const answer = await rawCall(
      await host(),
      "/test.Echo/Echo",
      [frame(Buffer.alloc(1024), 0, limit + 1).subarray(0, 5 + 1024)],
      { end: false },
    );
    expect(answer.grpcStatus).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    expect(answer.grpcMessage).toBe(
      `the request message of ${limit + 1} bytes is larger than the limit of ${limit} bytes`,
    );
    answer.stream.close();
    // The connection still serves.
    const next = await rawCall(sessions[0]!, "/test.Echo/Echo", [frame(Buffer.from("after"))]);
    expect(next.trailers["grpc-status"]).toBe("0");
  });

  test("a message exactly at the limit is served; one byte over is not (grpc-js client)", async () => {
    server.close();
    server = await listenUnary(handlers(), {
      tls: { keyPem: serverCert.keyPem, certPem: serverCert.certPem, clientCertPem: hostCert.certPem },
      logger,
      maxReceiveBytes: 100_000,
    });
    const client = grpcClient();
    const ok = await call(client, "/test.Echo/Echo", Buffer.alloc(100_000, 7));
    expect(ok.length).toBe(100_005);
    const err = await failingCall(client, "/test.Echo/Echo", Buffer.alloc(100_001, 7));
    expect(err.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  test("an unknown method or service is a trailers-only UNIMPLEMENTED answer", async () => {
    const s = await host();
    const method = await rawCall(s, "/test.Echo/Nope", [frame(Buffer.from("x"))]);
    expect(method.headers[":status"]).toBe(200);
    expect(method.headers["content-type"]).toBe("application/grpc");
    expect(method.headers["grpc-status"]).toBe(String(GrpcStatus.UNIMPLEMENTED));
    expect(method.grpcMessage).toBe("unknown method Nope for service test.Echo");
    expect(method.body.length).toBe(0);
    const service = await rawCall(s, "/plugin.GRPCBroker/StartStream", [], { end: false });
    expect(service.grpcStatus).toBe(GrpcStatus.UNIMPLEMENTED);
    expect(service.grpcMessage).toBe("unknown service plugin.GRPCBroker");
    service.stream.close();
  });

  test("go-plugin's streaming calls get UNIMPLEMENTED through grpc-js's streaming client", async () => {
    const client = grpcClient();
    const identity = (b: Buffer): Buffer => b;
    const stdio = client.makeServerStreamRequest(
      "/plugin.GRPCStdio/StreamStdio",
      identity,
      identity,
      Buffer.alloc(0),
    );
    const stdioErr = await new Promise<grpc.ServiceError>((resolve) => stdio.on("error", resolve));
    expect(stdioErr.code).toBe(grpc.status.UNIMPLEMENTED);
    // A bidirectional stream the client never ends.
    const broker = client.makeBidiStreamRequest("/plugin.GRPCBroker/StartStream", identity, identity);
    const brokerErr = await new Promise<grpc.ServiceError>((resolve) => broker.on("error", resolve));
    expect(brokerErr.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(brokerErr.details).toBe("unknown service plugin.GRPCBroker");
    expect((await call(client, "/test.Echo/Echo", Buffer.from("still"))).toString()).toBe("echo:still");
  });

  test("a content type that is not gRPC's is HTTP 415; a GET is HTTP 405", async () => {
    const s = await host();
    const json = await rawCall(s, "/test.Echo/Echo", [frame(Buffer.from("x"))], {
      headers: { "content-type": "application/json" },
    });
    expect(json.headers[":status"]).toBe(415);
    expect(json.grpcStatus).toBeUndefined();
    expect(json.body.toString()).toContain('content-type "application/json" is not gRPC\'s');
    const web = await rawCall(s, "/test.Echo/Echo", [frame(Buffer.from("x"))], {
      headers: { "content-type": "application/grpc-web" },
    });
    expect(web.headers[":status"]).toBe(415);
    const proto = await rawCall(s, "/test.Echo/Echo", [frame(Buffer.from("x"))], {
      headers: { "content-type": "application/grpc+proto" },
    });
    expect(proto.trailers["grpc-status"]).toBe("0");
    const get = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
      const req = s.request({ ":method": "GET", ":path": "/test.Echo/Echo" });
      req.on("response", resolve);
      req.on("error", reject);
      req.resume();
    });
    expect(get[":status"]).toBe(405);
  });

  test("a handler's exception is INTERNAL without its text; a GrpcError keeps its code and message", async () => {
    const client = grpcClient();
    const thrown = await failingCall(client, "/test.Echo/Throw", Buffer.from("x"));
    expect(thrown.code).toBe(grpc.status.INTERNAL);
    expect(thrown.details).toBe("/test.Echo/Throw failed with an internal error");
    const sync = await failingCall(client, "/test.Echo/SyncThrow", Buffer.from("x"));
    expect(sync.code).toBe(grpc.status.INTERNAL);
    expect(sync.details).toBe("/test.Echo/SyncThrow failed with an internal error");
    const status = await failingCall(client, "/test.Echo/Status", Buffer.from("x"));
    expect(status.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(status.details).toBe("bad 100% ünïcode\nsecond line");
    const raw = await rawCall(await host(), "/test.Echo/Status", [frame(Buffer.from("x"))]);
    expect(raw.headers["grpc-message"]).toBe("bad 100%25 %C3%BCn%C3%AFcode%0Asecond line");
  });

  test("refuses a client without a certificate, with another certificate, or in plaintext", async () => {
    const stranger = pluginServerCertificate();
    for (const auth of [
      { tls: true as const },
      { tls: true as const, cert: stranger },
      { tls: false as const },
    ]) {
      const s = await rawSession(server.port, auth);
      sessions.push(s);
      await expect(rawCall(s, "/test.Echo/Echo", [frame(Buffer.from("x"))])).rejects.toThrow();
      expect(s.destroyed || s.closed).toBe(true);
    }
    for (const auth of [
      { kind: "tls-no-client-cert" as const, serverCertPem: serverCert.certPem },
      { kind: "mtls" as const, serverCertPem: serverCert.certPem, clientCert: stranger },
      { kind: "plaintext" as const },
    ]) {
      const intruder = connect(`127.0.0.1:${server.port}`, auth);
      clients.push(intruder);
      const err = await failingCall(intruder, "/test.Echo/Echo", Buffer.from("x"));
      expect(err.code).toBe(grpc.status.UNAVAILABLE);
    }
    // The host's own certificate still works.
    expect((await call(grpcClient(), "/test.Echo/Echo", Buffer.from("host"))).toString()).toBe("echo:host");
  });

  test("refuses TLS below 1.2 and a TLS client that does not negotiate h2, even with the host's certificate", async () => {
    const attempt = (options: tls.ConnectionOptions): Promise<string> =>
      new Promise((resolve) => {
        const socket = tls.connect({
          host: "127.0.0.1",
          port: server.port,
          servername: "localhost",
          ca: serverCert.certPem,
          cert: hostCert.certPem,
          key: hostCert.keyPem,
          ...options,
        });
        let sawData = false;
        socket.on("data", () => {
          sawData = true;
        });
        socket.on("error", (err: NodeJS.ErrnoException) => resolve(`error ${err.code ?? err.message}`));
        socket.on("close", () => resolve(sawData ? "closed after data" : "closed"));
      });
    expect(await attempt({ minVersion: "TLSv1", maxVersion: "TLSv1.1" })).toMatch(/^error /);
    // Offering only HTTP/1.1 by ALPN: the handshake fails with TLS's no_application_protocol alert.
    expect(await attempt({ ALPNProtocols: ["http/1.1"] })).toBe(
      "error ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL",
    );
    // Offering no ALPN at all: TLS succeeds, and the server closes the connection at once.
    expect(await attempt({})).toBe("closed");
  });

  test("a client that cancels (RST_STREAM) does not break the server; the late answer is dropped", async () => {
    const s = await host();
    const stream = s.request({
      ":method": "POST",
      ":path": "/test.Echo/Slow",
      "content-type": "application/grpc",
    });
    stream.on("error", () => {});
    stream.end(frame(Buffer.from("to cancel")));
    await slowStarted.opened;
    const closed = new Promise((resolve) => stream.on("close", resolve));
    stream.close(http2.constants.NGHTTP2_CANCEL);
    await closed;
    slowGate.open();
    // grpc-js's cancel does the same through its own client.
    const client = grpcClient();
    const cancelled = new Promise<grpc.ServiceError>((resolve) => {
      const c = client.makeUnaryRequest(
        "/test.Echo/Slow",
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from("again"),
        (err) => resolve(err as grpc.ServiceError),
      );
      setImmediate(() => c.cancel());
    });
    expect((await cancelled).code).toBe(grpc.status.CANCELLED);
    expect((await call(client, "/test.Echo/Echo", Buffer.from("alive"))).toString()).toBe("echo:alive");
    // Polls (bounded by the suite timeout) rather than guessing how long the close takes.
    while (server.inFlight() > 0) await new Promise((r) => setTimeout(r, 10));
    expect(server.inFlight()).toBe(0);
  });

  test("grpc-timeout: DEADLINE_EXCEEDED once it passes; a malformed value is INTERNAL", async () => {
    const s = await host();
    const late = await rawCall(s, "/test.Echo/Slow", [frame(Buffer.from("x"))], {
      headers: { "grpc-timeout": "20m" },
    });
    expect(late.grpcStatus).toBe(GrpcStatus.DEADLINE_EXCEEDED);
    expect(late.grpcMessage).toBe("deadline of /test.Echo/Slow exceeded");
    const bad = await rawCall(s, "/test.Echo/Echo", [frame(Buffer.from("x"))], {
      headers: { "grpc-timeout": "soon" },
    });
    expect(bad.grpcStatus).toBe(GrpcStatus.INTERNAL);
    expect(bad.grpcMessage).toContain('malformed grpc-timeout "soon"');
    const roomy = await rawCall(s, "/test.Echo/Echo", [frame(Buffer.from("x"))], {
      headers: { "grpc-timeout": "10S" },
    });
    expect(roomy.trailers["grpc-status"]).toBe("0");
  });

  test("drain waits for the calls in flight and takes no new connection", async () => {
    const client = grpcClient();
    const slow = call(client, "/test.Echo/Slow", Buffer.from("in flight"), 30_000);
    await slowStarted.opened;
    let drained: boolean | undefined;
    const draining = server.drain(60_000).then((done) => {
      drained = done;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(drained).toBeUndefined();
    const late = await rawSession(server.port, { tls: true, cert: hostCert });
    sessions.push(late);
    await expect(rawCall(late, "/test.Echo/Echo", [frame(Buffer.from("x"))])).rejects.toThrow();
    slowGate.open();
    expect((await slow).toString()).toBe("in flight");
    await draining;
    expect(drained).toBe(true);
  });

  test("drain gives up after its grace period and closes what is left", async () => {
    const client = grpcClient();
    const slow = call(client, "/test.Echo/Slow", Buffer.from("stuck"), 30_000).catch(
      (err: grpc.ServiceError) => err,
    );
    await slowStarted.opened;
    expect(await server.drain(50)).toBe(false);
    const outcome = await slow;
    expect(outcome).not.toBeInstanceOf(Buffer);
  });

  test("serves plaintext h2c when no TLS settings are given", async () => {
    const plain = await listenUnary(handlers(), { logger });
    try {
      const s = await rawSession(plain.port, { tls: false });
      sessions.push(s);
      const answer = await rawCall(s, "/test.Echo/Echo", [frame(Buffer.from("clear"))]);
      expect(answer.body).toEqual(frame(Buffer.from("echo:clear")));
      const client = connect(`127.0.0.1:${plain.port}`, { kind: "plaintext" });
      clients.push(client);
      expect((await call(client, "/test.Echo/Echo", Buffer.from("h2c"))).toString()).toBe("echo:h2c");
    } finally {
      plain.close();
    }
  });
});

describe("gRPC wire helpers", () => {
  test("grpc-message is percent-encoded as the spec says", () => {
    expect(encodeGrpcMessage("plain text: ok")).toBe("plain text: ok");
    expect(encodeGrpcMessage("100%")).toBe("100%25");
    expect(encodeGrpcMessage("a\tb\r\nc")).toBe("a%09b%0D%0Ac");
    expect(encodeGrpcMessage("ü€")).toBe("%C3%BC%E2%82%AC");
    expect(encodeGrpcMessage("~\x7f")).toBe("~%7F");
  });

  test("grpc-timeout values", () => {
    expect(parseGrpcTimeout(undefined)).toBeUndefined();
    expect(parseGrpcTimeout("5S")).toBe(5000);
    expect(parseGrpcTimeout("2M")).toBe(120_000);
    expect(parseGrpcTimeout("1H")).toBe(3_600_000);
    expect(parseGrpcTimeout("250m")).toBe(250);
    expect(parseGrpcTimeout("3000u")).toBe(3);
    expect(() => parseGrpcTimeout("123456789S")).toThrow(GrpcError);
    expect(() => parseGrpcTimeout("5s")).toThrow(/expected 1 to 8 digits and a unit/);
  });

  test("content types", () => {
    expect(isGrpcContentType("application/grpc")).toBe(true);
    expect(isGrpcContentType("application/grpc+proto")).toBe(true);
    expect(isGrpcContentType("application/grpc;charset=utf-8")).toBe(true);
    expect(isGrpcContentType("application/grpc-web")).toBe(false);
    expect(isGrpcContentType("application/json")).toBe(false);
    expect(isGrpcContentType(undefined)).toBe(false);
  });

  test("loading the protocol layer does not load node:http2 (serve() does)", () => {
    const entry = path.join(ROOT, "lib", "plugin", "protocol", "index.js");
    if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
    const script = `require(${JSON.stringify(entry)}); process.stdout.write(String(process.moduleLoadList.includes("NativeModule http2")));`;
    const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("false");
  });
});
