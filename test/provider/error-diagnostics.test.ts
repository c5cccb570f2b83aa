/**
 * The error → diagnostic mapping, table-driven: every error class of the client, in the contexts
 * that change where the diagnostic points. No host and no simulator needed.
 */

import type { Diagnostic } from "../../src/plugin/protocol/types";
import { type ErrorContext, errorToDiagnostic } from "../../src/provider/error-diagnostics";
import { OutageReport } from "../../src/provider/outage";
import {
  AbortedError,
  ApiError,
  BadResponseError,
  GuestAuthenticationError,
  InteractiveSessionError,
  InvalidArgumentError,
  LoginError,
  type OperationContext,
  ProcessNotFoundError,
  RequestTimeoutError,
  SessionLostError,
  TlsError,
  TransportError,
  VmLookupError,
  WaitTimeoutError,
} from "../../src/vcenter/errors";
import type { WireErrorType } from "../../src/vcenter/wire";

const envelope = (type: WireErrorType, message?: string, data?: Record<string, unknown>) => ({
  error_type: type,
  messages: message === undefined ? [] : [{ id: "test.message", default_message: message, args: [] }],
  ...(data ? { data } : {}),
});

const get: OperationContext = { operation: "get", vm: "vm-7", pid: "42", guestUser: "root", guest: true };
const create: OperationContext = { operation: "starting a process in", vm: "vm-7", guestUser: "root" };
const interactive: OperationContext = { ...get, interactive: true };

const base: ErrorContext = {
  vmAttribute: "vm",
  ownCredentials: false,
  doing: "reading guest process",
  redact: (text) => text.replaceAll("S3cret!", "***"),
};
const own: ErrorContext = { ...base, ownCredentials: true };
const byName: ErrorContext = { ...base, vmAttribute: "vm_name" };
const configuring: ErrorContext = {
  ...base,
  doing: "configuring the vsphereguest provider",
  fieldAttributes: { server: "vsphere_server", ca_file: "ca_file", user: "user", password: "password" },
};

const path = (...names: string[]) => names.map((attributeName) => ({ attributeName }));

interface Row {
  name: string;
  error: unknown;
  context: ErrorContext;
  summary: string;
  attribute: Diagnostic["attribute"];
  detail: (string | RegExp)[];
}

