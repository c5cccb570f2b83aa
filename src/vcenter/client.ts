/**
 * The vSphere guest-processes API client: one vCenter session shared by every call, the four
 * Processes operations, the readiness check, VM lookup by name, and waiting for a process to exit.
 */

import { readFileSync } from "node:fs";

import type { Readable } from "node:stream";
import { packageVersion } from "../util/package-version";
import { quote } from "../util/quote";
import { Answer } from "./answer";

import { type GuestCredentials, toWireCredentials } from "./credentials";
import {
  AbortedError,
  ApiError,
  GuestAuthenticationError,
  GuestFileNotFoundError,
  InteractiveSessionError,
  InvalidArgumentError,
  notFoundSubject,
  type OperationContext,
  ProcessNotFoundError,
  SessionLostError,
  TransportError,
  VmLookupError,
  type VsphereGuestError,
} from "./errors";

import { FileTransfers } from "./file-transfer";
import type { GuestCommandLine } from "./guest-command";
import { parseFileInfo, parseGuestIdentity, parseGuestPath, parseTransferUrl } from "./guest-file-responses";
import type {
  CapturedResult,
  DownloadOptions,
  DownloadResult,
  GuestFileInfo,
  GuestIdentity,
  RunCapturedOptions,
  RunScriptOptions,
  TemporaryOptions,
  UploadOptions,
} from "./guest-file-types";
import type { WireFileCreationAttributes, WireTemporaryCreateBody } from "./guest-file-wire";
import { checkByteLimit, checkGuestPath, type Pid, paths, pidToString } from "./paths";
import { parseEnvelope, parseJsonBody } from "./responses";
import { runCaptured, runScript } from "./run-captured";
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
  /** `GET`/`PUT` requests of transfer URLs (to ESXi hosts; not part of `requests`). */
  transfers: number;
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

/** The power states `GET /api/vcenter/vm` may report. */
const VM_POWER_STATES = ["POWERED_ON", "POWERED_OFF", "SUSPENDED"] as const;

/** The API client. Create one per vCenter and call {@link VCenterClient.close} when done. */
export class VCenterClient {
  /** The parsed server address. */
  readonly address: ServerAddress;
  private readonly transport: Transport;
  private readonly transfers: FileTransfers;
  private transferCount = 0;
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
    const connection = {
      ca,
      allowUnverifiedSsl: options.allowUnverifiedSsl ?? false,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
      userAgent: `vsphere-guest/${packageVersion()}`,
    };
    this.transport = new Transport({
      ...connection,
      address: this.address,
      maxResponseBytes: options.maxResponseBytes ?? 8 * 1024 * 1024,
      connections: options.connections ?? 16,
    });
    // Transfers go to ESXi hosts, verified with the same trust settings as vCenter.
    this.transfers = new FileTransfers(connection);
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
    return {
      logins: this.session.stats.logins,
      requests: this.requests,
      retries: this.retried,
      transfers: this.transferCount,
    };
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
    await Promise.all([this.transport.close(), this.transfers.close()]);
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
      context: { operation: "starting a process in", vm, ...guestContext(credentials) },
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
      context: { operation: "get", vm, pid: pidText, ...guestContext(credentials) },
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
      context: { operation: "list processes of", vm, ...guestContext(credentials) },
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

  /** What the guest says it is (`GET .../guest/identity`): its OS family decides how commands are wrapped. */
  async guestIdentity(vm: string, signal?: AbortSignal): Promise<GuestIdentity> {
    const res = await this.call({
      method: "GET",
      path: paths.guestIdentity(vm),
      context: { operation: "read the guest identity of", vm },
      guest: false,
      idempotent: true,
      signal,
    });
    return parseGuestIdentity(res);
  }

  /** Creates a new empty file in the guest (`Files.createTemporary`) and returns its absolute path. Never retried after a reset. */
  async createTemporaryFile(
    vm: string,
    credentials: GuestCredentials,
    options: TemporaryOptions = {},
    signal?: AbortSignal,
  ): Promise<string> {
    return this.createTemporary("file", vm, credentials, options, signal);
  }

  /** Creates a new directory in the guest (`Directories.createTemporary`) and returns its absolute path. Never retried after a reset. */
  async createTemporaryDirectory(
    vm: string,
    credentials: GuestCredentials,
    options: TemporaryOptions = {},
    signal?: AbortSignal,
  ): Promise<string> {
    return this.createTemporary("directory", vm, credentials, options, signal);
  }

