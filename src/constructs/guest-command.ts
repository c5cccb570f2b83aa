/**
 * The `GuestCommand` construct, written once for every core (see `core.ts`): a command run in a
 * vSphere guest at apply through the `vsphereguest_command` resource, its result exposed, and a gate
 * so downstream elements wait for it. Each core's entry point instantiates it with
 * {@link defineGuestCommand}.
 */

import { Construct } from "constructs";
import { InvalidArgumentError } from "../vcenter/errors";
import type { ConstructCore, CoreTypes } from "./core";
import { invalid, knownIn, validateTimeout, validateVmTarget } from "./validate";

/** The types of one core and of the `vsphereguest_command` binding generated for it. */
export interface GuestCommandTypes extends CoreTypes {
  /** The generated `Command` resource class's instances of that core. */
  readonly commandResource: CommandResource<this["resolvable"]> & this["dependable"];
  /** The generated `CommandCredentials` of that core. */
  readonly commandCredentials: object;
}

/** What the construct reads from a generated `Command` resource. */
export interface CommandResource<R> {
  readonly id: string;
  readonly vm: string;
  readonly pid: number;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly sensitiveStdout: string;
  readonly sensitiveStderr: string;
  readonly outputTruncated: R;
  readonly started: string;
  readonly finished: string;
}

/** The configuration the construct gives a generated `Command` resource. */
export interface CommandResourceConfig<T extends GuestCommandTypes> {
  readonly vm?: string;
  readonly vmName?: string;
  readonly path?: string;
  readonly arguments?: string[];
  readonly script?: string;
  readonly interpreter?: string[];
  readonly workingDirectory?: string;
  readonly environment?: { [key: string]: string };
  readonly timeout?: string;
  readonly allowedExitCodes?: number[];
  readonly captureOutput?: boolean | T["resolvable"];
  readonly maxOutputBytes?: number;
  readonly sensitiveOutput?: boolean | T["resolvable"];
  readonly triggersReplace?: { [key: string]: unknown };
  readonly credentials?: T["commandCredentials"];
  readonly provider?: T["provider"];
  readonly dependsOn?: T["dependable"][];
}

/** The generated `Command` class of a core. */
export type CommandResourceClass<T extends GuestCommandTypes> = new (
  scope: Construct,
  id: string,
  config: CommandResourceConfig<T>,
) => T["commandResource"];

/**
 * Properties of a `GuestCommand` for the core `T`. Give exactly one of `vm` and `vmName`, and
 * exactly one of `path` and `script`.
 */
