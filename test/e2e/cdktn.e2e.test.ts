/**
 * CDK Terrain (cdktn) end to end: the cdktn example app synthesized by running it, as `cdktn synth`
 * does (cdktn-cli itself needs Node.js 22.19+), then planned by a real OpenTofu against the simulator:
 * a passing gate plans the gated step, a failing gate fails the plan with the construct's message.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Simulator } from "../../src/simulator";
import { VCenterClient } from "../../src/vcenter";
import { host } from "../helpers/hosts";
import { runCommand } from "../helpers/run-command";
import { Workspace, withoutBackend } from "../helpers/run-tofu";
import { vsphereEnv } from "../helpers/with-simulator";

const ROOT = join(__dirname, "..", "..");

/** The manifest a cdktn app writes beside its stacks (cdktn-cli reads the same file). */
interface Manifest {
  stacks: Record<string, { synthesizedStackPath: string }>;
}

describe("the cdktn example planned by OpenTofu against the simulator", () => {
  const tofu = host("tofu-1.12.6");
  let sim: Simulator;
  let client: VCenterClient;
  let guest: { userName: string; password: string };
  let env: Record<string, string>;
  let ws: Workspace;
  let stackJson: string;

  const start = async (script: string): Promise<number> =>
    Number(await client.createProcess("vm-1001", guest, { path: "/bin/sh", arguments: `-c '${script}'` }));

  beforeAll(async () => {
    // Synthesize by running the app, with the output directory in CDKTF_OUTDIR as the CLI passes it.
    const outdir = mkdtempSync(join(tmpdir(), "vsg-cdktn-"));
    try {
      const run = await runCommand(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", join(ROOT, "examples", "cdktn", "main.ts")],
        { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, CDKTF_OUTDIR: outdir } },
      );
      if (run.code !== 0) throw new Error(`the cdktn app failed:\n${run.stdout}${run.stderr}`);
      const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as Manifest;
      stackJson = readFileSync(join(outdir, manifest.stacks["migration-gate"]!.synthesizedStackPath), "utf8");
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }

    sim = await Simulator.start({});
    ({ env, guest } = vsphereEnv(sim));
    client = new VCenterClient({
      server: sim.server,
      user: sim.user,
      password: sim.password,
      caFile: sim.caFile,
    });
    ws = await Workspace.create(tofu);
    ws.write(withoutBackend(stackJson), "cdk.tf.json");
    const init = await ws.init();
    if (init.code !== 0) throw new Error(`init failed:\n${init.output}`);
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await sim?.close();
    ws?.dispose();
  });

  it("synthesizes the stack with the provider's source and the gate", () => {
    const json = JSON.parse(stackJson);
    expect(json.terraform.required_providers.vsphereguest).toEqual({
      source: "vsphere-guest/vsphereguest",
      version: ">= 0.1.0",
    });
    expect(JSON.stringify(json.data.vsphereguest_process)).toContain("contains([0], self.exit_code)");
  });

  it("passes the gate and plans the gated step when the migration exited 0", async () => {
    const pid = await start("exit 0");
    const { result, outputs } = await ws.planOutputs({ pid }, env);
    expect(result.code).toBe(0);
    expect(outputs).toMatchObject({ exit_code: 0 });
    expect(result.output).toMatch(/terraform_data\.deploy.* will be created/);
  });

  it("fails the plan with the construct's message when the migration exited 3", async () => {
    const pid = await start("exit 3");
    const { result } = await ws.planOutputs({ pid }, env);
    expect(result.code).toBe(1);
    expect(result.output).toContain("Resource postcondition failed");
    expect(result.output).toContain(`guest process ${pid} in vm-1001 exited with code 3; expected 0`);
    expect(result.output).not.toMatch(/terraform_data\.deploy.* will be created/);
  });
});
