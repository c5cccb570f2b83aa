import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Simulator } from "../../src/simulator";
import { rawRequest, withSimulator } from "../helpers/with-simulator";

function tlsGet(url: string, options: { ca?: string; servername?: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/session`, { ...options, agent: false }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("simulator lifecycle and TLS", () => {
  it("serves HTTPS on a free loopback port and writes the CA to a temporary file it removes on close", async () => {
    const sim = await Simulator.start();
    const caFile = sim.caFile!;
    try {
      expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(sim.server).toBe(sim.url.slice("https://".length));
      expect(caFile).toMatch(/vsphere-guest-simulator-[^/]+\/ca\.pem$/);
      expect(caFile.startsWith(tmpdir())).toBe(true);
      expect(await readFile(caFile, "utf8")).toBe(sim.caPem);
      expect(sim.caPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    } finally {
      await sim.close();
    }
    expect(existsSync(dirname(caFile))).toBe(false);
    await sim.close();
  });

  it("presents a certificate valid for 127.0.0.1 and localhost, signed by its CA only", () =>
    withSimulator(async (sim) => {
      expect(await tlsGet(sim.url, { ca: sim.caPem })).toBe(401);
      expect(await tlsGet(sim.url, { ca: sim.caPem, servername: "localhost" })).toBe(401);
      await expect(tlsGet(sim.url, {})).rejects.toMatchObject({
        code: expect.stringMatching(/CERT|SIGNATURE|SELF_SIGNED/),
      });
      await expect(tlsGet(sim.url, { ca: sim.caPem, servername: "other.example" })).rejects.toMatchObject({
        code: "ERR_TLS_CERT_ALTNAME_INVALID",
      });
    }));

  it("writes the CA to the given caFile and leaves it there", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sim-ca-test-"));
    try {
      const caFile = join(dir, "my-ca.pem");
      await withSimulator(
        async (sim) => {
          expect(sim.caFile).toBe(caFile);
          expect(await readFile(caFile, "utf8")).toBe(sim.caPem);
        },
        { caFile },
      );
      expect(existsSync(caFile)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("serves plain HTTP with tls: false, without a CA", () =>
    withSimulator(
      async (sim) => {
        expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(sim.caFile).toBeUndefined();
        expect(sim.caPem).toBeUndefined();
        expect(sim.describe().ca_file).toBeNull();
        expect((await rawRequest(sim, { path: "/api/session" })).status).toBe(401);
      },
      { tls: false },
    ));

  it("describes itself: where to connect, how to log in, each VM's guest account", () =>
    withSimulator(async (sim) => {
      expect(sim.describe()).toEqual({
        url: sim.url,
        server: sim.server,
        user: "administrator@vsphere.local",
        password: sim.password,
        ca_file: sim.caFile,
        vms: [
          {
            vm: "vm-1001",
            name: "app-01",
            power_state: "POWERED_ON",
            tools_running: true,
            guest_user: "root",
            guest_password: "Guest-Pass-1001!",
          },
          {
            vm: "vm-1002",
            name: "db-01",
            power_state: "POWERED_OFF",
            tools_running: false,
            guest_user: "root",
            guest_password: "Guest-Pass-1002!",
          },
          {
            vm: "vm-1003",
            name: "web-01",
            power_state: "POWERED_ON",
            tools_running: false,
            guest_user: "root",
            guest_password: "Guest-Pass-1003!",
          },
          {
            vm: "vm-1004",
            name: "twin",
            power_state: "POWERED_ON",
            tools_running: true,
            guest_user: "root",
            guest_password: "Guest-Pass-1004!",
          },
          {
            vm: "vm-1005",
            name: "twin",
            power_state: "POWERED_ON",
            tools_running: true,
            guest_user: "root",
            guest_password: "Guest-Pass-1005!",
          },
        ],
      });
    }));

  it.each([
    ["a port out of range", { port: 70000 }, /port/],
    ["a relative caFile", { caFile: "ca.pem" }, /caFile/],
    ["a negative retention", { retentionSeconds: -1 }, /retentionSeconds/],
    ["a user with a colon", { user: "a:b" }, /user/],
    ["a bad fault rule", { faults: [{ kind: "explode" as never }] }, /kind/],
  ])("refuses %s", async (_name, options, message) => {
    await expect(Simulator.start({ tls: false, ...options })).rejects.toThrow(message);
  });

  it("fails to start on a port in use with the listen error", () =>
    withSimulator(async (sim) => {
      const port = Number(sim.server.split(":")[1]);
      await expect(Simulator.start({ port })).rejects.toMatchObject({ code: "EADDRINUSE" });
    }));

  it("closes keep-alive connections on close()", async () => {
    const { Agent } = await import("node:https");
    const agent = new Agent({ keepAlive: true });
    const sim = await Simulator.start();
    try {
      await rawRequest(sim, { path: "/api/session", agent });
      const started = Date.now();
      await sim.close();
      expect(Date.now() - started).toBeLessThan(1000);
      await expect(rawRequest(sim, { path: "/api/session", agent })).rejects.toThrow();
    } finally {
      agent.destroy();
      await sim.close();
    }
  });
});
