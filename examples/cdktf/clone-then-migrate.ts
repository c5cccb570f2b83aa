/**
 * A cdktf app that runs a migration inside a VM right after the VM is created, and releases only
 * when the migration succeeded — all in one apply. A `terraform_data` stands in for the clone (with
 * the Terraform vSphere provider it would be a `VirtualMachine`, and `vm` its `moid`); against the
 * simulator, `vm-1001` is the "clone". Synthesize with `npx cdktf synth --app "npx ts-node
 * examples/cdktf/clone-then-migrate.ts"`.
 */
import { App, DataResource, Fn, TerraformOutput, TerraformStack, TerraformVariable, Token } from "cdktf";
import type { Construct } from "constructs";
// In your own project: import { GuestCommand, VsphereguestProvider } from "vsphere-guest/cdktf";
import { GuestCommand, VsphereguestProvider } from "../../src/constructs/cdktf";

/** The stack: the "clone", the migration run inside it, the gated release and the migration's log. */
export class CloneThenMigrateStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);

    const release = new TerraformVariable(this, "release", {
      type: "string",
      default: "v1",
      description: "The release to migrate to; a new value runs the migration again.",
    });

    // Everything (server, user, password, CA file, guest credentials) comes from VSPHERE_* variables.
    new VsphereguestProvider(this, "vsphereguest", {});

    // Stands for the clone: its output (the VM id) is known only after apply, so the migration runs
    // after it.
    const clone = new DataResource(this, "clone", { input: { vm: "vm-1001" } });

    const migrate = new GuestCommand(this, "migrate", {
      vm: Token.asString(Fn.lookup(clone.output, "vm")),
      interpreter: ["/bin/sh", "-e"],
      script: 'echo "migrating to $1"\n',
      arguments: [release.stringValue],
      timeout: "5m",
      triggersReplace: { release: release.stringValue },
    });

    const deploy = new DataResource(this, "deploy", { input: { release: release.stringValue } });
    migrate.gate(deploy); // applied only after the migration exited with 0

    new TerraformOutput(this, "migration_log", { value: migrate.stdout });
    new TerraformOutput(this, "migration_exit_code", { value: migrate.exitCode });
  }
}

if (require.main === module) {
  const app = new App();
  new CloneThenMigrateStack(app, "clone-then-migrate");
  app.synth();
}
