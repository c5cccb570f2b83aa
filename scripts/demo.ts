/**
 * `npm run demo`: the main job against the built-in simulator, step by step — a process started in
 * a simulated guest with the CLI, the cdktf example stack synthesized, a real `tofu plan` gating on
 * the process's exit code — then the same with a process that fails.
 *
 * A script of the repository, not a CLI command: it needs examples/, ts-node and cdktf-cli, which
 * an installed package does not have. Run by `npm run demo` (after the build) through ts-node.
 */
import { type SpawnOptions, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { Simulator } from "../src/simulator";

/** Help of the demo. */
const DEMO_HELP = `Usage: npm run demo [-- --tofu PATH]

Walks through the main job against the built-in simulator:
  1. starts the vCenter simulator;
  2. starts a "migration" in a simulated guest with 'vsphere-guest process start';
  3. synthesizes the cdktf example stack (examples/cdktf), which gates a deployment step on the
     migration's exit code;
  4. runs a real 'tofu init' and 'tofu plan' on it: the gate passes;
  5. repeats with a migration that exits 3: the plan fails with the gate's message.
Everything happens in a temporary directory; nothing in your home is changed.

Options:
  --tofu PATH   the OpenTofu (or Terraform) binary (default: the one scripts/build-hosts.sh built,
                ~/.cache/vsphere-guest/hosts/tofu-1.12.6/tofu; npm run demo builds it)`;

const ROOT = join(__dirname, "..");
const CLI = join(ROOT, "bin", "vsphere-guest");
/** Where scripts/build-hosts.sh puts the hosts (it honours VSPHERE_GUEST_HOSTS_DIR too). */
function defaultTofu(env: NodeJS.ProcessEnv): string {
  return join(
    env.VSPHERE_GUEST_HOSTS_DIR ?? join(homedir(), ".cache", "vsphere-guest", "hosts"),
    "tofu-1.12.6",
    "tofu",
  );
}
const STACK = "migration-gate";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: SpawnOptions): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** A usage mistake: the message and exit code 2. */
class UsageError extends Error {}

