/** The client's own (camelCase) view of the API's data. */

/** A guest process id: an int64, kept exact (a `bigint` or a decimal string beyond 2^53). */
export type Pid = number | bigint | string;

/** A guest process as `get` describes it. */
export interface ProcessInfo {
  /** The process name. */
  name: string;
  /** The user the process runs as. */
  owner: string;
  /** The full command line. */
  command: string;
  /** Start time, ISO 8601. */
  started: string;
  /** End time, ISO 8601; only for processes started through the API that ended less than ~5 minutes ago. */
  finished?: string;
  /**
   * Exit code (an int64: a `bigint` beyond 2^53, exact); only for processes started through the
   * API that ended less than ~5 minutes ago.
   */
  exitCode?: number | bigint;
}

/** A guest process as `list` describes it (never with an exit code). */
export interface ProcessSummary {
  pid: Pid;
  name: string;
  owner: string;
  command: string;
  started: string;
}

/** What to start in the guest. */
export interface ProcessSpec {
  /** Absolute path of the program in the guest. */
  path: string;
  /** Arguments as one string (the guest passes it through its shell on Linux). */
  arguments?: string;
  /** Working directory in the guest. */
  workingDirectory?: string;
  /** Replaces the whole environment of the new process. */
  environmentVariables?: Record<string, string>;
  /** Windows guests only. */
  startMinimized?: boolean;
}

/** A VM as the inventory lists it. */
export interface VmSummary {
  /** Managed object id, like `vm-42`. */
  vm: string;
  name: string;
  powerState: "POWERED_ON" | "POWERED_OFF" | "SUSPENDED";
}

/** Whether guest operations can run now. */
export interface GuestOperationsReadiness {
  guestOperationsReady: boolean;
  interactiveGuestOperationsReady: boolean;
}
