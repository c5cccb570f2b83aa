/**
 * The provider in-process against the simulator: configure over one session, Ctrl-C
 * (StopProvider) cancelling a wait, data-source secrets kept out of the log, logout on close.
 */
import { type BlockValue, decodeBlock, encodeBlock } from "../../src/plugin";
import { createLogger } from "../../src/plugin/log";
import { PROCESS_SCHEMA } from "../../src/provider/data-sources/process";
import { PROCESSES_SCHEMA } from "../../src/provider/data-sources/processes";
import { createProvider } from "../../src/provider/provider";
import { PROVIDER_SCHEMA } from "../../src/provider/schemas";
import type { Simulator } from "../../src/simulator";
import { VCenterClient } from "../../src/vcenter";
import { eventually, vsphereEnv, withSimulator } from "../helpers/with-simulator";

const providerConfig = (fields: Record<string, unknown> = {}) => ({
  msgpack: encodeBlock(PROVIDER_SCHEMA, fields as BlockValue),
});

function processConfig(pid: number, extra: BlockValue = {}) {
  return { msgpack: encodeBlock(PROCESS_SCHEMA, { vm: "vm-1001", pid, ...extra }) };
}

async function startProcess(sim: Simulator, script: string): Promise<number> {
  const { guest } = vsphereEnv(sim);
  const client = new VCenterClient({
    server: sim.server,
    user: sim.user,
    password: sim.password,
    caFile: sim.caFile,
  });
  try {
    return Number(
      await client.createProcess("vm-1001", guest, { path: "/bin/sh", arguments: `-c '${script}'` }),
    );
  } finally {
    await client.close();
  }
}

