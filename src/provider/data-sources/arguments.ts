/** Arguments shared by the data sources: the VM (`vm` or `vm_name`), the pid and the credentials. */

import { type CtyValue, isUnknown } from "../../plugin/codec/cty";
import { attr, errorDiag } from "../../plugin/diagnostics";
import type { Diagnostic } from "../../plugin/protocol/types";
import { quote } from "../../util/quote";
import type { GuestCredentials } from "../../vcenter/credentials";
import { vmLengthProblem } from "../../vcenter/paths";
import { type BlockValue, checkCredentials, credentialsFrom, nested, str } from "../config";
import type { ProviderContext } from "../context";
import { errorToDiagnostic } from "../error-diagnostics";

const INT64_MAX = 9223372036854775807n;

const isSet = (v: CtyValue | undefined): boolean => v !== null && v !== undefined;

/** Checks that exactly one of `vm` and `vm_name` is set (unknown counts as set). */
export function validateVmTarget(config: BlockValue): Diagnostic[] {
  const vm = config.vm;
  const vmName = config.vm_name;
  if (isSet(vm) && isSet(vmName)) {
    return [
      errorDiag(
        "Conflicting vm and vm_name",
        "Set only one of vm (the managed object id, like vm-42) and vm_name (looked up by exact name).",
        attr("vm_name"),
      ),
    ];
  }
  if (!isSet(vm) && !isSet(vmName)) {
    return [
      errorDiag(
        "Missing vm",
        "Set vm to the VM's managed object id (like vm-42; the Terraform vSphere provider exports it as moid), or vm_name to its exact name.",
        attr("vm"),
      ),
    ];
  }
  for (const name of ["vm", "vm_name"] as const) {
    const v = config[name];
    if (typeof v === "string" && v.trim() === "") {
      return [
        errorDiag(
          `Empty ${name}`,
          `${name} is an empty string. Give the VM's ${name === "vm" ? "managed object id, like vm-42" : "exact name"}.`,
          attr(name),
        ),
      ];
    }
    const tooLong = typeof v === "string" ? vmLengthProblem(v, name) : undefined;
    if (tooLong !== undefined) {
      return [
        errorDiag(
          `Invalid ${name}`,
          `${tooLong}. Give the VM's ${name === "vm" ? "managed object id, like vm-42" : "exact name"}.`,
          attr(name),
        ),
      ];
    }
  }
  return [];
}

/** Checks the pid: a whole number from 1 to 2^63-1, never rounded. Unknown and null pass. */
export function validatePid(value: CtyValue | undefined): Diagnostic[] {
  if (value === null || value === undefined || isUnknown(value)) return [];
  const bad = (why: string): Diagnostic[] => [
    errorDiag(
      "Invalid pid",
      `pid ${why}. A process id is a whole number from 1 to 9223372036854775807, as Processes.create returned it.`,
      attr("pid"),
    ),
  ];
  if (typeof value === "number") {
    if (!Number.isInteger(value)) return bad(`${value} is not a whole number`);
    if (value < 1) return bad(`${value} is less than 1`);
    return [];
  }
  if (typeof value === "bigint") {
    if (value < 1n) return bad(`${value} is less than 1`);
    if (value > INT64_MAX) return bad(`${value} is larger than an int64`);
    return [];
  }
  return bad(`${quote(value)} is not a number`);
}

/** Validation of the credentials block of a data source. */
export function validateCredentials(config: BlockValue): Diagnostic[] {
  return checkCredentials(nested(config, "credentials"), "credentials");
}

/** The data source's credentials, field by field falling back to the provider's. */
export function credentialsOf(config: BlockValue, context: ProviderContext): GuestCredentials {
  return credentialsFrom(nested(config, "credentials"), context.settings.guest);
}

/** The VM's managed object id: `vm` as given, or `vm_name` looked up (one call to vCenter). */
export async function resolveVm(config: BlockValue, context: ProviderContext): Promise<string> {
  const vm = str(config, "vm");
  if (vm !== undefined) return vm;
  return context.client.findVmByName(str(config, "vm_name")!, context.stopSignal);
}

/** A failed read: the error as one diagnostic pointing at the argument this configuration used. */
export function readFailure(
  error: unknown,
  config: BlockValue,
  context: ProviderContext,
  doing: string,
): { diagnostics: Diagnostic[] } {
  return {
    diagnostics: [
      errorToDiagnostic(error, {
        vmAttribute: str(config, "vm") !== undefined ? "vm" : "vm_name",
        ownCredentials: nested(config, "credentials") !== undefined,
        doing,
        redact: (t) => context.log.redact(t),
        outage: context.outage,
      }),
    ],
  };
}
