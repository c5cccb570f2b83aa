/**
 * Test harness for the vCenter simulator: start one around a test, and talk to it with raw HTTPS.
 * Test-only: the raw request helper trusts the simulator's generated CA and nothing else.
 */
import type { Agent as HttpAgent, IncomingHttpHeaders } from "node:http";
import { request as httpRequest } from "node:http";
import { type Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Simulator, type SimulatorOptions } from "../../src/simulator";

/**
 * Starts a simulator, runs `fn` with it, and always closes it (even when `fn` throws).
 * @param fn - the test body
 * @param options - simulator options (port 0, loopback and HTTPS by default)
 */
export async function withSimulator<T>(
  fn: (sim: Simulator) => Promise<T>,
  options?: SimulatorOptions,
): Promise<T> {
  const sim = await Simulator.start(options);
  try {
    return await fn(sim);
  } finally {
    await sim.close();
  }
}

/** One raw request to a simulator. */
export interface RawRequest {
  /** HTTP method. @default "GET" */
  method?: string;
  /** Raw request target, sent as is (no normalisation, no encoding). */
  path: string;
  /** Extra headers. */
  headers?: Record<string, string>;
  /** The session token, sent as `vmware-api-session-id`. */
  token?: string;
  /** HTTP Basic credentials. */
  basic?: { user: string; password: string };
  /** A JSON value to send (sets `Content-Type: application/json`), or raw text/bytes. */
  json?: unknown;
  /** A raw body. */
  body?: string | Buffer;
  /** A connection pool; by default each request uses its own connection. */
  agent?: HttpsAgent | HttpAgent;
}

/** The answer of a raw request. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or `undefined` when it is empty or not JSON. */
  json: unknown;
  /** Whether the request went over a reused keep-alive connection. */
  reusedSocket: boolean;
}

/**
 * Sends one raw request over HTTPS (trusting only the simulator's CA, `servername: "localhost"`) or HTTP.
 * Rejects with the socket error when the connection fails or is reset.
 */
export function rawRequest(sim: Simulator, options: RawRequest): Promise<RawResponse> {
  const url = new URL(sim.url);
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers["vmware-api-session-id"] = options.token;
  if (options.basic !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${options.basic.user}:${options.basic.password}`).toString("base64")}`;
  }
  let body: string | Buffer | undefined = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["content-type"] ??= "application/json";
  }
  if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
  const common = {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port,
    method: options.method ?? "GET",
    path: options.path,
    headers,
    agent: options.agent ?? false,
  };
  return new Promise((resolve, reject) => {
    const onResponse = (response: import("node:http").IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = text === "" ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          text,
          json,
          reusedSocket: request.reusedSocket,
        });
      });
    };
    const request =
      sim.caPem === undefined
        ? httpRequest({ ...common, agent: common.agent as HttpAgent | false }, onResponse)
        : httpsRequest(
            { ...common, agent: common.agent as HttpsAgent | false, ca: sim.caPem, servername: "localhost" },
            onResponse,
          );
    request.on("error", reject);
    request.end(body);
  });
}

/** Logs in with the simulator's user and returns the session token. */
export async function login(sim: Simulator): Promise<string> {
  const response = await rawRequest(sim, {
    method: "POST",
    path: "/api/session",
    basic: { user: sim.user, password: sim.password },
  });
  if (response.status !== 201 || typeof response.json !== "string") {
    throw new Error(`login failed: ${response.status} ${response.text}`);
  }
  return response.json;
}

/** USERNAME_PASSWORD credentials of a VM's guest account, as the simulator describes them. */
export function guestCredentials(sim: Simulator, vm: string): Record<string, unknown> {
  const description = sim.describe().vms.find((candidate) => candidate.vm === vm);
  if (description === undefined) throw new Error(`no VM ${vm} in the simulator`);
  return {
    interactive_session: false,
    type: "USERNAME_PASSWORD",
    user_name: description.guest_user,
    password: description.guest_password,
  };
}

/**
 * Calls one of the four Processes operations.
 * @param action - `create`, `list`, `get` or `delete`
 * @param pid - for `get` and `delete`
 * @param body - the JSON body; by default `{credentials}` of the VM's guest account
 */
export function guestCall(
  sim: Simulator,
  token: string,
  vm: string,
  action: string,
  options: { pid?: number | string; body?: unknown; spec?: unknown } = {},
): Promise<RawResponse> {
  const pidPart = options.pid === undefined ? "" : `/${options.pid}`;
  const body =
    options.body ??
    (options.spec === undefined
      ? { credentials: guestCredentials(sim, vm) }
      : { credentials: guestCredentials(sim, vm), spec: options.spec });
  return rawRequest(sim, {
    method: "POST",
    path: `/api/vcenter/vm/${encodeURIComponent(vm)}/guest/processes${pidPart}?action=${action}`,
    token,
    json: body,
  });
}

/**
 * Polls `check` until it returns a value other than `undefined`, or fails after `timeoutMs`.
 * @param intervalMs - pause between attempts
 */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  { timeoutMs = 5000, intervalMs = 25 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The VSPHERE_* variables that point a provider or the CLI at `sim`, with the guest account of `vm`. */
export function vsphereEnv(
  sim: Simulator,
  vm = "vm-1001",
): { env: Record<string, string>; guest: { userName: string; password: string } } {
  const d = sim.describe().vms.find((v) => v.vm === vm)!;
  const guest = { userName: d.guest_user, password: d.guest_password };
  return {
    guest,
    env: {
      VSPHERE_SERVER: sim.server,
      VSPHERE_USER: sim.user,
      VSPHERE_PASSWORD: sim.password,
      VSPHERE_CA_FILE: sim.caFile!,
      VSPHERE_GUEST_USER: guest.userName,
      VSPHERE_GUEST_PASSWORD: guest.password,
    },
  };
}
