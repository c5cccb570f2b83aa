/**
 * The vSphere guest-processes API client: one vCenter session shared by every call, the four
 * Processes operations, the readiness check, VM lookup by name, and waiting for a process to exit.
 */
import { readFileSync } from "node:fs";
import { Answer } from "./answer";
import { type GuestCredentials, toWireCredentials } from "./credentials";
import {
  AbortedError,
  ApiError,
  GuestAuthenticationError,
  InvalidArgumentError,
  type OperationContext,
  ProcessNotFoundError,
  TransportError,
  VmLookupError,
  type VsphereGuestError,
} from "./errors";
import { type Pid, paths, pidToString } from "./paths";
import { parseEnvelope, parseJsonBody } from "./responses";
import { parseServerAddress, type ServerAddress } from "./server-address";
import { Session } from "./session";
import { jitteredDelay, MAX_TIMER_MS, sleep } from "./timing";
import { CONNECTION_RESET_CODES, Transport, type TransportResponse } from "./transport";
import type { GuestOperationsReadiness, ProcessInfo, ProcessSpec, ProcessSummary, VmSummary } from "./types";
import { type WaitOptions, waitForExit } from "./wait";
import { SESSION_HEADER, type WireCreateSpec } from "./wire";

/** A log event of the client. Never carries credentials. */
export type ClientLogger = (
  level: "debug" | "info" | "warn",
  message: string,
  fields?: Record<string, unknown>,
) => void;

/** How to reach and log in to vCenter. */
export interface VCenterClientOptions {
  /** `host`, `host:port` or `https://host:port`. */
  server: string;
  /** vCenter SSO user. */
  user: string;
  /** vCenter SSO password. Never logged, never in error text. */
  password: string;
  /** Path of a PEM CA bundle to trust instead of the system roots. */
  caFile?: string;
  /** PEM CA bundle given inline. */
  ca?: string | Buffer;
  /**
   * Accept any server certificate. Only for labs.
   * @default false
   */
  allowUnverifiedSsl?: boolean;
  /** @default 10000 */
  connectTimeoutMs?: number;
  /** Time allowed for each answer. @default 60000 */
  requestTimeoutMs?: number;
  /** Extra attempts after a RESOURCE_BUSY answer or a reset connection. @default 3 */
  retries?: number;
  /** First retry delay; doubles each time, jittered. @default 200 */
  retryBaseDelayMs?: number;
  /** @default 2000 */
  retryMaxDelayMs?: number;
  /** Larger answers are refused. @default 8 MiB */
  maxResponseBytes?: number;
  /** Parallel connections to vCenter. @default 16 */
  connections?: number;
  logger?: ClientLogger;
}

/** Counts for tests and benchmarks. */
export interface ClientStats {
  logins: number;
  requests: number;
  retries: number;
}

interface CallOptions {
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  context: OperationContext;
  /** A 401 with a valid session is about the guest credentials. */
  guest: boolean;
  /** Safe to repeat after a reset connection (false for create). */
  idempotent: boolean;
  signal?: AbortSignal;
}

const VERSION = "0.1.0";

/** The power states `GET /api/vcenter/vm` may report. */
const VM_POWER_STATES = ["POWERED_ON", "POWERED_OFF", "SUSPENDED"] as const;

/** The API client. Create one per vCenter and call {@link VCenterClient.close} when done. */
export class VCenterClient {
  /** The parsed server address. */
  readonly address: ServerAddress;
  private readonly transport: Transport;
  private readonly session: Session;
  private readonly options: Required<
    Pick<VCenterClientOptions, "retries" | "retryBaseDelayMs" | "retryMaxDelayMs">
  >;
  private readonly logger: ClientLogger | undefined;
  private requests = 0;
  private retried = 0;
  private closed = false;

