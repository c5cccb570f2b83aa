/**
 * The simulated inventory: which VMs exist, their power and Tools state, their guest account and the
 * processes already running in them. Loaded from an object or a JSON file and validated with messages
 * that name the field, quote the value and say what is allowed.
 */

import { readFile } from "node:fs/promises";
import { isObject } from "../util/json";
import { quoteField } from "../util/quote";
import { GUEST_OS_FAMILIES, type GuestOsFamily } from "../vcenter/guest-file-types";
import type { WireVmSummary } from "../vcenter/wire";
import { type FaultRule, faultRuleProblems } from "./faults";

/** The power states a VM can be in. */
export const POWER_STATES = ["POWERED_ON", "POWERED_OFF", "SUSPENDED"] as const;

/** A VM power state, as on the wire. */
export type PowerState = WireVmSummary["power_state"];

/** A process that runs in the guest without having been started through the API (e.g. pid 1). */
export interface InventoryProcess {
  /** Its pid, a positive integer unique in the VM. */
  pid: number;
  /** The process name, e.g. `systemd`. */
  name: string;
  /** The user it runs as, e.g. `root`. */
  owner: string;
  /** Its full command line. */
  command: string;
  /** ISO 8601 start time. @default the time the simulator started */
  started?: string;
}

/** One VM of the inventory. */
export interface InventoryVm {
  /** Managed object id, e.g. `vm-1001`: the `{vm}` of every path. Unique. */
  vm: string;
  /** Display name; several VMs may share one. */
  name: string;
  /** Power state. */
  power_state: PowerState;
  /** Whether VMware Tools runs in the guest (guest operations answer 503 while it does not). */
  tools_running: boolean;
  /** The guest account the Processes calls must authenticate as. */
  guest_user: string;
  /** Its password (USERNAME_PASSWORD credentials). */
  guest_password: string;
  /** The token SAML_BEARER_TOKEN credentials must carry; without it SAML logins are refused. */
  guest_saml_token?: string;
  /** Guest users logged in to the desktop, the only ones `interactive_session: true` is accepted for. @default [] */
  interactive_users?: string[];
  /** Virtual CPUs. @default 2 */
  cpu_count?: number;
  /** Memory in MiB. @default 4096 */
  memory_size_MiB?: number;
  /** Processes already running in the guest. @default [] */
  processes?: InventoryProcess[];
  /**
   * The guest OS family `GET .../guest/identity` reports. A `WINDOWS` guest serves identity and
   * files, but refuses to start Windows programs (`C:\...`): the simulator runs local programs only.
   * @default "LINUX"
   */
  guest_os_family?: GuestOsFamily;
  /** Guest paths (and everything under them) the guest user may not read or write: 403 UNAUTHORIZED. @default [] */
  guest_denied_paths?: string[];
}

/** A whole inventory, as an object or the content of a JSON file. */
export interface InventoryDocument {
  /** The VMs. */
  vms: InventoryVm[];
  /** Fault rules to install at start (lets the CLI inject faults from a file). */
  faults?: FaultRule[];
}

/** An inventory that failed validation; `problems` holds one line per problem. */
export class InventoryError extends Error {
  /** One message per problem, each naming the field. */
  readonly problems: string[];

  /**
   * @param source - where the inventory came from (a file path, or "inventory")
   * @param problems - the problems found
   */
  constructor(source: string, problems: string[]) {
    super(`invalid inventory (${source}):\n  ${problems.join("\n  ")}`);
    this.name = "InventoryError";
    this.problems = problems;
  }
}

/**
 * The default inventory; tests and the CLI rely on it.
 *
 * | vm | name | power | Tools | guest user | guest password | notes |
 * |---|---|---|---|---|---|---|
 * | vm-1001 | app-01 | POWERED_ON | running | root | `Guest-Pass-1001!` | SAML token `SIMULATED-SAML-ASSERTION-vm-1001` |
 * | vm-1002 | db-01 | POWERED_OFF | not running | root | `Guest-Pass-1002!` | |
 * | vm-1003 | web-01 | POWERED_ON | NOT running | root | `Guest-Pass-1003!` | guest calls answer 503 |
 * | vm-1004 | twin | POWERED_ON | running | root | `Guest-Pass-1004!` | same name as vm-1005 |
 * | vm-1005 | twin | POWERED_ON | running | root | `Guest-Pass-1005!` | root is logged in interactively |
 *
 * Every powered-on VM runs the resident process pid 1 `systemd` (owner root, command `/sbin/init`).
 */
