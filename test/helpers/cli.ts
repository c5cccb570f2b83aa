/** Runs the built `vsphere-guest` CLI in a child process (run `npm run build` first). */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type CommandResult, runCommand } from "./run-command";

/** Path of the CLI executable. */
export const CLI = join(__dirname, "..", "..", "bin", "vsphere-guest");

/** The outcome of one CLI run. */
export type CliResult = CommandResult;

/** Runs the CLI to completion with `env` added to a clean environment. */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 30_000,
): Promise<CliResult> {
  return runCommand(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    timeoutMs,
  });
}

/** A long-running CLI process and its first stdout line, parsed as JSON. */
export async function startCliServer<T>(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ child: ChildProcess; first: T; stderr: () => string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`exited ${code} before its first line: ${stderr}`)));
  });
  return { child, first: JSON.parse(first) as T, stderr: () => stderr };
}

/** Sends `signal` and resolves with the exit code. */
export function stop(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) {
      resolve(child.exitCode);
      return;
    }
    child.once("exit", (code) => resolve(code));
    child.kill(signal);
  });
}
