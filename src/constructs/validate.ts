/**
 * Construction-time checks shared by the constructs: errors quote the prop and the value and say
 * what is allowed; unresolved tokens are skipped (their values are only known at synth or apply).
 */
import { parseDuration } from "../util/duration";
import { InvalidArgumentError } from "../vcenter/errors";
import type { ConstructCore, CoreTypes } from "./core";

/** Throws the error for `prop` holding `value`, which is not `allowed`. */
export function invalid(prop: string, value: unknown, allowed: string): never {
  throw new InvalidArgumentError(prop, `${prop} must be ${allowed}, got "${show(value)}"`);
}

function show(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => show(v)).join(", ")}]`;
  return String(value);
}

/** Whether `value` is given and not an unresolved token of `core`. */
export function knownIn(core: ConstructCore<CoreTypes>["Token"], value: unknown): boolean {
  return value !== undefined && !core.isUnresolved(value);
}

/** Exactly one of `vm` and `vmName`, each non-empty when known. */
export function validateVmTarget(known: (value: unknown) => boolean, vm: unknown, vmName: unknown): void {
  if ((vm === undefined) === (vmName === undefined)) {
    const got = vm === undefined ? "neither" : `vm "${vm}" and vmName "${vmName}"`;
    throw new InvalidArgumentError("vm", `exactly one of vm and vmName must be set, got ${got}`);
  }
  if (known(vm) && (typeof vm !== "string" || vm.trim() === "")) invalid("vm", vm, "a VM id like vm-1001");
  if (known(vmName) && (typeof vmName !== "string" || vmName === "")) invalid("vmName", vmName, "a VM name");
}

/** A known `timeout` is a duration the provider accepts. */
export function validateTimeout(known: (value: unknown) => boolean, timeout: unknown): void {
  if (known(timeout) && (typeof timeout !== "string" || "error" in parseDuration(timeout))) {
    invalid(
      "timeout",
      timeout,
      "a duration with units ms, s, m or h, longer than zero, like 90s, 10m or 1h30m",
    );
  }
}
