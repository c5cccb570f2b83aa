/**
 * The `GuestProcess` construct, written once for every core (see `core.ts`): one guest process read at
 * plan time, optionally a gate on its exit code. Each core's entry point instantiates it with
 * {@link defineGuestProcess}.
 */

import { Construct } from "constructs";
import type { ConstructCore, CoreTypes } from "./core";
import { invalid, knownIn, validateTimeout, validateVmTarget } from "./validate";

/**
 * The types of one core and of the `vsphereguest_process` binding generated for it, on top of
 * {@link CoreTypes}.
 */
export interface GuestProcessTypes extends CoreTypes {
  /** The generated `DataVsphereguestProcess` of that core. */
  readonly processDataSource: ProcessDataSource<this["resolvable"]> & this["dependable"];
  /** The generated `DataVsphereguestProcessCredentials` of that core. */
  readonly processCredentials: object;
}

/** What the constructs read from a generated `DataVsphereguestProcess`. */
export interface ProcessDataSource<R> {
  readonly exitCode: number;
  readonly finished: string;
  readonly running: R;
  readonly name: string;
  readonly owner: string;
  readonly command: string;
  readonly started: string;
  readonly id: string;
  readonly vm: string;
}

/** The configuration the constructs give a generated `DataVsphereguestProcess`. */
export interface ProcessDataSourceConfig<T extends GuestProcessTypes> {
  readonly vm?: string;
  readonly vmName?: string;
  readonly pid: number;
  readonly waitForExit?: boolean | T["resolvable"];
  readonly timeout?: string;
  readonly credentials?: T["processCredentials"];
  readonly provider?: T["provider"];
  readonly dependsOn?: T["dependable"][];
  readonly lifecycle?: { readonly postcondition?: Array<{ condition: unknown; errorMessage: string }> };
}

/** The generated `DataVsphereguestProcess` class of a core. */
export type ProcessDataSourceClass<T extends GuestProcessTypes> = new (
  scope: Construct,
  id: string,
  config: ProcessDataSourceConfig<T>,
) => T["processDataSource"];

/**
 * Properties of a `GuestProcess` for the core described by `T`. Give exactly one of `vm` and `vmName`.
 */
export interface GuestProcessPropsOf<T extends GuestProcessTypes> {
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
  readonly waitForExit?: boolean | T["resolvable"];

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
  readonly credentials?: T["processCredentials"];

  /**
   * The `vsphereguest` provider to read the process with.
   *
   * @default - the stack's default `vsphereguest` provider (one without an alias)
   */
  readonly provider?: T["provider"];

  /**
   * Elements this read waits for, e.g. the resource that starts the process. Terraform defers reading a
   * data source to apply time when something it depends on has changes pending.
   *
   * @default - no explicit dependencies
   */
  readonly dependsOn?: T["dependable"][];
}

/**
 * One process in a vSphere guest, read at plan time through the `vsphereguest_process` data source,
 * optionally waited for and gated on its exit code; typed with the classes of the core `T`.
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
 * the gate; {@link GuestProcessOf.gate} does the same for elements created elsewhere.
 */
export interface GuestProcessOf<T extends GuestProcessTypes> extends Construct {
  /** The `vsphereguest_process` data source behind this construct (construct id `Resource`). */
  readonly resource: T["processDataSource"];
  /**
   * The data source's address (`data.vsphereguest_process.<name>`), so the construct can be a
   * dependency (`dependsOn: [migrate]`) of resources, data sources, modules and outputs.
   */
  readonly fqn: string;
  /** Exit code of the process; null while it runs or when the guest no longer keeps it (~5 minutes). */
  readonly exitCode: number;
  /** End time (RFC 3339); null while the process runs or when it was not started through the API. */
  readonly finished: string;
  /** Whether the process is still running. */
  readonly running: T["resolvable"];
  /** Process name. */
  readonly name: string;
  /** User the process runs as. */
  readonly owner: string;
  /** Full command line. */
  readonly command: string;
  /** Start time (RFC 3339). */
  readonly started: string;
  /** The data source's `id`: `VM/PID`, e.g. `vm-1001/4242`. */
  readonly processId: string;
  /** Managed object id of the VM (the one `vmName` resolved to, when given by name). */
  readonly vmId: string;
  /**
   * Makes each target wait for this process: adds the data source to the target's `depends_on`, so
   * Terraform plans the target only after the process was read and `expectExitCode` passed; a failing
   * gate fails the plan before any target is planned. Adding the same gate twice is harmless.
   */
  gate(...targets: T["gateTarget"][]): void;
}

