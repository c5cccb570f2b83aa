/** The vSphere guest-processes API client. */
export { type ClientLogger, type ClientStats, VCenterClient, type VCenterClientOptions } from "./client";
export { type GuestCredentials, toWireCredentials } from "./credentials";
export * from "./errors";
export { type Pid, pidToString } from "./paths";
export { parseServerAddress, type ServerAddress } from "./server-address";
export type { GuestOperationsReadiness, ProcessInfo, ProcessSpec, ProcessSummary, VmSummary } from "./types";
export type { WaitOptions } from "./wait";
export * from "./wire";
