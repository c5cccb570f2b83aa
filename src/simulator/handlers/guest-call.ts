/**
 * The checks every guest Processes call goes through, in vCenter's order:
 * VM exists (404) → pid is an integer (400) → body is JSON (400) → credentials are well formed (400)
 * → spec is well formed (400, create only) → VM powered on (400) → Tools running (503)
 * → guest credentials valid (401) → interactive session available (400).
 * The vCenter session (401) was checked before the handler ran.
 */
import { isObject } from "../../util/json";
import { quote, quoteField } from "../../util/quote";
import type { WireCreateSpec, WireCredentials } from "../../vcenter/wire";
import type { RequestContext, SimulatorState } from "../context";
import { ApiError } from "../responses";
import type { VirtualMachine } from "../virtual-machine";

/** A guest call that passed every check. */
export interface GuestCall {
  /** The VM. */
  vm: VirtualMachine;
  /** The guest user the call runs as (the owner of what it creates). */
  user: string;
  /** The `{pid}` of the path, for `get` and `delete` (int64, hence `bigint`). */
  pid?: bigint;
  /** The create spec, for `create`. */
  spec?: WireCreateSpec;
}

type Json = Record<string, unknown>;

export function invalidArgument(field: string, message: string): ApiError {
  return new ApiError("INVALID_ARGUMENT", `${field}: ${message}`, {
    id: "simulator.guest.invalid_argument",
    args: [field],
  });
}

/** The VM with id `id`. @throws {@link ApiError} 404 NOT_FOUND when there is none */
export function findVm(state: SimulatorState, id: string): VirtualMachine {
  const vm = state.vms.get(id);
  if (vm === undefined) {
    throw new ApiError("NOT_FOUND", `virtual machine ${quote(id)} does not exist`, {
      id: "simulator.vm.not_found",
      args: [id],
    });
  }
  return vm;
}

/** The largest pid the API accepts: pids are int64. */
const MAX_PID = 2n ** 63n - 1n;

/**
 * The `{pid}` path segment as an int64. A `bigint`, because the API allows pids beyond 2^53.
 * @throws {@link ApiError} 400 INVALID_ARGUMENT unless a positive decimal integer of at most 2^63 - 1
 */
export function parsePid(text: string): bigint {
  const pid = /^[0-9]{1,19}$/.test(text) ? BigInt(text) : 0n;
  if (pid <= 0n || pid > MAX_PID) {
    throw invalidArgument("pid", `${quote(text)} is not a positive integer process id (int64)`);
  }
  return pid;
}