const rows: Row[] = [
  {
    name: "invalid pid",
    error: new InvalidArgumentError("pid", "pid 0 is out of range", "a process id is a whole number"),
    context: base,
    summary: "Invalid pid",
    attribute: path("pid"),
    detail: ["Pid 0 is out of range: a process id is a whole number."],
  },
  {
    name: "invalid guest password, data source's own credentials",
    error: new InvalidArgumentError("credentials.password", 'no guest password was given for user "root"'),
    context: own,
    summary: "Invalid guest password",
    attribute: path("credentials", "password"),
    detail: ['No guest password was given for user "root".'],
  },
  {
    name: "invalid guest password, the provider's credentials",
    error: new InvalidArgumentError("credentials.password", "no guest password was given"),
    context: base,
    summary: "Invalid guest password",
    attribute: undefined,
    detail: ["No guest password was given."],
  },
  {
    name: "overlong vm",
    error: new InvalidArgumentError(
      "vm",
      "vm is 300 characters long; a VM's managed object id (like vm-42) or name has at most 256",
    ),
    context: base,
    summary: "Invalid vm",
    attribute: path("vm"),
    detail: ["Vm is 300 characters long"],
  },
  {
    name: "server with a path, while configuring",
    error: new InvalidArgumentError("server", 'server "vc/api" has a path or query'),
    context: configuring,
    summary: "Invalid vsphere_server",
    attribute: path("vsphere_server"),
    detail: ['Server "vc/api" has a path or query.'],
  },
  {
    name: "unreadable ca_file, while configuring",
    error: new InvalidArgumentError("ca_file", 'the CA bundle "/nope.pem" cannot be read (ENOENT)'),
    context: configuring,
    summary: "Invalid ca_file",
    attribute: path("ca_file"),
    detail: ['The CA bundle "/nope.pem" cannot be read (ENOENT).'],
  },
  {
    name: "no VM by that name",
    error: new VmLookupError("web", []),
    context: byName,
    summary: "VM not found by name",
    attribute: path("vm_name"),
    detail: ['No VM is named "web": check the name'],
  },
  {
    name: "a VM name with control and bidi characters is escaped",
    error: new VmLookupError("web\n\u202eexe.txt\u001b[2J", []),
    context: byName,
    summary: "VM not found by name",
    attribute: path("vm_name"),
    detail: ['No VM is named "web\\n\\u202eexe.txt\\u001b[2J"'],
  },
  {
    name: "pid gone",
    error: new ProcessNotFoundError(404, envelope("NOT_FOUND", "no pid", { pid: 42 }), get),
    context: base,
    summary: "Guest process not found",
    attribute: path("pid"),
    detail: ["the guest does not know pid 42", "about 5 minutes"],
  },
  {
    name: "guest credentials refused, own credentials",
    error: new GuestAuthenticationError(401, envelope("UNAUTHENTICATED"), get),
    context: own,
    summary: "Guest credentials refused",
    attribute: path("credentials"),
    detail: [
      "Get process 42 in VM vm-7 failed with 401 UNAUTHENTICATED",
      'refused the guest credentials of user "root"',
    ],
  },
  {
    name: "guest credentials refused, the provider's credentials",
    error: new GuestAuthenticationError(401, envelope("UNAUTHENTICATED"), get),
    context: base,
    summary: "Guest credentials refused",
    attribute: undefined,
    detail: ["refused the guest credentials"],
  },
  {
    name: "interactive session missing, own credentials",
    error: new InteractiveSessionError(400, envelope("NOT_ALLOWED_IN_CURRENT_STATE"), interactive),
    context: own,
    summary: "Guest user not logged in to the desktop",
    attribute: path("credentials", "interactive_session"),
    detail: [
      'interactive_session is true but guest user "root" is not logged in to the desktop of vm-7',
      "or set interactive_session to false",
    ],
  },
  {
    name: "interactive session missing, the provider's credentials",
    error: new InteractiveSessionError(400, envelope("NOT_ALLOWED_IN_CURRENT_STATE"), interactive),
    context: base,
    summary: "Guest user not logged in to the desktop",
    attribute: undefined,
    detail: ["is not logged in to the desktop of vm-7"],
  },
  {
    name: "not allowed in current state with an interactive session, VM state unknown",
    error: new ApiError(400, envelope("NOT_ALLOWED_IN_CURRENT_STATE"), interactive),
    context: base,
    summary: "VM not running, or no interactive session",
    attribute: path("vm"),
    detail: ["vm-7 is not running (powered off or suspended), or interactive_session is true"],
  },
  {
    name: "VM powered off",
    error: new ApiError(400, envelope("NOT_ALLOWED_IN_CURRENT_STATE"), get),
    context: byName,
    summary: "VM is not running",
    attribute: path("vm_name"),
    detail: ["vm-7 is not running (powered off or suspended): power it on"],
  },
  {
    name: "session lost again right after the re-login",
    error: new SessionLostError(401, envelope("UNAUTHENTICATED"), get),
    context: own,
    summary: "vCenter session lost",
    attribute: undefined,
    detail: ["vCenter ended the session again right after the client logged in again"],
  },
  {
    name: "vCenter login refused",
    error: new LoginError(401, envelope("UNAUTHENTICATED"), { operation: "login", guestUser: "admin" }),
    context: configuring,
    summary: "vCenter login failed",
    attribute: undefined,
    detail: ['vCenter refused the login of "admin"', "check the vCenter user and password"],
  },
  {
    name: "wait timed out",
    error: new WaitTimeoutError("vm-7", "42", 90_000, undefined),
    context: base,
    summary: "Timed out waiting for guest process",
    attribute: path("timeout"),
    detail: ["Process 42 in VM vm-7 did not exit within 1m30s"],
  },
  {
    name: "stopped by the host",
    error: new AbortedError("waiting for process 42"),
    context: base,
    summary: "Interrupted",
    attribute: undefined,
    detail: ["Waiting for process 42 was cancelled: the provider was asked to stop."],
  },
  {
    name: "Tools not running",
    error: new ApiError(503, envelope("SERVICE_UNAVAILABLE"), get),
    context: base,
    summary: "VMware Tools not running",
    attribute: path("vm"),
    detail: ["VMware Tools is not running in vm-7"],
  },
  {
    name: "no such VM id",
    error: new ApiError(404, envelope("NOT_FOUND"), get),
    context: base,
    summary: "VM not found",
    attribute: path("vm"),
    detail: ['no VM has the id "vm-7"'],
  },
  {
    name: "guest operations unsupported",
    error: new ApiError(400, envelope("UNSUPPORTED"), get),
    context: base,
    summary: "Guest operations not supported",
    attribute: path("vm"),
    detail: ["does not support or has disabled guest operations"],
  },
  {
    name: "create refused for a bad program path",
    error: new ApiError(400, envelope("INVALID_ARGUMENT", "spec.path: not absolute"), create),
    context: base,
    summary: "Error reading guest process",
    attribute: undefined,
    detail: [
      /^Starting a process in VM vm-7 failed with 400 INVALID_ARGUMENT \(vCenter said: spec\.path: not absolute\)/,
    ],
  },
  {
    name: "a server message with control characters is escaped",
    error: new ApiError(500, envelope("ERROR", "bad\u001b]0;pwned\u0007\u202e"), get),
    context: base,
    summary: "Error reading guest process",
    attribute: undefined,
    detail: ["(vCenter said: bad\\u001b]0;pwned\\u0007\\u202e)"],
  },
  {
    name: "certificate not trusted",
    error: new TlsError("the certificate of vc:443 is not trusted", "SELF_SIGNED_CERT_IN_CHAIN", undefined),
    context: configuring,
    summary: "vCenter certificate not trusted",
    attribute: undefined,
    detail: ["ca_file"],
  },
  {
    name: "connect timeout",
    error: new RequestTimeoutError("connect", 10_000, "connecting to vc:443 timed out"),
    context: configuring,
    summary: "Cannot reach vCenter",
    attribute: undefined,
    detail: ["Connecting to vc:443 timed out"],
  },
  {
    name: "connection refused",
    error: new TransportError("cannot connect to vc:443 (ECONNREFUSED)", "ECONNREFUSED", undefined),
    context: configuring,
    summary: "Cannot reach vCenter",
    attribute: undefined,
    detail: ["Cannot connect to vc:443 (ECONNREFUSED)."],
  },
  {
    name: "bad answer",
    error: new BadResponseError("vCenter answered HTTP 200 with an HTML page", 200, "text/html"),
    context: base,
    summary: "Error reading guest process",
    attribute: undefined,
    detail: ["vCenter answered HTTP 200 with an HTML page"],
  },
  {
    name: "an unexpected exception, with a secret redacted",
    error: new Error("boom with S3cret!"),
    context: base,
    summary: "Error reading guest process",
    attribute: undefined,
    detail: ["Unexpected error: boom with ***."],
  },
];

