/** The vSphere guest-processes API client. */
export { type ClientLogger, type ClientStats, VCenterClient, type VCenterClientOptions } from "./client";
export { type GuestCredentials, toWireCredentials } from "./credentials";
export * from "./errors";
export {
  cmdEscape,
  type GuestCommandLine,
  POSIX_SHELL,
  posixQuote,
  WINDOWS_SHELL,
  windowsCommandLine,
  windowsQuoteArgument,
  wrapForFamily,
  wrapPosix,
  wrapWindows,
} from "./guest-command";
export * from "./guest-file-types";
export * from "./guest-file-wire";
export { type Pid, pidToString } from "./paths";
export { DEFAULT_MAX_OUTPUT_BYTES } from "./run-captured";
export { parseServerAddress, type ServerAddress } from "./server-address";
export type { GuestOperationsReadiness, ProcessInfo, ProcessSpec, ProcessSummary, VmSummary } from "./types";
export type { WaitOptions } from "./wait";
export * from "./wire";