  /** `Files.createTemporary` or `Directories.createTemporary`: creates something, so never retried. */
  private async createTemporary(
    kind: "file" | "directory",
    vm: string,
    credentials: GuestCredentials,
    options: TemporaryOptions,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const res = await this.call({
      method: "POST",
      path: kind === "file" ? paths.fileCreateTemporary(vm) : paths.directoryCreateTemporary(vm),
      body: temporaryBody(credentials, options),
      context: {
        operation: `create a temporary ${kind} in`,
        vm,
        ...guestContext(credentials),
        ...parentContext(options),
      },
      guest: true,
      idempotent: false,
      signal,
    });
    return parseGuestPath(res, `create a temporary ${kind}`);
  }

  /** Describes a guest file (`Files.get`): type and size. */
  async getFile(
    vm: string,
    credentials: GuestCredentials,
    path: string,
    signal?: AbortSignal,
  ): Promise<GuestFileInfo> {
    checkGuestPath(path);
    const res = await this.call({
      method: "POST",
      path: paths.fileGet(vm, path),
      body: { credentials: toWireCredentials(credentials) },
      context: { operation: "get", vm, path, ...guestContext(credentials) },
      guest: true,
      idempotent: true,
      signal,
    });
    return parseFileInfo(res);
  }

  /** Deletes a guest file (`Files.delete`). */
  async deleteFile(
    vm: string,
    credentials: GuestCredentials,
    path: string,
    signal?: AbortSignal,
  ): Promise<void> {
    checkGuestPath(path);
    await this.call({
      method: "POST",
      path: paths.fileDelete(vm, path),
      body: { credentials: toWireCredentials(credentials) },
      context: { operation: "delete", vm, path, ...guestContext(credentials) },
      guest: true,
      idempotent: true,
      signal,
    });
  }

  /** Deletes a guest directory (`Directories.delete`); `recursive` also deletes what it holds. */
  async deleteDirectory(
    vm: string,
    credentials: GuestCredentials,
    path: string,
    options: { recursive?: boolean } = {},
    signal?: AbortSignal,
  ): Promise<void> {
    checkGuestPath(path);
    await this.call({
      method: "POST",
      path: paths.directoryDelete(vm),
      body: { credentials: toWireCredentials(credentials), path, recursive: options.recursive ?? false },
      context: { operation: "delete the directory", vm, path, ...guestContext(credentials) },
      guest: true,
      idempotent: true,
      signal,
    });
  }

  /**
   * `Transfers.create` for a download: a single-use URL on the ESXi host (a `*` host already
   * replaced by this client's server). Never retried after a reset.
   */
  async createDownloadUrl(
    vm: string,
    credentials: GuestCredentials,
    path: string,
    signal?: AbortSignal,
  ): Promise<URL> {
    checkGuestPath(path);
    const res = await this.call({
      method: "POST",
      path: paths.transferCreate(vm),
      body: { credentials: toWireCredentials(credentials), spec: { path } },
      context: { operation: "start the download of", vm, path, ...guestContext(credentials) },
      guest: true,
      idempotent: false,
      signal,
    });
    return parseTransferUrl(res, this.address, "start a download");
  }

