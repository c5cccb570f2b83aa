// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected strings are Terraform interpolations
import type { GuestProcessProps } from "../../src/constructs/cdktf";
import { InvalidArgumentError } from "../../src/vcenter/errors";
import { CORES } from "../helpers/cores";

describe.each(CORES)("$name", ({ name: coreName, core, lib }) => {
  const {
    AnnotationMetadataEntryType,
    DataResource,
    TerraformOutput,
    TerraformStack,
    TerraformVariable,
    Testing,
    Token,
  } = core;
  const { DataVsphereguestProcess, GuestProcess, VsphereguestProvider } = lib;

  test("the constructs are built on this core's classes, not the other core's", () => {
    // GIVEN / WHEN a GuestProcess of this core's entry point
    const migrate = new GuestProcess(new TerraformStack(Testing.app(), "s"), "m", { vm: "vm-1001", pid: 1 });
    // THEN its data source is this core's TerraformDataSource, and not the other core's
    const other = CORES.find((c) => c.name !== coreName)!;
    expect(migrate.resource).toBeInstanceOf(core.TerraformDataSource);
    expect(migrate.resource).not.toBeInstanceOf(other.core.TerraformDataSource);
  });

  /** The synthesized stack as JSON (with cdktf's validations, e.g. that the provider is declared). */
  type Synth = {
    data: { vsphereguest_process: Record<string, Record<string, unknown>> };
    provider: Record<string, unknown[]>;
    terraform: { required_providers: Record<string, { source: string; version?: string }> };
    resource?: Record<string, Record<string, { depends_on?: string[] }>>;
    output?: Record<string, { depends_on?: string[]; value: unknown }>;
  };

  function newStack(): InstanceType<typeof TerraformStack> {
    const stack = new TerraformStack(Testing.app(), "test");
    new VsphereguestProvider(stack, "vsphereguest", {});
    return stack;
  }

  function synth(stack: InstanceType<typeof TerraformStack>): Synth {
    return JSON.parse(Testing.synth(stack)) as Synth;
  }

  /** The one vsphereguest_process data source of a synthesized stack, with its name. */
  function onlyProcess(json: Synth): { name: string; config: Record<string, unknown> } {
    const entries = Object.entries(json.data.vsphereguest_process);
    expect(entries).toHaveLength(1);
    const [name, config] = entries[0]!;
    return { name, config };
  }

  function postcondition(config: Record<string, unknown>): { condition: string; error_message: string } {
    const lifecycle = config.lifecycle as { postcondition: { condition: string; error_message: string }[] };
    expect(lifecycle.postcondition).toHaveLength(1);
    return lifecycle.postcondition[0]!;
  }

  /** Constructs a GuestProcess with `props` in a fresh stack, returning the error it threw. */
  function errorFor(props: GuestProcessProps): InvalidArgumentError {
    try {
      new GuestProcess(newStack(), "p", props);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidArgumentError);
      return error as InvalidArgumentError;
    }
    throw new Error("expected the construct to throw");
  }

  describe("GuestProcess synthesis", () => {
    test("writes the data source with its arguments, the provider block and required_providers", () => {
      // GIVEN a stack with the provider
      const stack = newStack();
      // WHEN a GuestProcess waits for pid 4242 in vm-1001
      new GuestProcess(stack, "migrate", { vm: "vm-1001", pid: 4242, waitForExit: true, timeout: "10m" });
      // THEN the JSON has one vsphereguest_process with those arguments, the provider and its source
      const json = synth(stack);
      const { name, config } = onlyProcess(json);
      expect(name).toMatch(/^migrate_/);
      expect(config).toMatchObject({ vm: "vm-1001", pid: 4242, wait_for_exit: true, timeout: "10m" });
      expect(config).not.toHaveProperty("lifecycle");
      expect(json.provider.vsphereguest).toEqual([{}]);
      expect(json.terraform.required_providers).toEqual({
        vsphereguest: { source: "vsphere-guest/vsphereguest", version: ">= 0.1.0" },
      });
    });

    test("the data source child has id Resource and is exposed as resource", () => {
      // GIVEN / WHEN
      const migrate = new GuestProcess(newStack(), "migrate", { vm: "vm-1001", pid: 1 });
      // THEN
      expect(migrate.resource).toBeInstanceOf(DataVsphereguestProcess);
      expect(migrate.resource.node.id).toBe("Resource");
      expect(migrate.node.defaultChild).toBe(migrate.resource);
    });

    test("vmName and credentials are passed through", () => {
      // GIVEN a stack
      const stack = newStack();
      // WHEN the VM is given by name, with own guest credentials
      new GuestProcess(stack, "p", {
        vmName: "app-01",
        pid: 7,
        credentials: { userName: "root", password: "secret" },
      });
      // THEN vm_name and the credentials block are written, vm is not
      const { config } = onlyProcess(synth(stack));
      expect(config).toMatchObject({
        vm_name: "app-01",
        credentials: { user_name: "root", password: "secret" },
      });
      expect(config).not.toHaveProperty("vm");
    });

    test("expectExitCode 0 becomes a null-safe postcondition with a message for each case", () => {
      // GIVEN a stack
      const stack = newStack();
      // WHEN exit code 0 is expected
      new GuestProcess(stack, "migrate", { vm: "vm-1001", pid: 4242, waitForExit: true, expectExitCode: 0 });
      // THEN the condition never passes null to contains(), and the message tells the cases apart
      const { condition, error_message } = postcondition(onlyProcess(synth(stack)).config);
      expect(condition).toBe("${(self.exit_code == null) ? false : contains([0], self.exit_code)}");
      expect(error_message).toBe(
        '${self.running ? "guest process ${self.pid} in ${self.vm} is still running (no exit code yet): set waitForExit or read it after it ends"' +
          ' : (self.exit_code == null) ? "guest process ${self.pid} in ${self.vm} has ended but has no exit code (it was not started through the vSphere API, or ended more than about 5 minutes ago); expected 0"' +
          ' : "guest process ${self.pid} in ${self.vm} exited with code ${self.exit_code}; expected 0"}',
      );
    });

    test("a list of expected exit codes, including codes beyond 255", () => {
      // GIVEN a stack
      const stack = newStack();
      // WHEN 0, 3 and a Windows-style code are accepted
      new GuestProcess(stack, "p", { vm: "vm-1001", pid: 1, expectExitCode: [0, 3, 3221225477] });
      // THEN all of them are in the condition and the message
      const { condition, error_message } = postcondition(onlyProcess(synth(stack)).config);
      expect(condition).toContain("contains([0, 3, 3221225477], self.exit_code)");
      expect(error_message).toContain("expected one of 0, 3, 3221225477");
    });

    test("tokens are welcome: pid, vm and expected codes from variables", () => {
      // GIVEN variables for the pid, the VM, one code and a list of codes
      const stack = newStack();
      const pid = new TerraformVariable(stack, "pid", { type: "number" });
      const vm = new TerraformVariable(stack, "vm", { type: "string" });
      const code = new TerraformVariable(stack, "code", { type: "number" });
      const codes = new TerraformVariable(stack, "codes", { type: "list(number)" });
      // WHEN they feed two GuestProcess constructs
      new GuestProcess(stack, "one", {
        vm: vm.stringValue,
        pid: pid.numberValue,
        expectExitCode: code.numberValue,
      });
      new GuestProcess(stack, "list", {
        vm: vm.stringValue,
        pid: pid.numberValue,
        expectExitCode: Token.asNumberList(codes.listValue),
      });
      // THEN the references end up in the arguments, the conditions and the messages
      const processes = synth(stack).data.vsphereguest_process;
      const one = Object.entries(processes).find(([name]) => name.startsWith("one_"))![1];
      const list = Object.entries(processes).find(([name]) => name.startsWith("list_"))![1];
      expect(one).toMatchObject({ pid: "${var.pid}", vm: "${var.vm}" });
      expect(postcondition(one).condition).toContain("contains([var.code], self.exit_code)");
      expect(postcondition(one).error_message).toContain("expected ${var.code}");
      expect(postcondition(list).condition).toContain("contains(var.codes, self.exit_code)");
      expect(postcondition(list).error_message).toContain('expected one of ${join(", ", var.codes)}');
    });

    test("attribute getters reference the data source's attributes", () => {
      // GIVEN a GuestProcess
      const stack = newStack();
      const p = new GuestProcess(stack, "migrate", { vm: "vm-1001", pid: 1 });
      // WHEN each getter feeds an output
      const getters = {
        exit_code: p.exitCode,
        finished: p.finished,
        running: p.running,
        name: p.name,
        owner: p.owner,
        command: p.command,
        started: p.started,
        id: p.processId,
        vm: p.vmId,
      };
      for (const [attribute, value] of Object.entries(getters))
        new TerraformOutput(stack, attribute, { value });
      // THEN each output reads the matching attribute
      const json = synth(stack);
      const name = onlyProcess(json).name;
      for (const attribute of Object.keys(getters)) {
        expect(json.output?.[attribute]?.value).toBe(`\${data.vsphereguest_process.${name}.${attribute}}`);
      }
    });

    test("an explicit provider and dependsOn are passed to the data source", () => {
      // GIVEN a second, aliased provider and a resource that starts the process
      const stack = newStack();
      const other = new VsphereguestProvider(stack, "other", { alias: "other" });
      const starter = new DataResource(stack, "starter", {});
      // WHEN the GuestProcess uses both
      new GuestProcess(stack, "p", { vm: "vm-1001", pid: 1, provider: other, dependsOn: [starter] });
      // THEN the data source names the aliased provider and depends on the resource
      const { config } = onlyProcess(synth(stack));
      expect(config).toMatchObject({
        provider: "vsphereguest.other",
        depends_on: ["terraform_data.starter"],
      });
    });
  });

  describe("gating other elements on a GuestProcess", () => {
    test("gate() adds the data source to depends_on, once", () => {
      // GIVEN a gate and two downstream resources, one with a dependency of its own
      const stack = newStack();
      const migrate = new GuestProcess(stack, "migrate", { vm: "vm-1001", pid: 1, expectExitCode: 0 });
      const first = new DataResource(stack, "first", {});
      const other = new DataResource(stack, "other", {});
      const second = new DataResource(stack, "second", { dependsOn: [other] });
      // WHEN both are gated (the first one twice)
      migrate.gate(first, second);
      migrate.gate(first);
      // THEN each depends on the data source exactly once, and keeps what it had
      const json = synth(stack);
      const address = `data.vsphereguest_process.${onlyProcess(json).name}`;
      expect(json.resource?.terraform_data?.first?.depends_on).toEqual([address]);
      expect(json.resource?.terraform_data?.second?.depends_on).toEqual(["terraform_data.other", address]);
    });

    test("the construct is a dependable: dependsOn: [migrate] on resources and outputs", () => {
      // GIVEN a gate
      const stack = newStack();
      const migrate = new GuestProcess(stack, "migrate", { vm: "vm-1001", pid: 1, expectExitCode: 0 });
      // WHEN a resource and an output depend on it, and another output is gated with gate()
      new DataResource(stack, "deploy", { dependsOn: [migrate] });
      new TerraformOutput(stack, "direct", { value: 1, dependsOn: [migrate] });
      const gated = new TerraformOutput(stack, "gated", { value: 2 });
      migrate.gate(gated);
      // THEN all of them name the bare address (Terraform refuses "${...}" in depends_on)
      const json = synth(stack);
      const address = `data.vsphereguest_process.${onlyProcess(json).name}`;
      expect(json.resource?.terraform_data?.deploy?.depends_on).toEqual([address]);
      expect(json.output?.direct?.depends_on).toEqual([address]);
      expect(json.output?.gated?.depends_on).toEqual([address]);
    });
  });

  describe("GuestProcess validation", () => {
    test.each([
      [0, 'pid must be a whole number >= 1, got "0"'],
      [-1, 'pid must be a whole number >= 1, got "-1"'],
      [1.5, 'pid must be a whole number >= 1, got "1.5"'],
      [Number.NaN, 'pid must be a whole number >= 1, got "NaN"'],
    ])("pid %p is refused", (pid, message) => {
      // GIVEN / WHEN a bad pid / THEN the error names the prop, quotes the value and says what is allowed
      const error = errorFor({ vm: "vm-1001", pid });
      expect(error.message).toBe(message);
      expect(error.code).toBe("VSG_ERR_INVALID_ARGUMENT");
      expect(error.field).toBe("pid");
    });

    test("a pid beyond JavaScript's exact integers is refused with a way out", () => {
      expect(errorFor({ vm: "vm-1001", pid: 2 ** 60 }).message).toMatch(
        /^pid must be a whole number from 1 to 2\^53-1 \(pass larger pids through a TerraformVariable\), got "/,
      );
    });

    test("exactly one of vm and vmName", () => {
      // GIVEN / WHEN both or neither / THEN the error says which were given
      expect(errorFor({ vm: "vm-1001", vmName: "app-01", pid: 1 }).message).toBe(
        'exactly one of vm and vmName must be set, got vm "vm-1001" and vmName "app-01"',
      );
      expect(errorFor({ pid: 1 }).message).toBe("exactly one of vm and vmName must be set, got neither");
      expect(errorFor({ vm: " ", pid: 1 }).message).toBe('vm must be a VM id like vm-1001, got " "');
    });

    test.each(["10 minutes", "10", "", "0s", "5d"])("timeout %p is refused", (timeout) => {
      // GIVEN / WHEN a timeout that is not a Go-style duration / THEN it is refused
      const error = errorFor({ vm: "vm-1001", pid: 1, waitForExit: true, timeout });
      expect(error.field).toBe("timeout");
      expect(error.message).toBe(
        `timeout must be a duration with units ms, s, m or h, longer than zero, like 90s, 10m or 1h30m, got "${timeout}"`,
      );
    });

    test("timeout without waitForExit is accepted with a warning", () => {
      // GIVEN / WHEN a timeout but no waitForExit, and one with it
      const stack = newStack();
      const idle = new GuestProcess(stack, "idle", { vm: "vm-1001", pid: 1, timeout: "5m" });
      const waits = new GuestProcess(stack, "waits", {
        vm: "vm-1001",
        pid: 1,
        waitForExit: true,
        timeout: "5m",
      });
      // THEN only the first carries a warning
      const warnings = (p: InstanceType<typeof GuestProcess>) =>
        p.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => m.data);
      expect(warnings(idle)).toEqual(["timeout has no effect unless waitForExit is true"]);
      expect(warnings(waits)).toEqual([]);
    });

    test.each(["90s", "10m", "1h30m", "500ms", "1.5h"])("timeout %p is accepted", (timeout) => {
      expect(() => new GuestProcess(newStack(), "p", { vm: "vm-1001", pid: 1, timeout })).not.toThrow();
    });

    test.each([
      [[], "[]"],
      [-1, "-1"],
      [[0, -3], "[0, -3]"],
      [[0, 1.5], "[0, 1.5]"],
    ])("expectExitCode %p is refused", (expectExitCode, shown) => {
      const error = errorFor({ vm: "vm-1001", pid: 1, expectExitCode });
      expect(error.field).toBe("expectExitCode");
      expect(error.message).toBe(
        `expectExitCode must be a whole number >= 0 or a non-empty list of them, got "${shown}"`,
      );
    });

    test("unresolved tokens skip validation", () => {
      // GIVEN variables whose values are unknown when the stack is built
      const stack = newStack();
      const number = new TerraformVariable(stack, "n", { type: "number" }).numberValue;
      const text = new TerraformVariable(stack, "s", { type: "string" }).stringValue;
      const list = Token.asNumberList(new TerraformVariable(stack, "l", { type: "list(number)" }).listValue);
      // WHEN every checked prop is a token (also inside a list) / THEN nothing is refused
      expect(
        () =>
          new GuestProcess(stack, "a", {
            vm: text,
            pid: number,
            timeout: text,
            expectExitCode: [0, number],
          }),
      ).not.toThrow();
      expect(
        () => new GuestProcess(stack, "b", { vmName: text, pid: number, expectExitCode: list }),
      ).not.toThrow();
      expect(
        () => new GuestProcess(stack, "c", { vm: "vm-1001", pid: 1, expectExitCode: number }),
      ).not.toThrow();
      expect(() => synth(stack)).not.toThrow();
    });
  });
});
