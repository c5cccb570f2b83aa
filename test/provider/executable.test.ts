/**
 * The real provider executable, started the way tofu/terraform start it: handshake, AutoMTLS,
 * the RPCs a host makes on the (placeholder) provider, refusal of unauthenticated clients, and
 * the process lifecycle (Shutdown, SIGINT, running it by hand).
 */

import { spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { plugin, tfplugin6 } from "../../src/plugin/proto/gen/tfplugin6";
import { pluginServerCertificate } from "../../src/plugin/tls/x509";
import {
  call,
  connect,
  EXECUTABLE,
  failingCall,
  handshakeOf,
  hostEnv,
  parseHandshake,
  requireBuild,
  type SpawnedProvider,
  spawnProvider,
  within,
} from "../plugin/protocol/helpers";

const SCHEMA = "/tfplugin6.Provider/GetProviderSchema";
const EMPTY = tfplugin6.GetProviderSchema.Request.encode({}).finish();

beforeAll(requireBuild);

describe("started with AutoMTLS (PLUGIN_CLIENT_CERT set)", () => {
  const hostCert = pluginServerCertificate();
  let provider: SpawnedProvider;
  let handshake: string;
  let serverCertPem: string;
  let client: grpc.Client;

  beforeAll(async () => {
    provider = spawnProvider(hostEnv({ PLUGIN_CLIENT_CERT: hostCert.certPem }));
    handshake = await handshakeOf(provider);
    const parsed = parseHandshake(handshake);
    serverCertPem = parsed.certPem ?? "";
    client = connect(parsed.address, { kind: "mtls", serverCertPem, clientCert: hostCert });
  });

  afterAll(async () => {
    client?.close();
    if (provider && provider.child.exitCode === null && provider.child.signalCode === null) {
      provider.child.kill("SIGKILL");
      await provider.exited;
    }
  });

  test("prints one go-plugin handshake line as the only stdout output", () => {
    const fields = handshake.split("|");
    expect(fields).toHaveLength(6);
    expect(fields.slice(0, 3)).toEqual(["1", "6", "tcp"]);
    expect(fields[3]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(fields[4]).toBe("grpc");
    expect(fields[5]).toMatch(/^[A-Za-z0-9+/]+$/); // standard alphabet, no '=' padding
    expect(provider.stdout()).toBe(`${handshake}\n`);
  });

  test("sends a certificate go-plugin accepts: parseable, SAN DNS:localhost, valid now", () => {
    const cert = new crypto.X509Certificate(parseHandshake(handshake).certDer ?? Buffer.alloc(0));
    expect(cert.subjectAltName).toBe("DNS:localhost");
    expect(cert.checkHost("localhost")).toBe("localhost");
    expect(new Date(cert.validFrom).getTime()).toBeLessThanOrEqual(Date.now());
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 365 * 86_400_000);
  });

  test("answers GetProviderSchema over mTLS with the provider block, the data sources and capabilities", async () => {
    const res = tfplugin6.GetProviderSchema.Response.decode(await call(client, SCHEMA, EMPTY));
    expect(res.diagnostics).toEqual([]);
    const attributes = res.provider?.block?.attributes ?? [];
    expect(attributes.map((a) => a.name)).toEqual(
      expect.arrayContaining([
        "vsphere_server",
        "user",
        "password",
        "allow_unverified_ssl",
        "ca_file",
        "api_timeout",
      ]),
    );
    expect(attributes.find((a) => a.name === "password")?.sensitive).toBe(true);
    expect(Object.keys(res.dataSourceSchemas).sort()).toEqual([
      "vsphereguest_process",
      "vsphereguest_processes",
    ]);
    expect(res.serverCapabilities?.getProviderSchemaOptional).toBe(true);
    expect(res.serverCapabilities?.planDestroy ?? false).toBe(false);
  });

  test("validates an empty provider block, and says what is missing when configuring it without settings", async () => {
    const config = { msgpack: Uint8Array.from([0x80]) }; // an empty object: every attribute null
    const validated = tfplugin6.ValidateProviderConfig.Response.decode(
      await call(
        client,
        "/tfplugin6.Provider/ValidateProviderConfig",
        tfplugin6.ValidateProviderConfig.Request.encode({ config }).finish(),
      ),
    );
    expect(validated.diagnostics).toEqual([]);
    const configured = tfplugin6.ConfigureProvider.Response.decode(
      await call(
        client,
        "/tfplugin6.Provider/ConfigureProvider",
        tfplugin6.ConfigureProvider.Request.encode({ terraformVersion: "1.6.3", config }).finish(),
      ),
    );
    expect(configured.diagnostics.map((d) => d.summary)).toEqual([
      "Missing vsphere_server",
      "Missing user",
      "Missing password",
    ]);
    expect(configured.diagnostics[0]?.attribute?.steps?.[0]?.attributeName).toBe("vsphere_server");
    expect(configured.diagnostics[0]?.detail).toContain("VSPHERE_SERVER");
  });

  test("answers GetResourceIdentitySchemas and GetFunctions empty, not UNIMPLEMENTED", async () => {
    const identities = tfplugin6.GetResourceIdentitySchemas.Response.decode(
      await call(
        client,
        "/tfplugin6.Provider/GetResourceIdentitySchemas",
        tfplugin6.GetResourceIdentitySchemas.Request.encode({}).finish(),
      ),
    );
    expect(identities.identitySchemas).toEqual({});
    expect(identities.diagnostics).toEqual([]);
    const functions = tfplugin6.GetFunctions.Response.decode(
      await call(
        client,
        "/tfplugin6.Provider/GetFunctions",
        tfplugin6.GetFunctions.Request.encode({}).finish(),
      ),
    );
    expect(functions.functions).toEqual({});
  });

  test("answers a managed-resource RPC for an unknown type with an error diagnostic naming what it offers", async () => {
    const res = tfplugin6.ReadResource.Response.decode(
      await call(
        client,
        "/tfplugin6.Provider/ReadResource",
        tfplugin6.ReadResource.Request.encode({ typeName: "vsphereguest_thing" }).finish(),
      ),
    );
    expect(res.diagnostics).toHaveLength(1);
    expect(res.diagnostics[0].severity).toBe(tfplugin6.Diagnostic.Severity.ERROR);
    expect(res.diagnostics[0].summary).toBe("Unknown resource type");
    expect(res.diagnostics[0].detail).toContain('"vsphereguest_thing"');
    expect(res.diagnostics[0].detail).toContain("vsphereguest_command");
  });

  test("answers StopProvider without an error", async () => {
    const res = tfplugin6.StopProvider.Response.decode(
      await call(
        client,
        "/tfplugin6.Provider/StopProvider",
        tfplugin6.StopProvider.Request.encode({}).finish(),
      ),
    );
    expect(res.Error ?? "").toBe("");
  });

  test("leaves GRPCStdio unimplemented (go-plugin copes with that)", async () => {
    const err = await failingCall(client, "/plugin.GRPCStdio/StreamStdio", new Uint8Array());
    expect(err.code).toBe(grpc.status.UNIMPLEMENTED);
  });

  test("refuses a TLS client that presents no client certificate", async () => {
    const intruder = connect(parseHandshake(handshake).address, {
      kind: "tls-no-client-cert",
      serverCertPem,
    });
    try {
      const err = await failingCall(intruder, SCHEMA, EMPTY);
      expect(err.code).toBe(grpc.status.UNAVAILABLE);
    } finally {
      intruder.close();
    }
  });

  test("refuses a client whose certificate is not the host's", async () => {
    const stranger = pluginServerCertificate(); // same template, different key: not trusted
    const intruder = connect(parseHandshake(handshake).address, {
      kind: "mtls",
      serverCertPem,
      clientCert: stranger,
    });
    try {
      const err = await failingCall(intruder, SCHEMA, EMPTY);
      expect(err.code).toBe(grpc.status.UNAVAILABLE);
    } finally {
      intruder.close();
    }
  });

  test("refuses a plaintext client", async () => {
    const intruder = connect(parseHandshake(handshake).address, { kind: "plaintext" });
    try {
      const err = await failingCall(intruder, SCHEMA, EMPTY);
      expect(err.code).toBe(grpc.status.UNAVAILABLE);
    } finally {
      intruder.close();
    }
  });

  test("survives SIGINT (the host handles Ctrl-C) and still serves the host", async () => {
    provider.child.kill("SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(provider.child.exitCode).toBeNull();
    const res = tfplugin6.GetProviderSchema.Response.decode(await call(client, SCHEMA, EMPTY));
    expect(res.diagnostics).toEqual([]);
  });

  test("exits 0 promptly after GRPCController/Shutdown", async () => {
    await call(client, "/plugin.GRPCController/Shutdown", plugin.Empty.encode({}).finish());
    const { code } = await within(provider.exited, 5000, "exit after Shutdown");
    expect(code).toBe(0);
    expect(provider.stdout()).toBe(`${handshake}\n`);
  });
});

describe("started without PLUGIN_CLIENT_CERT (TF_DISABLE_PLUGIN_TLS)", () => {
  test("serves plaintext with an empty certificate field", async () => {
    const provider = spawnProvider(hostEnv({}));
    try {
      const handshake = await handshakeOf(provider);
      const fields = handshake.split("|");
      expect(fields).toHaveLength(6);
      expect(fields[5]).toBe("");
      const client = connect(fields[3], { kind: "plaintext" });
      try {
        const res = tfplugin6.GetProviderSchema.Response.decode(await call(client, SCHEMA, EMPTY));
        expect(res.diagnostics).toEqual([]);
        await call(client, "/plugin.GRPCController/Shutdown", plugin.Empty.encode({}).finish());
      } finally {
        client.close();
      }
      expect((await within(provider.exited, 5000, "exit after Shutdown")).code).toBe(0);
    } finally {
      provider.child.kill("SIGKILL");
    }
  });
});

describe("run by hand", () => {
  test("without the magic cookie: explains on stderr, prints nothing on stdout, exits 1", async () => {
    const provider = spawnProvider(hostEnv({ TF_PLUGIN_MAGIC_COOKIE: undefined }));
    const { code } = await within(provider.exited, 10_000, "exit");
    expect(code).toBe(1);
    expect(provider.stdout()).toBe("");
    expect(provider.stderr()).toContain("plugin for OpenTofu and Terraform");
    expect(provider.stderr()).toContain("vsphere-guest provider install");
  });

  test("with a PLUGIN_CLIENT_CERT that is not a certificate: says so and exits 1", async () => {
    const provider = spawnProvider(hostEnv({ PLUGIN_CLIENT_CERT: "not a certificate" }));
    const { code } = await within(provider.exited, 10_000, "exit");
    expect(code).toBe(1);
    expect(provider.stdout()).toBe("");
    expect(provider.stderr()).toContain("PLUGIN_CLIENT_CERT is not a PEM certificate");
  });

  test("by a host that does not offer protocol 6: says so and exits 1", async () => {
    const provider = spawnProvider(hostEnv({ PLUGIN_PROTOCOL_VERSIONS: "4,5" }));
    const { code } = await within(provider.exited, 10_000, "exit");
    expect(code).toBe(1);
    expect(provider.stdout()).toBe("");
    expect(provider.stderr()).toContain("protocol 6");
  });
});

describe("orphaned", () => {
  /** Whether a process is still running (a zombie, waiting for a reaper, no longer is). */
  function running(pid: number): boolean {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      return !/^\d+ \(.*\) [ZX]/.test(stat);
    } catch {
      return false;
    }
  }

  test("exits by itself when the host process is gone", async () => {
    // A shell plays the host: it starts the provider, reports its pid, and dies without Shutdown.
    const host = spawn("sh", ["-c", '"$0" & echo "pid $!"; sleep 1', EXECUTABLE], {
      env: hostEnv({ PLUGIN_CLIENT_CERT: pluginServerCertificate().certPem }),
      stdio: ["ignore", "pipe", "ignore"],
    });
    let out = "";
    host.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
    });
    await within(
      new Promise<void>((resolve) => host.on("exit", () => resolve())),
      10_000,
      "the fake host exiting",
    );
    const pid = Number(/pid (\d+)/.exec(out)?.[1]);
    expect(out).toMatch(/^1\|6\|tcp\|/m);
    const deadline = Date.now() + 6000;
    while (running(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const stillRunning = running(pid);
    if (stillRunning) process.kill(pid, "SIGKILL");
    expect(stillRunning).toBe(false);
  });
});
