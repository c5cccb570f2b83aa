/**
 * `vsphere-guest demo` end to end (simulator, cdktf synth, real OpenTofu): it passes, and it ends by
 * saying where its OpenTofu is, since that binary is not on PATH for the README's `tofu` commands.
 */
import { dirname } from "node:path";
import { runCli } from "../helpers/cli";
import { host } from "../helpers/hosts";

describe("vsphere-guest demo", () => {
  it("gates the plan and says where its tofu is and how to put it on PATH", async () => {
    // GIVEN the test host OpenTofu 1.12.6 / WHEN the demo runs with it
    const tofu = host("tofu-1.12.6");
    const result = await runCli(["demo", "--tofu", tofu.bin], {}, 170_000);
    // THEN it completes, and names the binary and the PATH line
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("✔ demo complete");
    expect(result.stdout).toContain(`OpenTofu used: ${tofu.bin}`);
    expect(result.stdout).toContain(`export PATH="${dirname(tofu.bin)}:$PATH"`);
  }, 180_000);
});