  constructor(options: VCenterClientOptions) {
    this.address = parseServerAddress(options.server, "server");
    if (!options.user) {
      throw new InvalidArgumentError("user", "no vCenter user was given", "set user / --user / VSPHERE_USER");
    }
    if (!options.password) {
      throw new InvalidArgumentError(
        "password",
        `no password was given for vCenter user ${JSON.stringify(options.user)}`,
        "set password / --password / VSPHERE_PASSWORD",
      );
    }
    for (const field of ["connectTimeoutMs", "requestTimeoutMs"] as const) {
      const value = options[field];
      if (value !== undefined && !(Number.isFinite(value) && value >= 1 && value <= MAX_TIMER_MS)) {
        throw new InvalidArgumentError(
          field,
          `${field} ${value} is not a duration from 1 ms to ${MAX_TIMER_MS} ms (about 24 days, what a timer can hold)`,
          `give ${field} in milliseconds within that range`,
        );
      }
    }
    let ca = options.ca;
    if (options.caFile !== undefined && options.caFile !== "") {
      try {
        ca = readFileSync(options.caFile);
      } catch (error) {
        throw new InvalidArgumentError(
          "ca_file",
          `the CA bundle ${JSON.stringify(options.caFile)} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`,
          "give the path of a PEM file with vCenter's CA certificate",
        );
      }
      if (!ca.toString("utf8").includes("-----BEGIN CERTIFICATE-----")) {
        throw new InvalidArgumentError(
          "ca_file",
          `${JSON.stringify(options.caFile)} holds no PEM certificate`,
          "give a PEM file (-----BEGIN CERTIFICATE-----) with vCenter's CA certificate",
        );
      }
    }
    this.transport = new Transport({
      address: this.address,
      ca,
      allowUnverifiedSsl: options.allowUnverifiedSsl ?? false,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
      maxResponseBytes: options.maxResponseBytes ?? 8 * 1024 * 1024,
      connections: options.connections ?? 16,
      userAgent: `vsphere-guest/${VERSION}`,
    });
    this.session = new Session(this.transport, options.user, options.password);
    this.options = {
      retries: options.retries ?? 3,
      retryBaseDelayMs: options.retryBaseDelayMs ?? 200,
      retryMaxDelayMs: options.retryMaxDelayMs ?? 2000,
    };
    this.logger = options.logger;
  }

  /** Counts of logins, requests and retries so far. */
  get stats(): ClientStats {
    return { logins: this.session.stats.logins, requests: this.requests, retries: this.retried };
  }

  /** Logs in now (otherwise the first call does). */
  async login(signal?: AbortSignal): Promise<void> {
    await this.session.current(signal);
  }

  /** Logs out (`DELETE /api/session`) and closes every connection. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.session.logout();
    await this.transport.close();
  }

  /** Lists VMs, optionally only those with one of the given exact names. */
  async listVms(filter: { names?: string[] } = {}, signal?: AbortSignal): Promise<VmSummary[]> {
    const res = await this.call({
      method: "GET",
      path: paths.vmList(filter.names),
      context: { operation: "list VMs" },
      guest: false,
      idempotent: true,
      signal,
    });
    const answer = new Answer("list VMs", res);
    return answer.array(parseJsonBody(res)).map((element, i) => {
      const item = answer.object(element, `[${i}]`);
      return {
        vm: answer.string(item, "vm", `[${i}].vm`, { nonEmpty: true }),
        name: answer.string(item, "name", `[${i}].name`),
        powerState: answer.oneOf(item, "power_state", VM_POWER_STATES, `[${i}].power_state`),
      };
    });
  }

  /** The managed object id of the one VM with exactly this name; a {@link VmLookupError} otherwise. */
  async findVmByName(name: string, signal?: AbortSignal): Promise<string> {
    if (name.trim() === "") {
      throw new InvalidArgumentError("vm_name", "vm_name is empty", "give the VM's name as vCenter shows it");
    }
    const vms = (await this.listVms({ names: [name] }, signal)).filter((v) => v.name === name);
    if (vms.length !== 1)
      throw new VmLookupError(
        name,
        vms.map((v) => v.vm),
      );
    return vms[0]!.vm;
  }