function parseBody(body: Buffer): Json {
  if (body.length === 0) {
    throw new ApiError(
      "INVALID_REQUEST",
      'the request body is empty; send JSON such as {"credentials": {...}}',
      {
        id: "simulator.request.empty_body",
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new ApiError("INVALID_REQUEST", `the request body is not valid JSON: ${(error as Error).message}`, {
      id: "simulator.request.bad_json",
    });
  }
  if (!isObject(parsed)) {
    throw new ApiError(
      "INVALID_REQUEST",
      `the request body is not a JSON object: ${quoteField(parsed).slice(0, 80)}`,
      {
        id: "simulator.request.bad_json",
      },
    );
  }
  return parsed;
}

function checkCredentials(value: unknown): WireCredentials {
  if (!isObject(value)) {
    throw invalidArgument(
      "credentials",
      `${quoteField(value)} is not an object; send {"interactive_session": false, "type": "USERNAME_PASSWORD", "user_name": ..., "password": ...}`,
    );
  }
  if (typeof value.interactive_session !== "boolean") {
    throw invalidArgument(
      "credentials.interactive_session",
      `${quoteField(value.interactive_session)} is not true or false; it is required, send false unless the user is logged in to the guest desktop`,
    );
  }
  if (value.type === "USERNAME_PASSWORD") {
    if (typeof value.user_name !== "string" || value.user_name === "") {
      throw invalidArgument(
        "credentials.user_name",
        `${quoteField(value.user_name)} is not a non-empty string; it is required for USERNAME_PASSWORD`,
      );
    }
    if (typeof value.password !== "string") {
      throw invalidArgument(
        "credentials.password",
        `${quoteField(value.password)} is not a string; it is required for USERNAME_PASSWORD`,
      );
    }
  } else if (value.type === "SAML_BEARER_TOKEN") {
    if (typeof value.saml_token !== "string" || value.saml_token === "") {
      throw invalidArgument(
        "credentials.saml_token",
        `${quoteField(value.saml_token)} is not a non-empty string; it is required for SAML_BEARER_TOKEN`,
      );
    }
  } else {
    throw invalidArgument(
      "credentials.type",
      `${quoteField(value.type)} is not one of USERNAME_PASSWORD, SAML_BEARER_TOKEN`,
    );
  }
  return value as unknown as WireCredentials;
}

function checkSpec(value: unknown): WireCreateSpec {
  if (!isObject(value)) {
    throw invalidArgument(
      "spec",
      `${quoteField(value)} is not an object; send {"path": "/absolute/program", "arguments": "..."}`,
    );
  }
  if (typeof value.path !== "string" || value.path === "") {
    throw invalidArgument(
      "spec.path",
      `${quoteField(value.path)} is not a non-empty string; give the absolute path of the program`,
    );
  }
  for (const key of ["arguments", "working_directory"] as const) {
    if (value[key] !== undefined && typeof value[key] !== "string") {
      throw invalidArgument(`spec.${key}`, `${quoteField(value[key])} is not a string`);
    }
  }
  if (value.start_minimized !== undefined && typeof value.start_minimized !== "boolean") {
    throw invalidArgument(
      "spec.start_minimized",
      `${quoteField(value.start_minimized)} is not true or false`,
    );
  }
  const environment = value.environment_variables;
  if (environment !== undefined) {
    if (!isObject(environment)) {
      throw invalidArgument(
        "spec.environment_variables",
        `${quoteField(environment)} is not an object of name → value strings`,
      );
    }
    for (const [name, text] of Object.entries(environment)) {
      if (name === "" || name.includes("=") || name.includes("\0")) {
        throw invalidArgument(
          "spec.environment_variables",
          `${quoteField(name)} is not a valid variable name`,
        );
      }
      if (typeof text !== "string" || text.includes("\0")) {
        throw invalidArgument(`spec.environment_variables.${name}`, `${quoteField(text)} is not a string`);
      }
    }
  }
  return value as unknown as WireCreateSpec;
}

function authenticate(vm: VirtualMachine, credentials: WireCredentials): string {
  const { config } = vm;
  if (credentials.type === "SAML_BEARER_TOKEN") {
    if (config.guest_saml_token !== undefined && credentials.saml_token === config.guest_saml_token) {
      return config.guest_user;
    }
    throw new ApiError("UNAUTHENTICATED", `the guest of ${vm.id} refused the SAML token`, {
      id: "simulator.guest.authentication_failed",
      args: [vm.id],
    });
  }
  if (credentials.user_name === config.guest_user && credentials.password === config.guest_password) {
    return config.guest_user;
  }
  throw new ApiError(
    "UNAUTHENTICATED",
    `guest authentication failed for user "${credentials.user_name}" in ${vm.id}: wrong user name or password`,
    { id: "simulator.guest.authentication_failed", args: [credentials.user_name ?? "", vm.id] },
  );
}

/**
 * Runs every check of a guest call.
 * @param context - the request
 * @param needs - whether the path carries a `{pid}` and whether the body must carry a create `spec`
 * @throws {@link ApiError} the first check that fails
 */
export function prepareGuestCall(context: RequestContext, needs: { pid: boolean; spec: boolean }): GuestCall {
  const vm = findVm(context.state, context.match.vm!);
  const pid = needs.pid ? parsePid(context.match.pid!) : undefined;
  const body = parseBody(context.body);
  const credentials = checkCredentials(body.credentials);
  const spec = needs.spec ? checkSpec(body.spec) : undefined;
  const user = checkGuestState(vm, credentials);
  return { vm, user, pid, spec };
}

/**
 * Runs every check of a guest call whose body carries more than credentials (the guest filesystem
 * operations), in the same order: VM → body JSON → credentials → `checkFields(body)` (400) → power →
 * Tools → guest credentials → interactive session.
 * @returns the VM, the guest user and what `checkFields` returned
 */
export function prepareGuestBodyCall<T>(
  context: RequestContext,
  checkFields: (body: Record<string, unknown>) => T,
): { vm: VirtualMachine; user: string; fields: T } {
  const vm = findVm(context.state, context.match.vm!);
  const body = parseBody(context.body);
  const credentials = checkCredentials(body.credentials);
  const fields = checkFields(body);
  const user = checkGuestState(vm, credentials);
  return { vm, user, fields };
}

/** The checks after the body's: powered on (400) → Tools (503) → guest credentials (401) → interactive (400). */
function checkGuestState(vm: VirtualMachine, credentials: WireCredentials): string {
  checkGuestRunning(vm);
  const user = authenticate(vm, credentials);
  if (credentials.interactive_session && !vm.isInteractive(user)) {
    throw new ApiError(
      "NOT_ALLOWED_IN_CURRENT_STATE",
      `no interactive session for user ${quote(user)} in ${vm.id}; send interactive_session: false`,
      { id: "simulator.guest.no_interactive_session", args: [user, vm.id] },
    );
  }
  return user;
}

/** What every guest call needs first: the VM powered on (else 400), then Tools running (else 503). */
export function checkGuestRunning(vm: VirtualMachine): void {
  if (vm.power !== "POWERED_ON") {
    throw new ApiError(
      "NOT_ALLOWED_IN_CURRENT_STATE",
      `virtual machine ${vm.id} is not running (power state ${vm.power}); power it on first`,
      { id: "simulator.guest.vm_not_running", args: [vm.id, vm.power] },
    );
  }
  if (!vm.tools) {
    throw new ApiError(
      "SERVICE_UNAVAILABLE",
      `VMware Tools is not running in the guest of ${vm.id}; wait for it to start and retry`,
      { id: "simulator.guest.tools_not_running", args: [vm.id] },
    );
  }
}