/** Whether `text` holds a control or bidi character as it is, unescaped. */
function hasRawUnsafe(text: string): boolean {
  return [...text].some((c) => {
    const n = c.codePointAt(0)!;
    return (
      n < 0x20 || (n >= 0x7f && n <= 0x9f) || (n >= 0x202a && n <= 0x202e) || (n >= 0x2066 && n <= 0x2069)
    );
  });
}

describe("errorToDiagnostic", () => {
  test.each(rows)("$name", ({ error, context, summary, attribute, detail }) => {
    const diagnostic = errorToDiagnostic(error, context);
    expect(diagnostic.severity).toBe("error");
    expect(diagnostic.summary).toBe(summary);
    expect(diagnostic.attribute).toEqual(attribute);
    for (const part of detail) {
      if (typeof part === "string") expect(diagnostic.detail).toContain(part);
      else expect(diagnostic.detail).toMatch(part);
    }
    expect(diagnostic.detail?.endsWith(".")).toBe(true);
    // Nothing a user value carried reaches the message raw.
    expect(hasRawUnsafe(diagnostic.detail ?? "")).toBe(false);
  });
});

describe("errorToDiagnostic with an outage report", () => {
  test.each([
    [
      "connection refused",
      new TransportError("cannot connect to vc:443 (ECONNREFUSED)", "ECONNREFUSED", undefined),
      "Cannot reach vCenter",
    ],
    [
      "certificate not trusted",
      new TlsError("the certificate of vc:443 is not trusted", "CERT_HAS_EXPIRED", undefined),
      "vCenter certificate not trusted",
    ],
    [
      "request timeout",
      new RequestTimeoutError("headers", 5000, "vCenter did not answer within 5s"),
      "Cannot reach vCenter",
    ],
  ])("%s: told in full once, then pointed at", (_name, error, summary) => {
    const outage = new OutageReport();
    const first = errorToDiagnostic(error, { ...base, outage });
    expect(first.summary).toBe(summary);
    const second = errorToDiagnostic(error, { ...base, outage });
    expect(second).toEqual({
      severity: "error",
      summary: "Not read: vCenter unreachable",
      detail: `This data source was not read because vCenter could not be reached; the cause is in the "${summary}" error reported for another data source.`,
    });
  });

  test("a data source's own problem is never folded into an outage", () => {
    const outage = new OutageReport();
    errorToDiagnostic(new TransportError("reset", "ECONNRESET", undefined), { ...base, outage });
    for (const error of [
      new ProcessNotFoundError(404, envelope("NOT_FOUND", "no pid", { pid: 42 }), get),
      new GuestAuthenticationError(401, envelope("UNAUTHENTICATED"), get),
      new ApiError(400, envelope("NOT_ALLOWED_IN_CURRENT_STATE"), get),
    ]) {
      expect(errorToDiagnostic(error, { ...base, outage }).summary).not.toBe("Not read: vCenter unreachable");
    }
  });
});
