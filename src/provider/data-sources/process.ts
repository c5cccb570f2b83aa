/** Data source `vsphereguest_process`: one guest process, optionally waited for, with its exit code. */

import { defineDataSource } from "../../plugin";
import { attr, warningDiag } from "../../plugin/diagnostics";
import { formatMs } from "../../vcenter/errors";
import type { ProcessInfo } from "../../vcenter/types";
import { checkDuration, durationMs } from "../config";
import type { ProviderContext } from "../context";
import { DATA_SOURCE_CREDENTIALS } from "../schemas";
import {
  credentialsOf,
  readFailure,
  resolveVm,
  validateCredentials,
  validatePid,
  validateVmTarget,
} from "./arguments";

const DEFAULT_TIMEOUT = "10m";

/** Schema of `vsphereguest_process`. */
export const PROCESS_SCHEMA = {
  description:
    "Reads a process in a vSphere guest (Processes.get) at plan time: its name, owner, command line, start and finish time and, for a process started through the API that ended less than about 5 minutes ago, its exit code. Optionally waits for it to exit, so a postcondition can gate a plan on the exit code.",
  attributes: {
    vm: {
      type: "string",
      optional: true,
      computed: true,
      description:
        "The VM's managed object id, like `vm-42`. The Terraform vSphere provider exports it as `moid`. Do not use the VM's name or its BIOS UUID here. When `vm_name` is given instead, this attribute reports the id the name resolved to. Set exactly one of `vm` and `vm_name`.",
    },
    vm_name: {
      type: "string",
      optional: true,
      description:
        "The VM's exact name, looked up in vCenter before the process is read; an error when no VM, or more than one VM, has that name. This costs one more API call.",
    },
    pid: {
      type: "number",
      required: true,
      description:
        "The process id in the guest, as `Processes.create` returned it. It must be a whole number from 1 to 9223372036854775807 (2^63-1), and is kept exact over the whole range.",
    },
    wait_for_exit: {
      type: "bool",
      optional: true,
      description:
        "Wait until the process has exited before reading it. Defaults to `false`, which means the process is read once as it is.",
    },
    timeout: {
      type: "string",
      optional: true,
      description: `How long to wait when \`wait_for_exit\` is \`true\`, written as a duration like \`90s\`, \`10m\` or \`1h30m\` (units \`ms\`, \`s\`, \`m\`, \`h\`). Defaults to \`"${DEFAULT_TIMEOUT}"\`. It may be from \`1ms\` to \`596h31m23s\` (2^31-1 ms, about 24 days: what a timer can hold); a longer one is refused at validate. A process that has already exited is returned at once, whatever the timeout. Without \`wait_for_exit\` it has no effect, and validation warns \`timeout has no effect\`.`,
    },
    id: { type: "string", computed: true, description: "`VM/PID`, for example `vm-42/4242`." },
    name: { type: "string", computed: true, description: "The process name, for example `sh`." },
    owner: { type: "string", computed: true, description: "The user the process runs as." },
    command: {
      type: "string",
      computed: true,
      description: "The full command line, as the guest reports it.",
    },
    started: { type: "string", computed: true, description: "When the process started (RFC 3339)." },
    finished: {
      type: "string",
      computed: true,
      description:
        "When it ended (RFC 3339). Null while it runs, and always null for a process that was not started through the API.",
    },
    exit_code: {
      type: "number",
      computed: true,
      description:
        "The exit code. Null while the process runs, and always null for a process that was not started through the API. Only available for about 5 minutes after the process ended (see below).",
    },
    running: {
      type: "bool",
      computed: true,
      description:
        "`true` while the process has not finished, meaning it has neither a finish time nor an exit code.",
    },
  },
  blocks: { credentials: DATA_SOURCE_CREDENTIALS },
} as const;

/** The `vsphereguest_process` data source. */
export const processDataSource = defineDataSource({
  typeName: "vsphereguest_process",
  schema: PROCESS_SCHEMA,

  validate({ config }) {
    const diags = [...validateVmTarget(config), ...validatePid(config.pid), ...validateCredentials(config)];
    const timeout = checkDuration(config.timeout, ["timeout"], "how long to wait for the process to exit");
    if (timeout) diags.push(timeout);
    const waits = config.wait_for_exit;
    if (typeof config.timeout === "string" && (waits === false || waits === null)) {
      diags.push(
        warningDiag(
          "timeout has no effect",
          "timeout applies only when wait_for_exit = true.",
          attr("timeout"),
        ),
      );
    }
    return diags;
  },

  async read({ config }, context: ProviderContext) {
    try {
      const vm = await resolveVm(config, context);
      const pid = config.pid;
      const credentials = credentialsOf(config, context);
      let info: ProcessInfo;
      if (config.wait_for_exit === true) {
        const timeoutMs = durationMs(config.timeout || null, DEFAULT_TIMEOUT);
        context.log.info("waiting for guest process to exit", {
          vm,
          pid: String(pid),
          timeout: formatMs(timeoutMs),
        });
        let lastReport = Date.now();
        info = await context.client.waitForExit(vm, pid, credentials, {
          timeoutMs,
          signal: context.stopSignal,
          onPoll: ({ polls, elapsedMs }) => {
            if (Date.now() - lastReport >= 10_000) {
              lastReport = Date.now();
              context.log.info("still waiting for guest process", {
                vm,
                pid: String(pid),
                polls,
                elapsed: formatMs(elapsedMs),
              });
            }
          },
        });
      } else {
        info = await context.client.getProcess(vm, pid, credentials, context.stopSignal);
      }
      return {
        state: {
          vm,
          id: `${vm}/${String(pid)}`,
          name: info.name,
          owner: info.owner,
          command: info.command,
          started: info.started,
          finished: info.finished ?? null,
          exit_code: info.exitCode ?? null,
          running: info.finished === undefined && info.exitCode === undefined,
        },
      };
    } catch (error) {
      return readFailure(error, config, context, "reading guest process");
    }
  },
});
