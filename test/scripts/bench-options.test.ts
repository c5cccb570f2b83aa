/**
 * The benchmark and profiling scripts answer --help, and a bad option or value ends them with one
 * line on stderr naming it and the fix (exit status 2), never a stack trace — before they start
 * anything (run `npm run build` first: they load lib/).
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.join(__dirname, "../..");

function run(script: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", `${script}.js`), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SCRIPTS = [
  "bench-compare",
  "bench-plan",
  "bench-apply",
  "plan-timeline",
  "profile-provider",
  "probe-costs",
  "bench-startup",
  "bench-get",
  "bench-capture",
];

describe.each(SCRIPTS)("scripts/%s.js", (script) => {
  test("--help prints the usage and exits 0", () => {
    const r = run(script, "--help");
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith(`Usage: node scripts/${script}.js`)).toBe(true);
    expect(r.stdout).toContain("-h, --help");
    expect(r.stderr).toBe("");
  });

  test("an unknown option: one line naming it, exit 2", () => {
    const r = run(script, "--no-such-option");
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `${script}: unknown option --no-such-option (see node scripts/${script}.js --help)\n`,
    );
    expect(r.stdout).toBe("");
  });
});

test.each([
  ["bench-compare", ["--pairs", "0"], 'bench-compare: --pairs "0": give a whole number ≥ 1'],
  ["bench-compare", ["--sizes", "1,x"], 'bench-compare: --sizes "x": give a whole number ≥ 0'],
  ["bench-compare", ["--hosts", "tofu,opentofu"], 'bench-compare: --hosts: unknown "opentofu"'],
  ["bench-compare", ["--launcher", "--executable"], "bench-compare: --executable and --launcher exclude"],
  ["bench-compare", ["--pairs"], "bench-compare: --pairs needs a value"],
  ["plan-timeline", ["--provider", "go"], 'plan-timeline: --provider "go": give one of ours, reference'],
  ["plan-timeline", ["--reads", "-1"], "plan-timeline: --reads needs a value"],
  ["plan-timeline", ["--host", "tofu1"], 'plan-timeline: --host "tofu1": give tofu, terraform'],
  ["bench-plan", ["--runs", "two"], 'bench-plan: --runs "two": give a whole number ≥ 1'],
  ["bench-apply", ["tofu-1.12.6", "extra"], 'bench-apply: unexpected "extra"'],
  ["profile-provider", ["--runs", "1.5"], 'profile-provider: --runs "1.5": give a whole number ≥ 1'],
  ["probe-costs", ["0"], 'probe-costs: RUNS "0": give a whole number ≥ 1'],
  ["bench-startup", ["3", "no/such/provider"], "no/such/provider: no such file"],
])("%s %j: a one-line error, exit 2", (script, args, message) => {
  const r = run(script, ...args);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(message);
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});
