/**
 * The error family of the API client. Every error has a stable `code` (like undici's
 * `UND_ERR_*`), a `name`, and the data a caller needs to react; messages name the VM and the
 * pid and say what to do. Credentials never appear in any message.
 *
 * | code | class | when |
 * |---|---|---|
 * | `VSG_ERR_INVALID_ARGUMENT` | {@link InvalidArgumentError} | bad input, rejected before any request |
 * | `VSG_ERR_API` | {@link ApiError} | vCenter answered with the standard error envelope |
 * | `VSG_ERR_LOGIN` | {@link LoginError} | vCenter refused the SSO user and password |
 * | `VSG_ERR_GUEST_AUTH` | {@link GuestAuthenticationError} | the guest refused the guest credentials |
 * | `VSG_ERR_SESSION` | {@link SessionLostError} | vCenter dropped the session again right after the one re-login |
 * | `VSG_ERR_NO_INTERACTIVE_SESSION` | {@link InteractiveSessionError} | `interactive_session` is true but the guest user is not logged in to the desktop |
 * | `VSG_ERR_PROCESS_NOT_FOUND` | {@link ProcessNotFoundError} | no such pid (or it ended more than ~5 minutes ago) |
 * | `VSG_ERR_VM_LOOKUP` | {@link VmLookupError} | a VM name matched no VM or several |
 * | `VSG_ERR_TRANSPORT` | {@link TransportError} | connection refused, reset, DNS failure |
 * | `VSG_ERR_TIMEOUT` | {@link RequestTimeoutError} | connect or request timeout |
 * | `VSG_ERR_TLS` | {@link TlsError} | the server certificate could not be verified |
 * | `VSG_ERR_BAD_RESPONSE` | {@link BadResponseError} | not JSON, HTML from a proxy, oversized, wrong shape |
 * | `VSG_ERR_WAIT_TIMEOUT` | {@link WaitTimeoutError} | `waitForExit` ran out of time |
 * | `VSG_ERR_ABORTED` | {@link AbortedError} | the caller's AbortSignal fired |
 * | `VSG_ERR_GUEST_FILE_NOT_FOUND` | {@link GuestFileNotFoundError} | no such file or directory in the guest |
 * | `VSG_ERR_TRANSFER` | {@link TransferError} | the ESXi host refused the transfer URL (used, expired, VM powered off) |
 * | `VSG_ERR_TRANSFER_LIMIT` | {@link TransferLimitError} | a download is larger than the limit the caller set |
 */
import { escapeText, quote } from "../util/quote";
import type { ProcessInfo } from "./types";
import type { WireError, WireErrorType, WireLocalizableMessage } from "./wire";

/** Every code an error of this client can carry. */
export type VsphereGuestErrorCode =
  | "VSG_ERR_INVALID_ARGUMENT"
  | "VSG_ERR_API"
  | "VSG_ERR_LOGIN"
  | "VSG_ERR_GUEST_AUTH"
  | "VSG_ERR_SESSION"
  | "VSG_ERR_NO_INTERACTIVE_SESSION"
  | "VSG_ERR_PROCESS_NOT_FOUND"
  | "VSG_ERR_VM_LOOKUP"
  | "VSG_ERR_TRANSPORT"
  | "VSG_ERR_TIMEOUT"
  | "VSG_ERR_TLS"
  | "VSG_ERR_BAD_RESPONSE"
  | "VSG_ERR_WAIT_TIMEOUT"
  | "VSG_ERR_ABORTED"
  | "VSG_ERR_GUEST_FILE_NOT_FOUND"
  | "VSG_ERR_TRANSFER"
  | "VSG_ERR_TRANSFER_LIMIT";

/** Base class of every error the client throws. */
export class VsphereGuestError extends Error {
  /** Stable machine-readable code. */
  readonly code: VsphereGuestErrorCode;
  /** What to do about it, in one sentence (also part of `message`). */
  readonly hint: string | undefined;

  constructor(code: VsphereGuestErrorCode, message: string, options?: { cause?: unknown; hint?: string }) {
    super(options?.hint ? `${message}: ${options.hint}` : message, { cause: options?.cause });
    this.name = "VsphereGuestError";
    this.code = code;
    this.hint = options?.hint;
  }
}

