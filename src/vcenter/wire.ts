/**
 * Wire shapes of the vSphere Automation REST API, exactly as they travel (snake_case).
 * Shared by the API client and the simulator so both sides agree on one definition.
 */

/** Guest authentication data sent in the body of every Processes call. */
export interface WireCredentials {
  /** Required by the API; `true` only when the same user is logged in to the guest desktop. */
  interactive_session: boolean;
  /** Required by the API: the only two kinds the guest accepts. */
  type: "USERNAME_PASSWORD" | "SAML_BEARER_TOKEN";
  user_name?: string;
  password?: string;
  saml_token?: string;
}

/** `Processes.CreateSpec`: what to start in the guest. */
export interface WireCreateSpec {
  /** Absolute path of the program. */
  path: string;
  /** All arguments, as one string. */
  arguments?: string;
  working_directory?: string;
  /** Replaces the whole environment of the new process. */
  environment_variables?: Record<string, string>;
  /** Windows guests only; a Linux guest answers 400. */
  start_minimized?: boolean;
}

/** `Processes.Info`, the answer of `get`. */
export interface WireProcessInfo {
  name: string;
  owner: string;
  command: string;
  /** ISO 8601 date-time. */
  started: string;
  /** Only for processes started by `create` that ended less than about 5 minutes ago. */
  finished?: string;
  /** Only for processes started by `create` that ended less than about 5 minutes ago. */
  exit_code?: number;
}

/** `Processes.Summary`, one element of the answer of `list`. */
export interface WireProcessSummary {
  pid: number;
  name: string;
  owner: string;
  command: string;
  started: string;
}

/** Answer of `GET /api/vcenter/vm/{vm}/guest/operations`. */
export interface WireGuestOperationsInfo {
  guest_operations_ready: boolean;
  interactive_guest_operations_ready: boolean;
}

/** One element of `GET /api/vcenter/vm`. */
export interface WireVmSummary {
  vm: string;
  name: string;
  power_state: "POWERED_ON" | "POWERED_OFF" | "SUSPENDED";
  cpu_count?: number;
  memory_size_MiB?: number;
}

/** Answer of `GET /api/session`. */
export interface WireSessionInfo {
  user: string;
  created_time: string;
  last_accessed_time: string;
}

/** One localizable message of the standard error envelope. */
export interface WireLocalizableMessage {
  id: string;
  default_message: string;
  args: string[];
}

/** The standard vAPI error envelope every error response carries. */
export interface WireError {
  error_type: WireErrorType;
  messages: WireLocalizableMessage[];
  data?: Record<string, unknown>;
}

/** Every `error_type` the API defines. */
export const WIRE_ERROR_TYPES = [
  "ERROR",
  "ALREADY_EXISTS",
  "ALREADY_IN_DESIRED_STATE",
  "CANCELED",
  "CONCURRENT_CHANGE",
  "FEATURE_IN_USE",
  "INTERNAL_SERVER_ERROR",
  "INVALID_ARGUMENT",
  "INVALID_ELEMENT_CONFIGURATION",
  "INVALID_ELEMENT_TYPE",
  "INVALID_REQUEST",
  "NOT_ALLOWED_IN_CURRENT_STATE",
  "NOT_FOUND",
  "OPERATION_NOT_FOUND",
  "RESOURCE_BUSY",
  "RESOURCE_IN_USE",
  "RESOURCE_INACCESSIBLE",
  "SERVICE_UNAVAILABLE",
  "TIMED_OUT",
  "UNABLE_TO_ALLOCATE_RESOURCE",
  "UNAUTHENTICATED",
  "UNAUTHORIZED",
  "UNEXPECTED_INPUT",
  "UNSUPPORTED",
  "UNVERIFIED_PEER",
] as const;

/** A standard `error_type` discriminator. */
export type WireErrorType = (typeof WIRE_ERROR_TYPES)[number];

/** The header that carries the vCenter session token. */
export const SESSION_HEADER = "vmware-api-session-id";
