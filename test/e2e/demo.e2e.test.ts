/**
 * `npm run demo` (scripts/demo.ts) end to end (simulator, cdktf synth, real OpenTofu): it passes,
 * and it ends by saying where its OpenTofu is, since that binary is not on PATH for the README's
 * `tofu` commands.
 */
import { dirname, join, resolve } from "node:path";
import { host } from "../helpers/hosts";
import { runCommand } from "../helpers/run-command";

const ROOT = resolve(__dirname, "../..");

describe("npm run demo", () => {
  it("gates the plan and says where its tofu is and how to put it on PATH", async () => {
    // GIVEN the test host OpenTofu 1.12.6 / WHEN the demo runs with it
    const tofu = host("tofu-1.12.6");
    const result = await runCommand(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", join(ROOT, "scripts", "demo.ts"), "--tofu", tofu.bin],
      { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME }, timeoutMs: 170_000 },
    );
    // THEN it completes, and names the binary and the PATH line
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("✔ demo complete");
    expect(result.stdout).toContain(`OpenTofu used: ${tofu.bin}`);
    expect(result.stdout).toContain(`export PATH="${dirname(tofu.bin)}:$PATH"`);
  }, 180_000);
});