/**
 * The `GuestProcess` class of the core `T`. Reads one guest process; validates the props at once
 * (skipping values that are unresolved tokens), throwing `InvalidArgumentError` (code
 * `VSG_ERR_INVALID_ARGUMENT`, `field` naming the prop) for bad props.
 */
export type GuestProcessConstructor<T extends GuestProcessTypes> = new (
  scope: Construct,
  id: string,
  props: GuestProcessPropsOf<T>,
) => GuestProcessOf<T>;

/**
 * Makes the `GuestProcess` class of one core from that core's classes and its generated
 * `DataVsphereguestProcess`: the one source of the construct, whatever the core.
 */
export function defineGuestProcess<T extends GuestProcessTypes>(
  core: ConstructCore<T>,
  DataSource: ProcessDataSourceClass<T>,
): GuestProcessConstructor<T> {
  const { Annotations, TerraformOutput, dependable } = core;

  class GuestProcess extends Construct implements GuestProcessOf<T> {
    readonly resource: T["processDataSource"];

    private readonly gated = new Set<T["gateTarget"]>();

    constructor(scope: Construct, id: string, props: GuestProcessPropsOf<T>) {
      super(scope, id);
      validateProps(core, props);
      if (props.timeout !== undefined && !props.waitForExit) {
        Annotations.of(this).addWarning("timeout has no effect unless waitForExit is true");
      }
      const expected = props.expectExitCode === undefined ? undefined : exitCodeList(props.expectExitCode);
      this.resource = new DataSource(this, "Resource", {
        vm: props.vm,
        vmName: props.vmName,
        pid: props.pid,
        waitForExit: props.waitForExit,
        timeout: props.timeout,
        credentials: props.credentials,
        provider: props.provider,
        dependsOn: props.dependsOn,
        lifecycle:
          expected === undefined ? undefined : { postcondition: [exitCodePostcondition(core, expected)] },
      });
    }

    get fqn(): string {
      // A bare address, not the `${…}` reference the data source's own fqn is: TerraformOutput writes
      // its dependencies' fqn into depends_on as they are, and Terraform refuses a template there.
      return dependable(this.resource);
    }

    get exitCode(): number {
      return this.resource.exitCode;
    }

    get finished(): string {
      return this.resource.finished;
    }

    get running(): T["resolvable"] {
      return this.resource.running;
    }

    get name(): string {
      return this.resource.name;
    }

    get owner(): string {
      return this.resource.owner;
    }

    get command(): string {
      return this.resource.command;
    }

    get started(): string {
      return this.resource.started;
    }

    get processId(): string {
      return this.resource.id;
    }

    get vmId(): string {
      return this.resource.vm;
    }

    gate(...targets: T["gateTarget"][]): void {
      for (const target of targets) {
        if (this.gated.has(target)) continue;
        this.gated.add(target);
        // Outputs keep dependables in dependsOn; resources, data sources and modules keep addresses.
        if (TerraformOutput.isTerraformOutput(target)) {
          target.dependsOn = [...(target.dependsOn ?? []), this];
        } else {
          const element = target as { dependsOn?: string[] };
          element.dependsOn = [...(element.dependsOn ?? []), dependable(this)];
        }
      }
    }
  }
  return GuestProcess;
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
function exitCodePostcondition<T extends GuestProcessTypes>(core: ConstructCore<T>, expected: number[]) {
  const { Fn, Op, TerraformSelf, Token, conditional } = core;
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

function validateProps<T extends GuestProcessTypes>(
  core: ConstructCore<T>,
  props: GuestProcessPropsOf<T>,
): void {
  const { pid, vm, vmName, timeout, expectExitCode } = props;
  const known = (value: unknown) => knownIn(core.Token, value);

  if (known(pid)) {
    if (typeof pid !== "number" || !Number.isInteger(pid) || pid < 1)
      invalid("pid", pid, "a whole number >= 1");
    if (!Number.isSafeInteger(pid)) {
      invalid("pid", pid, "a whole number from 1 to 2^53-1 (pass larger pids through a TerraformVariable)");
    }
  }

  validateVmTarget(known, vm, vmName);

  validateTimeout(known, timeout);

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
