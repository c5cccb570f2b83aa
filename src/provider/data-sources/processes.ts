/** Data source `vsphereguest_processes`: the processes of a guest (Processes.list). */

import type { SchemaBlock } from "../../plugin/codec/schema";
import type { BlockValue } from "../config";
import type { Diagnostic } from "../../plugin/protocol/types";
import { credentialsBlock } from "../schemas";
import { credentialsOf, readFailure, resolveVm, validateCredentials, validateVmTarget } from "./arguments";
import type { DataSource, ProviderContext, ReadResult } from "./data-source";

/** Schema of `vsphereguest_processes`. */
export const PROCESSES_SCHEMA: SchemaBlock = {
  description:
    "Lists the processes of a vSphere guest (Processes.list): pid, name, owner, command line and start time. The list never carries exit codes; read one process with `vsphereguest_process` for that.",
  attributes: [
    {
      name: "vm",
      type: "string",
      optional: true,
      computed: true,
      description:
        "Managed object id of the VM, like `vm-42`. Exactly one of `vm` and `vm_name`; when `vm_name` is given this is the id it resolved to.",
    },
    {
      name: "vm_name",
      type: "string",
      optional: true,
      description: "Exact name of the VM, looked up in vCenter; an error when no VM or several have it.",
    },
    { name: "id", type: "string", computed: true, description: "The VM's managed object id." },
    {
      name: "processes",
      type: [
        "list",
        ["object", { pid: "number", name: "string", owner: "string", command: "string", started: "string" }],
      ],
      computed: true,
      description: "The guest's processes: `pid`, `name`, `owner`, `command`, `started` (RFC 3339).",
    },
  ],
  blockTypes: [
    credentialsBlock(
      "credentials",
      "Guest credentials for this data source; each unset field falls back to the provider's `guest_credentials` and then to the environment.",
    ),
  ],
};

function validate(config: BlockValue): Diagnostic[] {
  return [...validateVmTarget(config), ...validateCredentials(config)];
}

async function read(config: BlockValue, context: ProviderContext): Promise<ReadResult> {
  try {
    const vm = await resolveVm(config, context);
    const list = await context.client.listProcesses(vm, credentialsOf(config, context), context.stopSignal);
    return {
      state: {
        vm,
        vm_name: config.vm_name ?? null,
        credentials: config.credentials ?? null,
        id: vm,
        processes: list.map((p) => ({
          pid: typeof p.pid === "string" ? BigInt(p.pid) : p.pid,
          name: p.name,
          owner: p.owner,
          command: p.command,
          started: p.started,
        })),
      },
      diagnostics: [],
    };
  } catch (error) {
    return readFailure(error, config, context, "listing guest processes");
  }
}

/** The `vsphereguest_processes` data source. */
export const processesDataSource: DataSource = {
  typeName: "vsphereguest_processes",
  schema: PROCESSES_SCHEMA,
  validate,
  read,
};
