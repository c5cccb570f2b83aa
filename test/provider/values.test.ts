/**
 * The provider in-process against the simulator: malformed answers are diagnostics naming the
 * field (never an exception, so never gRPC INTERNAL), integers beyond 2^53 stay exact in the
 * state, and every duration argument beyond what a timer holds is refused at validate.
 */
import { type BlockValue, decodeBlock, encodeBlock } from "../../src/plugin";
import { createLogger } from "../../src/plugin/log";
import { PROCESS_SCHEMA } from "../../src/provider/data-sources/process";
import { PROCESSES_SCHEMA } from "../../src/provider/data-sources/processes";
import { createProvider, type VsphereGuestProvider } from "../../src/provider/provider";
import { PROVIDER_SCHEMA } from "../../src/provider/schemas";
import { Simulator } from "../../src/simulator";
import { vsphereEnv } from "../helpers/with-simulator";

const providerConfig = (extra: Record<string, unknown> = {}) => ({
  msgpack: encodeBlock(PROVIDER_SCHEMA, extra as BlockValue),
});

function processConfig(extra: Record<string, unknown> = {}) {
  return { msgpack: encodeBlock(PROCESS_SCHEMA, { vm: "vm-1001", pid: 42, ...extra } as BlockValue) };
}

const getAnswer = (exitCode: string): string =>
  `{"name":"sh","owner":"root","command":"/bin/sh","started":"2026-01-01T10:00:00.000Z","finished":"2026-01-01T10:00:01.000Z","exit_code":${exitCode}}`;

describe("the provider with malformed and large answers", () => {
  let sim: Simulator;
  let provider: VsphereGuestProvider;

  beforeAll(async () => {
    sim = await Simulator.start();
    provider = createProvider({
      env: vsphereEnv(sim).env,
      log: createLogger({ level: "off", write: () => {} }),
    });
    expect(await provider.configureProvider({ config: providerConfig(), terraformVersion: "1.6.3" })).toEqual(
      {
        diagnostics: [],
      },
    );
  });
  afterAll(async () => {
    await provider.close();
    await sim.close();
  });
  afterEach(() => sim.clearFaults());

  it.each([true, false])(
    "keeps an exit code beyond 2^53 exact in the state (wait_for_exit = %s)",
    async (wait) => {
      sim.addFault({
        route: "processes.get",
        kind: "status",
        status: 200,
        body: getAnswer("9007199254740993"),
      });
      const result = await provider.readDataSource({
        typeName: "vsphereguest_process",
        config: processConfig({ wait_for_exit: wait }),
      });
      expect(result.diagnostics).toEqual([]);
      const state = decodeBlock(PROCESS_SCHEMA, result.state!.msgpack!) as Record<string, unknown>;
      expect(state.exit_code).toBe(9007199254740993n);
      expect(state.running).toBe(false);
    },
  );

  it.each([
    ["exit_code", getAnswer('""'), 'has an invalid exit_code: "" is not a number'],
    ["exit_code", getAnswer("false"), "has an invalid exit_code: false is not a number"],
    ["exit_code", getAnswer("[]"), "has an invalid exit_code: [] is not a number"],
    ["exit_code", getAnswer('"abc"'), 'has an invalid exit_code: "abc" is not a number'],
    ["exit_code", getAnswer("1.5"), "has an invalid exit_code: 1.5 is not a whole number"],
    ["exit_code", getAnswer("{}"), "has an invalid exit_code: {} is not a number"],
    [
      "exit_code",
      getAnswer("9223372036854775808"),
      "has an invalid exit_code: 9223372036854775808 is beyond the int64 range",
    ],
    [
      "started",
      getAnswer("0").replace("2026-01-01T10:00:00.000Z", "soon"),
      'has an invalid started: "soon" is not an RFC 3339',
    ],
    ["name", getAnswer("0").replace('"name":"sh",', ""), "has no name"],
  ])("turns a malformed %s into a diagnostic naming it: %s", async (_field, body, text) => {
    for (const wait of [false, true]) {
      sim.addFault({ route: "processes.get", kind: "status", status: 200, body, count: 1 });
      const result = await provider.readDataSource({
        typeName: "vsphereguest_process",
        config: processConfig({ wait_for_exit: wait }),
      });
      expect(result.state).toBeUndefined();
      expect(result.diagnostics).toHaveLength(1);
      expect(result.diagnostics[0]).toMatchObject({
        severity: "error",
        summary: "Error reading guest process",
      });
      expect(result.diagnostics[0]!.detail).toContain(`get process 42 in VM vm-1001 ${text}`);
    }
  });

  it("turns a malformed pid in the process list into a diagnostic naming the element", async () => {
    sim.addFault({
      route: "processes.list",
      kind: "status",
      status: 200,
      body: '[{"pid":"12","name":"sh","owner":"root","command":"sh","started":"2026-01-01T10:00:00Z"}]',
      count: 1,
    });
    const result = await provider.readDataSource({
      typeName: "vsphereguest_processes",
      config: { msgpack: encodeBlock(PROCESSES_SCHEMA, { vm: "vm-1001" }) },
    });
    expect(result.state).toBeUndefined();
    expect(result.diagnostics[0]!.detail).toContain('invalid [0].pid: "12" is not a number');
  });
});

