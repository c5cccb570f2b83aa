/**
 * `npm run demo` is a repository script (it needs examples/, ts-node and cdktf-cli, which an
 * installed package lacks), not a CLI command. Its help and its usage errors; the full walk-through
 * needs a built OpenTofu and is what `npm run demo` runs.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const demo = (...args: string[]) =>
  spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/demo.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });

describe("scripts/demo.ts", () => {
  it("--help explains itself", () => {
    const r = demo("--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: npm run demo");
  });

  it("refuses a missing OpenTofu binary with one line and exit code 2", () => {
    const r = demo("--tofu", "/nonexistent/tofu");
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("no OpenTofu binary at /nonexistent/tofu");
  });
});
