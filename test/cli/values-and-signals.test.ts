/**
 * The CLI end to end against an in-process simulator: malformed answers are errors (never exit
 * code 0), integers beyond 2^53 print exactly, durations beyond a timer's reach are refused up
 * front, and SIGTERM cancels a wait, logs out and exits 143.
 */
import { spawn } from "node:child_process";
import { Simulator } from "../../src/simulator";
import { CLI, runCli } from "../helpers/cli";

let sim: Simulator;
let env: Record<string, string>;

/** An answer of `get` for an ended process with `exit_code` as raw JSON text. */
const getAnswer = (exitCode: string): string =>
  `{"name":"sh","owner":"root","command":"/bin/sh","started":"2026-01-01T10:00:00.000Z","finished":"2026-01-01T10:00:01.000Z","exit_code":${exitCode}}`;

beforeAll(async () => {
  sim = await Simulator.start();
  const app = sim.describe().vms.find((v) => v.vm === "vm-1001")!;
  env = {
    VSPHERE_SERVER: sim.server,
    VSPHERE_USER: sim.user,
    VSPHERE_PASSWORD: sim.password,
    VSPHERE_CA_FILE: sim.caFile!,
    VSPHERE_GUEST_USER: app.guest_user,
    VSPHERE_GUEST_PASSWORD: app.guest_password,
  };
});

afterAll(() => sim.close());
afterEach(() => sim.clearFaults());

describe("vsphere-guest process with malformed or large answers", () => {
  it.each(["get", "wait"])("%s prints an exit code beyond 2^53 digit for digit", async (command) => {
    sim.addFault({
      route: "processes.get",
      kind: "status",
      status: 200,
      body: getAnswer("9007199254740993"),
    });
    const r = await runCli(["process", command, "--vm", "vm-1001", "--pid", "42"], env);
    expect(r.stdout).toContain('"exit_code": 9007199254740993');
    expect(r.stderr).toBe("");
    // wait exits with the process's code, and 1 for codes outside 0-255.
    expect(r.code).toBe(command === "get" ? 0 : 1);
  });

  it.each([
    ['""', '""'],
    ["false", "false"],
    ["true", "true"],
    ["[]", "[]"],
    ['"abc"', '"abc"'],
    ["1.5", "1.5"],
    ["{}", "{}"],
    ["9223372036854775808", "9223372036854775808"],
  ])("wait refuses exit_code %s with one line, never exit code 0", async (raw, shown) => {
    sim.addFault({ route: "processes.get", kind: "status", status: 200, body: getAnswer(raw) });
    const r = await runCli(["process", "wait", "--vm", "vm-1001", "--pid", "42"], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(
      `vCenter's answer to get process 42 in VM vm-1001 has an invalid exit_code: ${shown}`,
    );
  });

  it("refuses a pid from create that is not a positive int64", async () => {
    sim.addFault({ route: "processes.create", kind: "status", status: 201, body: "0" });
    const r = await runCli(["process", "start", "--vm", "vm-1001", "--", "/bin/true"], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("vCenter's answer to create in VM vm-1001 has an invalid pid: 0 is not a pid");
  });
});

describe("vsphere-guest --timeout", () => {
  it.each([
    ["597h", "longer than the longest duration allowed, 596h31m23s"],
    ["36000000m", "longer than the longest duration allowed, 596h31m23s"],
    ["99999999999999999999999h", "longer than the longest duration allowed, 596h31m23s"],
    ["0.4ms", "shorter than the shortest duration, 1ms"],
  ])("refuses %s up front (exit 2), naming the flag and the limit", async (value, text) => {
    for (const command of ["wait", "run"]) {
      const args =
        command === "wait"
          ? ["process", "wait", "--vm", "vm-1001", "--pid", "42", "--timeout", value]
          : ["process", "run", "--vm", "vm-1001", "--timeout", value, "--", "/bin/true"];
      const before = sim.counters.logins;
      const r = await runCli(args, env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--timeout "${value}" is ${text}`);
      expect(sim.counters.logins).toBe(before);
    }
  });

  it.each(["596h31m23s", "500h", "1ms"])(
    "returns a process that has already exited at once with --timeout %s",
    async (value) => {
      sim.addFault({ route: "processes.get", kind: "status", status: 200, body: getAnswer("7") });
      const r = await runCli(["process", "wait", "--vm", "vm-1001", "--pid", "42", "--timeout", value], env);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(7);
    },
  );
});

describe("vsphere-guest and signals", () => {
  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)("%s cancels a wait, logs out of vCenter and exits %i", async (signal, code) => {
    const guest = sim.describe().vms.find((v) => v.vm === "vm-1001")!;
    const { VCenterClient } = await import("../../src/vcenter");
    const starter = new VCenterClient({
      server: sim.server,
      user: sim.user,
      password: sim.password,
      caFile: sim.caFile,
    });
    const pid = await starter.createProcess(
      "vm-1001",
      { userName: guest.guest_user, password: guest.guest_password },
      { path: "/bin/sleep", arguments: "30" },
    );
    await starter.close();
    const logoutsBefore = sim.counters.logouts;
    const getsBefore = sim.counters.requests["processes.get"];
    const child = spawn(
      process.execPath,
      [CLI, "process", "wait", "--vm", "vm-1001", "--pid", String(pid), "--timeout", "10m"],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    // Wait until the CLI is polling (no wall-clock assumption: poll the simulator's counter).
    while (sim.counters.requests["processes.get"] === getsBefore) {
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill(signal);
    expect(await exited).toBe(code);
    expect(stderr).toContain("was cancelled");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(sim.counters.logouts).toBe(logoutsBefore + 1);
  });
});
