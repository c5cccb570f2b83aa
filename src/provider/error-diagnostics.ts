/**
 * Client errors as diagnostics: a short summary, the client's message (which names the VM and
 * the pid and says what to do) as detail, and the attribute at fault where there is one.
 */

import { attr, errorDiag } from "../plugin/diagnostics";
import type { AttributePathStep, Diagnostic } from "../plugin/protocol/types";
import { escapeText } from "../util/quote";
import {
  AbortedError,
  ApiError,
  GuestAuthenticationError,
  InteractiveSessionError,
  InvalidArgumentError,
  LoginError,
  ProcessNotFoundError,
  RequestTimeoutError,
  SessionLostError,
  TlsError,
  TransportError,
  VmLookupError,
  VsphereGuestError,
  WaitTimeoutError,
} from "../vcenter/errors";
import { isOutage, type OutageReport } from "./outage";

/** Which arguments the configuration used, to point at the right one. */
export interface ErrorContext {
  /** `vm` or `vm_name`, whichever the configuration set. */
  vmAttribute: "vm" | "vm_name";
  /** Whether the data source has its own credentials block (else the provider's were used). */
  ownCredentials: boolean;
  /** What was being done, for the summary, e.g. "reading guest process". */
  doing: string;
  /** Redacts secrets from text (defence in depth; messages never contain them). */
  redact: (text: string) => string;
  /**
   * The attribute of each client argument named by an {@link InvalidArgumentError} `field`, for
   * errors found while configuring (e.g. `server` → `vsphere_server`, `ca_file` → `ca_file`).
   */
  fieldAttributes?: Readonly<Record<string, string>>;
  /**
   * Shared by the reads of one provider process: an unreachable vCenter is told in full once;
   * the other reads failing for it get a short diagnostic pointing at that one.
   */
  outage?: OutageReport;
}

/** Capitalises a sentence, leaving words like "vCenter" as they are. */
function upperFirst(text: string): string {
  if (/^[a-z]+[A-Z]/.test(text)) return text;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Maps an error thrown while reading into one diagnostic. */
export function errorToDiagnostic(error: unknown, context: ErrorContext): Diagnostic {
  const diagnostic = describeError(error, context);
  if (context.outage === undefined || !isOutage(error)) return diagnostic;
  const reported = context.outage.claim(diagnostic.summary);
  if (reported === undefined) return diagnostic;
  return errorDiag(
    "Not read: vCenter unreachable",
    `This data source was not read because vCenter could not be reached; the cause is in the "${reported}" error reported for another data source.`,
  );
}

function describeError(error: unknown, context: ErrorContext): Diagnostic {
  // escapeText is idempotent on messages that already escaped their values, and catches the rest
  // (an unexpected exception's text).
  const detail = (text: string): string =>
    context.redact(upperFirst(escapeText(text.endsWith(".") ? text : `${text}.`)));
  const vmPath = attr(context.vmAttribute);
  const credPath: AttributePathStep[] | undefined = context.ownCredentials ? attr("credentials") : undefined;
  if (error instanceof InvalidArgumentError) {
    const mapped = context.fieldAttributes?.[error.field];
    const path = mapped
      ? attr(mapped)
      : error.field.startsWith("credentials.")
        ? context.ownCredentials
          ? attr("credentials", error.field.slice("credentials.".length))
          : undefined
        : error.field === "pid" ||
            error.field === "timeout" ||
            error.field === "vm" ||
            error.field === "vm_name"
          ? attr(error.field)
          : undefined;
    return errorDiag(
      `Invalid ${mapped ?? error.field.replace("credentials.", "guest ")}`,
      detail(error.message),
      path,
    );
  }
  if (error instanceof VmLookupError)
    return errorDiag("VM not found by name", detail(error.message), attr("vm_name"));
  if (error instanceof ProcessNotFoundError)
    return errorDiag("Guest process not found", detail(error.message), attr("pid"));
  if (error instanceof InteractiveSessionError) {
    return errorDiag(
      "Guest user not logged in to the desktop",
      detail(error.message),
      context.ownCredentials ? attr("credentials", "interactive_session") : undefined,
    );
  }
  if (error instanceof SessionLostError) return errorDiag("vCenter session lost", detail(error.message));
  if (error instanceof GuestAuthenticationError) {
    return errorDiag("Guest credentials refused", detail(error.message), credPath);
  }
  if (error instanceof LoginError) return errorDiag("vCenter login failed", detail(error.message));
  if (error instanceof WaitTimeoutError) {
    return errorDiag("Timed out waiting for guest process", detail(error.message), attr("timeout"));
  }
  if (error instanceof AbortedError) {
    return errorDiag("Interrupted", detail(`${error.message}: the provider was asked to stop`));
  }
  if (error instanceof ApiError) {
    switch (error.errorType) {
      case "NOT_ALLOWED_IN_CURRENT_STATE":
        return errorDiag(
          error.context.interactive ? "VM not running, or no interactive session" : "VM is not running",
          detail(error.message),
          vmPath,
        );
      case "SERVICE_UNAVAILABLE":
        return errorDiag("VMware Tools not running", detail(error.message), vmPath);
      case "NOT_FOUND":
        return errorDiag("VM not found", detail(error.message), vmPath);
      case "UNSUPPORTED":
        return errorDiag("Guest operations not supported", detail(error.message), vmPath);
      default:
        return errorDiag(`Error ${context.doing}`, detail(error.message));
    }
  }
  if (error instanceof TlsError) return errorDiag("vCenter certificate not trusted", detail(error.message));
  if (error instanceof RequestTimeoutError || error instanceof TransportError) {
    return errorDiag("Cannot reach vCenter", detail(error.message));
  }
  if (error instanceof VsphereGuestError) return errorDiag(`Error ${context.doing}`, detail(error.message));
  const message = error instanceof Error ? error.message : String(error);
  return errorDiag(`Error ${context.doing}`, detail(`unexpected error: ${message}`));
}
