/** The `GuestProcess` construct: one guest process read at plan time, optionally a gate on its exit code. */

import {
  Annotations,
  conditional,
  dependable,
  Fn,
  type IResolvable,
  type ITerraformDependable,
  Op,
  type TerraformDataSource,
  type TerraformModule,
  TerraformOutput,
  type TerraformProvider,
  type TerraformResource,
  TerraformSelf,
  Token,
} from "cdktf";
import { Construct } from "constructs";
import { parseDuration } from "../util/duration";
import { InvalidArgumentError } from "../vcenter/errors";
import {
  DataVsphereguestProcess,
  type DataVsphereguestProcessCredentials,
} from "./gen/data-vsphereguest-process";

/** Properties of a {@link GuestProcess}. Give exactly one of `vm` and `vmName`. */
export interface GuestProcessProps {
  /**
   * Managed object id of the VM, like `vm-1001` (the vSphere provider exports it as `moid`).
   *
   * @default - none: give exactly one of `vm` and `vmName`
   */
  readonly vm?: string;

  /**
   * Exact name of the VM, looked up in vCenter when the plan reads the process; the plan fails when no
   * VM or several VMs have this name.
   *
   * @default - none: give exactly one of `vm` and `vmName`
   */
  readonly vmName?: string;

  /**
   * Process id in the guest, as `Processes.create` (or `vsphere-guest process start`) returned it: a
   * whole number >= 1. Tokens are welcome, e.g. `TerraformVariable.numberValue`.
   */
  readonly pid: number;

  /**
   * Wait until the process has exited (polling vCenter with backoff, at most `timeout`) before
   * reading it, so `exitCode` is known and `expectExitCode` can judge it.
   *
   * @default false - the process is read as it is when the plan runs; a process still running has
   * no exit code, and `expectExitCode` then fails the plan with a "still running" message
   */
  readonly waitForExit?: boolean | IResolvable;

  /**
   * How long `waitForExit` waits, as a Go-style duration with units `ms`, `s`, `m` and `h`, like
   * `90s`, `10m` or `1h30m`. Has no effect without `waitForExit`.
   *
   * @default "10m" - the provider's default
   */
  readonly timeout?: string;

  /**
   * Exit code(s) that count as success. When set, a lifecycle postcondition on the data source fails
   * the plan (before anything gated on this process is planned) when the process exited with another
   * code, is still running, or has no exit code any more. Any whole number >= 0 (Windows exit codes go
   * beyond 255), or a non-empty list of them.
   *
   * @default - no gate: the exit code is read and exposed, whatever it is
   */
  readonly expectExitCode?: number | number[];

  /**
   * Guest credentials for this process only.
   *
   * @default - the provider's `guest_credentials`, then `VSPHERE_GUEST_USER` / `VSPHERE_GUEST_PASSWORD`
   */
  readonly credentials?: DataVsphereguestProcessCredentials;

  /**
   * The `vsphereguest` provider to read the process with.
   *
   * @default - the stack's default `vsphereguest` provider (one without an alias)
   */
  readonly provider?: TerraformProvider;

  /**
   * Elements this read waits for, e.g. the resource that starts the process. Terraform defers reading a
   * data source to apply time when something it depends on has changes pending.
   *
   * @default - no explicit dependencies
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * What {@link GuestProcess.gate} can make wait for the gate: anything with a `depends_on`.
 */
export type GuestProcessGateTarget =
  | TerraformResource
  | TerraformDataSource
  | TerraformModule
  | TerraformOutput;

/**
 * One process in a vSphere guest, read at plan time through the `vsphereguest_process` data source,
 * optionally waited for and gated on its exit code.
 *
 * ```ts
 * const migrate = new GuestProcess(this, "migrate", {
 *   vm: "vm-1001",
 *   pid: pid.numberValue,
 *   waitForExit: true,
 *   timeout: "10m",
 *   expectExitCode: 0,
 * });
 * new TerraformOutput(this, "exit_code", { value: migrate.exitCode });
 * new DataResource(this, "after", { dependsOn: [migrate] }); // or migrate.gate(resource)
 * ```
 *
 * It is itself an `ITerraformDependable` (its `fqn` is the data source's address), so
 * `dependsOn: [migrate]` makes an element wait until the process was read and its exit code passed
 * the gate; {@link GuestProcess.gate} does the same for elements created elsewhere.
 */
export class GuestProcess extends Construct implements ITerraformDependable {
  /** The `vsphereguest_process` data source behind this construct (construct id `Resource`). */
  readonly resource: DataVsphereguestProcess;

