/**
 * Real hosts (tofu 1.6.3, tofu 1.12.6, terraform 1.5.7) against the simulator: a malformed answer
 * is a diagnostic naming the field (not gRPC INTERNAL), an exit code beyond 2^53 reaches the plan,
 * state and outputs digit for digit, durations beyond a timer's reach are refused at validate, and
 * SIGTERM to the whole process group during a waiting plan is a clean interruption that logs out
 * of vCenter.
 */
import { spawn } from "node:child_process";
import { Simulator } from "../../src/simulator";
import { VCenterClient } from "../../src/vcenter";
import { host } from "../helpers/hosts";
import { Workspace } from "../helpers/run-tofu";
import { vsphereEnv } from "../helpers/with-simulator";

const HEADER = `terraform {
  required_providers {
    vsphereguest = { source = "vsphere-guest/vsphereguest" }
  }
}
provider "vsphereguest" {}
variable "pid" {
  type    = number
  default = 42
}
`;

const PROCESS = `data "vsphereguest_process" "p" {
  vm  = "vm-1001"
  pid = var.pid
  ARGS
}
output "exit_code" { value = data.vsphereguest_process.p.exit_code }
`;

const getAnswer = (exitCode: string): string =>
  `{"name":"sh","owner":"root","command":"/bin/sh","started":"2026-01-01T10:00:00.000Z","finished":"2026-01-01T10:00:01.000Z","exit_code":${exitCode}}`;

