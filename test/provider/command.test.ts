/**
 * The `vsphereguest_command` resource in-process against the simulator, RPC by RPC: schema (the
 * write-only flag), validate, plan (nothing runs; unknown vs null), apply (a run recorded; a
 * disallowed exit code returns the state with the error), read, import (refused), upgrade (dynamic
 * values from JSON state), and write-only values kept out of plans and states when the host says
 * it supports them.
 */
import {
  type BlockValue,
  CtyDynamic,
  type CtyValue,
  createLogger,
  type DynamicValue,
  decodeBlock,
  encodeBlock,
  isUnknown,
  UNKNOWN,
} from "../../src/plugin";
import { tfplugin6 } from "../../src/plugin/proto/gen/tfplugin6";
import { schema as schemaToProto } from "../../src/plugin/protocol/to-proto";
import { createProvider, type VsphereGuestProvider } from "../../src/provider/provider";
import { COMMAND_SCHEMA } from "../../src/provider/resources/command-schema";
import { PROVIDER_SCHEMA } from "../../src/provider/schemas";
import type { Simulator } from "../../src/simulator";
import { vsphereEnv, withSimulator } from "../helpers/with-simulator";

const TYPE = "vsphereguest_command";
const NIL = { msgpack: Uint8Array.from([0xc0]) };
const enc = (v: BlockValue | null): DynamicValue => ({ msgpack: encodeBlock(COMMAND_SCHEMA, v) });
const dec = (v: DynamicValue | undefined): BlockValue | null =>
  decodeBlock(COMMAND_SCHEMA, v?.msgpack ?? NIL.msgpack);
const CAPS = (writeOnly: boolean) => ({ deferralAllowed: false, writeOnlyAttributesAllowed: writeOnly });

async function configured(
  sim: Simulator,
  lines: string[] = [],
  writeOnly = false,
): Promise<VsphereGuestProvider> {
  const provider = createProvider({
    env: vsphereEnv(sim).env,
    log: createLogger({ level: "trace", write: (l) => lines.push(l) }),
  });
  const res = await provider.configureProvider({
    config: { msgpack: encodeBlock(PROVIDER_SCHEMA, {}) },
    terraformVersion: "1.11.4",
    clientCapabilities: CAPS(writeOnly),
  });
  expect(res.diagnostics).toEqual([]);
  return provider;
}

/** Plans a create of `config`, then applies it, as a host does. */
async function createRun(provider: VsphereGuestProvider, config: BlockValue, writeOnly = false) {
  const plan = await provider.planResourceChange!({
    typeName: TYPE,
    priorState: NIL,
    proposedNewState: enc(config),
    config: enc(config),
    priorPrivate: new Uint8Array(),
    clientCapabilities: CAPS(writeOnly),
  });
  expect(plan.diagnostics).toEqual([]);
  const applied = await provider.applyResourceChange!({
    typeName: TYPE,
    priorState: NIL,
    plannedState: plan.plannedState!,
    config: enc(config),
    plannedPrivate: new Uint8Array(),
  });
  return { planned: dec(plan.plannedState)!, applied, state: dec(applied.newState) };
}