export function defaultInventory(): InventoryDocument {
  const init = (): InventoryProcess[] => [{ pid: 1, name: "systemd", owner: "root", command: "/sbin/init" }];
  return {
    vms: [
      {
        vm: "vm-1001",
        name: "app-01",
        power_state: "POWERED_ON",
        tools_running: true,
        guest_user: "root",
        guest_password: "Guest-Pass-1001!",
        guest_saml_token: "SIMULATED-SAML-ASSERTION-vm-1001",
        interactive_users: [],
        cpu_count: 2,
        memory_size_MiB: 4096,
        processes: init(),
      },
      {
        vm: "vm-1002",
        name: "db-01",
        power_state: "POWERED_OFF",
        tools_running: false,
        guest_user: "root",
        guest_password: "Guest-Pass-1002!",
        interactive_users: [],
        cpu_count: 4,
        memory_size_MiB: 16384,
        processes: [],
      },
      {
        vm: "vm-1003",
        name: "web-01",
        power_state: "POWERED_ON",
        tools_running: false,
        guest_user: "root",
        guest_password: "Guest-Pass-1003!",
        interactive_users: [],
        cpu_count: 2,
        memory_size_MiB: 2048,
        processes: init(),
      },
      {
        vm: "vm-1004",
        name: "twin",
        power_state: "POWERED_ON",
        tools_running: true,
        guest_user: "root",
        guest_password: "Guest-Pass-1004!",
        interactive_users: [],
        cpu_count: 1,
        memory_size_MiB: 1024,
        processes: init(),
      },
      {
        vm: "vm-1005",
        name: "twin",
        power_state: "POWERED_ON",
        tools_running: true,
        guest_user: "root",
        guest_password: "Guest-Pass-1005!",
        interactive_users: ["root"],
        cpu_count: 1,
        memory_size_MiB: 1024,
        processes: init(),
      },
    ],
  };
}

const DOCUMENT_FIELDS = ["vms", "faults"];
const VM_FIELDS = [
  "vm",
  "name",
  "power_state",
  "tools_running",
  "guest_user",
  "guest_password",
  "guest_saml_token",
  "interactive_users",
  "cpu_count",
  "memory_size_MiB",
  "processes",
  "guest_os_family",
  "guest_denied_paths",
];
const PROCESS_FIELDS = ["pid", "name", "owner", "command", "started"];

type Json = Record<string, unknown>;

function unknownFields(object: Json, allowed: string[], where: string, problems: string[]): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      problems.push(`${where}: unknown field "${key}"; allowed fields are ${allowed.join(", ")}`);
    }
  }
}

function requireString(object: Json, key: string, where: string, problems: string[], example: string): void {
  const value = object[key];
  if (typeof value !== "string" || value === "") {
    problems.push(
      `${where}.${key}: ${quoteField(value)} is not a non-empty string; set it, e.g. "${example}"`,
    );
  }
}

function optionalPositiveInteger(
  object: Json,
  key: string,
  where: string,
  problems: string[],
  example: number,
): void {
  const value = object[key];
  if (value !== undefined && !(typeof value === "number" && Number.isSafeInteger(value) && value > 0)) {
    problems.push(
      `${where}.${key}: ${quoteField(value)} is not a positive integer; set it, e.g. ${example}, or leave it out`,
    );
  }
}

function processProblems(value: unknown, where: string, problems: string[]): void {
  if (!isObject(value)) {
    problems.push(
      `${where}: ${quoteField(value)} is not an object; write {"pid": 1, "name": "systemd", "owner": "root", "command": "/sbin/init"}`,
    );
    return;
  }
  unknownFields(value, PROCESS_FIELDS, where, problems);
  if (!(typeof value.pid === "number" && Number.isSafeInteger(value.pid) && value.pid > 0)) {
    problems.push(
      `${where}.pid: ${quoteField(value.pid)} is not a positive integer; give the process id, e.g. 1`,
    );
  }
  requireString(value, "name", where, problems, "systemd");
  requireString(value, "owner", where, problems, "root");
  if (typeof value.command !== "string") {
    problems.push(
      `${where}.command: ${quoteField(value.command)} is not a string; give the command line, e.g. "/sbin/init"`,
    );
  }
  if (
    value.started !== undefined &&
    (typeof value.started !== "string" || Number.isNaN(Date.parse(value.started)))
  ) {
    problems.push(
      `${where}.started: ${quoteField(value.started)} is not an ISO 8601 date-time such as "2024-01-31T08:00:00Z"`,
    );
  }
}