  private readonly gated = new Set<GuestProcessGateTarget>();

  /**
   * Reads one guest process; validates the props at once (skipping values that are unresolved tokens).
   *
   * @throws InvalidArgumentError (code `VSG_ERR_INVALID_ARGUMENT`, `field` naming the prop) for bad props.
   */
  constructor(scope: Construct, id: string, props: GuestProcessProps) {
    super(scope, id);
    validateProps(props);
    if (props.timeout !== undefined && !props.waitForExit) {
      Annotations.of(this).addWarning("timeout has no effect unless waitForExit is true");
    }
    const expected = props.expectExitCode === undefined ? undefined : exitCodeList(props.expectExitCode);
    this.resource = new DataVsphereguestProcess(this, "Resource", {
      vm: props.vm,
      vmName: props.vmName,
      pid: props.pid,
      waitForExit: props.waitForExit,
      timeout: props.timeout,
      credentials: props.credentials,
      provider: props.provider,
      dependsOn: props.dependsOn,
      lifecycle: expected === undefined ? undefined : { postcondition: [exitCodePostcondition(expected)] },
    });
  }

  /**
   * The data source's address (`data.vsphereguest_process.<name>`), so the construct can be a
   * dependency (`dependsOn: [migrate]`) of resources, data sources, modules and outputs.
   */
  get fqn(): string {
    // A bare address, not the `${…}` reference the data source's own fqn is: TerraformOutput writes
    // its dependencies' fqn into depends_on as they are, and Terraform refuses a template there.
    return dependable(this.resource);
  }

  /** Exit code of the process; null while it runs or when the guest no longer keeps it (~5 minutes). */
  get exitCode(): number {
    return this.resource.exitCode;
  }

  /** End time (RFC 3339); null while the process runs or when it was not started through the API. */
  get finished(): string {
    return this.resource.finished;
  }

  /** Whether the process is still running. */
  get running(): IResolvable {
    return this.resource.running;
  }

  /** Process name. */
  get name(): string {
    return this.resource.name;
  }

  /** User the process runs as. */
  get owner(): string {
    return this.resource.owner;
  }

  /** Full command line. */
  get command(): string {
    return this.resource.command;
  }

  /** Start time (RFC 3339). */
  get started(): string {
    return this.resource.started;
  }

  /** The data source's `id`: `VM/PID`, e.g. `vm-1001/4242`. */
  get processId(): string {
    return this.resource.id;
  }

  /** Managed object id of the VM (the one `vmName` resolved to, when given by name). */
  get vmId(): string {
    return this.resource.vm;
  }

