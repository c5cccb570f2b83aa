/** Data source `vsphereguest_processes`: the processes of a guest (Processes.list). */

import { defineDataSource } from "../../plugin";
import type { ProviderContext } from "../context";
import { DATA_SOURCE_CREDENTIALS } from "../schemas";
import { credentialsOf, readFailure, resolveVm, validateCredentials, validateVmTarget } from "./arguments";

/** Schema of `vsphereguest_processes`. */
export const PROCESSES_SCHEMA = {
  description:
    "Lists the processes of a vSphere guest (Processes.list): pid, name, owner, command line and start time. The list never carries exit codes; read one process with `vsphereguest_process` for that.",
  attributes: {
    vm: {
      type: "string",
      optional: true,
      computed: true,
      description:
        "The VM's managed object id, like `vm-42`. The Terraform vSphere provider exports it as `moid`. Its `id` is the BIOS UUID, which does not work here. When `vm_name` is given instead, this attribute reports the id the name resolved to. Set exactly one of `vm` and `vm_name`.",
    },
    vm_name: {
      type: "string",
      optional: true,
      description:
        "The VM's exact name, looked up in vCenter. It fails when no VM, or more than one VM, has that name.",
    },
    id: { type: "string", computed: true, description: "The VM's managed object id." },
    processes: {
      type: [
        "list",
        ["object", { pid: "number", name: "string", owner: "string", command: "string", started: "string" }],
      ],
      computed: true,
      description:
        "The guest's processes, in the order the guest reports them. Each object has `pid` (Number: the process id, exact even above 2^53), `name` (String: the process name), `owner` (String: the user it runs as), `command` (String: the full command line) and `started` (String: when it started, RFC 3339).",
    },
  },
  blocks: { credentials: DATA_SOURCE_CREDENTIALS },
} as const;

/** The `vsphereguest_processes` data source. */
export const processesDataSource = defineDataSource({
  typeName: "vsphereguest_processes",
  schema: PROCESSES_SCHEMA,

  validate: ({ config }) => [...validateVmTarget(config), ...validateCredentials(config)],

  async read({ config }, context: ProviderContext) {
    try {
      const vm = await resolveVm(config, context);
      const list = await context.client.listProcesses(vm, credentialsOf(config, context), context.stopSignal);
      return {
        state: {
          vm,
          id: vm,
          processes: list.map((p) => ({
            pid: typeof p.pid === "string" ? BigInt(p.pid) : p.pid,
            name: p.name,
            owner: p.owner,
            command: p.command,
            started: p.started,
          })),
        },
      };
    } catch (error) {
      return readFailure(error, config, context, "listing guest processes");
    }
  },
});
