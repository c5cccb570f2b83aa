/**
 * Which handler answers each operation, and which operations need a vCenter session.
 */
import type { Handler } from "../context";
import { ApiError } from "../responses";
import type { RouteName } from "../router";
import {
  createTemporaryDirectory,
  createTemporaryFile,
  createTransfer,
  deleteDirectory,
  deleteFile,
  getFile,
} from "./filesystem";
import { getGuestIdentity } from "./guest-identity";
import { getGuestOperations } from "./guest-operations";
import { createProcess, deleteProcess, getProcess, listProcesses } from "./processes";
import { createSession, deleteSession, getSession } from "./session";
import { listVms } from "./vms";

/** The transfer URLs are served by the simulated ESXi host's listener, never by vCenter's. */
function servedByEsxiHost(): never {
  throw new ApiError("OPERATION_NOT_FOUND", "transfer URLs are served by the ESXi host, not by vCenter", {
    id: "simulator.request.unknown_path",
  });
}

/** The handler of every operation. */
export const HANDLERS: Readonly<Record<RouteName, Handler>> = {
  "session.create": createSession,
  "session.get": getSession,
  "session.delete": deleteSession,
  "vm.list": listVms,
  "guest.operations": getGuestOperations,
  "processes.create": createProcess,
  "processes.list": listProcesses,
  "processes.get": getProcess,
  "processes.delete": deleteProcess,
  "guest.identity": getGuestIdentity,
  "files.createTemporary": createTemporaryFile,
  "files.get": getFile,
  "files.delete": deleteFile,
  "directories.createTemporary": createTemporaryDirectory,
  "directories.delete": deleteDirectory,
  "transfers.create": createTransfer,
  "transfers.download": servedByEsxiHost,
  "transfers.upload": servedByEsxiHost,
};

/** The only operation that runs without a session: logging in. */
export function needsSession(route: RouteName): boolean {
  return route !== "session.create";
}
