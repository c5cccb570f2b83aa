/**
 * A throw-away Terraform/OpenTofu working directory: its own HOME with the provider installed in
 * the implied local mirror (exactly what `vsphere-guest provider install` does for a user), an
 * empty CLI configuration, and a runner for host commands.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { runCli } from "./cli";
import type { Host } from "./hosts";
import { runCommand } from "./run-command";

/** The outcome of one host command. */
export interface HostResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together. */
  output: string;
}

/** Which provider a workspace installs: the launcher (needs Node.js) or the single executable. */
export type ProviderKind = "launcher" | "executable";

/** The single executable `npm run package` builds. */
export const SINGLE_EXECUTABLE = join(__dirname, "..", "..", "dist", "terraform-provider-vsphereguest");

/** Fails with a clear message when the single executable was not built. */
export function requireSingleExecutable(): string {
  if (!existsSync(SINGLE_EXECUTABLE))
    throw new Error(`${SINGLE_EXECUTABLE} is missing: run \`npm run package\` (npm test does)`);
  return SINGLE_EXECUTABLE;
}

/** `PATH` without any directory that holds a `node`: what a machine without Node.js gives the host. */
export function pathWithoutNode(path = process.env.PATH ?? ""): string {
  return path
    .split(delimiter)
    .filter((dir) => dir !== "" && !existsSync(join(dir, "node")))
    .join(delimiter);
}

/** A working directory bound to one host. */
export class Workspace {
  readonly root: string;
  readonly dir: string;
  readonly home: string;
  private readonly cliConfig: string;

  /** `PATH` of every host command: without Node.js for the single executable. */
  readonly path: string;

  private constructor(
    readonly host: Host,
    root: string,
    readonly provider: ProviderKind,
  ) {
    this.path = provider === "executable" ? pathWithoutNode() : (process.env.PATH ?? "");
    this.root = root;
    this.dir = join(root, "work");
    this.home = join(root, "home");
    this.cliConfig = join(root, "cli.tfrc");
    mkdirSync(this.dir);
    mkdirSync(this.home);
    writeFileSync(this.cliConfig, "");
  }

  /**
   * Creates the directories and installs the provider with the CLI, as a user would: the launcher,
   * or the single executable (then the host runs with no `node` on its `PATH`).
   */
  static async create(host: Host, provider: ProviderKind = "launcher"): Promise<Workspace> {
    const ws = new Workspace(host, mkdtempSync(join(tmpdir(), `vsg-e2e-${host.name}-`)), provider);
    const which = provider === "executable" ? ["--executable", requireSingleExecutable()] : ["--launcher"];
    const install = await runCli(["provider", "install", ...which], { HOME: ws.home });
    if (install.code !== 0) throw new Error(`provider install failed: ${install.stderr}`);
    return ws;
  }

  /**
   * Creates the directories with `cliConfig` as the host's CLI configuration and installs nothing:
   * the provider must come from where that configuration says (a mirror). The host runs with no
   * `node` on its `PATH`, as a machine without Node.js would.
   */
  static withCliConfig(host: Host, cliConfig: string): Workspace {
    const ws = new Workspace(host, mkdtempSync(join(tmpdir(), `vsg-e2e-${host.name}-`)), "executable");
    writeFileSync(ws.cliConfig, cliConfig);
    return ws;
  }

  /** Writes `main.tf` (replacing every other .tf file). */
  write(hcl: string, file = "main.tf"): void {
    writeFileSync(join(this.dir, file), hcl);
  }

  /** Runs the host with `args` in the working directory. */
  async run(
    args: string[],
    env: Record<string, string | undefined> = {},
    timeoutMs = 120_000,
  ): Promise<HostResult> {
    const { code, stdout, stderr } = await runCommand(this.host.bin, args, {
      cwd: this.dir,
      env: {
        PATH: this.path,
        HOME: this.home,
        TF_CLI_CONFIG_FILE: this.cliConfig,
        TF_IN_AUTOMATION: "1",
        CHECKPOINT_DISABLE: "1",
        ...env,
      },
      timeoutMs,
    });
    return { code, stdout, stderr, output: `${stdout}\n${stderr}` };
  }

  /** `init`, offline: the provider can only come from the local mirror. */
  init(): Promise<HostResult> {
    return this.run(["init", "-input=false", "-no-color"]);
  }

  /** `plan -out` then `show -json`: the outputs' planned values (or the failed plan's result). */
  async planOutputs(
    vars: Record<string, string | number>,
    env: Record<string, string | undefined> = {},
  ): Promise<{ result: HostResult; outputs?: Record<string, unknown>; plan?: Record<string, unknown> }> {
    const varArgs = Object.entries(vars).flatMap(([k, v]) => ["-var", `${k}=${v}`]);
    const result = await this.run(["plan", "-input=false", "-no-color", "-out=tfplan", ...varArgs], env);
    if (result.code !== 0) return { result };
    const show = await this.run(["show", "-json", "-no-color", "tfplan"], env);
    const plan = JSON.parse(show.stdout) as {
      planned_values?: { outputs?: Record<string, { value: unknown }> };
    };
    const outputs = Object.fromEntries(
      Object.entries(plan.planned_values?.outputs ?? {}).map(([k, v]) => [k, v.value]),
    );
    return { result, outputs, plan };
  }

  /** Removes everything. */
  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * A synthesized cdktf/cdktn stack without its `terraform.backend`: the apps write a local backend
 * whose state path is absolute and derived from the app's working directory (the repository), so
 * two suites planning the same stack at once would wait on one state lock. Without it, the state
 * lives in the workspace, as the throw-away directory intends.
 */
export function withoutBackend(stackJson: string): string {
  const stack = JSON.parse(stackJson) as { terraform?: { backend?: unknown } };
  if (stack.terraform) delete stack.terraform.backend;
  return JSON.stringify(stack, null, 2);
}
