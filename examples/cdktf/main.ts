/**
 * A cdktf app that gates a deployment step on a migration that ran inside a VM: the plan reads the
 * migration process (waiting for it to exit), and fails before planning the next step unless it
 * exited with 0. Run it from the repository root with `npx cdktf synth` (see README.md here).
 */
import { App, DataResource, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
// In your own project: import { GuestProcess, VsphereguestProvider } from "vsphere-guest/cdktf";
import { GuestProcess, VsphereguestProvider } from "../../src/constructs/cdktf";

/** The stack: variables `pid` and `vm`, the gate, one gated step and the exit code as an output. */
export class MigrationGateStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const pid = new TerraformVariable(this, "pid", {
      type: "number",
      description: "Pid of the migration process in the guest, as `vsphere-guest process start` printed it.",
    });
    const vm = new TerraformVariable(this, "vm", {
      type: "string",
      default: "vm-1001",
      description: "Managed object id of the VM the migration runs in.",
    });

    // Everything (server, user, password, CA file, guest credentials) comes from VSPHERE_* variables.
    new VsphereguestProvider(this, "vsphereguest", {});

    const migrate = new GuestProcess(this, "migrate", {
      vm: vm.stringValue,
      pid: pid.numberValue,
      waitForExit: true,
      timeout: "10m",
      expectExitCode: 0,
    });

    // terraform_data is built into Terraform >= 1.4 and OpenTofu: no provider to download. It stands
    // for whatever must only happen after a successful migration. `migrate.gate(deploy)` does the same.
    new DataResource(this, "deploy", {
      dependsOn: [migrate],
      input: { migrated_by: migrate.processId },
    });

    new TerraformOutput(this, "exit_code", { value: migrate.exitCode });
  }
}

// `cdktf synth` runs this file; the tests import the stack without synthesizing into cdktf.out.
if (require.main === module) {
  const app = new App();
  new MigrationGateStack(app, "migration-gate");
  app.synth();
}
