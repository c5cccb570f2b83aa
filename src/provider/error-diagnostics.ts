/**
 * Client errors as diagnostics: a short summary, the client's message (which names the VM and
 * the pid and says what to do) as detail, and the attribute at fault where there is one.
 */

import { attr, errorDiag } from "../plugin/diagnostics";
import type { AttributePathStep, Diagnostic } from "../plugin/protocol/types";
import { escapeText } from "../util/quote";
import {
  type ApiError,
  type InvalidArgumentError,
  VsphereGuestError,
  type VsphereGuestErrorCode,
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

/** How one error code becomes a diagnostic. `detail` is the error's message, escaped and redacted. */
type Rule = (error: VsphereGuestError, context: ErrorContext, detail: (text: string) => string) => Diagnostic;

/** The diagnostic of an error that needs no summary of its own. */
const generic: Rule = (error, context, detail) => errorDiag(`Error ${context.doing}`, detail(error.message));
const unreachable: Rule = (error, _context, detail) =>
  errorDiag("Cannot reach vCenter", detail(error.message));
/** The VM's attribute, as the configuration set it. */
const vmPath = (context: ErrorContext): AttributePathStep[] => attr(context.vmAttribute);

/**
 * Every error code of the client and its diagnostic: the one table (a new code is a compile error
 * here until it has a row).
 */
const BY_CODE: Readonly<Record<VsphereGuestErrorCode, Rule>> = {
  VSG_ERR_INVALID_ARGUMENT: (error, context, detail) => {
    const field = (error as InvalidArgumentError).field;
    const mapped = context.fieldAttributes?.[field];
    const path = mapped
      ? attr(mapped)
      : field.startsWith("credentials.")
        ? context.ownCredentials
          ? attr("credentials", field.slice("credentials.".length))
          : undefined
        : ARGUMENT_ATTRIBUTES.has(field)
          ? attr(field)
          : undefined;
    return errorDiag(
      `Invalid ${mapped ?? field.replace("credentials.", "guest ")}`,
      detail(error.message),
      path,
    );
  },
  VSG_ERR_VM_LOOKUP: (error, _context, detail) =>
    errorDiag("VM not found by name", detail(error.message), attr("vm_name")),
  VSG_ERR_PROCESS_NOT_FOUND: (error, _context, detail) =>
    errorDiag("Guest process not found", detail(error.message), attr("pid")),
  VSG_ERR_NO_INTERACTIVE_SESSION: (error, context, detail) =>
    errorDiag(
      "Guest user not logged in to the desktop",
      detail(error.message),
      context.ownCredentials ? attr("credentials", "interactive_session") : undefined,
    ),
  VSG_ERR_SESSION: (error, _context, detail) => errorDiag("vCenter session lost", detail(error.message)),
  VSG_ERR_GUEST_AUTH: (error, context, detail) =>
    errorDiag(
      "Guest credentials refused",
      detail(error.message),
      context.ownCredentials ? attr("credentials") : undefined,
    ),
  VSG_ERR_LOGIN: (error, _context, detail) => errorDiag("vCenter login failed", detail(error.message)),
  VSG_ERR_WAIT_TIMEOUT: (error, _context, detail) =>
    errorDiag("Timed out waiting for guest process", detail(error.message), attr("timeout")),
  VSG_ERR_ABORTED: (error, _context, detail) =>
    errorDiag("Interrupted", detail(`${error.message}: the provider was asked to stop`)),
  VSG_ERR_API: (error, context, detail) => {
    const api = error as ApiError;
    switch (api.errorType) {
      case "NOT_ALLOWED_IN_CURRENT_STATE":
        return errorDiag(
          api.context.interactive ? "VM not running, or no interactive session" : "VM is not running",
          detail(error.message),
          vmPath(context),
        );
      case "SERVICE_UNAVAILABLE":
        return errorDiag("VMware Tools not running", detail(error.message), vmPath(context));
      case "NOT_FOUND":
        return errorDiag("VM not found", detail(error.message), vmPath(context));
      case "UNSUPPORTED":
        return errorDiag("Guest operations not supported", detail(error.message), vmPath(context));
      default:
        return generic(error, context, detail);
    }
  },
  VSG_ERR_GUEST_FILE_NOT_FOUND: (error, _context, detail) =>
    errorDiag("Guest file not found", detail(error.message)),
  VSG_ERR_TLS: (error, _context, detail) =>
    errorDiag("vCenter certificate not trusted", detail(error.message)),
  VSG_ERR_TIMEOUT: unreachable,
  VSG_ERR_TRANSPORT: unreachable,
  VSG_ERR_BAD_RESPONSE: generic,
  VSG_ERR_TRANSFER: generic,
  VSG_ERR_TRANSFER_LIMIT: generic,
};

/** Arguments of the data sources an invalid-argument error may name directly. */
const ARGUMENT_ATTRIBUTES = new Set(["pid", "timeout", "vm", "vm_name"]);

function describeError(error: unknown, context: ErrorContext): Diagnostic {
  // escapeText is idempotent on messages that already escaped their values, and catches the rest
  // (an unexpected exception's text).
  const detail = (text: string): string =>
    context.redact(upperFirst(escapeText(text.endsWith(".") ? text : `${text}.`)));
  if (error instanceof VsphereGuestError) return BY_CODE[error.code](error, context, detail);
  const message = error instanceof Error ? error.message : String(error);
  return errorDiag(`Error ${context.doing}`, detail(`unexpected error: ${message}`));
}
