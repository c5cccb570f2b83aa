// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected strings are Terraform interpolations
import type { GuestCommandProps } from "../../src/constructs/cdktf";
import { InvalidArgumentError } from "../../src/vcenter/errors";
import { CORES } from "../helpers/cores";

describe.each(CORES)("GuestCommand with $name", ({ name: coreName, core, lib }) => {
  const { DataResource, TerraformOutput, TerraformStack, TerraformVariable, Testing } = core;
  const { GuestCommand, VsphereguestProvider } = lib;

  type Synth = {
    resource: Record<string, Record<string, Record<string, unknown> & { depends_on?: string[] }>>;
    output?: Record<string, { depends_on?: string[]; value: unknown }>;
  };

  function newStack(): InstanceType<typeof TerraformStack> {
    const stack = new TerraformStack(Testing.app(), "test");
    new VsphereguestProvider(stack, "vsphereguest", {});
    return stack;
  }
  const synth = (stack: InstanceType<typeof TerraformStack>): Synth =>
    JSON.parse(Testing.synth(stack)) as Synth;

  function thrown(props: GuestCommandProps): InvalidArgumentError {
    try {
      new GuestCommand(newStack(), "c", props);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidArgumentError);
      return error as InvalidArgumentError;
    }
    throw new Error("no error thrown");
  }

  test("is built on this core's resource class", () => {
    const c = new GuestCommand(newStack(), "c", { vm: "vm-1001", path: "/bin/true" });
    const other = CORES.find((x) => x.name !== coreName)!;
    expect(c.resource).toBeInstanceOf(core.TerraformResource);
    expect(c.resource).not.toBeInstanceOf(other.core.TerraformResource);
  });

  test("synthesizes one vsphereguest_command with flat props in snake case", () => {
    const stack = newStack();
    new GuestCommand(stack, "migrate", {
      vm: "vm-1001",
      script: "echo hi",
      interpreter: ["/bin/bash", "-e"],
      arguments: ["a b"],
      environment: { A: "1" },
      timeout: "15m",
      allowedExitCodes: [0, 3],
      sensitiveOutput: true,
      triggersReplace: { release: "v2" },
    });
    const commands = Object.values(synth(stack).resource.vsphereguest_command!);
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatchObject({
      vm: "vm-1001",
      script: "echo hi",
      interpreter: ["/bin/bash", "-e"],
      arguments: ["a b"],
      environment: { A: "1" },
      timeout: "15m",
      allowed_exit_codes: [0, 3],
      sensitive_output: true,
      triggers_replace: { release: "v2" },
    });
  });

  test("run then gate: the getters reference the resource, gate adds it to depends_on", () => {
    const stack = newStack();
    const migrate = new GuestCommand(stack, "migrate", { vm: "vm-1001", path: "/opt/app/bin/migrate" });
    const release = new DataResource(stack, "release", { input: { release: "v2" } });
    const log = new TerraformOutput(stack, "log", { value: migrate.stdout });
    migrate.gate(release, log);
    migrate.gate(release); // twice is harmless
    new TerraformOutput(stack, "code", { value: migrate.exitCode });
    const json = synth(stack);
    const [name] = Object.keys(json.resource.vsphereguest_command!);
    expect(json.resource.terraform_data!.release!.depends_on).toEqual([`vsphereguest_command.${name}`]);
    expect(json.output!.log!.depends_on).toEqual([`vsphereguest_command.${name}`]);
    expect(json.output!.log!.value).toBe(`\${vsphereguest_command.${name}.stdout}`);
    expect(json.output!.code!.value).toBe(`\${vsphereguest_command.${name}.exit_code}`);
  });

  test.each<[GuestCommandProps, string, string]>([
    [{ path: "/bin/true" }, "vm", "exactly one of vm and vmName"],
    [{ vm: "vm-1", vmName: "app", path: "/bin/true" }, "vm", "exactly one of vm and vmName"],
    [{ vm: "vm-1" }, "path", "exactly one of path and script"],
    [{ vm: "vm-1", path: "/bin/true", script: "x" }, "path", "got both"],
    [{ vm: "vm-1", path: " " }, "path", "a program"],
    [{ vm: "vm-1", path: "/bin/true", interpreter: ["/bin/sh"] }, "interpreter", "give script"],
    [{ vm: "vm-1", script: "x", interpreter: [] }, "interpreter", "a program"],
    [{ vm: "vm-1", path: "/bin/true", timeout: "10 minutes" }, "timeout", '"10 minutes"'],
    [{ vm: "vm-1", path: "/bin/true", allowedExitCodes: [] }, "allowedExitCodes", "non-empty"],
    [{ vm: "vm-1", path: "/bin/true", allowedExitCodes: [1.5] }, "allowedExitCodes", "[1.5]"],
    [{ vm: "vm-1", path: "/bin/true", maxOutputBytes: -1 }, "maxOutputBytes", "-1"],
  ])("refuses %j naming %s", (props, field, text) => {
    const error = thrown(props);
    expect(error.field).toBe(field);
    expect(error.message).toContain(text);
  });

  test("skips validation of unresolved tokens", () => {
    const stack = newStack();
    const vm = new TerraformVariable(stack, "vm", { type: "string" });
    const timeout = new TerraformVariable(stack, "timeout", { type: "string" });
    const codes = new TerraformVariable(stack, "codes", { type: "list(number)" });
    const c = new GuestCommand(stack, "c", {
      vm: vm.stringValue,
      path: "/bin/true",
      timeout: timeout.stringValue,
      allowedExitCodes: core.Token.asNumberList(codes.value),
    });
    const json = synth(stack);
    expect(Object.values(json.resource.vsphereguest_command!)[0]).toMatchObject({
      vm: "${var.vm}",
      timeout: "${var.timeout}",
    });
    expect(core.Token.isUnresolved(c.vmId)).toBe(true);
  });
});
