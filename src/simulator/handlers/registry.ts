/**
 * Which handler answers each operation, and which operations need a vCenter session.
 */
import type { Handler } from "../context";
import type { RouteName } from "../router";
import { getGuestOperations } from "./guest-operations";
import { createProcess, deleteProcess, getProcess, listProcesses } from "./processes";
import { createSession, deleteSession, getSession } from "./session";
import { listVms } from "./vms";

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
};

/** The only operation that runs without a session: logging in. */
export function needsSession(route: RouteName): boolean {
  return route !== "session.create";
}
