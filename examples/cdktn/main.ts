/**
 * The migration gate of examples/cdktf written for CDK Terrain (`cdktn`, the community continuation of
 * cdktf): the same stack, importing `cdktn` and `vsphere-guest/cdktn`. Synthesize it by running it
 * (`npx ts-node examples/cdktn/main.ts`, output in cdktf.out/, or CDKTF_OUTDIR); see README.md here.
 */
import { App, DataResource, TerraformOutput, TerraformStack, TerraformVariable } from "cdktn";
import type { Construct } from "constructs";
// In your own project: import { GuestProcess, VsphereguestProvider } from "vsphere-guest/cdktn";
import { GuestProcess, VsphereguestProvider } from "../../src/constructs/cdktn";

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

    // Planned only when the gate passed; `migrate.gate(deploy)` does the same.
    const deploy = new DataResource(this, "deploy", { input: { migrated_by: migrate.processId } });
    migrate.gate(deploy);

    new TerraformOutput(this, "exit_code", { value: migrate.exitCode });
  }
}

// Running this file synthesizes the app (as `cdktn synth` would run it); the tests import the stack.
if (require.main === module) {
  const app = new App();
  new MigrationGateStack(app, "migration-gate");
  app.synth();
}
