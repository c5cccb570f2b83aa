// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected strings are Terraform interpolations
import { Testing } from "cdktf";
import { MigrationGateStack } from "../../examples/cdktf/main";

describe("examples/cdktf", () => {
  test("the migration gate stack synthesizes with only the vsphereguest provider", () => {
    // GIVEN the example stack
    const stack = new MigrationGateStack(Testing.app(), "migration-gate");
    // WHEN it is synthesized (with cdktf's validations)
    const json = JSON.parse(Testing.synth(stack));
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
