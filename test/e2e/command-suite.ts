/**
 * End to end for the `vsphereguest_command` resource against one real host: the simulator in this
 * process (its processes are real local processes), the provider installed with the CLI, real
 * `apply`/`plan`/`destroy`. `writeOnly` says whether the host supports write-only attributes
 * (Terraform and OpenTofu 1.11 and later).
 */
import * as fs from "node:fs";
import { join } from "node:path";
import { Simulator } from "../../src/simulator";
import { VCenterClient } from "../../src/vcenter";
import type { Host } from "../helpers/hosts";
import { type HostResult, Workspace } from "../helpers/run-tofu";
import { vsphereEnv } from "../helpers/with-simulator";

const HEADER = `terraform {
  required_providers {
    vsphereguest = { source = "vsphere-guest/vsphereguest" }
  }
}
provider "vsphereguest" {}
`;

const APPLY = ["apply", "-auto-approve", "-input=false", "-no-color"];

/** Defines the suite for `host`. */
export function commandSuite(getHost: () => Host, options: { writeOnly: boolean }): void {
  let sim: Simulator;
  let ws: Workspace;
  let env: Record<string, string>;
  let client: VCenterClient;
  let guest: { userName: string; password: string };

  const creates = (): number => sim.counters.requests["processes.create"];
  const write = (hcl: string): void => ws.write(HEADER + hcl);
  const apply = (extra: Record<string, string> = {}): Promise<HostResult> =>
    ws.run(APPLY, { ...env, ...extra });
  const outputs = async (): Promise<Record<string, unknown>> => {
    const r = await ws.run(["output", "-json"], env);
    const parsed = JSON.parse(r.stdout) as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, v.value]));
  };
  const state = (): string => {
    const file = join(ws.dir, "terraform.tfstate");
    return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  };
  const secrets = (): string[] => [sim.password, ...sim.describe().vms.map((v) => v.guest_password)];

  beforeAll(async () => {
    sim = await Simulator.start({});
    ({ env, guest } = vsphereEnv(sim));
    client = new VCenterClient({
      server: sim.server,
      user: sim.user,
      password: sim.password,
      caFile: sim.caFile,
    });
    ws = await Workspace.create(getHost());
    write(`resource "vsphereguest_command" "c" {
  vm   = "vm-1001"
  path = "/bin/true"
}`);
    const init = await ws.init();
    if (init.code !== 0) throw new Error(`init failed:\n${init.output}`);
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await sim?.close();
    ws?.dispose();
  });

  const runOnce = (trigger: string) => `variable "trigger" {
  type    = string
  default = "${trigger}"
}
resource "vsphereguest_command" "c" {
  vm               = "vm-1001"
  path             = "/bin/sh"
  arguments        = ["-c", "echo \\"hello $1\\"; echo warned >&2", "sh", "it's me"]
  triggers_replace = { trigger = var.trigger }
}
output "stdout"    { value = vsphereguest_command.c.stdout }
output "stderr"    { value = vsphereguest_command.c.stderr }
output "exit_code" { value = vsphereguest_command.c.exit_code }
output "pid"       { value = vsphereguest_command.c.pid }
output "id"        { value = vsphereguest_command.c.id }
`;

  it("plans without running anything, applies once and records the output; a second plan is empty", async () => {
    write(runOnce("one"));
    sim.counters.reset();
    const plan = await ws.run(["plan", "-input=false", "-no-color"], env);
    expect(plan.output).toContain("(known after apply)");
    expect(creates()).toBe(0);

    const applied = await apply();
    expect(applied.output).toContain("1 added, 0 changed, 0 destroyed");
    expect(creates()).toBe(1);
    const out = await outputs();
    expect(out.stdout).toBe("hello it's me\n");
    expect(out.stderr).toBe("warned\n");
    expect(out.exit_code).toBe(0);
    expect(out.id).toBe(`vm-1001/${String(out.pid)}`);

    const again = await ws.run(["plan", "-detailed-exitcode", "-input=false", "-no-color"], env);
    expect(again.output).toContain("No changes.");
    expect(again.code).toBe(0);
    expect(creates()).toBe(1);
  }, 180_000);

  it("runs again when triggers_replace changes", async () => {
    const before = (await outputs()).pid;
    write(runOnce("two"));
    sim.counters.reset();
    const applied = await apply();
    expect(applied.output).toContain("must be replaced");
    expect(applied.output).toContain("1 added, 0 changed, 1 destroyed");
    expect(creates()).toBe(1);
    expect((await outputs()).pid).not.toBe(before);
  }, 180_000);

  it("fails on a disallowed exit code with the stderr tail, records the run and taints it", async () => {
    write(`resource "vsphereguest_command" "c" {
  vm     = "vm-1001"
  script = "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo \\"line $i\\" >&2; done; exit 3"
}`);
    const failed = await apply();
    expect(failed.code).not.toBe(0);
    expect(failed.output).toContain("Guest command failed");
    expect(failed.output).toContain("exit code 3");
    expect(failed.output).toContain("line 12");
    expect(failed.output).not.toContain("line 2\n");
    expect(state()).toContain('"tainted"');
    expect(state()).toContain('"exit_code": 3');
    const plan = await ws.run(["plan", "-input=false", "-no-color"], env);
    expect(plan.output).toMatch(/tainted/);
  }, 180_000);

  it("accepts an exit code listed in allowed_exit_codes", async () => {
    write(`resource "vsphereguest_command" "c" {
  vm                 = "vm-1001"
  path               = "/bin/sh"
  arguments          = ["-c", "exit 3"]
  allowed_exit_codes = [0, 3]
}`);
    const applied = await apply();
    expect(applied.code).toBe(0);
    expect(state()).not.toContain('"tainted"');
  }, 180_000);

  it("terminates the guest process on timeout and fails saying so", async () => {
    write(`resource "vsphereguest_command" "c" {
  vm      = "vm-1001"
  path    = "/bin/sleep"
  arguments = ["60"]
  timeout = "1s"
}`);
    const failed = await apply();
    expect(failed.code).not.toBe(0);
    expect(failed.output).toContain("Guest command timed out");
    expect(failed.output).toContain("terminated");
    const pid = /process (\d+) in VM vm-1001 did not exit/.exec(failed.output)?.[1];
    expect(pid).toBeDefined();
    const info = await client.getProcess("vm-1001", BigInt(pid!), guest);
    expect(info.finished).toBeDefined();
  }, 180_000);

  it("runs a script with an interpreter and its arguments", async () => {
    write(`resource "vsphereguest_command" "c" {
  vm          = "vm-1001"
  script      = "echo \\"$\${BASH_VERSION:+bash} $1\\""
  interpreter = ["/bin/bash", "-e"]
  arguments   = ["arg one"]
}
output "stdout" { value = vsphereguest_command.c.stdout }`);
    const applied = await apply();
    expect(applied.code).toBe(0);
    expect((await outputs()).stdout).toBe("bash arg one\n");
  }, 180_000);

  it("keeps sensitive output in the sensitive attributes, hidden in the plan", async () => {
    write(`resource "vsphereguest_command" "c" {
  vm               = "vm-1001"
  path             = "/bin/sh"
  arguments        = ["-c", "echo top-secret-$((6*7))"]
  sensitive_output = true
}
output "out" {
  value     = vsphereguest_command.c.sensitive_stdout
  sensitive = true
}
output "plain" { value = vsphereguest_command.c.stdout }`);
    const applied = await apply();
    expect(applied.code).toBe(0);
    expect(applied.output).not.toContain("top-secret-42");
    const out = await outputs();
    expect(out.out).toBe("top-secret-42\n");
    expect(out.plain ?? null).toBeNull(); // a null output is left out
  }, 180_000);

  it("keeps guest passwords out of the state and the trace log", async () => {
    write(`resource "vsphereguest_command" "c" {
  vm   = "vm-1001"
  path = "/bin/true"
}`);
    const applied = await apply({ TF_LOG: "trace" });
    expect(applied.code).toBe(0);
    for (const secret of secrets()) {
      expect(applied.output).not.toContain(secret);
      expect(state()).not.toContain(secret);
    }
  }, 180_000);

  it(`takes a per-resource password ${options.writeOnly ? "write-only (never stored)" : "stored as sensitive in the state (no write-only on this host)"}`, async () => {
    write(`variable "pw" {
  type      = string
  sensitive = true
}
resource "vsphereguest_command" "c" {
  vm   = "vm-1001"
  path = "/bin/echo"
  arguments = ["own"]
  credentials {
    user_name = "${guest.userName}"
    password  = var.pw
  }
}`);
    const noGuestEnv = { VSPHERE_GUEST_USER: "", VSPHERE_GUEST_PASSWORD: "" };
    const applied = await ws.run([...APPLY, "-var", `pw=${guest.password}`], {
      ...env,
      ...noGuestEnv,
      TF_LOG: "trace",
    });
    expect(applied.output).toContain("1 added");
    expect(applied.code).toBe(0);
    if (options.writeOnly) {
      expect(state()).not.toContain(guest.password);
    } else {
      expect(state()).toContain(guest.password);
    }
    const again = await ws.run(
      ["plan", "-detailed-exitcode", "-input=false", "-no-color", "-var", `pw=${guest.password}`],
      { ...env, ...noGuestEnv },
    );
    expect(again.output).toContain("No changes.");
  }, 180_000);

  it("runs with an unknown VM (known after apply) and with count on one login per apply walk", async () => {
    const hcl = (n: number) => `resource "terraform_data" "vm" {
  input = "vm-1001"
}
resource "vsphereguest_command" "c" {
  count     = ${n}
  vm        = terraform_data.vm.output
  path      = "/bin/echo"
  arguments = ["run \${count.index}"]
}
output "out" { value = vsphereguest_command.c[*].stdout }`;
    await ws.run(["destroy", "-auto-approve", "-input=false", "-no-color"], env);
    write(hcl(3));
    sim.counters.reset();
    const plan = await ws.run(["plan", "-input=false", "-no-color"], env);
    expect(plan.code).toBe(0);
    expect(creates()).toBe(0);
    const planLogins = sim.counters.logins;
    sim.counters.reset();
    const applied = await apply();
    expect(applied.code).toBe(0);
    expect(creates()).toBe(3);
    expect((await outputs()).out).toEqual(["run 0\n", "run 1\n", "run 2\n"]);
    // One login for the plan walk and one for the apply walk, whatever the count.
    expect(sim.counters.logins).toBe(2 * planLogins);
  }, 180_000);

  it("refuses import saying why, and destroy forgets without running anything", async () => {
    const imported = await ws.run(
      ["import", "-input=false", "-no-color", "vsphereguest_command.c[0]", "vm-1001/1"],
      env,
    );
    expect(imported.code).not.toBe(0);
    expect(imported.output).toContain("cannot be imported");
    sim.counters.reset();
    const destroyed = await ws.run(["destroy", "-auto-approve", "-input=false", "-no-color"], env);
    expect(destroyed.output).toContain("4 destroyed");
    expect(creates()).toBe(0);
    expect(state()).not.toContain("vsphereguest_command");
  }, 180_000);
}
