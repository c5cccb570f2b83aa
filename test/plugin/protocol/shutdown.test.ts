/**
 * Shutdown through serve() over real gRPC with AutoMTLS: the host's Shutdown is answered, then the
 * provider is closed (logout), then the server drains — no new connection, the read still in
 * flight answers — and only then does the process exit with 0.
 */

import * as grpc from "@grpc/grpc-js";
import { createLogger } from "../../../src/plugin/log";
import { plugin, tfplugin6 } from "../../../src/plugin/proto/gen/tfplugin6";
import type { ProviderServer } from "../../../src/plugin/protocol/provider-server";
import { MAGIC_COOKIE_VALUE, type PluginServer, serve } from "../../../src/plugin/protocol/server";
import { pluginServerCertificate } from "../../../src/plugin/tls/x509";
import { call, connect, failingCall, parseHandshake } from "./helpers";

describe("Shutdown with a call in flight", () => {
  const hostCert = pluginServerCertificate();
  const events: string[] = [];
  let release: () => void = () => {};
  let readStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    readStarted = resolve;
  });
  let closed: () => void = () => {};
  const closeCalled = new Promise<void>((resolve) => {
    closed = resolve;
  });
  let exited: (code: number) => void = () => {};
  const exitCode = new Promise<number>((resolve) => {
    exited = resolve;
  });
  let server: PluginServer | undefined;
  const clients: grpc.Client[] = [];

  const provider: ProviderServer = {
    getProviderSchema: () => ({
      provider: { version: 0, block: { attributes: [], blockTypes: [] } },
      dataSources: {},
    }),
    configureProvider: () => ({ diagnostics: [] }),
    readDataSource: async () => {
      events.push("read started");
      readStarted();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      events.push("read answered");
      return { diagnostics: [] };
    },
    close: () => {
      events.push("provider closed");
      closed();
    },
  };

  afterAll(() => {
    release();
    for (const c of clients) c.close();
    server?.close();
  });

  test("answers Shutdown, closes the provider, lets the read finish, takes no new call, then exits 0", async () => {
    let stdout = "";
    server = await serve(provider, {
      env: { TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, PLUGIN_CLIENT_CERT: hostCert.certPem },
      writeStdout: (text) => {
        stdout += text;
      },
      exit: (code) => {
        events.push(`exit ${code}`);
        exited(code);
      },
      logger: createLogger({ level: "off" }),
      // Generous, so that a loaded machine cannot turn the drain into the grace period's exit.
      shutdownGraceMs: 60_000,
    });
    const handshake = parseHandshake(stdout.trimEnd());
    const dial = (): grpc.Client => {
      const c = connect(handshake.address, {
        kind: "mtls",
        serverCertPem: handshake.certPem!,
        clientCert: hostCert,
      });
      clients.push(c);
      return c;
    };
    const host = dial();
    const read = call(
      host,
      "/tfplugin6.Provider/ReadDataSource",
      tfplugin6.ReadDataSource.Request.encode({ typeName: "test_slow" }).finish(),
      30_000,
    );
    await started;
    const res = await call(host, "/plugin.GRPCController/Shutdown", plugin.Empty.encode({}).finish());
    expect(res.length).toBe(0);
    await closeCalled;
    expect(events).toEqual(["read started", "provider closed"]);
    // Draining: a new connection is not served.
    const late = await failingCall(dial(), "/tfplugin6.Provider/GetProviderSchema", new Uint8Array());
    expect(late.code).toBe(grpc.status.UNAVAILABLE);
    expect(events).not.toContain("exit 0");
    release();
    const answer = tfplugin6.ReadDataSource.Response.decode(await read);
    expect(answer.diagnostics).toEqual([]);
    expect(await exitCode).toBe(0);
    expect(events).toEqual(["read started", "provider closed", "read answered", "exit 0"]);
  });
});

describe("Shutdown with a call that never finishes", () => {
  test("exits 0 after the grace period anyway, and says so in the log", async () => {
    const hostCert = pluginServerCertificate();
    const lines: string[] = [];
    let readStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      readStarted = resolve;
    });
    let exited: (code: number) => void = () => {};
    const exitCode = new Promise<number>((resolve) => {
      exited = resolve;
    });
    let stdout = "";
    const server = await serve(
      {
        getProviderSchema: () => ({
          provider: { version: 0, block: { attributes: [], blockTypes: [] } },
          dataSources: {},
        }),
        configureProvider: () => ({ diagnostics: [] }),
        readDataSource: () => {
          readStarted();
          return new Promise(() => {}); // never answers
        },
      },
      {
        env: { TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, PLUGIN_CLIENT_CERT: hostCert.certPem },
        writeStdout: (text) => {
          stdout += text;
        },
        exit: (code) => exited(code),
        logger: createLogger({ level: "warn", write: (line) => lines.push(line) }),
        shutdownGraceMs: 100,
      },
    );
    const handshake = parseHandshake(stdout.trimEnd());
    const host = connect(handshake.address, {
      kind: "mtls",
      serverCertPem: handshake.certPem!,
      clientCert: hostCert,
    });
    try {
      const read = call(
        host,
        "/tfplugin6.Provider/ReadDataSource",
        tfplugin6.ReadDataSource.Request.encode({ typeName: "test_stuck" }).finish(),
        30_000,
      ).catch((err: grpc.ServiceError) => err);
      await started;
      await call(host, "/plugin.GRPCController/Shutdown", plugin.Empty.encode({}).finish());
      expect(await exitCode).toBe(0);
      expect(lines.map((line) => JSON.parse(line)["@message"])).toEqual([
        "in-flight calls did not finish after Shutdown; exiting anyway",
      ]);
      // The stuck call is cut off, not answered.
      expect(await read).not.toBeInstanceOf(Buffer);
    } finally {
      host.close();
      server?.close();
    }
  });
});