describe("vsphereguest_command over the provider's RPCs", () => {
  it("declares the schema with the credentials' password write-only and sensitive", async () => {
    const provider = createProvider({ env: {}, log: createLogger({ level: "off", write: () => {} }) });
    const schema = await provider.getProviderSchema();
    const block = schema.resources![TYPE]!.block;
    const credentials = block.blockTypes.find((b) => b.typeName === "credentials")!;
    expect(credentials.block.attributes.find((a) => a.name === "password")).toMatchObject({
      sensitive: true,
      writeOnly: true,
    });
    expect(block.attributes.find((a) => a.name === "triggers_replace")?.type).toBe("dynamic");
    // On the wire: field 11 of Schema.Attribute.
    const wire = tfplugin6.Schema.decode(
      tfplugin6.Schema.encode(schemaToProto(schema.resources![TYPE]!)).finish(),
    );
    const attrs = wire.block!.blockTypes!.find((b) => b.typeName === "credentials")!.block!.attributes!;
    expect(attrs.find((a) => a.name === "password")?.writeOnly).toBe(true);
    expect(attrs.find((a) => a.name === "user_name")?.writeOnly).toBe(false);
  });

  it.each<[BlockValue, string, string]>([
    [{ vm: "vm-1001" }, "Missing path or script", "path"],
    [{ vm: "vm-1001", path: "/bin/true", script: "x" }, "Conflicting path and script", "script"],
    [{ vm: "vm-1001", path: "/bin/true", timeout: "ten minutes" }, "Invalid timeout", "timeout"],
    [
      { vm: "vm-1001", path: "/bin/true", allowed_exit_codes: [] },
      "Empty allowed_exit_codes",
      "allowed_exit_codes",
    ],
    [
      { vm: "vm-1001", path: "/bin/true", max_output_bytes: -1 },
      "Invalid max_output_bytes",
      "max_output_bytes",
    ],
    [
      { vm: "vm-1001", path: "/bin/true", interpreter: ["/bin/sh"] },
      "interpreter without script",
      "interpreter",
    ],
    [{ path: "/bin/true" }, "Missing vm", "vm"],
  ])("refuses %j at validate (%s) pointing at the attribute", async (config, summary, attribute) => {
    const provider = createProvider({ env: {}, log: createLogger({ level: "off", write: () => {} }) });
    const res = await provider.validateResourceConfig!({ typeName: TYPE, config: enc(config) });
    expect(res.diagnostics).toHaveLength(1);
    expect(res.diagnostics[0]).toMatchObject({ severity: "error", summary });
    expect(res.diagnostics[0]!.attribute?.[0]).toMatchObject({ attributeName: attribute });
  });

  it("accepts unknown values at validate", async () => {
    const provider = createProvider({ env: {}, log: createLogger({ level: "off", write: () => {} }) });
    const config = {
      vm: UNKNOWN,
      path: UNKNOWN,
      timeout: UNKNOWN,
      allowed_exit_codes: UNKNOWN,
    } as BlockValue;
    expect(
      (await provider.validateResourceConfig!({ typeName: TYPE, config: enc(config) })).diagnostics,
    ).toEqual([]);
  });

  it("plans without running anything: results unknown, output attributes the config rules out null", () =>
    withSimulator(async (sim) => {
      const provider = await configured(sim);
      try {
        sim.counters.reset();
        const res = await provider.planResourceChange!({
          typeName: TYPE,
          priorState: NIL,
          proposedNewState: enc({ vm: UNKNOWN, path: "/bin/true", sensitive_output: true }),
          config: enc({ vm: UNKNOWN, path: "/bin/true", sensitive_output: true }),
          priorPrivate: new Uint8Array(),
        });
        expect(res.diagnostics).toEqual([]);
        const planned = dec(res.plannedState)!;
        for (const name of ["vm", "pid", "exit_code", "sensitive_stdout", "started"])
          expect(isUnknown(planned[name]!)).toBe(true);
        expect(planned.stdout).toBeNull();
        expect(planned.stderr).toBeNull();
        expect(sim.counters.requests["processes.create"]).toBe(0);
      } finally {
        await provider.close();
      }
    }));

  it("applies: runs once and records pid, exit code, output and times; read keeps them", () =>
    withSimulator(async (sim) => {
      const provider = await configured(sim);
      try {
        sim.counters.reset();
        const { applied, state } = await createRun(provider, {
          vm: "vm-1001",
          path: "/bin/sh",
          arguments: ["-c", 'echo "out $1"; echo err >&2', "sh", "a b"],
        });
        expect(applied.diagnostics).toEqual([]);
        expect(state).toMatchObject({
          vm: "vm-1001",
          exit_code: 0,
          stdout: "out a b\n",
          stderr: "err\n",
          output_truncated: false,
        });
        expect(state!.id).toBe(`vm-1001/${String(state!.pid)}`);
        expect(sim.counters.requests["processes.create"]).toBe(1);
        const read = await provider.readResource!({
          typeName: TYPE,
          currentState: applied.newState!,
          private: new Uint8Array(),
        });
        expect(dec(read.newState)).toEqual(state);
        expect(sim.counters.requests["processes.create"]).toBe(1);
      } finally {
        await provider.close();
      }
    }));

  it("with capture_output = false, records no output and makes no temporary files in the guest", () =>
    withSimulator(async (sim) => {
      const provider = await configured(sim);
      try {
        sim.counters.reset();
        const { applied, state } = await createRun(provider, {
          vm: "vm-1001",
          path: "/bin/sh",
          arguments: ["-c", "echo out; echo err >&2; exit 0"],
          capture_output: false,
        });
        expect(applied.diagnostics).toEqual([]);
        expect(state).toMatchObject({ exit_code: 0, stdout: null, stderr: null, output_truncated: false });
        expect(sim.counters.requests["processes.create"]).toBe(1);
        expect(sim.counters.requests["directories.createTemporary"]).toBe(0);
        expect(sim.counters.requests["transfers.create"]).toBe(0);
      } finally {
        await provider.close();
      }
    }));

  it("returns the state and an error with the stderr tail for a disallowed exit code", () =>
    withSimulator(async (sim) => {
      const provider = await configured(sim);
      try {
        const { applied, state } = await createRun(provider, {
          vm: "vm-1001",
          script: 'i=1; while [ $i -le 15 ]; do echo "e$i" >&2; i=$((i+1)); done; exit 7',
        });
        expect(state).toMatchObject({ exit_code: 7 });
        expect(applied.diagnostics).toHaveLength(1);
        const d = applied.diagnostics[0]!;
        expect(d).toMatchObject({ severity: "error", summary: "Guest command failed" });
        expect(d.detail).toContain("exit code 7");
        expect(d.detail).toContain("e6\n");
        expect(d.detail).toContain("e15");
        expect(d.detail).not.toContain("e5\n");
      } finally {
        await provider.close();
      }
    }));

  it("keeps sensitive output out of the error and out of the log", () =>
    withSimulator(async (sim) => {
      const lines: string[] = [];
      const provider = await configured(sim, lines);
      try {
        const { applied, state } = await createRun(provider, {
          vm: "vm-1001",
          path: "/bin/sh",
          arguments: ["-c", "echo secret-$((40+2)) >&2; exit 1"],
          sensitive_output: true,
        });
        expect(state).toMatchObject({ stderr: null, sensitive_stderr: "secret-42\n" });
        expect(applied.diagnostics[0]!.detail).not.toContain("secret-42");
        expect(lines.join("\n")).not.toContain("secret-42");
      } finally {
        await provider.close();
      }
    }));

  it("stores no write-only password when the host supports it, and the sensitive value otherwise", () =>
    withSimulator(async (sim) => {
      const { guest } = vsphereEnv(sim);
      const config = {
        vm: "vm-1001",
        path: "/bin/true",
        credentials: {
          user_name: guest.userName,
          password: guest.password,
          saml_token: null,
          interactive_session: null,
        },
      };
      for (const writeOnly of [true, false]) {
        const lines: string[] = [];
        const provider = await configured(sim, lines, writeOnly);
        try {
          const { planned, applied, state } = await createRun(provider, config, writeOnly);
          expect(applied.diagnostics).toEqual([]);
          const stored = (v: BlockValue | null) => (v!.credentials as Record<string, CtyValue>).password;
          expect(stored(planned)).toBe(writeOnly ? null : guest.password);
          expect(stored(state)).toBe(writeOnly ? null : guest.password);
          expect(lines.join("\n")).not.toContain(guest.password);
        } finally {
          await provider.close();
        }
      }
    }));

  it("refuses import, saying why", () =>
    withSimulator(async (sim) => {
      const provider = await configured(sim);
      try {
        const res = await provider.importResourceState!({ typeName: TYPE, id: "vm-1001/42" });
        expect(res.importedResources).toEqual([]);
        expect(res.diagnostics[0]).toMatchObject({
          severity: "error",
          summary: "vsphereguest_command cannot be imported",
        });
        expect(res.diagnostics[0]!.detail).toContain("recorded only by the apply that ran it");
      } finally {
        await provider.close();
      }
    }));

  it("reads triggers_replace back from JSON state, where hosts store it with its type", async () => {
    const provider = createProvider({ env: {}, log: createLogger({ level: "off", write: () => {} }) });
    const json = JSON.stringify({
      vm: "vm-1001",
      path: "/bin/true",
      triggers_replace: { value: { release: "v2" }, type: ["object", { release: "string" }] },
    });
    const res = await provider.upgradeResourceState!({
      typeName: TYPE,
      version: 0,
      rawState: { json: Buffer.from(json) },
    });
    expect(res.diagnostics).toEqual([]);
    const state = dec(res.upgradedState)!;
    expect(state.triggers_replace).toEqual(
      new CtyDynamic(["object", { release: "string" }], { release: "v2" }),
    );
  });
});

describe("vsphereguest_command across a host upgrade to write-only support", () => {
  it("plans no change for a password an older host stored, once the host stores none", () =>
    withSimulator(async (sim) => {
      const { guest } = vsphereEnv(sim);
      const credentials = {
        user_name: guest.userName,
        password: guest.password,
        saml_token: null,
        interactive_session: null,
      };
      const config = { vm: "vm-1001", path: "/bin/true", credentials };
      const older = await configured(sim, [], false);
      let stored: DynamicValue;
      try {
        const { applied } = await createRun(older, config, false);
        stored = applied.newState!;
      } finally {
        await older.close();
      }
      const newer = await configured(sim, [], true);
      try {
        const plan = await newer.planResourceChange!({
          typeName: TYPE,
          priorState: stored,
          proposedNewState: enc({ ...dec(stored)!, credentials: { ...credentials, password: null } }),
          config: enc(config),
          priorPrivate: new Uint8Array(),
          clientCapabilities: CAPS(true),
        });
        expect(plan.diagnostics).toEqual([]);
        expect(plan.requiresReplace).toEqual([]);
      } finally {
        await newer.close();
      }
    }));
});
