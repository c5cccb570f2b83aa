/**
 * The provider's end-to-end suite, run against one real host (see the *.e2e.test.ts files): the
 * simulator in this process, the provider installed with the CLI, real `init`/`validate`/`plan`.
 */
import * as fs from "node:fs";
import { delimiter, join } from "node:path";
import { Simulator } from "../../src/simulator";
import { VCenterClient } from "../../src/vcenter";
import type { Host } from "../helpers/hosts";
import { type ProviderKind, Workspace } from "../helpers/run-tofu";
import { vsphereEnv } from "../helpers/with-simulator";

const HEADER = `terraform {
  required_providers {
    vsphereguest = { source = "vsphere-guest/vsphereguest" }
  }
}
provider "vsphereguest" {}
variable "pid" {
  type    = number
  default = 1
}
`;

/** One `vsphereguest_process` block. */
function processBlock(args: string, extra = ""): string {
  return `data "vsphereguest_process" "p" {
  ${args}
  ${extra}
}
output "exit_code" { value = data.vsphereguest_process.p.exit_code }
output "running"   { value = data.vsphereguest_process.p.running }
output "vm"        { value = data.vsphereguest_process.p.vm }
output "id"        { value = data.vsphereguest_process.p.id }
`;
}

const GATE = `lifecycle {
    postcondition {
      condition     = self.exit_code == 0
      error_message = "database migration failed with exit code \${self.exit_code}"
    }
  }`;

/**
 * Defines the suite for `host`, with the provider installed as the launcher (Node.js + this
 * package) or as the single executable (`npm run package`; the host then runs without `node` on
 * its `PATH`).
 */
