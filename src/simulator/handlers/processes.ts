/**
 * The four Processes operations: `create`, `get`, `list` and `delete`.
 */
import { quote } from "../../util/quote";
import type { WireProcessInfo, WireProcessSummary } from "../../vcenter/wire";
import type { Handler } from "../context";
import type { GuestProcess } from "../guest-processes";
import { ApiError, emptyReply, jsonReply } from "../responses";
import type { VirtualMachine } from "../virtual-machine";
import { prepareGuestCall } from "./guest-call";

function pidNotFound(vm: string, pid: bigint): ApiError {
  // `data.pid` is the JSON number exactly as asked, even beyond 2^53.
  const data = { pid: pid <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(pid) : pid };
  return new ApiError(
    "NOT_FOUND",
    `process ${pid} does not exist in ${vm}, or it ended longer ago than the guest keeps exit codes`,
    { id: "simulator.guest.processes.not_found", args: [String(pid), vm], data },
  );
}

/** The process `pid` names, if any; no process has a pid beyond 2^53. */
function lookUp(vm: VirtualMachine, pid: bigint): GuestProcess | undefined {
  return pid <= BigInt(Number.MAX_SAFE_INTEGER) ? vm.processes.get(Number(pid)) : undefined;
}

function summary(process: GuestProcess): WireProcessSummary {
  return {
    pid: process.pid,
    name: process.name,
    owner: process.owner,
    command: process.command,
    started: process.started.toISOString(),
  };
}

/** `?action=create`: 201 with the bare pid. */
export const createProcess: Handler = async (context) => {
  const call = prepareGuestCall(context, { pid: false, spec: true });
  if (call.vm.config.guest_os_family === "WINDOWS" && /^[A-Za-z]:[\\/]|^\\\\/.test(call.spec!.path)) {
    // The simulated guest is the local machine: it has no Windows programs to run.
    throw new ApiError(
      "INVALID_ARGUMENT",
      `spec.path: "${call.spec!.path}" is a Windows program; the simulator runs local programs only (a simulated WINDOWS guest serves its identity and files, not Windows processes)`,
      { id: "simulator.guest.processes.windows_program", args: ["path"] },
    );
  }
  const pid = await call.vm.processes.start(call.spec!, call.user);
  return jsonReply(201, pid);
};

/** `{pid}?action=get`: 200 Info; `finished` and `exit_code` only for ended created processes. */
export const getProcess: Handler = (context) => {
  const { vm, pid } = prepareGuestCall(context, { pid: true, spec: false });
  const process = lookUp(vm, pid!);
  if (process === undefined) throw pidNotFound(vm.id, pid!);
  const info: WireProcessInfo = {
    name: process.name,
    owner: process.owner,
    command: process.command,
    started: process.started.toISOString(),
  };
  if (process.finished !== undefined) info.finished = process.finished.toISOString();
  if (process.exitCode !== undefined) info.exit_code = process.exitCode;
  return jsonReply(200, info);
};

/** `?action=list`: 200 Summary[], never with exit codes. */
export const listProcesses: Handler = (context) => {
  const { vm } = prepareGuestCall(context, { pid: false, spec: false });
  return jsonReply(200, vm.processes.list().map(summary));
};

/**
 * `{pid}?action=delete`: 204 once SIGTERM is sent (SIGKILL follows after the grace period).
 * A process that already ended is left alone (204); an unknown pid is 404 with `data.pid`.
 */
export const deleteProcess: Handler = (context) => {
  const { vm, pid, user } = prepareGuestCall(context, { pid: true, spec: false });
  const process = lookUp(vm, pid!);
  if (process === undefined) throw pidNotFound(vm.id, pid!);
  if (process.owner !== user && user !== "root") {
    throw new ApiError(
      "UNAUTHORIZED",
      `guest user ${quote(user)} may not terminate process ${pid} of ${quote(process.owner)}`,
      {
        id: "simulator.guest.processes.not_owner",
        args: [user, String(pid)],
      },
    );
  }
  vm.processes.terminate(process.pid);
  return emptyReply(204);
};