describe("the provider against the simulator", () => {
  it("cancels a wait in flight when the host sends StopProvider, and logs out on close", () =>
    withSimulator(async (sim) => {
      const lines: string[] = [];
      const provider = createProvider({
        env: vsphereEnv(sim).env,
        log: createLogger({ level: "trace", write: (l) => lines.push(l) }),
      });
      expect(
        await provider.configureProvider({ config: providerConfig(), terraformVersion: "1.6.3" }),
      ).toEqual({
        diagnostics: [],
      });
      const pid = await startProcess(sim, "sleep 600");
      const read = provider.readDataSource({
        typeName: "vsphereguest_process",
        config: processConfig(pid, { wait_for_exit: true, timeout: "5m" }),
      });
      // Stop once the wait is really in flight (it has polled), not after a guessed delay.
      await eventually(async () => (sim.counters.requests["processes.get"] >= 1 ? true : undefined));
      provider.stopProvider?.();
      const result = await read;
      expect(result.state).toBeUndefined();
      expect(result.diagnostics[0]).toMatchObject({ severity: "error", summary: "Interrupted" });
      // The wait ended because of the stop: neither the process (600 s) nor the timeout (5 m) ended it.
      const client = new VCenterClient({
        server: sim.server,
        user: sim.user,
        password: sim.password,
        caFile: sim.caFile,
      });
      try {
        const info = await client.getProcess("vm-1001", pid, vsphereEnv(sim).guest);
        expect(info.exitCode).toBeUndefined();
        expect(info.finished).toBeUndefined();
        await client.deleteProcess("vm-1001", pid, vsphereEnv(sim).guest);
      } finally {
        await client.close();
      }
      expect(sim.counters.activeSessions).toBe(1);
      await provider.close?.();
      expect(sim.counters.activeSessions).toBe(0);
      expect(lines.join("")).not.toContain(sim.password);
    }));

  it("reads a state that conforms to the schema, and keeps a data source's own secrets out of the log", () =>
    withSimulator(async (sim) => {
      const lines: string[] = [];
      const { env, guest } = vsphereEnv(sim);
      const provider = createProvider({
        env: { ...env, VSPHERE_GUEST_PASSWORD: "" },
        log: createLogger({ level: "trace", write: (l) => lines.push(l) }),
      });
      await provider.configureProvider({ config: providerConfig(), terraformVersion: "1.6.3" });
      const pid = await startProcess(sim, "exit 6");
      const result = await provider.readDataSource({
        typeName: "vsphereguest_process",
        config: processConfig(pid, {
          wait_for_exit: true,
          credentials: {
            user_name: guest.userName,
            password: guest.password,
            saml_token: null,
            interactive_session: null,
          },
        }),
      });
      expect(result.diagnostics).toEqual([]);
      const state = decodeBlock(PROCESS_SCHEMA, result.state!.msgpack!) as Record<string, unknown>;
      expect(state).toMatchObject({ vm: "vm-1001", pid, exit_code: 6, running: false, id: `vm-1001/${pid}` });
      const wrong = await provider.readDataSource({
        typeName: "vsphereguest_process",
        config: processConfig(pid, {
          credentials: {
            user_name: "root",
            password: "Data-Source-Secret-1",
            saml_token: null,
            interactive_session: null,
          },
        }),
      });
      expect(wrong.diagnostics[0]?.summary).toBe("Guest credentials refused");
      expect(wrong.diagnostics[0]?.attribute).toEqual([{ attributeName: "credentials" }]);
      const log = lines.join("");
      expect(log).toContain("read data source");
      for (const secret of [guest.password, "Data-Source-Secret-1", sim.password])
        expect(log).not.toContain(secret);
      await provider.close?.();
    }));

  it.each([
    {
      name: "an unreadable ca_file",
      fields: { ca_file: "/nonexistent/vsphere-guest/ca.pem" },
      summary: "Invalid ca_file",
      attribute: "ca_file",
      detail: 'The CA bundle "/nonexistent/vsphere-guest/ca.pem" cannot be read (ENOENT)',
    },
    {
      name: "a ca_file that holds no certificate",
      fields: { ca_file: __filename },
      summary: "Invalid ca_file",
      attribute: "ca_file",
      detail: "holds no PEM certificate",
    },
    {
      name: "a server with a path",
      fields: { vsphere_server: "https://vc.example.com/ui" },
      summary: "Invalid vsphere_server",
      attribute: "vsphere_server",
      detail: 'vsphere_server "https://vc.example.com/ui" has a path or query',
    },
  ])(
    "points a configuration problem found while configuring ($name) at its attribute",
    ({ fields, summary, attribute, detail }) =>
      withSimulator(async (sim) => {
        const provider = createProvider({ env: vsphereEnv(sim).env, log: createLogger({ write: () => {} }) });
        const { diagnostics } = await provider.configureProvider({
          config: providerConfig(fields),
          terraformVersion: "1.6.3",
        });
        expect(diagnostics).toEqual([
          expect.objectContaining({ severity: "error", summary, attribute: [{ attributeName: attribute }] }),
        ]);
        expect(diagnostics[0]?.detail).toContain(detail);
        expect(sim.counters.logins).toBe(0);
        await provider.close?.();
      }),
  );

  it("reports interactive_session without a desktop session as that, pointing at it", () =>
    withSimulator(async (sim) => {
      const { env, guest } = vsphereEnv(sim);
      const provider = createProvider({ env, log: createLogger({ write: () => {} }) });
      expect(
        await provider.configureProvider({ config: providerConfig(), terraformVersion: "1.6.3" }),
      ).toEqual({
        diagnostics: [],
      });
      const result = await provider.readDataSource({
        typeName: "vsphereguest_process",
        config: processConfig(1, {
          credentials: {
            user_name: guest.userName,
            password: null,
            saml_token: null,
            interactive_session: true,
          },
        }),
      });
      expect(result.diagnostics).toEqual([
        expect.objectContaining({
          severity: "error",
          summary: "Guest user not logged in to the desktop",
          attribute: [{ attributeName: "credentials" }, { attributeName: "interactive_session" }],
        }),
      ]);
      expect(result.diagnostics[0]?.detail).toContain(
        'interactive_session is true but guest user "root" is not logged in to the desktop of vm-1001',
      );
      expect(result.diagnostics[0]?.detail).not.toContain("power it on");
      await provider.close?.();
    }));

  it("tells an unreachable vCenter once, however many data sources fail for it", () =>
    withSimulator(async (sim) => {
      const provider = createProvider({ env: vsphereEnv(sim).env, log: createLogger({ write: () => {} }) });
      expect(
        await provider.configureProvider({ config: providerConfig(), terraformVersion: "1.6.3" }),
      ).toEqual({
        diagnostics: [],
      });
      // vCenter goes away after the login: every connection of a read is dropped.
      sim.addFault({ route: ["processes.get", "processes.list"], kind: "reset" });
      const results = await Promise.all([
        ...[1, 2, 3, 4].map((pid) =>
          provider.readDataSource({ typeName: "vsphereguest_process", config: processConfig(pid) }),
        ),
        provider.readDataSource({
          typeName: "vsphereguest_processes",
          config: { msgpack: encodeBlock(PROCESSES_SCHEMA, { vm: "vm-1001" }) },
        }),
      ]);
      const diagnostics = results.flatMap((r) => r.diagnostics);
      expect(results.every((r) => r.state === undefined)).toBe(true);
      expect(diagnostics).toHaveLength(5);
      const full = diagnostics.filter((d) => d.summary === "Cannot reach vCenter");
      expect(full).toHaveLength(1);
      expect(full[0]?.detail).toMatch(/^The connection to 127\.0\.0\.1:\d+ was reset/);
      const short = diagnostics.filter((d) => d.summary === "Not read: vCenter unreachable");
      expect(short).toHaveLength(4);
      for (const d of short) expect(d.detail).toContain('the cause is in the "Cannot reach vCenter" error');
      // A data source's own problem is still its own, in full.
      sim.clearFaults();
      const own = await provider.readDataSource({
        typeName: "vsphereguest_process",
        config: processConfig(999_999),
      });
      expect(own.diagnostics[0]?.summary).toBe("Guest process not found");
      await provider.close?.();
    }));
});