  /** Whether guest operations can run in the VM now (`GET .../guest/operations`). */
  async guestOperationsReady(vm: string, signal?: AbortSignal): Promise<GuestOperationsReadiness> {
    const res = await this.call({
      method: "GET",
      path: paths.guestOperations(vm),
      context: { operation: "check guest operations of", vm },
      guest: false,
      idempotent: true,
      signal,
    });
    const answer = new Answer(`check guest operations of VM ${vm}`, res);
    const body = answer.object(parseJsonBody(res));
    return {
      guestOperationsReady: answer.boolean(body, "guest_operations_ready"),
      interactiveGuestOperationsReady: answer.boolean(body, "interactive_guest_operations_ready"),
    };
  }

  /** Starts a program in the guest and returns its pid. Never retried after a reset connection. */
  async createProcess(
    vm: string,
    credentials: GuestCredentials,
    spec: ProcessSpec,
    signal?: AbortSignal,
  ): Promise<Pid> {
    if (!spec.path) {
      throw new InvalidArgumentError(
        "path",
        "no program path was given",
        "give the absolute path of the program in the guest, like /bin/sh",
      );
    }
    const wireSpec: WireCreateSpec = { path: spec.path };
    if (spec.arguments !== undefined) wireSpec.arguments = spec.arguments;
    if (spec.workingDirectory !== undefined) wireSpec.working_directory = spec.workingDirectory;
    if (spec.environmentVariables !== undefined) wireSpec.environment_variables = spec.environmentVariables;
    if (spec.startMinimized !== undefined) wireSpec.start_minimized = spec.startMinimized;
    const res = await this.call({
      method: "POST",
      path: paths.processCreate(vm),
      body: { credentials: toWireCredentials(credentials), spec: wireSpec },
      context: { operation: "create", vm, guestUser: credentials.userName },
      guest: true,
      idempotent: false,
      signal,
    });
    return new Answer(`create in VM ${vm}`, res).pidValue(parseJsonBody(res), "pid");
  }

  /** Reads one process (`get`): with `finished`/`exitCode` once a process started through the API has ended. */
  async getProcess(
    vm: string,
    pid: Pid,
    credentials: GuestCredentials,
    signal?: AbortSignal,
  ): Promise<ProcessInfo> {
    const pidText = pidToString(pid);
    const res = await this.call({
      method: "POST",
      path: paths.processGet(vm, pidText),
      body: { credentials: toWireCredentials(credentials) },
      context: { operation: "get", vm, pid: pidText, guestUser: credentials.userName },
      guest: true,
      idempotent: true,
      signal,
    });
    const answer = new Answer(`get process ${pidText} in VM ${vm}`, res);
    const body = answer.object(parseJsonBody(res));
    const info: ProcessInfo = {
      name: answer.string(body, "name"),
      owner: answer.string(body, "owner"),
      command: answer.string(body, "command"),
      started: answer.dateTime(body, "started"),
    };
    const finished = answer.optionalDateTime(body, "finished");
    if (finished !== undefined) info.finished = finished;
    const exitCode = answer.optionalInt64(body, "exit_code");
    if (exitCode !== undefined) info.exitCode = exitCode;
    return info;
  }

  /** Lists the guest's processes (`list`): never with exit codes. */
  async listProcesses(
    vm: string,
    credentials: GuestCredentials,
    signal?: AbortSignal,
  ): Promise<ProcessSummary[]> {
    const res = await this.call({
      method: "POST",
      path: paths.processList(vm),
      body: { credentials: toWireCredentials(credentials) },
      context: { operation: "list processes of", vm, guestUser: credentials.userName },
      guest: true,
      idempotent: true,
      signal,
    });
    const answer = new Answer(`list processes of VM ${vm}`, res);
    return answer.array(parseJsonBody(res)).map((element, i) => {
      const p = answer.object(element, `[${i}]`);
      return {
        pid: answer.pidValue(p.pid, `[${i}].pid`),
        name: answer.string(p, "name", `[${i}].name`),
        owner: answer.string(p, "owner", `[${i}].owner`),
        command: answer.string(p, "command", `[${i}].command`),
        started: answer.dateTime(p, "started", `[${i}].started`),
      };
    });
  }