describe("duration arguments beyond what a timer holds", () => {
  const provider = createProvider({ env: {}, log: createLogger({ level: "off", write: () => {} }) });

  it.each(["597h", "596h31m24s", "2147483648ms", "99999999999999999999h", "0.1ms"])(
    "refuses timeout = %s at validate, on the attribute, naming the limit",
    async (timeout) => {
      const { diagnostics: diags } = await provider.validateDataResourceConfig!({
        typeName: "vsphereguest_process",
        config: processConfig({ wait_for_exit: true, timeout }),
      });
      expect(diags).toHaveLength(1);
      expect(diags[0]).toMatchObject({ severity: "error", summary: "Invalid timeout" });
      expect(diags[0]!.attribute).toEqual([{ attributeName: "timeout" }]);
      expect(diags[0]!.detail).toMatch(/596h31m23s|1ms/);
    },
  );

  it.each(["596h31m23s", "1ms", "10m"])("accepts timeout = %s", async (timeout) => {
    expect(
      await provider.validateDataResourceConfig!({
        typeName: "vsphereguest_process",
        config: processConfig({ wait_for_exit: true, timeout }),
      }),
    ).toEqual({ diagnostics: [] });
  });

  it.each(["597h", "2147483648ms", "0.1ms"])(
    "refuses api_timeout = %s at validate, on the attribute",
    async (value) => {
      const { diagnostics: diags } = await provider.validateProviderConfig!({
        config: providerConfig({ api_timeout: value }),
      });
      expect(diags).toHaveLength(1);
      expect(diags[0]).toMatchObject({ severity: "error", summary: "Invalid api_timeout" });
      expect(diags[0]!.attribute).toEqual([{ attributeName: "api_timeout" }]);
      expect(diags[0]!.detail).toMatch(/596h31m23s|1ms/);
    },
  );

  it.each(["597h", "0.1ms"])(
    "refuses VSPHERE_API_TIMEOUT=%s when configuring, without calling vCenter",
    async (value) => {
      const p = createProvider({
        env: {
          VSPHERE_SERVER: "127.0.0.1:9",
          VSPHERE_USER: "u",
          VSPHERE_PASSWORD: "p",
          VSPHERE_API_TIMEOUT: value,
        },
        log: createLogger({ level: "off", write: () => {} }),
      });
      const { diagnostics: diags } = await p.configureProvider({
        config: providerConfig(),
        terraformVersion: "1.6.3",
      });
      expect(diags).toHaveLength(1);
      expect(diags[0]).toMatchObject({ severity: "error", summary: "Invalid VSPHERE_API_TIMEOUT" });
      expect(diags[0]!.detail).toMatch(/596h31m23s|1ms/);
    },
  );
});