/** Bad input rejected before any request was sent. `field` names the argument at fault. */
export class InvalidArgumentError extends VsphereGuestError {
  /** The argument at fault, e.g. `pid` or `credentials.password`. */
  readonly field: string;
  constructor(field: string, message: string, hint?: string) {
    super("VSG_ERR_INVALID_ARGUMENT", message, { hint });
    this.name = "InvalidArgumentError";
    this.field = field;
  }
}

/** What the client was doing when the error happened; used to word messages. */
export interface OperationContext {
  /** Short operation name, e.g. `get`, `create`, `login`. */
  operation: string;
  vm?: string;
  pid?: string;
  /** Guest file or directory path the call was about. */
  path?: string;
  /** Guest user name (never a password) for guest-credential errors. */
  guestUser?: string;
  /** Whether the call carried guest credentials (a 401 is then about them). */
  guest?: boolean;
  /** Whether the guest credentials asked for an interactive session (`interactive_session`). */
  interactive?: boolean;
  /** The vCenter session was gone again right after the one re-login of this call. */
  sessionLost?: boolean;
  /** The VM runs and guest operations are ready, so the refusal is about the interactive session. */
  noInteractiveSession?: boolean;
}

/** vCenter answered with the standard error envelope (`error_type`, `messages`, `data`). */
export class ApiError extends VsphereGuestError {
  /** HTTP status of the answer. */
  readonly statusCode: number;
  /** The envelope's `error_type` (`ERROR` when the server sent none). */
  readonly errorType: WireErrorType;
  /** The envelope's messages, first one describing the error from the operation's point of view. */
  readonly messages: WireLocalizableMessage[];
  /** The envelope's `data`, e.g. `{"pid": 42}` for an unknown pid. */
  readonly data: Record<string, unknown> | undefined;
  /** The operation, VM and pid the call was about. */
  readonly context: OperationContext;

  constructor(
    statusCode: number,
    envelope: WireError,
    context: OperationContext,
    code: VsphereGuestErrorCode = "VSG_ERR_API",
  ) {
    const { message, hint } = describeApiError(statusCode, envelope, context);
    super(code, message, { hint });
    this.name = "ApiError";
    this.statusCode = statusCode;
    this.errorType = envelope.error_type;
    this.messages = envelope.messages;
    this.data = envelope.data;
    this.context = context;
  }

  /** The server's own first message, if it sent one. */
  get serverMessage(): string | undefined {
    return this.messages[0]?.default_message;
  }
}

/** vCenter refused the SSO user name and password at `POST /api/session`. */
export class LoginError extends ApiError {
  constructor(statusCode: number, envelope: WireError, context: OperationContext) {
    super(statusCode, envelope, context, "VSG_ERR_LOGIN");
    this.name = "LoginError";
  }
}

/** The guest refused the guest credentials (401 while the vCenter session was still valid). */
export class GuestAuthenticationError extends ApiError {
  constructor(statusCode: number, envelope: WireError, context: OperationContext) {
    super(statusCode, envelope, context, "VSG_ERR_GUEST_AUTH");
    this.name = "GuestAuthenticationError";
  }
}

/**
 * vCenter no longer accepted the session right after the call had logged in again (its one
 * re-login): a session problem (session limits, an idle timeout shorter than the call, something
 * logging the user out), not a problem with the guest credentials.
 */
export class SessionLostError extends ApiError {
  constructor(statusCode: number, envelope: WireError, context: OperationContext) {
    super(statusCode, envelope, { ...context, sessionLost: true }, "VSG_ERR_SESSION");
    this.name = "SessionLostError";
  }
}

/**
 * `interactive_session` was true, the VM runs and guest operations are ready, yet the guest
 * refused the call as not allowed in the current state: the guest user is not logged in to the
 * guest's desktop.
 */
export class InteractiveSessionError extends ApiError {
  constructor(statusCode: number, envelope: WireError, context: OperationContext) {
    super(statusCode, envelope, { ...context, noInteractiveSession: true }, "VSG_ERR_NO_INTERACTIVE_SESSION");
    this.name = "InteractiveSessionError";
  }
}

/** The guest does not know the pid: wrong pid, or the process ended more than ~5 minutes ago. */
export class ProcessNotFoundError extends ApiError {
  constructor(statusCode: number, envelope: WireError, context: OperationContext) {
    super(statusCode, envelope, context, "VSG_ERR_PROCESS_NOT_FOUND");
    this.name = "ProcessNotFoundError";
  }
}

