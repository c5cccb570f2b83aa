/** Data source `vsphereguest_process`: one guest process, optionally waited for, with its exit code. */

import { parseDuration } from "../../util/duration";
import { formatMs } from "../../vcenter/errors";
import type { ProcessInfo } from "../../vcenter/types";
import type { SchemaBlock } from "../../plugin/codec/schema";
import { type BlockValue, bool, checkDuration, str } from "../config";
import { attr, warningDiag } from "../../plugin/diagnostics";
import type { Diagnostic } from "../../plugin/protocol/types";
import { credentialsBlock } from "../schemas";
import {
  credentialsOf,
  pidOf,
  readFailure,
  resolveVm,
  validateCredentials,
  validatePid,
  validateVmTarget,
} from "./arguments";
import type { DataSource, ProviderContext, ReadResult } from "./data-source";

const DEFAULT_TIMEOUT = "10m";

/** Schema of `vsphereguest_process`. */
export const PROCESS_SCHEMA: SchemaBlock = {
  description:
    "Reads a process in a vSphere guest (Processes.get) at plan time: its name, owner, command line, start and finish time and, for a process started through the API that ended less than about 5 minutes ago, its exit code. Optionally waits for it to exit, so a postcondition can gate a plan on the exit code.",
  attributes: [
    {
      name: "vm",
      type: "string",
      optional: true,
      computed: true,
      description:
        "Managed object id of the VM, like `vm-42` (the Terraform vSphere provider exports it as `moid`). Exactly one of `vm` and `vm_name`; when `vm_name` is given this is the id it resolved to.",
    },
    {
      name: "vm_name",
      type: "string",
      optional: true,
      description: "Exact name of the VM, looked up in vCenter; an error when no VM or several have it.",
    },
    {
      name: "pid",
      type: "number",
      required: true,
      description:
        "Process id in the guest, as Processes.create returned it (a whole number, kept exact up to 2^63-1).",
    },
    {
      name: "wait_for_exit",
      type: "bool",
      optional: true,
      description:
        "Wait until the process has exited (polling with backoff) before reading it. Defaults to false.",
    },
    {
      name: "timeout",
      type: "string",
      optional: true,
      description: `How long to wait when \`wait_for_exit\` is true, as a duration like \`90s\` or \`10m\`. Defaults to \`"${DEFAULT_TIMEOUT}"\`.`,
    },
    { name: "id", type: "string", computed: true, description: "`VM/PID`." },
    { name: "name", type: "string", computed: true, description: "Process name." },
    { name: "owner", type: "string", computed: true, description: "User the process runs as." },
    { name: "command", type: "string", computed: true, description: "Full command line." },
    { name: "started", type: "string", computed: true, description: "Start time (RFC 3339)." },
    {
      name: "finished",
      type: "string",
      computed: true,
      description:
        "End time (RFC 3339); null while running or when the process was not started through the API.",
    },
    {
      name: "exit_code",
      type: "number",
      computed: true,
      description:
        "Exit code; null while running or when the process was not started through the API (the guest keeps it for about 5 minutes after exit).",
    },
    {
      name: "running",
      type: "bool",
      computed: true,
      description: "Whether the process has not finished yet.",
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
  const diags = [...validateVmTarget(config), ...validatePid(config.pid), ...validateCredentials(config)];
  const timeout = checkDuration(config.timeout, ["timeout"], "how long to wait for the process to exit");
  if (timeout) diags.push(timeout);
  const waits = config.wait_for_exit;
  if (typeof config.timeout === "string" && (waits === false || waits === null || waits === undefined)) {
    diags.push(
      warningDiag(
        "timeout has no effect",
        "timeout applies only when wait_for_exit = true.",
        attr("timeout"),
      ),
    );
  }
  return diags;
}

async function read(config: BlockValue, context: ProviderContext): Promise<ReadResult> {
  try {
    const vm = await resolveVm(config, context);
    const pid = pidOf(config);
    const credentials = credentialsOf(config, context);
    const wait = bool(config, "wait_for_exit") ?? false;
    let info: ProcessInfo;
    if (wait) {
      const timeoutText = str(config, "timeout") ?? DEFAULT_TIMEOUT;
      const parsed = parseDuration(timeoutText);
      const timeoutMs = "ms" in parsed ? parsed.ms : 600_000;
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
        vm_name: config.vm_name ?? null,
        pid: config.pid ?? null,
        wait_for_exit: config.wait_for_exit ?? null,
        timeout: config.timeout ?? null,
        credentials: config.credentials ?? null,
        id: `${vm}/${String(pid)}`,
        name: info.name,
        owner: info.owner,
        command: info.command,
        started: info.started,
        finished: info.finished ?? null,
        exit_code: info.exitCode ?? null,
        running: info.finished === undefined && info.exitCode === undefined,
      },
      diagnostics: [],
    };
  } catch (error) {
    return readFailure(error, config, context, "reading guest process");
  }
}

/** The `vsphereguest_process` data source. */
export const processDataSource: DataSource = {
  typeName: "vsphereguest_process",
  schema: PROCESS_SCHEMA,
  validate,
  read,
};
