/**
 * The vCenter simulator: a local vSphere Automation REST API for sessions, VMs and guest processes.
 *
 * What a client author can rely on (beyond the API's documented shapes and statuses):
 * - Unknown path, unknown `?action=`, or an action at the wrong path (`processes?action=get`):
 *   404 OPERATION_NOT_FOUND. Known path with the wrong method (e.g. GET on a processes path): 405
 *   OPERATION_NOT_FOUND with an `Allow` header. Processes POST without `?action=`: 400 INVALID_REQUEST.
 * - Guest call checks run in this order: session (401) → VM (404, no `data`) → pid is an int64 > 0 (400
 *   INVALID_ARGUMENT) → body is a JSON object (400 INVALID_REQUEST) → credentials shape (400
 *   INVALID_ARGUMENT, `args` = [field]) → create spec shape (400) → powered on (400
 *   NOT_ALLOWED_IN_CURRENT_STATE) → Tools running (503 SERVICE_UNAVAILABLE) → guest credentials (401
 *   UNAUTHENTICATED) → interactive session (400 NOT_ALLOWED_IN_CURRENT_STATE) → the operation.
 * - Unknown pid: 404 NOT_FOUND with `data: {"pid": N}`, N the exact JSON number asked (also beyond 2^53).
 * - `delete` of a process that already ended: 204, nothing changes. Of a resident process: 204, it is gone.
 * - Fault rules are applied before the session check; every request is counted, faulted or not.
 * - Bodies over 1 MiB: 400 INVALID_REQUEST.
 * - Guest files are the local machine's. Filesystem calls run the guest call checks in the same order
 *   (VM → body → credentials → the operation's fields → power → Tools → guest credentials), then the
 *   path: denied by the inventory (403 UNAUTHORIZED), missing (404 NOT_FOUND with
 *   `data: {"file_path": P}`), wrong kind (400 INVALID_ARGUMENT), existing upload target without
 *   `overwrite` (400 ALREADY_EXISTS), larger than `maxUploadBytes` (500 UNABLE_TO_ALLOCATE_RESOURCE).
 * - Transfer URLs (`https://HOST:PORT/guestFile?id=N&token=T`, HOST `*` with `transferUrlHost: "*"`)
 *   are served by a second listener ({@link Simulator.esxiServer}) with its own certificate. Plain-text
 *   answers: 200; 404 for an unknown, used, expired or invalidated URL; 405 for the wrong method
 *   (the URL stays usable); 400 for an upload whose size differs from the announced one.
 */
export type { SimulatorCounters } from "./counters";
export { FAULT_KINDS, type FaultKind, type FaultRule } from "./faults";
export {
  DEFAULT_GUEST_ENVIRONMENT,
  DEFAULT_WORKING_DIRECTORY,
  type GuestProcess,
} from "./guest-processes";
export {
  defaultInventory,
  type InventoryDocument,
  InventoryError,
  type InventoryProcess,
  type InventoryVm,
  loadInventory,
  POWER_STATES,
  type PowerState,
  validateInventory,
} from "./inventory";
export type { SimulatorOptions } from "./options";
export { MAX_BODY_BYTES } from "./request-body";
export { ApiError, STATUS_OF_ERROR_TYPE } from "./responses";
export { ROUTE_NAMES, type RouteName } from "./router";
export { Simulator, type SimulatorDescription, type SimulatorVmDescription } from "./simulator";
export type { TransferTicket } from "./transfers";
export type { VmStatePatch } from "./virtual-machine";