/** The guest has no file or directory at the path (404 NOT_FOUND with file error details). */
export class GuestFileNotFoundError extends ApiError {
  constructor(statusCode: number, envelope: WireError, context: OperationContext) {
    super(statusCode, envelope, context, "VSG_ERR_GUEST_FILE_NOT_FOUND");
    this.name = "GuestFileNotFoundError";
  }
}

/**
 * The ESXi host answered the `GET`/`PUT` of a transfer URL with an error status: the URL was
 * already used or expired, the VM was powered off or migrated, or the upload did not match the
 * size announced. `statusCode` is the host's HTTP status.
 */
export class TransferError extends VsphereGuestError {
  readonly statusCode: number | undefined;
  readonly vm: string;
  readonly path: string;
  constructor(
    message: string,
    details: { vm: string; path: string; statusCode?: number },
    hint: string,
    cause?: unknown,
  ) {
    super("VSG_ERR_TRANSFER", message, { hint, cause });
    this.name = "TransferError";
    this.statusCode = details.statusCode;
    this.vm = details.vm;
    this.path = details.path;
  }
}

/** A download was larger than the caller's limit; nothing beyond the limit was read. */
export class TransferLimitError extends VsphereGuestError {
  readonly vm: string;
  readonly path: string;
  readonly limitBytes: number;
  constructor(vm: string, path: string, limitBytes: number, sizeBytes?: number) {
    super(
      "VSG_ERR_TRANSFER_LIMIT",
      `${path} in VM ${vm} is larger than the limit of ${limitBytes} bytes${sizeBytes !== undefined ? ` (it has ${sizeBytes})` : ""}`,
      { hint: "raise the limit (maxBytes, --max-bytes) if you really want all of it" },
    );
    this.name = "TransferLimitError";
    this.vm = vm;
    this.path = path;
    this.limitBytes = limitBytes;
  }
}

/** A VM name matched no VM, or several. `matches` lists the ids found. */
export class VmLookupError extends VsphereGuestError {
  readonly vmName: string;
  readonly matches: string[];
  constructor(vmName: string, matches: string[]) {
    super(
      "VSG_ERR_VM_LOOKUP",
      matches.length === 0
        ? `no VM is named ${quote(vmName)}`
        : `${matches.length} VMs are named ${quote(vmName)} (${escapeText(matches.join(", "))})`,
      {
        hint:
          matches.length === 0
            ? "check the name (it must match exactly, case included) or give the managed object id (like vm-42)"
            : "give the managed object id of the one you mean instead of the name",
      },
    );
    this.name = "VmLookupError";
    this.vmName = vmName;
    this.matches = matches;
  }
}

/** The connection failed: refused, reset, closed, DNS failure. `causeCode` is the system code. */
export class TransportError extends VsphereGuestError {
  readonly causeCode: string | undefined;
  constructor(message: string, causeCode: string | undefined, cause: unknown, hint?: string) {
    super("VSG_ERR_TRANSPORT", message, { cause, hint });
    this.name = "TransportError";
    this.causeCode = causeCode;
  }
}

