/**
 * `vsphere-guest demo`: the main job against the built-in simulator, step by step, with the
 * real CLI in child processes, so a newcomer sees what a pipeline would do.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { UsageError } from "../errors";
import type { CommandIo } from "./io";

/** Help of `vsphere-guest demo`. */
export const DEMO_HELP = `Usage: vsphere-guest demo

Starts the vCenter simulator, starts a process in a simulated guest with 'vsphere-guest process
start', waits for it with 'vsphere-guest process wait' and shows its exit code; then the same with
a process that fails.`;

const CLI = join(__dirname, "..", "..", "..", "bin", "vsphere-guest");

/** Runs the demo; returns 0 when every step behaved as expected. */
export async function demoCommand(argv: string[], io: CommandIo): Promise<number> {
  try {
    const { values } = parseArgs({
      args: argv,
      options: { help: { type: "boolean", short: "h" } },
      strict: true,
    });
    if (values.help) {
      io.stdout.write(`${DEMO_HELP}\n`);
      return 0;
    }
  } catch (error) {
    throw new UsageError((error as Error).message, "demo");
  }
  const { Simulator } = await import("../../simulator");
  const sim = await Simulator.start({});
  const say = (text: string): void => {
    io.stdout.write(`${text}\n`);
  };
  try {
    const vm = sim.describe().vms.find((v) => v.power_state === "POWERED_ON" && v.tools_running)!;
    say(`▶ vCenter simulator at ${sim.url} (CA ${sim.caFile})`);
    say(`  VM ${vm.vm} (${vm.name}), guest user ${vm.guest_user}\n`);
    const env: NodeJS.ProcessEnv = {
      ...io.env,
      VSPHERE_SERVER: sim.server,
      VSPHERE_USER: sim.user,
      VSPHERE_PASSWORD: sim.password,
      VSPHERE_CA_FILE: sim.caFile,
      VSPHERE_GUEST_USER: vm.guest_user,
      VSPHERE_GUEST_PASSWORD: vm.guest_password,
    };
    let ok = true;
    for (const [label, script, expected] of [
      ["a migration that succeeds", "echo migrating; sleep 1; exit 0", 0],
      ["a migration that fails", "sleep 1; exit 3", 3],
    ] as const) {
      say(`▶ ${label}`);
      const start = await runCli(
        ["process", "start", "--vm", vm.vm, "--", "/bin/sh", "-c", script],
        env,
        say,
      );
      const pid = start.stdout.trim();
      const wait = await runCli(
        ["process", "wait", "--vm", vm.vm, "--pid", pid, "--timeout", "1m"],
        env,
        say,
      );
      const info = JSON.parse(wait.stdout) as { exit_code?: number };
      say(`  → exit code ${info.exit_code} (the CLI exited ${wait.code})\n`);
      ok &&= start.code === 0 && wait.code === expected && info.exit_code === expected;
    }
    say(ok ? "✔ the exit codes came back through the API as expected" : "✘ an exit code was not as expected");
    return ok ? 0 : 1;
  } finally {
    await sim.close();
  }
}

function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  say: (text: string) => void,
): Promise<{ code: number; stdout: string }> {
  say(`  $ vsphere-guest ${args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a}'`)).join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      for (const line of stdout.trimEnd().split("\n")) say(`    ${line}`);
      if (stderr.trim() !== "") for (const line of stderr.trimEnd().split("\n")) say(`    (stderr) ${line}`);
      resolve({ code: code ?? 1, stdout });
    });
  });
}