function vmProblems(value: unknown, where: string, problems: string[]): void {
  if (!isObject(value)) {
    problems.push(
      `${where}: ${quoteField(value)} is not an object; write a VM like {"vm": "vm-1", "name": "app", ...}`,
    );
    return;
  }
  unknownFields(value, VM_FIELDS, where, problems);
  requireString(value, "vm", where, problems, "vm-42");
  requireString(value, "name", where, problems, "app-01");
  if (!(POWER_STATES as readonly unknown[]).includes(value.power_state)) {
    problems.push(
      `${where}.power_state: ${quoteField(value.power_state)} is not one of ${POWER_STATES.join(", ")}`,
    );
  }
  if (typeof value.tools_running !== "boolean") {
    problems.push(`${where}.tools_running: ${quoteField(value.tools_running)} is not true or false`);
  }
  requireString(value, "guest_user", where, problems, "root");
  if (typeof value.guest_password !== "string") {
    problems.push(
      `${where}.guest_password: ${quoteField(value.guest_password)} is not a string; set the guest account's password`,
    );
  }
  if (
    value.guest_saml_token !== undefined &&
    (typeof value.guest_saml_token !== "string" || value.guest_saml_token === "")
  ) {
    problems.push(
      `${where}.guest_saml_token: ${quoteField(value.guest_saml_token)} is not a non-empty string; set it or leave it out`,
    );
  }
  const users = value.interactive_users;
  if (users !== undefined && !(Array.isArray(users) && users.every((user) => typeof user === "string"))) {
    problems.push(
      `${where}.interactive_users: ${quoteField(users)} is not a list of user names, e.g. ["root"]`,
    );
  }
  optionalPositiveInteger(value, "cpu_count", where, problems, 2);
  optionalPositiveInteger(value, "memory_size_MiB", where, problems, 4096);
  if (
    value.guest_os_family !== undefined &&
    !(GUEST_OS_FAMILIES as readonly unknown[]).includes(value.guest_os_family)
  ) {
    problems.push(
      `${where}.guest_os_family: ${quoteField(value.guest_os_family)} is not one of ${GUEST_OS_FAMILIES.join(", ")}`,
    );
  }
  const denied = value.guest_denied_paths;
  if (
    denied !== undefined &&
    !(Array.isArray(denied) && denied.every((path) => typeof path === "string" && path.startsWith("/")))
  ) {
    problems.push(
      `${where}.guest_denied_paths: ${quoteField(denied)} is not a list of absolute paths, e.g. ["/root"]`,
    );
  }
  const processes = value.processes;
  if (processes === undefined) return;
  if (!Array.isArray(processes)) {
    problems.push(`${where}.processes: ${quoteField(processes)} is not a list of processes`);
    return;
  }
  const pids = new Set<unknown>();
  processes.forEach((process, i) => {
    processProblems(process, `${where}.processes[${i}]`, problems);
    if (isObject(process) && typeof process.pid === "number") {
      if (pids.has(process.pid)) {
        problems.push(
          `${where}.processes[${i}].pid: ${process.pid} is used twice in this VM; pids must be unique`,
        );
      }
      pids.add(process.pid);
    }
  });
}

/**
 * Validates an inventory and returns a normalised deep copy (defaults filled in).
 * @param value - the parsed document
 * @param source - how to name it in the error, e.g. the file path
 * @throws {@link InventoryError} listing every problem
 */
export function validateInventory(value: unknown, source = "inventory"): InventoryDocument {
  const problems: string[] = [];
  if (!isObject(value)) {
    throw new InventoryError(source, [
      `inventory: ${quoteField(value)} is not an object; write {"vms": [...]}`,
    ]);
  }
  unknownFields(value, DOCUMENT_FIELDS, "inventory", problems);
  if (!Array.isArray(value.vms)) {
    problems.push(
      `inventory.vms: ${quoteField(value.vms)} is not a list; write {"vms": [{"vm": "vm-1", ...}]}`,
    );
  } else {
    const ids = new Set<unknown>();
    value.vms.forEach((vm, i) => {
      vmProblems(vm, `inventory.vms[${i}]`, problems);
      if (isObject(vm) && typeof vm.vm === "string") {
        if (ids.has(vm.vm))
          problems.push(`inventory.vms[${i}].vm: "${vm.vm}" is used twice; VM ids must be unique`);
        ids.add(vm.vm);
      }
    });
  }
  if (value.faults !== undefined) {
    if (!Array.isArray(value.faults)) {
      problems.push(`inventory.faults: ${quoteField(value.faults)} is not a list of fault rules`);
    } else {
      value.faults.forEach((rule, i) => {
        problems.push(...faultRuleProblems(rule, `inventory.faults[${i}]`));
      });
    }
  }
  if (problems.length > 0) throw new InventoryError(source, problems);

  const document = structuredClone(value) as unknown as InventoryDocument;
  for (const vm of document.vms) {
    vm.interactive_users ??= [];
    vm.cpu_count ??= 2;
    vm.memory_size_MiB ??= 4096;
    vm.processes ??= [];
  }
  return document;
}

/**
 * Loads an inventory: validates an object, or reads and validates a JSON file.
 * @param source - an inventory object, or the path of a JSON file
 * @returns a validated, normalised copy
 * @throws {@link InventoryError} when the file cannot be read, is not JSON, or is not a valid inventory
 */
export async function loadInventory(source: InventoryDocument | string): Promise<InventoryDocument> {
  if (typeof source !== "string") return validateInventory(source);
  let text: string;
  try {
    text = await readFile(source, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InventoryError(source, [
      `cannot read the inventory file: ${reason}; give the path of a JSON file`,
    ]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InventoryError(source, [`the file is not valid JSON: ${reason}`]);
  }
  return validateInventory(parsed, source);
}