export function providerSuite(getHost: () => Host, provider: ProviderKind = "launcher"): void {
  let sim: Simulator;
  let ws: Workspace;
  let env: Record<string, string>;
  let client: VCenterClient;
  let guest: { userName: string; password: string };

  const start = async (script: string): Promise<number> =>
    Number(await client.createProcess("vm-1001", guest, { path: "/bin/sh", arguments: `-c '${script}'` }));

  const finished = async (code: number): Promise<number> => {
    const pid = await start(`exit ${code}`);
    await client.waitForExit("vm-1001", pid, guest, { timeoutMs: 10_000 });
    return pid;
  };

  const plan = (
    hcl: string,
    vars: Record<string, string | number> = {},
    extraEnv: Record<string, string | undefined> = {},
  ) => {
    ws.write(HEADER + hcl);
    return ws.planOutputs(vars, { ...env, ...extraEnv });
  };

  const secrets = (): string[] => [sim.password, ...sim.describe().vms.map((v) => v.guest_password)];

  beforeAll(async () => {
    const host = getHost();
    sim = await Simulator.start({});
    ({ env, guest } = vsphereEnv(sim));
    client = new VCenterClient({
      server: sim.server,
      user: sim.user,
      password: sim.password,
      caFile: sim.caFile,
    });
    ws = await Workspace.create(host, provider);
    ws.write(HEADER + processBlock('vm = "vm-1001"\n  pid = var.pid'));
    const init = await ws.init();
    if (init.code !== 0) throw new Error(`init failed:\n${init.output}`);
  });

  afterAll(async () => {
    await client?.close();
    await sim?.close();
    ws?.dispose();
  });

  it("initialises offline from the local mirror written by `vsphere-guest provider install`", async () => {
    const lock = fs.readFileSync(`${ws.dir}/.terraform.lock.hcl`, "utf8");
    expect(lock).toContain(`provider "${ws.host.registry}/vsphere-guest/vsphereguest"`);
    expect(lock).toMatch(/version\s+=\s+"0\.1\.0"/);
    // What init installed is what was asked for: a native executable, or the launcher script.
    const installed = fs.readdirSync(join(ws.dir, ".terraform", "providers"), {
      recursive: true,
      encoding: "utf8",
    });
    const file = installed.find((f) => /terraform-provider-vsphereguest_v0\.1\.0$/.test(f));
    expect(file).toBeDefined();
    const head = fs.readFileSync(join(ws.dir, ".terraform", "providers", file ?? "")).subarray(0, 4);
    if (provider === "executable") {
      expect(head).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46])); // ELF
      expect(ws.path.split(delimiter).some((dir) => fs.existsSync(join(dir, "node")))).toBe(false);
    } else {
      expect(head.toString()).toBe("#!/b");
    }
  });

  it("validates a configuration without calling vCenter", async () => {
    ws.write(HEADER + processBlock('vm = "vm-1001"\n  pid = var.pid', GATE));
    sim.counters.reset();
    const r = await ws.run(["validate", "-no-color"], {});
    expect(r.output).toContain("The configuration is valid");
    expect(r.code).toBe(0);
    expect(sim.counters.logins).toBe(0);
  });

  it.each([
    ['vm = "vm-1001"\n  vm_name = "app-01"\n  pid = 1', "Conflicting vm and vm_name", "vm_name"],
    ["pid = 1", "Missing vm", "vsphereguest_process"],
    ['vm = "vm-1001"\n  pid = 1.5', "Invalid pid", "pid"],
    ['vm = "vm-1001"\n  pid = 0', "Invalid pid", "pid"],
    [
      'vm = "vm-1001"\n  pid = 1\n  wait_for_exit = true\n  timeout = "10 minutes"',
      "Invalid timeout",
      "timeout",
    ],
  ])("refuses %j at validate with a diagnostic on the attribute", async (args, summary, line) => {
    ws.write(HEADER + processBlock(args));
    const r = await ws.run(["validate", "-no-color"], {});
    expect(r.code).toBe(1);
    expect(r.output).toContain(`Error: ${summary}`);
    expect(r.output).toMatch(
      new RegExp(`on main\\.tf line \\d+, in data "vsphereguest_process" "p":\\n\\s+\\d+:.*${line}`),
    );
  });

  it("reads the exit code of a finished process at plan time, over one vCenter session", async () => {
    const pid = await finished(0);
    sim.counters.reset();
    const { result, outputs } = await plan(processBlock('vm = "vm-1001"\n  pid = var.pid', GATE), { pid });
    expect(result.code).toBe(0);
    expect(outputs).toMatchObject({ exit_code: 0, running: false, vm: "vm-1001", id: `vm-1001/${pid}` });
    expect(sim.counters.logins).toBe(1);
    expect(sim.counters.logouts).toBe(1);
  });

  it("waits for a running process with wait_for_exit", async () => {
    const pid = await start("sleep 1.5; exit 0");
    const { result, outputs } = await plan(
      processBlock('vm = "vm-1001"\n  pid = var.pid\n  wait_for_exit = true\n  timeout = "1m"', GATE),
      { pid },
    );
    expect(result.code).toBe(0);
    expect(outputs).toMatchObject({ exit_code: 0, running: false });
  });

  it("reads a running process without waiting: no exit code yet", async () => {
    const pid = await start("sleep 30");
    const { result, outputs } = await plan(processBlock('vm = "vm-1001"\n  pid = var.pid'), { pid });
    expect(result.code).toBe(0);
    expect(outputs).toMatchObject({ running: true });
    expect(outputs?.exit_code ?? null).toBeNull();
  });

  it("fails the plan with the postcondition's message when the process failed", async () => {
    const pid = await finished(3);
    const { result } = await plan(
      processBlock('vm = "vm-1001"\n  pid = var.pid\n  wait_for_exit = true', GATE),
      { pid },
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain("database migration failed with exit code 3");
  });

  it("looks the VM up by name", async () => {
    const pid = await finished(0);
    const { result, outputs } = await plan(processBlock('vm_name = "app-01"\n  pid = var.pid'), { pid });
    expect(result.code).toBe(0);
    expect(outputs).toMatchObject({ vm: "vm-1001", exit_code: 0 });
  });

  it("lists the guest's processes", async () => {
    const pid = await start("sleep 30");
    const { result, outputs } = await plan(
      `data "vsphereguest_processes" "all" {
  vm = "vm-1001"
}
output "pids" { value = [for p in data.vsphereguest_processes.all.processes : p.pid] }
`,
    );
    expect(result.code).toBe(0);
    expect(outputs?.pids).toEqual(expect.arrayContaining([1, pid]));
  });

  it("defers the read to apply when the pid is unknown at plan time", async () => {
    const { result, plan: planJson } = await plan(
      `resource "terraform_data" "pid" { input = var.pid }
${processBlock('vm = "vm-1001"\n  pid = terraform_data.pid.output')}`,
      { pid: 1 },
    );
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/data\.vsphereguest_process\.p will be read during apply/);
    expect(JSON.stringify(planJson)).toContain('"read"');
  });

  it.each([
    ['vm = "vm-1002"\n  pid = 1', {}, "VM is not running", "power it on"],
    ['vm = "vm-1003"\n  pid = 1', {}, "VMware Tools not running", "VMware Tools is not running in vm-1003"],
    ['vm = "vm-1001"\n  pid = 999999999', {}, "Guest process not found", "about 5 minutes"],
    ['vm = "vm-4242"\n  pid = 1', {}, "VM not found", "managed object id"],
    ['vm_name = "twin"\n  pid = 1', {}, "VM not found by name", "2 VMs are named"],
    ['vm_name = "nope"\n  pid = 1', {}, "VM not found by name", 'no VM is named \\"nope\\"'],
    [
      'vm = "vm-1001"\n  pid = 1\n  credentials {\n    user_name = "root"\n    password = "Wrong-Guest-Pw-77"\n  }',
      {},
      "Guest credentials refused",
      'user \\"root\\"',
    ],
    [
      'vm = "vm-1001"\n  pid = 1',
      { VSPHERE_GUEST_PASSWORD: "Wrong-Guest-Pw-78" },
      "Guest credentials refused",
      "check the guest user",
    ],
    [
      'vm = "vm-1001"\n  pid = 1',
      { VSPHERE_PASSWORD: "Wrong-VC-Pw-79" },
      "vCenter login failed",
      "check the vCenter user and password",
    ],
    [
      'vm = "vm-1001"\n  pid = 1',
      { VSPHERE_CA_FILE: undefined },
      "vCenter certificate not trusted",
      "ca_file",
    ],
    ['vm = "vm-1001"\n  pid = 1', { VSPHERE_SERVER: undefined }, "Missing vsphere_server", "VSPHERE_SERVER"],
    [
      'vm = "vm-1001"\n  pid = 1\n  credentials {\n    interactive_session = true\n  }',
      {},
      "Guest user not logged in to the desktop",
      'interactive_session is true but guest user \\"root\\" is not logged in to the desktop of vm-1001',
    ],
    [
      'vm_name = "web\\u202eexe"\n  pid = 1',
      {},
      "VM not found by name",
      'no VM is named \\"web\\u202eexe\\"',
    ],
  ])("explains %j as a readable diagnostic", async (args, extraEnv, summary, detail) => {
    const { result } = await plan(processBlock(args), {}, extraEnv);
    expect(result.code).toBe(1);
    const flat = result.output.replace(/\s*│\s*/g, " ").replace(/\s+/g, " ");
    expect(flat).toContain(`Error: ${summary}`);
    expect(flat.toLowerCase()).toContain(detail.replace(/\\"/g, '"').toLowerCase());
    expect(result.output).not.toMatch(/panic|stack trace|at .*\.js:\d+/i);
    for (const secret of [...secrets(), "Wrong-Guest-Pw-77", "Wrong-Guest-Pw-78", "Wrong-VC-Pw-79"]) {
      expect(result.output).not.toContain(secret);
    }
  });

  it("times out waiting with a diagnostic on timeout", async () => {
    const pid = await start("sleep 30");
    const { result } = await plan(
      processBlock('vm = "vm-1001"\n  pid = var.pid\n  wait_for_exit = true\n  timeout = "1s"'),
      { pid },
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain("Error: Timed out waiting for guest process");
    expect(result.output).toContain(`Process ${pid} in VM vm-1001 did not exit within 1s`);
  });

  it("keeps every password out of plan output and TF_LOG=trace logs", async () => {
    const pid = await finished(0);
    const { result } = await plan(
      processBlock(
        `vm = "vm-1001"\n  pid = var.pid\n  credentials {\n    user_name = "${guest.userName}"\n    password = "${guest.password}"\n  }`,
      ),
      { pid },
      { TF_LOG: "trace" },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("vsphereguest");
    for (const secret of secrets()) expect(result.output).not.toContain(secret);
  });

  it("reads many data sources concurrently over one session", async () => {
    const pids = await Promise.all(Array.from({ length: 10 }, (_, i) => finished(i % 3)));
    const blocks = pids
      .map(
        (pid, i) => `data "vsphereguest_process" "p${i}" {
  vm  = "vm-1001"
  pid = ${pid}
}`,
      )
      .join("\n");
    sim.counters.reset();
    const { result, outputs } = await plan(
      `${blocks}\noutput "codes" { value = [${pids.map((_, i) => `data.vsphereguest_process.p${i}.exit_code`).join(", ")}] }\n`,
    );
    expect(result.code).toBe(0);
    expect(outputs?.codes).toEqual(pids.map((_, i) => i % 3));
    expect(sim.counters.logins).toBe(1);
    expect(sim.counters.logouts).toBe(1);
  });

  const manyBlocks = (count: number): string =>
    Array.from(
      { length: count },
      (_, i) => `data "vsphereguest_process" "p${i}" {
  vm  = "vm-1001"
  pid = ${i + 1}
}`,
    ).join("\n");

  it("tells an unreachable vCenter once, not once per data source", async () => {
    // A port nothing listens on: the configure-time login fails, and that is the one diagnostic.
    const { result } = await plan(manyBlocks(6), {}, { VSPHERE_SERVER: "127.0.0.1:1" });
    expect(result.code).toBe(1);
    expect(result.output.match(/Error: /g)).toHaveLength(1);
    expect(result.output).toContain("Error: Cannot reach vCenter");
    expect(result.output).toMatch(/on main\.tf line \d+, in provider "vsphereguest"/);
  });

  it("tells vCenter going away after the login once, and points the other reads at it", async () => {
    sim.addFault({ route: ["processes.get"], kind: "reset" });
    try {
      const { result } = await plan(manyBlocks(6));
      expect(result.code).toBe(1);
      expect(result.output.match(/Error: Cannot reach vCenter/g)).toHaveLength(1);
      expect(result.output.match(/Error: Not read: vCenter unreachable/g)).toHaveLength(5);
      expect(result.output.match(/was reset/g)).toHaveLength(1);
    } finally {
      sim.clearFaults();
    }
  });

  it("points a server with a path at vsphere_server, and an unreadable ca_file at ca_file", async () => {
    for (const [attribute, value, message] of [
      ["vsphere_server", "https://vc.example.com/sdk", "has a path or query"],
      ["ca_file", "/nonexistent/vsphere-guest-ca.pem", "cannot be read (ENOENT)"],
    ] as const) {
      ws.write(
        `${HEADER.replace('provider "vsphereguest" {}', `provider "vsphereguest" {\n  ${attribute} = "${value}"\n}`)}${processBlock('vm = "vm-1001"\n  pid = 1')}`,
      );
      const result = await ws.run(["plan", "-input=false", "-no-color"], env);
      expect(result.code).toBe(1);
      expect(result.output).toContain(`Error: Invalid ${attribute}`);
      expect(result.output).toMatch(new RegExp(`in provider "vsphereguest":\\n\\s+\\d+:\\s+${attribute} = `));
      expect(result.output).toContain(message);
    }
  });

  it("refuses an overlong vm at validate, naming the argument", async () => {
    ws.write(HEADER + processBlock(`vm = "${"v".repeat(300)}"\n  pid = 1`));
    const r = await ws.run(["validate", "-no-color"], {});
    expect(r.code).toBe(1);
    expect(r.output).toContain("Error: Invalid vm");
    expect(r.output).toContain("vm is 300 characters long");
    expect(r.output).not.toContain("431");
  });
}
