/**
 * The vSphere guest-processes API client: one vCenter session shared by every call, the four
 * Processes operations, the readiness check, VM lookup by name, and waiting for a process to exit.
 */

import { readFileSync } from "node:fs";
import { quote } from "../util/quote";
import { type GuestCredentials, toWireCredentials } from "./credentials";
import {
  AbortedError,
  ApiError,
  GuestAuthenticationError,
  InteractiveSessionError,
  InvalidArgumentError,
  type OperationContext,
  ProcessNotFoundError,
  SessionLostError,
  TransportError,
  VmLookupError,
  type VsphereGuestError,
} from "./errors";
import { type Pid, paths, pidToString } from "./paths";
import { parseEnvelope, parseJsonBody, shapeError } from "./responses";
import { parseServerAddress, type ServerAddress } from "./server-address";
import { Session } from "./session";
import { jitteredDelay, sleep } from "./timing";
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
        `no password was given for vCenter user ${quote(options.user)}`,
        "set password / --password / VSPHERE_PASSWORD",
      );
    }
    let ca = options.ca;
    if (options.caFile !== undefined && options.caFile !== "") {
      try {
        ca = readFileSync(options.caFile);
      } catch (error) {
        throw new InvalidArgumentError(
          "ca_file",
          `the CA bundle ${quote(options.caFile)} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`,
          "give the path of a PEM file with vCenter's CA certificate",
        );
      }
      if (!ca.toString("utf8").includes("-----BEGIN CERTIFICATE-----")) {
        throw new InvalidArgumentError(
          "ca_file",
          `${quote(options.caFile)} holds no PEM certificate`,
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
    const body = parseJsonBody(res);
    if (!Array.isArray(body)) throw shapeError("list VMs", res, "expected an array");
    return body.map((item: Record<string, unknown>) => ({
      vm: String(item.vm),
      name: String(item.name),
      powerState: String(item.power_state),
    }));
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
    const body = parseJsonBody(res) as Record<string, unknown> | null;
    if (body === null || typeof body !== "object" || typeof body.guest_operations_ready !== "boolean") {
      throw shapeError("guest operations", res, "expected guest_operations_ready");
    }
    return {
      guestOperationsReady: body.guest_operations_ready,
      interactiveGuestOperationsReady: body.interactive_guest_operations_ready === true,
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
      context: { operation: "starting a process in", vm, ...guestContext(credentials) },
      guest: true,
      idempotent: false,
      signal,
    });
    const pid = parseJsonBody(res);
    if (typeof pid !== "number" && typeof pid !== "bigint")
      throw shapeError("create", res, "expected the pid as a number");
    return pid;
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
      context: { operation: "get", vm, pid: pidText, ...guestContext(credentials) },
      guest: true,
      idempotent: true,
      signal,
    });
    const body = parseJsonBody(res) as Record<string, unknown> | null;
    if (
      body === null ||
      typeof body !== "object" ||
      typeof body.name !== "string" ||
      typeof body.started !== "string"
    ) {
      throw shapeError("get", res, "expected name and started");
    }
    const info: ProcessInfo = {
      name: body.name,
      owner: String(body.owner ?? ""),
      command: String(body.command ?? ""),
      started: body.started,
    };
    if (typeof body.finished === "string") info.finished = body.finished;
    if (body.exit_code !== undefined && body.exit_code !== null) info.exitCode = Number(body.exit_code);
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
      context: { operation: "list processes of", vm, ...guestContext(credentials) },
      guest: true,
      idempotent: true,
      signal,
    });
    const body = parseJsonBody(res);
    if (!Array.isArray(body)) throw shapeError("list", res, "expected an array");
    return body.map((p: Record<string, unknown>) => ({
      pid: p.pid as Pid,
      name: String(p.name ?? ""),
      owner: String(p.owner ?? ""),
      command: String(p.command ?? ""),
      started: String(p.started ?? ""),
    }));
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
      context: { operation: "delete", vm, pid: pidText, ...guestContext(credentials) },
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
        } else if (!(await this.session.isValid(token, options.signal))) {
          // Already logged in again once, and vCenter dropped the new session too: a session
          // problem (limits, idle timeout, a logout elsewhere), not refused guest credentials.
          throw new SessionLostError(res.statusCode, envelope, options.context);
        }
        // The session is valid: the guest refused the guest credentials.
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
      if (
        res.statusCode === 400 &&
        envelope.error_type === "NOT_ALLOWED_IN_CURRENT_STATE" &&
        options.context.interactive === true &&
        options.context.vm !== undefined &&
        (await this.guestOperationsReadyOrUnknown(options.context.vm, options.signal))
      ) {
        throw new InteractiveSessionError(res.statusCode, envelope, options.context);
      }
      throw new ApiError(res.statusCode, envelope, { ...options.context, guest: options.guest });
    }
  }

  /**
   * After a "not allowed in the current state" answer to a call with an interactive session: the
   * same answer means "VM not running" and "no interactive session for that user", so ask the
   * readiness check. Guest operations ready means the VM runs with Tools up, so the interactive
   * session is what is missing. `false` when not ready or when the check itself fails (the error
   * then names both causes).
   */
  private async guestOperationsReadyOrUnknown(vm: string, signal?: AbortSignal): Promise<boolean> {
    try {
      return (await this.guestOperationsReady(vm, signal)).guestOperationsReady;
    } catch (error) {
      if (error instanceof AbortedError) throw error;
      return false;
    }
  }
}

/** The parts of a call's context that come from the guest credentials (never a secret). */
function guestContext(credentials: GuestCredentials): Pick<OperationContext, "guestUser" | "interactive"> {
  return { guestUser: credentials.userName, interactive: credentials.interactiveSession === true };
}