  /** Terminates a process (`delete`: TERM, then KILL on POSIX guests). */
  async deleteProcess(
    vm: string,
    pid: Pid,
    credentials: GuestCredentials,
    signal?: AbortSignal,
  ): Promise<void> {
    const pidText = pidToString(pid);
    await this.call({
      method: "POST",
      path: paths.processDelete(vm, pidText),
      body: { credentials: toWireCredentials(credentials) },
      context: { operation: "delete", vm, pid: pidText, guestUser: credentials.userName },
      guest: true,
      idempotent: true,
      signal,
    });
  }

  /**
   * Polls `get` until the process has an exit code, with capped exponential backoff (first poll
   * at once, then from 100 ms up to about 1 s). A 503 (Tools restarting) counts as "not yet".
   */
  async waitForExit(
    vm: string,
    pid: Pid,
    credentials: GuestCredentials,
    options: WaitOptions = {},
  ): Promise<ProcessInfo> {
    return waitForExit(this, vm, pid, credentials, options);
  }

  /** One API call with the session, the 401 rule and the retry rule applied. */
  private async call(options: CallOptions): Promise<TransportResponse> {
    if (this.closed) throw new InvalidArgumentError("client", "the client is closed", "create a new client");
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.callOnce(options);
      } catch (error) {
        const retryable = this.isRetryable(error as Error, options);
        if (!retryable || attempt >= this.options.retries) throw error;
        this.retried++;
        const delay = jitteredDelay(attempt, this.options.retryBaseDelayMs, this.options.retryMaxDelayMs);
        this.logger?.("debug", "retrying vCenter call", {
          operation: options.context.operation,
          vm: options.context.vm,
          reason: (error as VsphereGuestError).code,
          attempt: attempt + 1,
          delay_ms: delay,
        });
        try {
          await sleep(delay, options.signal);
        } catch (reason) {
          throw new AbortedError(options.context.operation, reason);
        }
      }
    }
  }

  private isRetryable(error: Error, options: CallOptions): boolean {
    if (error instanceof ApiError) return error.errorType === "RESOURCE_BUSY";
    if (error instanceof TransportError) {
      return (
        options.idempotent && error.causeCode !== undefined && CONNECTION_RESET_CODES.has(error.causeCode)
      );
    }
    return false;
  }

  private async callOnce(options: CallOptions): Promise<TransportResponse> {
    let token = await this.session.current(options.signal);
    let renewed = false;
    for (;;) {
      const started = Date.now();
      this.requests++;
      const res = await this.transport.send({
        method: options.method,
        path: options.path,
        headers: { [SESSION_HEADER]: token },
        body: options.body,
        signal: options.signal,
      });
      this.logger?.("debug", "vCenter call", {
        method: options.method,
        path: options.path,
        status: res.statusCode,
        duration_ms: Date.now() - started,
      });
      if (res.statusCode >= 200 && res.statusCode < 300) return res;
      const envelope = parseEnvelope(res);
      if (res.statusCode === 401) {
        // A 401 is either an expired vCenter session or refused guest credentials: ask vCenter
        // which, and log in again at most once.
        if (!renewed) {
          const next = await this.session.renewIfExpired(token, options.signal);
          if (next !== undefined) {
            this.logger?.("info", "vCenter session expired; logged in again", {
              operation: options.context.operation,
            });
            token = next;
            renewed = true;
            continue;
          }
        }
        // The session is valid (or brand new): the guest refused the guest credentials.
        if (options.guest) throw new GuestAuthenticationError(res.statusCode, envelope, options.context);
      }
      if (
        res.statusCode === 404 &&
        envelope.error_type === "NOT_FOUND" &&
        envelope.data &&
        "pid" in envelope.data
      ) {
        throw new ProcessNotFoundError(res.statusCode, envelope, options.context);
      }
      throw new ApiError(res.statusCode, envelope, { ...options.context, guest: options.guest });
    }
  }
}
