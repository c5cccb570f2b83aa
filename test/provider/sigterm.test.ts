/**
 * SIGTERM to the real provider executable while a read waits: the read answers "Interrupted" (not a
 * dropped connection), the vCenter session is logged out, and the process exits 0 — after the
 * host's Shutdown when it comes, and by itself when it does not.
 */
import type * as grpc from "@grpc/grpc-js";
import { encodeBlock } from "../../src/plugin";
import { plugin, tfplugin6 } from "../../src/plugin/proto/gen/tfplugin6";
import { pluginServerCertificate } from "../../src/plugin/tls/x509";
import { PROCESS_SCHEMA } from "../../src/provider/data-sources/process";
import { Simulator } from "../../src/simulator";
import { VCenterClient } from "../../src/vcenter";
import { vsphereEnv } from "../helpers/with-simulator";
import {
  call,
  connect,
  handshakeOf,
  hostEnv,
  parseHandshake,
  requireBuild,
  type SpawnedProvider,
  spawnProvider,
  within,
} from "../plugin/protocol/helpers";

beforeAll(requireBuild);

let sim: Simulator;
beforeAll(async () => {
  sim = await Simulator.start();
});
afterAll(() => sim.close());

/** A provider configured against the simulator, and a read waiting for a `sleep 60` in the guest. */
async function waitingRead(): Promise<{
  provider: SpawnedProvider;
  client: grpc.Client;
  read: Promise<tfplugin6.ReadDataSource.Response>;
}> {
  const { env, guest } = vsphereEnv(sim);
  const starter = new VCenterClient({
    server: sim.server,
    user: sim.user,
    password: sim.password,
    caFile: sim.caFile,
  });
  const pid = await starter.createProcess("vm-1001", guest, { path: "/bin/sleep", arguments: "60" });
  await starter.close();
  sim.counters.reset();
  const hostCert = pluginServerCertificate();
  const provider = spawnProvider(hostEnv({ ...env, PLUGIN_CLIENT_CERT: hostCert.certPem }));
  const parsed = parseHandshake(await handshakeOf(provider));
  const client = connect(parsed.address, {
    kind: "mtls",
    serverCertPem: parsed.certPem!,
    clientCert: hostCert,
  });
  const configured = tfplugin6.ConfigureProvider.Response.decode(
    await call(
      client,
      "/tfplugin6.Provider/ConfigureProvider",
      tfplugin6.ConfigureProvider.Request.encode({
        terraformVersion: "1.6.3",
        config: { msgpack: Uint8Array.from([0x80]) },
      }).finish(),
      30_000,
    ),
  );
  expect(configured.diagnostics).toEqual([]);
  const config = encodeBlock(PROCESS_SCHEMA, {
    vm: "vm-1001",
    pid: Number(pid),
    wait_for_exit: true,
    timeout: "5m",
  });
  const read = call(
    client,
    "/tfplugin6.Provider/ReadDataSource",
    tfplugin6.ReadDataSource.Request.encode({
      typeName: "vsphereguest_process",
      config: { msgpack: config },
    }).finish(),
    60_000,
  ).then((bytes) => tfplugin6.ReadDataSource.Response.decode(bytes));
  // Wait until the provider is polling (counted by the simulator).
  while (sim.counters.requests["processes.get"] < 2) await new Promise((r) => setTimeout(r, 20));
  return { provider, client, read };
}

describe("SIGTERM to the provider", () => {
  it("cancels the waiting read with Interrupted; the host's Shutdown then logs out and exits 0", async () => {
    const { provider, client, read } = await waitingRead();
    try {
      provider.child.kill("SIGTERM");
      const res = await within(read, 30_000, "the read's answer after SIGTERM");
      expect(res.diagnostics.map((d) => d.summary)).toEqual(["Interrupted"]);
      expect(provider.child.exitCode).toBeNull();
      await call(client, "/plugin.GRPCController/Shutdown", plugin.Empty.encode({}).finish());
      expect(await within(provider.exited, 30_000, "exit after Shutdown")).toEqual({ code: 0, signal: null });
      expect(sim.counters.logins).toBe(1);
      expect(sim.counters.logouts).toBe(1);
      expect(sim.counters.activeSessions).toBe(0);
    } finally {
      client.close();
      if (provider.child.exitCode === null) provider.child.kill("SIGKILL");
    }
  });

  it("logs out and exits 0 by itself when no Shutdown follows", async () => {
    const { provider, client, read } = await waitingRead();
    try {
      provider.child.kill("SIGTERM");
      const res = await within(read, 30_000, "the read's answer after SIGTERM");
      expect(res.diagnostics.map((d) => d.summary)).toEqual(["Interrupted"]);
      expect(await within(provider.exited, 30_000, "exit after SIGTERM")).toEqual({ code: 0, signal: null });
      expect(sim.counters.logouts).toBe(1);
      expect(sim.counters.activeSessions).toBe(0);
      expect(provider.stderr()).toContain("SIGTERM received");
    } finally {
      client.close();
      if (provider.child.exitCode === null) provider.child.kill("SIGKILL");
    }
  });
});
