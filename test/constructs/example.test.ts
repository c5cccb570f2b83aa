// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected strings are Terraform interpolations
import { Testing } from "cdktf";
import { Testing as CdktnTesting } from "cdktn";
import { MigrationGateStack } from "../../examples/cdktf/main";
import { MigrationGateStack as CdktnMigrationGateStack } from "../../examples/cdktn/main";

/** Each example's stack synthesized by its own core (with that core's validations). */
const EXAMPLES: [string, () => string][] = [
  ["examples/cdktf", () => Testing.synth(new MigrationGateStack(Testing.app(), "migration-gate"))],
  [
    "examples/cdktn",
    () => CdktnTesting.synth(new CdktnMigrationGateStack(CdktnTesting.app(), "migration-gate")),
  ],
];

describe.each(EXAMPLES)("%s", (_name, synth) => {
  test("the migration gate stack synthesizes with only the vsphereguest provider", () => {
    // GIVEN / WHEN the example stack, synthesized
    const json = JSON.parse(synth());
    // THEN the pid and vm variables, the gate, the gated terraform_data and the output are there
    expect(json.variable.pid).toMatchObject({ type: "number" });
    expect(json.variable.vm).toMatchObject({ type: "string", default: "vm-1001" });
    const [[name, process]] = Object.entries(json.data.vsphereguest_process) as [
      string,
      Record<string, unknown>,
    ][];
    expect(process).toMatchObject({
      vm: "${var.vm}",
      pid: "${var.pid}",
      wait_for_exit: true,
      timeout: "10m",
    });
    expect(JSON.stringify(process.lifecycle)).toContain("contains([0], self.exit_code)");
    expect(json.resource.terraform_data.deploy.depends_on).toEqual([`data.vsphereguest_process.${name}`]);
    expect(json.output.exit_code.value).toBe(`\${data.vsphereguest_process.${name}.exit_code}`);
    // AND terraform_data (built in) needs no required_providers entry: only vsphereguest is listed
    expect(json.terraform.required_providers).toEqual({
      vsphereguest: { source: "vsphere-guest/vsphereguest", version: ">= 0.1.0" },
    });
  });
});
