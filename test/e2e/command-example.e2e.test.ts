/** examples/hcl-command applied against the simulator with tofu 1.12.6, as its comments say. */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Simulator } from "../../src/simulator";
import { host } from "../helpers/hosts";
import { Workspace } from "../helpers/run-tofu";
import { vsphereEnv } from "../helpers/with-simulator";

const EXAMPLE = resolve(__dirname, "../../examples/hcl-command/main.tf");

describe("examples/hcl-command against tofu-1.12.6", () => {
  let sim: Simulator;
  let ws: Workspace;
  afterAll(async () => {
    await sim?.close();
    ws?.dispose();
  });

  it("runs the migration at apply, releases, and runs it again for a new release", async () => {
    sim = await Simulator.start({});
    const { env } = vsphereEnv(sim);
    ws = await Workspace.create(host("tofu-1.12.6"));
    ws.write(readFileSync(EXAMPLE, "utf8"));
    expect((await ws.init()).code).toBe(0);
    const apply = ["apply", "-auto-approve", "-input=false", "-no-color"];
    const first = await ws.run(apply, env);
    expect(first.output).toContain("3 added, 0 changed, 0 destroyed");
    const outputs = () =>
      ws
        .run(["output", "-json"], env)
        .then((r) => JSON.parse(r.stdout) as Record<string, { value: unknown }>);
    expect((await outputs()).migration_stdout?.value).toBe("migrating to v1\n");
    sim.counters.reset();
    const second = await ws.run([...apply, "-var", "release=v2"], env);
    expect(second.code).toBe(0);
    expect(sim.counters.requests["processes.create"]).toBe(1);
    expect((await outputs()).migration_stdout?.value).toBe("migrating to v2\n");
    expect(readFileSync(join(ws.dir, "terraform.tfstate"), "utf8")).not.toContain(env.VSPHERE_GUEST_PASSWORD);
  }, 240_000);
});