export interface GuestCommandPropsOf<T extends GuestCommandTypes> {
  /**
   * Managed object id of the VM, like `vm-1001` (the vSphere provider exports it as `moid`).
   *
   * @default - none: give exactly one of `vm` and `vmName`
   */
  readonly vm?: string;
  /**
   * Exact name of the VM, looked up when the command runs.
   *
   * @default - none: give exactly one of `vm` and `vmName`
   */
  readonly vmName?: string;
  /**
   * Program to run, like `/opt/app/bin/migrate`.
   *
   * @default - none: give exactly one of `path` and `script`
   */
  readonly path?: string;
  /**
   * Arguments of `path` (or of `script`), quoted for the guest's family.
   *
   * @default - none
   */
  readonly arguments?: string[];
  /**
   * Script content, uploaded to a guest temporary file and run with `interpreter`.
   *
   * @default - none: give exactly one of `path` and `script`
   */
  readonly script?: string;
  /**
   * Program (and first arguments) that runs `script`, like `["/bin/bash", "-e"]`.
   *
   * @default ["/bin/sh"] on POSIX guests; a `.cmd` batch file on Windows guests
   */
  readonly interpreter?: string[];
  /**
   * Directory the command starts in.
   *
   * @default - the guest user's default
   */
  readonly workingDirectory?: string;
  /**
   * Environment of the command (replaces the guest's default one).
   *
   * @default - the guest's default environment
   */
  readonly environment?: { [key: string]: string };
  /**
   * How long the command may run (`90s`, `10m`, `1h30m`); then it is terminated and the apply fails.
   *
   * @default "10m"
   */
  readonly timeout?: string;
  /**
   * Exit codes that count as success; any other fails the apply (and taints the resource).
   *
   * @default [0]
   */
  readonly allowedExitCodes?: number[];
  /**
   * Record stdout and stderr.
   *
   * @default true
   */
  readonly captureOutput?: boolean | T["resolvable"];
  /**
   * Bytes kept of each of stdout and stderr.
   *
   * @default 1048576
   */
  readonly maxOutputBytes?: number;
  /**
   * Record the output in `sensitiveStdout`/`sensitiveStderr` (sensitive) instead of `stdout`/`stderr`.
   *
   * @default false
   */
  readonly sensitiveOutput?: boolean | T["resolvable"];
  /**
   * Any values; a change runs the command again (like `terraform_data`'s `triggers_replace`).
   *
   * @default - none
   */
  readonly triggersReplace?: { [key: string]: unknown };
  /**
   * Guest credentials for this command only (the password is write-only on Terraform/OpenTofu 1.11+,
   * stored in the state on older hosts).
   *
   * @default - the provider's `guest_credentials`, then `VSPHERE_GUEST_*`
   */
  readonly credentials?: T["commandCredentials"];
  /**
   * The `vsphereguest` provider to run the command with.
   *
   * @default - the stack's default `vsphereguest` provider
   */
  readonly provider?: T["provider"];
  /**
   * Elements the run waits for, e.g. the resource that clones the VM.
   *
   * @default - no explicit dependencies
   */
  readonly dependsOn?: T["dependable"][];
}

/**
 * A command run in a vSphere guest at apply through the `vsphereguest_command` resource, typed with
 * the classes of the core `T`.
 *
 * ```ts
 * const migrate = new GuestCommand(this, "migrate", {
 *   vm: vm.moid,
 *   path: "/opt/app/bin/migrate",
 *   triggersReplace: { release },
 * });
 * migrate.gate(release); // applied only after the migration exited with an allowed code
 * new TerraformOutput(this, "log", { value: migrate.stdout });
 * ```
 */
export interface GuestCommandOf<T extends GuestCommandTypes> extends Construct {
  /** The `vsphereguest_command` resource behind this construct (construct id `Resource`). */
  readonly resource: T["commandResource"];
  /** The resource's address (`vsphereguest_command.<name>`), so the construct can be a dependency. */
  readonly fqn: string;
  /** Exit code of the run. */
  readonly exitCode: number;
  /** Standard output (null with `sensitiveOutput` or without `captureOutput`). */
  readonly stdout: string;
  /** Standard error (null with `sensitiveOutput` or without `captureOutput`). */
  readonly stderr: string;
  /** Standard output when `sensitiveOutput` is true (sensitive). */
  readonly sensitiveStdout: string;
  /** Standard error when `sensitiveOutput` is true (sensitive). */
  readonly sensitiveStderr: string;
  /** Whether the output was cut at `maxOutputBytes`. */
  readonly outputTruncated: T["resolvable"];
  /** Guest process id of the run. */
  readonly pid: number;
  /** Start time (RFC 3339). */
  readonly started: string;
  /** End time (RFC 3339). */
  readonly finished: string;
  /** The resource's `id`: `VM/PID`. */
  readonly runId: string;
  /** Managed object id of the VM (the one `vmName` resolved to, when given by name). */
  readonly vmId: string;
  /**
   * Makes each target wait for this run: adds the resource to the target's `depends_on`, so the
   * target is applied only after the command exited with an allowed code. Adding it twice is harmless.
   */
  gate(...targets: T["gateTarget"][]): void;
}

/** The `GuestCommand` class of the core `T`; throws `InvalidArgumentError` for bad props. */
export type GuestCommandConstructor<T extends GuestCommandTypes> = new (
  scope: Construct,
  id: string,
  props: GuestCommandPropsOf<T>,
) => GuestCommandOf<T>;