  /**
   * Makes each target wait for this process: adds the data source to the target's `depends_on`, so
   * Terraform plans the target only after the process was read and `expectExitCode` passed; a failing
   * gate fails the plan before any target is planned. Adding the same gate twice is harmless.
   */
  gate(...targets: GuestProcessGateTarget[]): void {
    for (const target of targets) {
      if (this.gated.has(target)) continue;
      this.gated.add(target);
      // Outputs keep dependables in dependsOn; resources, data sources and modules keep addresses.
      if (TerraformOutput.isTerraformOutput(target)) {
        target.dependsOn = [...(target.dependsOn ?? []), this];
      } else {
        target.dependsOn = [...(target.dependsOn ?? []), dependable(this)];
      }
    }
  }
}

/** The expected exit codes as a list (a list token stays the token). */
function exitCodeList(expect: number | number[]): number[] {
  return Array.isArray(expect) ? expect : [expect];
}

/**
 * The gate. `exit_code` is null while the process runs, so a plain `contains(codes, self.exit_code)`
 * would fail with Terraform's own "argument must not be null" error; `&&` does not short-circuit before
 * Terraform 1.12, but a conditional only reports the errors of the branch it takes.
 */
function exitCodePostcondition(expected: number[]) {
  const exitCode = TerraformSelf.getNumber("exit_code");
  const process = `guest process ${Token.asString(TerraformSelf.getNumber("pid"))} in ${TerraformSelf.getString("vm")}`;
  const text = (code: number) => (Token.isUnresolved(code) ? Token.asString(code) : String(code));
  const wanted = Token.isUnresolved(expected)
    ? `one of ${Fn.join(", ", Token.asList(expected))}`
    : expected.length === 1
      ? text(expected[0]!)
      : `one of ${expected.map(text).join(", ")}`;
  const message = conditional(
    TerraformSelf.getAny("running"),
    `${process} is still running (no exit code yet): set waitForExit or read it after it ends`,
    conditional(
      Op.eq(exitCode, Token.nullValue()),
      `${process} has ended but has no exit code (it was not started through the vSphere API, or ended more than about 5 minutes ago); expected ${wanted}`,
      `${process} exited with code ${Token.asString(exitCode)}; expected ${wanted}`,
    ),
  );
  return {
    condition: conditional(Op.eq(exitCode, Token.nullValue()), false, Fn.contains(expected, exitCode)),
    errorMessage: Token.asString(message),
  };
}

function invalid(prop: string, value: unknown, allowed: string): never {
  throw new InvalidArgumentError(prop, `${prop} must be ${allowed}, got "${show(value)}"`);
}

function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => show(v)).join(", ")}]`;
  return String(value);
}

function known(value: unknown): boolean {
  return value !== undefined && !Token.isUnresolved(value);
}

function validateProps(props: GuestProcessProps): void {
  const { pid, vm, vmName, timeout, expectExitCode } = props;

  if (known(pid)) {
    if (typeof pid !== "number" || !Number.isInteger(pid) || pid < 1)
      invalid("pid", pid, "a whole number >= 1");
    if (!Number.isSafeInteger(pid)) {
      invalid("pid", pid, "a whole number from 1 to 2^53-1 (pass larger pids through a TerraformVariable)");
    }
  }

  if ((vm === undefined) === (vmName === undefined)) {
    const got = vm === undefined ? "neither" : `vm "${vm}" and vmName "${vmName}"`;
    throw new InvalidArgumentError("vm", `exactly one of vm and vmName must be set, got ${got}`);
  }
  if (known(vm) && (typeof vm !== "string" || vm.trim() === "")) invalid("vm", vm, "a VM id like vm-1001");
  if (known(vmName) && (typeof vmName !== "string" || vmName === "")) invalid("vmName", vmName, "a VM name");

  if (known(timeout) && (typeof timeout !== "string" || "error" in parseDuration(timeout))) {
    invalid(
      "timeout",
      timeout,
      "a duration with units ms, s, m or h, longer than zero, like 90s, 10m or 1h30m",
    );
  }

  if (known(expectExitCode)) {
    const allowed = "a whole number >= 0 or a non-empty list of them";
    const codes = Array.isArray(expectExitCode) ? expectExitCode : [expectExitCode];
    if (codes.length === 0) invalid("expectExitCode", expectExitCode, allowed);
    for (const code of codes) {
      if (!known(code)) continue;
      if (typeof code !== "number" || !Number.isSafeInteger(code) || code < 0) {
        invalid("expectExitCode", expectExitCode, allowed);
      }
    }
  }
}
