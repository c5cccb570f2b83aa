/**
 * The cdktf example end to end: the stack synthesized with cdktf, planned by a real OpenTofu
 * against the simulator — a passing gate, a failing gate with the construct's message, a running
 * process with and without waiting — and the cdktf CLI's own `synth` and `plan`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { App, DataResource, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import { MigrationGateStack } from "../../examples/cdktf/main";
import { GuestProcess, VsphereguestProvider } from "../../src/constructs";
import { Simulator } from "../../src/simulator";
import { VCenterClient } from "../../src/vcenter";
import { host } from "../helpers/hosts";
import { runCommand } from "../helpers/run-command";
import { Workspace, withoutBackend } from "../helpers/run-tofu";
import { vsphereEnv } from "../helpers/with-simulator";

const ROOT = join(__dirname, "..", "..");

/** The example's gate, without waiting: a running process has no exit code yet. */
class NoWaitStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const pid = new TerraformVariable(this, "pid", { type: "number" });
    new VsphereguestProvider(this, "vsphereguest", {});
    const migrate = new GuestProcess(this, "migrate", {
      vm: "vm-1001",
      pid: pid.numberValue,
      expectExitCode: [0],
    });
    const deploy = new DataResource(this, "deploy", { input: { release: "v2" } });
    migrate.gate(deploy);
    new TerraformOutput(this, "running", { value: migrate.running });
  }
}

function synth(build: (app: App) => void, stack: string): string {
  const outdir = mkdtempSync(join(tmpdir(), "vsg-cdktf-"));
  const app = new App({ outdir });
  build(app);
  app.synth();
  const json = readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8");
  rmSync(outdir, { recursive: true, force: true });
  return withoutBackend(json);
}

describe("the cdktf example planned by OpenTofu against the simulator", () => {
  const tofu = host("tofu-1.12.6");
  let sim: Simulator;
  let client: VCenterClient;
  let guest: { userName: string; password: string };
  let env: Record<string, string>;
  let gated: Workspace;
  let noWait: Workspace;

  const start = async (script: string): Promise<number> =>
    Number(await client.createProcess("vm-1001", guest, { path: "/bin/sh", arguments: `-c '${script}'` }));

  beforeAll(async () => {
    sim = await Simulator.start({});
    ({ env, guest } = vsphereEnv(sim));
    client = new VCenterClient({
      server: sim.server,
      user: sim.user,
      password: sim.password,
      caFile: sim.caFile,
    });
    gated = await Workspace.create(tofu);
    gated.write(
      synth((a) => new MigrationGateStack(a, "migration-gate"), "migration-gate"),
      "cdk.tf.json",
    );
    noWait = await Workspace.create(tofu);
    noWait.write(
      synth((a) => new NoWaitStack(a, "no-wait"), "no-wait"),
      "cdk.tf.json",
    );
    for (const ws of [gated, noWait]) {
      const init = await ws.init();
      if (init.code !== 0) throw new Error(`init failed:\n${init.output}`);
    }
  });

  afterAll(async () => {
    await client?.close();
    await sim?.close();
    gated?.dispose();
    noWait?.dispose();
  });

  it("passes the gate and plans the gated step when the migration exited 0", async () => {
    const pid = await start("sleep 1; exit 0");
    const { result, outputs, plan } = await gated.planOutputs({ pid }, env);
    expect(result.code).toBe(0);
    expect(outputs).toMatchObject({ exit_code: 0 });
    expect(result.output).toMatch(/terraform_data\.deploy.* will be created/);
    expect(JSON.stringify(plan)).toContain("terraform_data");
  });

  it("fails the plan with the construct's message when the migration exited 3", async () => {
    const pid = await start("exit 3");
    const { result } = await gated.planOutputs({ pid }, env);
    expect(result.code).toBe(1);
    expect(result.output).toContain("Resource postcondition failed");
    expect(result.output).toContain(`guest process ${pid} in vm-1001 exited with code 3; expected 0`);
    expect(result.output).not.toMatch(/terraform_data\.deploy.* will be created/);
  });

  it("waits for a running migration when waitForExit is set", async () => {
    const pid = await start("sleep 2; exit 0");
    const { result, outputs } = await gated.planOutputs({ pid }, env);
    expect(result.code).toBe(0);
    expect(outputs).toMatchObject({ exit_code: 0 });
  });

  it("fails clearly, not with a null error, when the process is still running and nothing waits", async () => {
    const pid = await start("sleep 30");
    const { result } = await noWait.planOutputs({ pid }, env);
    expect(result.code).toBe(1);
    expect(result.output).toContain(`guest process ${pid} in vm-1001 is still running (no exit code yet)`);
    expect(result.output).not.toMatch(/Invalid template interpolation|condition is null|must not be null/i);
  });

  it("synthesizes with `cdktf synth` and plans with `cdktf plan` using tofu", async () => {
    const pid = await start("exit 0");
    const outdir = mkdtempSync(join(tmpdir(), "vsg-cdktf-cli-"));
    const cdktfEnv = {
      ...env,
      PATH: `${dirname(tofu.bin)}:${process.env.PATH}`,
      HOME: gated.home,
      TF_CLI_CONFIG_FILE: join(gated.root, "cli.tfrc"),
      CHECKPOINT_DISABLE: "1",
      CI: "1",
      TERRAFORM_BINARY_NAME: "tofu",
    };
    try {
      const synthRun = await runIn(ROOT, ["cdktf", "synth", "--output", outdir], cdktfEnv);
      expect(synthRun.code).toBe(0);
      const json = JSON.parse(readFileSync(join(outdir, "stacks", "migration-gate", "cdk.tf.json"), "utf8"));
      expect(json.terraform.required_providers.vsphereguest.source).toBe("vsphere-guest/vsphereguest");
      const planRun = await runIn(
        ROOT,
        [
          "cdktf",
          "plan",
          "migration-gate",
          "--output",
          outdir,
          "--skip-provider-lock",
          "--var",
          `pid=${pid}`,
        ],
        cdktfEnv,
      );
      expect(planRun.output).toMatch(/1 to add/);
      expect(planRun.code).toBe(0);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 180_000);
});

async function runIn(
  cwd: string,
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; output: string }> {
  const r = await runCommand(join(ROOT, "node_modules", ".bin", args[0]!), args.slice(1), {
    cwd,
    env,
    timeoutMs: 170_000,
  });
  return { code: r.code, output: `${r.stdout}${r.stderr}` };
}
