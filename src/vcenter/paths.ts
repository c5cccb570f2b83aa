/**
 * URL paths of the API. The `?action=` is part of the path and is written literally (clients
 * that encode its `?` break these operations); the VM id is percent-encoded as one segment so an
 * id like `vm-1/../session` can never reach another endpoint.
 */
import { quote } from "../util/quote";
import { InvalidArgumentError } from "./errors";
import type { Pid } from "./types";

export type { Pid } from "./types";

/**
 * The longest VM id or VM name accepted, in characters. Managed object ids are short (`vm-42`) and
 * vCenter limits VM names to 80 characters; a longer value is a mistake (a whole object or file
 * pasted in) that would otherwise reach vCenter as an oversized request line (HTTP 414/431).
 */
export const MAX_VM_LENGTH = 256;

/**
 * Why a `vm` / `vm_name` value is too long to be one, or `undefined` when it is not.
 * @param name - the argument as the user wrote it: `vm`, `vm_name`, `--vm`, `--vm-name`
 */
export function vmLengthProblem(value: string, name: string): string | undefined {
  if (value.length <= MAX_VM_LENGTH) return undefined;
  return `${name} is ${value.length} characters long; a VM's managed object id (like vm-42) or name has at most ${MAX_VM_LENGTH}`;
}

/** Checks and normalises a VM managed object id. */
export function checkVmId(vm: string, field = "vm"): string {
  if (typeof vm !== "string" || vm.trim() === "") {
    throw new InvalidArgumentError(field, `${field} is empty`, "give the VM's managed object id, like vm-42");
  }
  const tooLong = vmLengthProblem(vm, field);
  if (tooLong !== undefined) {
    throw new InvalidArgumentError(field, tooLong, "give the VM's managed object id, like vm-42");
  }
  // Percent-encoding leaves "." and "..", which a path-normalising proxy would resolve.
  if (vm === "." || vm === "..") {
    throw new InvalidArgumentError(
      field,
      `${field} ${quote(vm)} is not a VM id`,
      "give the VM's managed object id, like vm-42",
    );
  }
  return vm;
}

/** Checks a guest path: absolute (`/tmp/x`, `C:\x` or a UNC path), without NUL characters. */
export function checkGuestPath(path: string, field = "path"): string {
  if (typeof path !== "string" || path === "") {
    throw new InvalidArgumentError(
      field,
      `${field} is empty`,
      "give the absolute path in the guest, like /tmp/report.txt",
    );
  }
  if (path.includes("\0")) {
    throw new InvalidArgumentError(field, `${field} ${quote(path)} contains a NUL character`, "remove it");
  }
  if (!/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(path)) {
    throw new InvalidArgumentError(
      field,
      `${field} ${quote(path)} is not an absolute guest path`,
      "give the complete path, like /tmp/report.txt or C:\\Temp\\report.txt",
    );
  }
  return path;
}

/** Checks a VM name for a lookup: not longer than any VM name can be. */
function checkVmName(name: string): string {
  const tooLong = vmLengthProblem(name, "vm_name");
  if (tooLong !== undefined) {
    throw new InvalidArgumentError("vm_name", tooLong, "give the VM's name exactly as vCenter shows it");
  }
  return name;
}

const INT64_MAX = 9223372036854775807n;

/** Checks a pid (whole number from 1 to 2^63-1) and returns its exact decimal form. */
export function pidToString(pid: Pid, field = "pid"): string {
  let text: string;
  if (typeof pid === "bigint") text = pid.toString();
  else if (typeof pid === "number") {
    if (!Number.isInteger(pid)) {
      throw new InvalidArgumentError(
        field,
        `${field} ${pid} is not a whole number`,
        "give the process id, like 4242",
      );
    }
    if (!Number.isSafeInteger(pid)) {
      throw new InvalidArgumentError(
        field,
        `${field} ${pid} is too large to be exact as a JavaScript number`,
        "pass it as a bigint or a decimal string",
      );
    }
    text = String(pid);
  } else text = String(pid).trim();
  if (!/^-?\d+$/.test(text)) {
    throw new InvalidArgumentError(
      field,
      `${field} ${quote(String(pid))} is not a whole number`,
      "give the process id, like 4242",
    );
  }
  const value = BigInt(text);
  if (value < 1n || value > INT64_MAX) {
    throw new InvalidArgumentError(
      field,
      `${field} ${text} is out of range`,
      "a process id is a whole number from 1 to 9223372036854775807",
    );
  }
  return value.toString();
}

const vmBase = (vm: string): string => `/api/vcenter/vm/${encodeURIComponent(checkVmId(vm))}`;

/** The paths of every call the client makes. */
export const paths = {
  session: "/api/session",
  vmList: (names?: string[]): string =>
    names && names.length > 0
      ? `/api/vcenter/vm?${names.map((n) => `names=${encodeURIComponent(checkVmName(n))}`).join("&")}`
      : "/api/vcenter/vm",
  guestOperations: (vm: string): string => `${vmBase(vm)}/guest/operations`,
  processCreate: (vm: string): string => `${vmBase(vm)}/guest/processes?action=create`,
  processList: (vm: string): string => `${vmBase(vm)}/guest/processes?action=list`,
  processGet: (vm: string, pid: Pid): string =>
    `${vmBase(vm)}/guest/processes/${pidToString(pid)}?action=get`,
  processDelete: (vm: string, pid: Pid): string =>
    `${vmBase(vm)}/guest/processes/${pidToString(pid)}?action=delete`,
  guestIdentity: (vm: string): string => `${vmBase(vm)}/guest/identity`,
  transferCreate: (vm: string): string => `${vmBase(vm)}/guest/filesystem?action=create`,
  fileCreateTemporary: (vm: string): string => `${vmBase(vm)}/guest/filesystem/files?action=createTemporary`,
  directoryCreateTemporary: (vm: string): string =>
    `${vmBase(vm)}/guest/filesystem/directories?action=createTemporary`,
  // The guest path is one percent-encoded segment: `/tmp/a b` → `%2Ftmp%2Fa%20b`.
  fileGet: (vm: string, path: string): string =>
    `${vmBase(vm)}/guest/filesystem/files/${encodeURIComponent(path)}?action=get`,
  fileDelete: (vm: string, path: string): string =>
    `${vmBase(vm)}/guest/filesystem/files/${encodeURIComponent(path)}?action=delete`,
  directoryDelete: (vm: string): string => `${vmBase(vm)}/guest/filesystem/directories?action=delete`,
};

/**
 * Checks a byte limit: a whole number from 0 up.
 * @param field - the argument, as the error names it (`max_bytes`, `max_output_bytes`)
 * @param label - how the message names the value
 */
export function checkByteLimit(value: number, field: string, label: string = field): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(
      field,
      `${label} ${value} is not a whole number >= 0`,
      "give a number of bytes, like 1048576",
    );
  }
  return value;
}