describe.each(["tofu-1.6.3", "tofu-1.12.6", "terraform-1.5.7"] as const)(
  "values and signals against %s",
  (name) => {
    let sim: Simulator;
    let ws: Workspace;
    let env: Record<string, string>;

    const write = (args: string, header = HEADER): void => ws.write(header + PROCESS.replace("ARGS", args));
    const hostEnv = (): Record<string, string | undefined> => ({
      PATH: process.env.PATH,
      HOME: ws.home,
      TF_CLI_CONFIG_FILE: `${ws.root}/cli.tfrc`,
      TF_IN_AUTOMATION: "1",
      CHECKPOINT_DISABLE: "1",
      ...env,
    });

    beforeAll(async () => {
      sim = await Simulator.start({});
      ({ env } = vsphereEnv(sim));
      ws = await Workspace.create(host(name));
      write("");
      const init = await ws.init();
      if (init.code !== 0) throw new Error(`init failed:\n${init.output}`);
    });

    afterAll(async () => {
      await sim?.close();
      ws?.dispose();
    });

    afterEach(() => sim.clearFaults());

    it("keeps an exit code beyond 2^53 exact in the plan, the state and the outputs", async () => {
      sim.addFault({
        route: "processes.get",
        kind: "status",
        status: 200,
        body: getAnswer("9007199254740993"),
      });
      write("");
      const plan = await ws.run(["plan", "-input=false", "-no-color", "-out=tfplan"], env);
      expect(plan.code).toBe(0);
      const show = await ws.run(["show", "-json", "-no-color", "tfplan"], env);
      expect(show.stdout).toMatch(/"exit_code":\{[^}]*"value":9007199254740993\b/);
      const apply = await ws.run(["apply", "-input=false", "-no-color", "-auto-approve"], env);
      expect(apply.code).toBe(0);
      const output = await ws.run(["output", "-json", "exit_code"], env);
      expect(output.stdout.trim()).toBe("9007199254740993");
      const state = await ws.run(["show", "-json", "-no-color"], env);
      expect(state.stdout).toMatch(/"exit_code":9007199254740993\b/);
    });

    it.each([
      ['""', '""'],
      ['"abc"', '"abc"'],
      ["false", "false"],
      ["[]", "[]"],
      ["1.5", "1.5"],
    ])("turns exit_code %s into a diagnostic naming the field, not gRPC INTERNAL", async (raw, shown) => {
      sim.addFault({ route: "processes.get", kind: "status", status: 200, body: getAnswer(raw) });
      write("");
      const r = await ws.run(["plan", "-input=false", "-no-color"], env);
      expect(r.code).toBe(1);
      expect(r.output).toContain("Error: Error reading guest process");
      // The host wraps diagnostic text at its terminal width.
      expect(r.output.replace(/\s+/g, " ")).toContain(`invalid exit_code: ${shown} is not`);
      expect(r.output).toMatch(/with data\.vsphereguest_process\.p/);
      expect(r.output).not.toMatch(/rpc error|NaN is not a cty number|Plugin did not respond/);
    });

    it.each([
      ['wait_for_exit = true\n  timeout = "597h"', "timeout", "Invalid timeout"],
      ['wait_for_exit = true\n  timeout = "100000000h"', "timeout", "Invalid timeout"],
    ])("refuses %j at validate, naming the argument and the maximum", async (args, attribute, summary) => {
      write(args);
      const r = await ws.run(["validate", "-no-color"], {});
      expect(r.code).toBe(1);
      expect(r.output).toContain(`Error: ${summary}`);
      expect(r.output.replace(/\s+/g, " ")).toContain("596h31m23s");
      expect(r.output).toMatch(new RegExp(`\\d+:\\s+${attribute}\\s+=`));
    });

    it("refuses api_timeout beyond the maximum at validate, and VSPHERE_API_TIMEOUT at plan", async () => {
      write(
        "",
        HEADER.replace('provider "vsphereguest" {}', 'provider "vsphereguest" {\n  api_timeout = "600h"\n}'),
      );
      const r = await ws.run(["validate", "-no-color"], {});
      expect(r.code).toBe(1);
      expect(r.output).toContain("Error: Invalid api_timeout");
      expect(r.output).toContain("596h31m23s");
      write("");
      const p = await ws.run(["plan", "-input=false", "-no-color"], { ...env, VSPHERE_API_TIMEOUT: "600h" });
      expect(p.code).toBe(1);
      expect(p.output).toContain("VSPHERE_API_TIMEOUT");
      expect(p.output).toContain("596h31m23s");
    });

    it("returns a process that has already exited at once with the longest timeout", async () => {
      sim.addFault({ route: "processes.get", kind: "status", status: 200, body: getAnswer("0") });
      write('wait_for_exit = true\n  timeout = "596h31m23s"');
      const r = await ws.run(["plan", "-input=false", "-no-color"], env);
      expect(r.output).not.toContain("TimeoutOverflowWarning");
      expect(r.code).toBe(0);
    });

    it("handles SIGTERM to the process group during a waiting plan: clean interruption, logged out", async () => {
      const guest = vsphereEnv(sim).guest;
      const client = new VCenterClient({
        server: sim.server,
        user: sim.user,
        password: sim.password,
        caFile: sim.caFile,
      });
      const pid = await client.createProcess("vm-1001", guest, { path: "/bin/sleep", arguments: "60" });
      await client.close();
      write('wait_for_exit = true\n  timeout = "5m"');
      sim.counters.reset();
      const child = spawn(ws.host.bin, ["plan", "-input=false", "-no-color", "-var", `pid=${pid}`], {
        cwd: ws.dir,
        env: hostEnv(),
        stdio: ["ignore", "pipe", "pipe"],
        // Its own process group, as under GNU timeout or a CI runner: the signal reaches tofu and the provider.
        detached: true,
      });
      let output = "";
      child.stdout.on("data", (d: Buffer) => {
        output += d.toString();
      });
      child.stderr.on("data", (d: Buffer) => {
        output += d.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
      const killer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 90_000);
      try {
        // Wait until the provider is polling (counted by the simulator, no wall-clock guess).
        while (sim.counters.requests["processes.get"] < 2 && child.exitCode === null) {
          await new Promise((r) => setTimeout(r, 50));
        }
        process.kill(-child.pid!, "SIGTERM");
        const code = await exited;
        expect(code).not.toBe(0);
        expect(output).not.toContain("Plugin did not respond");
        expect(output).not.toMatch(/rpc error|connection refused|plugin exited/i);
        expect(output).toMatch(/Interrupted|interrupt/i);
        expect(sim.counters.logins).toBe(1);
        expect(sim.counters.logouts).toBe(1);
        expect(sim.counters.activeSessions).toBe(0);
      } finally {
        clearTimeout(killer);
        if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
      }
    });
  },
);