  /**
   * `Transfers.create` for an upload of `size` bytes: a single-use URL on the ESXi host to `PUT`
   * them to. Never retried after a reset.
   */
  async createUploadUrl(
    vm: string,
    credentials: GuestCredentials,
    path: string,
    size: number,
    options: Omit<UploadOptions, "signal"> = {},
    signal?: AbortSignal,
  ): Promise<URL> {
    checkGuestPath(path);
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new InvalidArgumentError(
        "size",
        `size ${size} is not a whole number of bytes`,
        "give the exact byte count",
      );
    }
    const attributes: WireFileCreationAttributes = { size, overwrite: options.overwrite ?? false };
    if (options.mode !== undefined) {
      if (!/^[0-7]{3,4}$/.test(options.mode)) {
        throw new InvalidArgumentError(
          "mode",
          `mode ${quote(options.mode)} is not an octal permission string`,
          'give it like "0755" or "644"',
        );
      }
      attributes.posix = { permissions: options.mode.padStart(4, "0") };
    }
    const res = await this.call({
      method: "POST",
      path: paths.transferCreate(vm),
      body: { credentials: toWireCredentials(credentials), spec: { path, attributes } },
      context: { operation: "start the upload to", vm, path, ...guestContext(credentials) },
      guest: true,
      idempotent: false,
      signal,
    });
    return parseTransferUrl(res, this.address, "start an upload");
  }

  /**
   * Downloads a guest file into memory: `Transfers.create`, then `GET` of the URL. At most
   * `maxBytes` (64 MiB by default): beyond it a {@link TransferLimitError}, or with
   * `onLimit: "truncate"` the first `maxBytes` bytes and `truncated: true`.
   */
  async downloadFile(
    vm: string,
    credentials: GuestCredentials,
    path: string,
    options: DownloadOptions = {},
  ): Promise<DownloadResult> {
    const maxBytes = checkLimit(options.maxBytes ?? 64 * 1024 * 1024);
    const url = await this.createDownloadUrl(vm, credentials, path, options.signal);
    return this.timedTransfer("GET", url, () =>
      this.transfers.read(
        url,
        { vm, path },
        { maxBytes, onLimit: options.onLimit ?? "error" },
        options.signal,
      ),
    );
  }

  /**
   * Downloads a guest file into a stream (a local file, stdout) without holding it in memory.
   * `maxBytes` bounds it (none by default). Resolves with the number of bytes written.
   */
  async downloadFileTo(
    vm: string,
    credentials: GuestCredentials,
    path: string,
    sink: NodeJS.WritableStream,
    options: Omit<DownloadOptions, "onLimit"> = {},
  ): Promise<number> {
    const maxBytes = options.maxBytes === undefined ? undefined : checkLimit(options.maxBytes);
    const url = await this.createDownloadUrl(vm, credentials, path, options.signal);
    return this.timedTransfer("GET", url, () =>
      this.transfers.pipe(url, { vm, path }, sink, maxBytes, options.signal),
    );
  }

  /**
   * Uploads into a guest file: `Transfers.create` with the size (and `overwrite`, `mode`), then
   * `PUT` of the bytes. `data` is a Buffer, or a stream with its exact size.
   */
  async uploadFile(
    vm: string,
    credentials: GuestCredentials,
    path: string,
    data: Buffer | { stream: Readable; size: number },
    options: UploadOptions = {},
  ): Promise<void> {
    const size = Buffer.isBuffer(data) ? data.length : data.size;
    const url = await this.createUploadUrl(vm, credentials, path, size, options, options.signal);
    await this.timedTransfer("PUT", url, () =>
      this.transfers.write(
        url,
        { vm, path },
        Buffer.isBuffer(data) ? data : data.stream,
        size,
        options.signal,
      ),
    );
  }

  /**
   * Runs a command in the guest and captures its output: temporary directory, the command wrapped
   * for the guest family (`/bin/sh -c` or `cmd.exe /c`) with stdout and stderr redirected there,
   * wait, download both (at most `maxOutputBytes` each), delete the directory — also on failure,
   * timeout and cancellation. On timeout or cancellation the guest process is terminated.
   * @param command - a command line in the guest shell's syntax, or a program and its arguments
   */
  async runCaptured(
    vm: string,
    credentials: GuestCredentials,
    command: GuestCommandLine,
    options: RunCapturedOptions = {},
  ): Promise<CapturedResult> {
    return runCaptured(this, vm, credentials, command, options);
  }

  /**
   * Uploads `script` to a guest temporary file, runs it with `interpreter` (`/bin/sh` by default;
   * a `.cmd` batch file on Windows), captures its output like {@link runCaptured}, and deletes the
   * file.
   */
  async runScript(
    vm: string,
    credentials: GuestCredentials,
    script: Buffer | string,
    options: RunScriptOptions = {},
  ): Promise<CapturedResult> {
    return runScript(this, vm, credentials, script, options);
  }

  /** Logs a transfer request (they bypass {@link call}) and counts it. */
  private async timedTransfer<T>(method: "GET" | "PUT", url: URL, run: () => Promise<T>): Promise<T> {
    const started = Date.now();
    this.transferCount++;
    try {
      return await run();
    } finally {
      this.logger?.("debug", "ESXi transfer", {
        method,
        host: url.host,
        path: url.pathname,
        duration_ms: Date.now() - started,
      });
    }
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
      const notFound = res.statusCode === 404 ? notFoundSubject(envelope, options.context) : undefined;
      if (notFound === "guest-file")
        throw new GuestFileNotFoundError(res.statusCode, envelope, options.context);
      if (notFound === "process") throw new ProcessNotFoundError(res.statusCode, envelope, options.context);
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

function temporaryBody(credentials: GuestCredentials, options: TemporaryOptions): WireTemporaryCreateBody {
  const body: WireTemporaryCreateBody = {
    credentials: toWireCredentials(credentials),
    prefix: options.prefix ?? "vsphere-guest-",
    suffix: options.suffix ?? "",
  };
  if (options.parentPath !== undefined) body.parent_path = checkGuestPath(options.parentPath, "parent_path");
  return body;
}

function parentContext(options: TemporaryOptions): { path?: string } {
  return options.parentPath === undefined ? {} : { path: options.parentPath };
}

function checkLimit(maxBytes: number): number {
  return checkByteLimit(maxBytes, "max_bytes", "the byte limit");
}