/** Makes the `GuestCommand` class of one core from its classes and its generated `Command`. */
export function defineGuestCommand<T extends GuestCommandTypes>(
  core: ConstructCore<T>,
  Resource: CommandResourceClass<T>,
): GuestCommandConstructor<T> {
  const { TerraformOutput, dependable } = core;

  class GuestCommand extends Construct implements GuestCommandOf<T> {
    readonly resource: T["commandResource"];

    private readonly gated = new Set<T["gateTarget"]>();

    constructor(scope: Construct, id: string, props: GuestCommandPropsOf<T>) {
      super(scope, id);
      validateProps(core, props);
      this.resource = new Resource(this, "Resource", {
        vm: props.vm,
        vmName: props.vmName,
        path: props.path,
        arguments: props.arguments,
        script: props.script,
        interpreter: props.interpreter,
        workingDirectory: props.workingDirectory,
        environment: props.environment,
        timeout: props.timeout,
        allowedExitCodes: props.allowedExitCodes,
        captureOutput: props.captureOutput,
        maxOutputBytes: props.maxOutputBytes,
        sensitiveOutput: props.sensitiveOutput,
        triggersReplace: props.triggersReplace,
        credentials: props.credentials,
        provider: props.provider,
        dependsOn: props.dependsOn,
      });
    }

    get fqn(): string {
      return dependable(this.resource);
    }
    get exitCode(): number {
      return this.resource.exitCode;
    }
    get stdout(): string {
      return this.resource.stdout;
    }
    get stderr(): string {
      return this.resource.stderr;
    }
    get sensitiveStdout(): string {
      return this.resource.sensitiveStdout;
    }
    get sensitiveStderr(): string {
      return this.resource.sensitiveStderr;
    }
    get outputTruncated(): T["resolvable"] {
      return this.resource.outputTruncated;
    }
    get pid(): number {
      return this.resource.pid;
    }
    get started(): string {
      return this.resource.started;
    }
    get finished(): string {
      return this.resource.finished;
    }
    get runId(): string {
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
  return GuestCommand;
}

function validateProps<T extends GuestCommandTypes>(
  core: ConstructCore<T>,
  props: GuestCommandPropsOf<T>,
): void {
  const known = (value: unknown) => knownIn(core.Token, value);
  const { vm, vmName, path, script, interpreter, timeout, allowedExitCodes, maxOutputBytes } = props;

  validateVmTarget(known, vm, vmName);

  if ((path === undefined) === (script === undefined)) {
    const got = path === undefined ? "neither" : "both";
    throw new InvalidArgumentError("path", `exactly one of path and script must be set, got ${got}`);
  }
  if (known(path) && (typeof path !== "string" || path.trim() === ""))
    invalid("path", path, "a program like /opt/app/bin/migrate");
  if (interpreter !== undefined && script === undefined)
    throw new InvalidArgumentError(
      "interpreter",
      "interpreter runs a script: give script, or leave interpreter out",
    );
  if (known(interpreter) && Array.isArray(interpreter)) {
    const first = interpreter[0];
    if (interpreter.length === 0 || (known(first) && (typeof first !== "string" || first.trim() === "")))
      invalid("interpreter", interpreter, 'a program and its first arguments, like ["/bin/bash", "-e"]');
  }

  validateTimeout(known, timeout);
  if (known(allowedExitCodes) && Array.isArray(allowedExitCodes)) {
    const allowed = "a non-empty list of whole numbers";
    if (allowedExitCodes.length === 0) invalid("allowedExitCodes", allowedExitCodes, allowed);
    for (const code of allowedExitCodes)
      if (known(code) && (typeof code !== "number" || !Number.isSafeInteger(code)))
        invalid("allowedExitCodes", allowedExitCodes, allowed);
  }
  if (
    known(maxOutputBytes) &&
    (typeof maxOutputBytes !== "number" || !Number.isSafeInteger(maxOutputBytes) || maxOutputBytes < 0)
  ) {
    invalid("maxOutputBytes", maxOutputBytes, "a whole number of bytes >= 0");
  }
}