/** Runs the demo; returns 0 when every step behaved as expected. */
async function demo(
  argv: string[],
  io: { stdout: NodeJS.WritableStream; env: NodeJS.ProcessEnv },
): Promise<number> {
  let values: { help?: boolean; tofu?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { help: { type: "boolean", short: "h" }, tofu: { type: "string" } },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    io.stdout.write(`${DEMO_HELP}\n`);
    return 0;
  }
  const tofu = values.tofu ?? defaultTofu(io.env);
  if (!existsSync(tofu)) {
    throw new UsageError(
      `no OpenTofu binary at ${tofu}: run 'bash scripts/build-hosts.sh tofu-1.12.6' or give --tofu`,
    );
  }
  if (!existsSync(join(ROOT, "lib", "cli", "main.js"))) {
    throw new UsageError(
      "the compiled code is missing (lib/): run 'npm run build' first (npm run demo does)",
    );
  }
  const say = (text: string): void => {
    io.stdout.write(`${text}\n`);
  };
  const work = mkdtempSync(join(tmpdir(), "vsphere-guest-demo-"));
  const sim = await Simulator.start({});
  try {
    const vm = sim.describe().vms.find((v) => v.vm === "vm-1001")!;
    const env: NodeJS.ProcessEnv = {
      PATH: io.env.PATH,
      HOME: join(work, "home"),
      TF_CLI_CONFIG_FILE: join(work, "cli.tfrc"),
      TF_IN_AUTOMATION: "1",
      CHECKPOINT_DISABLE: "1",
      VSPHERE_SERVER: sim.server,
      VSPHERE_USER: sim.user,
      VSPHERE_PASSWORD: sim.password,
      VSPHERE_CA_FILE: sim.caFile,
      VSPHERE_GUEST_USER: vm.guest_user,
      VSPHERE_GUEST_PASSWORD: vm.guest_password,
    };
    mkdirSync(env.HOME!, { recursive: true });
    writeFileSync(env.TF_CLI_CONFIG_FILE!, "");

    say(`▶ 1/5  vCenter simulator at ${sim.url}`);
    say(
      `       VM ${vm.vm} ("${vm.name}"), guest user ${vm.guest_user}; TLS verified with its CA ${sim.caFile}`,
    );

    const start = async (script: string): Promise<string> => {
      const args = ["process", "start", "--vm", vm.vm, "--", "/bin/sh", "-c", script];
      say(`       $ vsphere-guest ${args.slice(0, -1).join(" ")} '${script}'`);
      const r = await run(process.execPath, [CLI, ...args], { env });
      if (r.code !== 0) throw new Error(`process start failed: ${r.stderr.trim()}`);
      say(`       pid ${r.stdout.trim()}`);
      return r.stdout.trim();
    };

    say("▶ 2/5  start a migration in the guest");
    const goodPid = await start("echo migrating; sleep 2; exit 0");

    say("▶ 3/5  synthesize the cdktf example stack (examples/cdktf/main.ts)");
    const outdir = join(work, "cdktf.out");
    const synth = await run(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", join(ROOT, "examples", "cdktf", "main.ts")],
      { cwd: ROOT, env: { ...io.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" } },
    );
    const stackDir = join(outdir, "stacks", STACK);
    if (synth.code !== 0 || !existsSync(join(stackDir, "cdk.tf.json"))) {
      throw new Error(`synthesizing the example failed: ${synth.stderr.trim()}`);
    }
    const synthesized = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8")) as {
      data?: Record<string, Record<string, { lifecycle?: { postcondition?: unknown[] } }>>;
    };
    const gates = Object.values(synthesized.data?.vsphereguest_process ?? {}).filter(
      (d) => d.lifecycle?.postcondition,
    );
    say(
      `       ${join("cdktf.out", "stacks", STACK, "cdk.tf.json")}: vsphereguest_process with ${gates.length} exit-code gate, gating terraform_data.deploy`,
    );

    say(
      `▶ 4/5  ${tofuName(tofu)}: init (offline, provider from the local mirror) and plan -var pid=${goodPid}`,
    );
    const install = await run(
      process.execPath,
      [CLI, "provider", "install", "--dir", join(env.HOME!, ".terraform.d", "plugins")],
      { env },
    );
    if (install.code !== 0) throw new Error(`provider install failed: ${install.stderr.trim()}`);
    const init = await run(tofu, ["init", "-input=false", "-no-color"], { cwd: stackDir, env });
    if (init.code !== 0) throw new Error(`tofu init failed:\n${init.stdout}${init.stderr}`);
    const good = await plan(tofu, stackDir, env, goodPid);
    const passed = good.code === 0 && good.exitCode === 0;
    say(
      passed
        ? `       ✔ gate passed: exit_code = 0; ${good.summary}`
        : `       ✘ expected the plan to pass:\n${indent(good.output)}`,
    );

    say("▶ 5/5  the same with a migration that exits 3");
    const badPid = await start("echo migrating; sleep 1; echo broken >&2; exit 3");
    const bad = await plan(tofu, stackDir, env, badPid);
    const failed = bad.code !== 0 && /exited with code 3/.test(bad.output);
    say(
      failed
        ? "       ✔ the plan failed, as it should:"
        : "       ✘ expected the plan to fail with the gate's message:",
    );
    say(indent(failed ? errorBlock(bad.output) : bad.output));

    const ok = passed && failed;
    say(
      ok
        ? "✔ demo complete: the plan gated on what happened inside the VM"
        : "✘ the demo did not go as expected",
    );
    // The binary is in a cache folder, not on PATH: say where, for the README's `tofu` commands.
    say(`  ${tofuName(tofu)} used: ${tofu}`);
    say(`  to run it as \`${basename(tofu)}\`: export PATH="${dirname(tofu)}:$PATH"`);
    return ok ? 0 : 1;
  } finally {
    await sim.close();
    rmSync(work, { recursive: true, force: true });
  }
}

async function plan(
  tofu: string,
  dir: string,
  env: NodeJS.ProcessEnv,
  pid: string,
): Promise<{ code: number; output: string; exitCode?: unknown; summary: string }> {
  const r = await run(tofu, ["plan", "-input=false", "-no-color", "-out=demo.tfplan", "-var", `pid=${pid}`], {
    cwd: dir,
    env,
  });
  const output = `${r.stdout}${r.stderr}`;
  const summary = /Plan: .*$/m.exec(r.stdout)?.[0] ?? "";
  if (r.code !== 0) return { code: r.code, output, summary };
  const show = await run(tofu, ["show", "-json", "demo.tfplan"], { cwd: dir, env });
  const planned = JSON.parse(show.stdout) as {
    planned_values?: { outputs?: Record<string, { value?: unknown }> };
  };
  return { code: 0, output, exitCode: planned.planned_values?.outputs?.exit_code?.value, summary };
}

function tofuName(path: string): string {
  return path.includes("terraform") ? "Terraform" : "OpenTofu";
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => `       ${l}`)
    .join("\n");
}

/** The host's error block, without the surrounding plan chatter. */
function errorBlock(output: string): string {
  const start = output.indexOf("Error:");
  return (start >= 0 ? output.slice(start) : output).replace(/^[│╷╵]\s?/gm, "").trim();
}

demo(process.argv.slice(2), { stdout: process.stdout, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