/** Connecting, or waiting for an answer, took longer than the configured timeout. */
export class RequestTimeoutError extends VsphereGuestError {
  /** `connect`, `headers` or `body`. */
  readonly phase: "connect" | "headers" | "body";
  readonly timeoutMs: number;
  constructor(phase: "connect" | "headers" | "body", timeoutMs: number, message: string, cause?: unknown) {
    super("VSG_ERR_TIMEOUT", message, {
      cause,
      hint:
        phase === "connect"
          ? "check that the server address is right and reachable, or raise the connect timeout"
          : "vCenter is slow to answer; retry, or raise the request timeout (api_timeout)",
    });
    this.name = "RequestTimeoutError";
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}

/** The server's TLS certificate could not be verified. `causeCode` is Node's code for why. */
export class TlsError extends VsphereGuestError {
  readonly causeCode: string | undefined;
  constructor(message: string, causeCode: string | undefined, cause: unknown) {
    super("VSG_ERR_TLS", message, {
      cause,
      hint: "give the CA bundle that signed vCenter's certificate (ca_file / --ca-file / VSPHERE_CA_FILE), or, only for a lab, turn verification off with allow_unverified_ssl / --insecure",
    });
    this.name = "TlsError";
    this.causeCode = causeCode;
  }
}

/** The answer was not what the API sends: not JSON, HTML from a proxy, too large, or the wrong shape. */
export class BadResponseError extends VsphereGuestError {
  readonly statusCode: number | undefined;
  readonly contentType: string | undefined;
  constructor(
    message: string,
    statusCode: number | undefined,
    contentType: string | undefined,
    hint?: string,
  ) {
    super("VSG_ERR_BAD_RESPONSE", message, {
      hint:
        hint ??
        "check that the server address points at vCenter's API (and not at a proxy or login page), and that it is vSphere 7.0.2 or later",
    });
    this.name = "BadResponseError";
    this.statusCode = statusCode;
    this.contentType = contentType;
  }
}

/** `waitForExit` gave up. `lastInfo` is the last state read (the process was still running). */
export class WaitTimeoutError extends VsphereGuestError {
  readonly vm: string;
  readonly pid: string;
  readonly timeoutMs: number;
  readonly lastInfo: ProcessInfo | undefined;
  constructor(
    vm: string,
    pid: string,
    timeoutMs: number,
    lastInfo: ProcessInfo | undefined,
    lastError?: Error,
  ) {
    const state = lastInfo
      ? `still running (started ${lastInfo.started})`
      : lastError
        ? `not readable (${lastError.message})`
        : "not read yet";
    super(
      "VSG_ERR_WAIT_TIMEOUT",
      `process ${escapeText(pid)} in VM ${escapeText(vm)} did not exit within ${formatMs(timeoutMs)}; it is ${state}`,
      {
        hint: "raise the timeout, or check what the process is doing in the guest",
        cause: lastError,
      },
    );
    this.name = "WaitTimeoutError";
    this.vm = vm;
    this.pid = pid;
    this.timeoutMs = timeoutMs;
    this.lastInfo = lastInfo;
  }
}

/** The caller aborted the operation through its AbortSignal. */
export class AbortedError extends VsphereGuestError {
  constructor(what: string, cause?: unknown) {
    super("VSG_ERR_ABORTED", `${what} was cancelled`, { cause });
    this.name = "AbortedError";
  }
}

/** Formats milliseconds the way people read durations: `850ms`, `12s`, `5m`, `1m30s`. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  const rest = s % 60;
  return rest === 0 ? `${m}m` : `${m}m${rest}s`;
}

function subject(context: OperationContext): string {
  if (context.path !== undefined && context.vm !== undefined)
    return `${quote(context.path)} in VM ${context.vm}`;
  if (context.pid !== undefined && context.vm !== undefined)
    return `process ${escapeText(context.pid)} in VM ${escapeText(context.vm)}`;
  if (context.vm !== undefined) return `VM ${escapeText(context.vm)}`;
  return "vCenter";
}

/**
 * What a `NOT_FOUND` answer is about, decided in this one place (the client picks the error class
 * from it, the message its words): a guest file (the call named a guest path and vCenter sent
 * `data`), a process (`data.pid`), else the VM. `undefined` for any other `error_type`.
 */
export function notFoundSubject(
  envelope: WireError,
  context: Pick<OperationContext, "path">,
): "guest-file" | "process" | "vm" | undefined {
  if (envelope.error_type !== "NOT_FOUND") return undefined;
  if (context.path !== undefined && envelope.data !== undefined) return "guest-file";
  if (envelope.data && "pid" in envelope.data) return "process";
  return "vm";
}

/** Words the message and the hint of an API error from its status, `error_type` and context. */
function describeApiError(
  statusCode: number,
  envelope: WireError,
  context: OperationContext,
): { message: string; hint?: string } {
  const server = envelope.messages[0]?.default_message;
  const said = server ? ` (vCenter said: ${escapeText(server)})` : "";
  const what = `${context.operation} ${subject(context)} failed with ${statusCode} ${envelope.error_type}${said}`;
  const vm = context.vm !== undefined ? escapeText(context.vm) : "the VM";
  const user = context.guestUser !== undefined ? `guest user ${quote(context.guestUser)}` : "the guest user";
  switch (envelope.error_type) {
    case "NOT_ALLOWED_IN_CURRENT_STATE":
      if (context.noInteractiveSession) {
        return {
          message: what,
          hint: `interactive_session is true but ${user} is not logged in to the desktop of ${vm}: log that user in to the guest desktop, or set interactive_session to false`,
        };
      }
      if (context.interactive) {
        return {
          message: what,
          hint: `${vm} is not running (powered off or suspended), or interactive_session is true and ${user} is not logged in to its desktop: power it on, or log that user in, or set interactive_session to false`,
        };
      }
      return {
        message: what,
        hint: `${vm} is not running (powered off or suspended): power it on and retry once VMware Tools is up`,
      };
    case "SERVICE_UNAVAILABLE":
      return {
        message: what,
        hint: `VMware Tools is not running in ${vm}: right after power-on or clone, wait for the guest to boot; otherwise check that Tools is installed and started`,
      };
    case "UNSUPPORTED":
      return {
        message: what,
        hint: `VMware Tools in ${vm} does not support or has disabled guest operations: upgrade Tools or enable guest operations in its configuration`,
      };
    case "UNAUTHENTICATED":
      if (context.operation === "login") {
        return {
          message: `vCenter refused the login${context.guestUser ? ` of ${quote(context.guestUser)}` : ""}${said}`,
          hint: "check the vCenter user and password (user / password, VSPHERE_USER / VSPHERE_PASSWORD)",
        };
      }
      if (context.sessionLost) {
        return {
          message: what,
          hint: "vCenter ended the session again right after the client logged in again: check vCenter's session limits and idle timeout, and whether something else logs this user out, then retry",
        };
      }
      if (context.guest === false) {
        return {
          message: what,
          hint: "vCenter no longer accepts the session, even after logging in again: check that the user may still log in and has the privileges needed",
        };
      }
      return {
        message: what,
        hint: `the guest operating system of ${vm} refused the guest credentials${context.guestUser ? ` of user ${quote(context.guestUser)}` : ""}: check the guest user name and password (or SAML token), and set interactive_session only when that user is logged in to the guest desktop`,
      };
    case "UNAUTHORIZED":
      if (context.path !== undefined) {
        return {
          message: what,
          hint: `the guest user${context.guestUser ? ` ${quote(context.guestUser)}` : ""} may not read or write ${quote(context.path)} in ${vm}: use a path that user owns (e.g. under its home or temporary directory), or other guest credentials`,
        };
      }
      return {
        message: what,
        hint: "the vCenter user lacks the privilege (VirtualMachine.GuestOperations.Query for get/list, .Execute for create/delete), or the guest user may not run that program",
      };
    case "NOT_FOUND":
      if (notFoundSubject(envelope, context) === "guest-file") {
        return {
          message: what,
          hint: `${vm} has no file or directory ${quote(context.path ?? "")}: check the path (absolute, in the guest's own syntax)`,
        };
      }
      if (envelope.data && notFoundSubject(envelope, context) === "process") {
        return {
          message: what,
          hint: `the guest does not know pid ${escapeText(String(envelope.data.pid))}: the guest keeps a process's exit code for only about 5 minutes after it ends, so read it sooner (or wait with wait_for_exit); otherwise check the pid`,
        };
      }
      return {
        message: what,
        hint: `no VM has the id ${context.vm !== undefined ? quote(context.vm) : "given"}: use the managed object id (like vm-42; the Terraform vSphere provider exports it as moid), not the name or the BIOS UUID, or look it up by name`,
      };
    case "RESOURCE_BUSY":
      return { message: what, hint: `${vm} stayed busy through every retry; try again later` };
    case "INVALID_ARGUMENT":
      if (context.path !== undefined) {
        return {
          message: what,
          hint: `check ${quote(context.path)}: transfers need the complete path of a regular file (not a directory or a symbolic link), in the guest's own syntax`,
        };
      }
      return { message: what, hint: "check the arguments named in vCenter's message" };
    case "ALREADY_EXISTS":
      return {
        message: what,
        hint: `${context.path !== undefined ? quote(context.path) : "the file"} already exists in ${vm}: allow overwriting (overwrite / --overwrite) or choose another path`,
      };
    case "UNABLE_TO_ALLOCATE_RESOURCE":
      return {
        message: what,
        hint: `the guest of ${vm} has no room for it: free space in the guest's file system or upload somewhere else`,
      };
    case "OPERATION_NOT_FOUND":
      return {
        message: what,
        hint: "this vCenter does not offer the operation: guest processes need vSphere 7.0.2 or later",
      };
    default:
      return { message: what };
  }
}
