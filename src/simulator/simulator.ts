/**
 * The vCenter simulator: a local server that speaks the vSphere Automation REST API for sessions, VMs
 * and guest processes, over real HTTPS with a CA it generates.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCaAndServerCertificate, createCertificate } from "../plugin/tls/x509";
import { SESSION_HEADER } from "../vcenter/wire";
import type { RequestContext, SimulatorState } from "./context";
import { Counters, type SimulatorCounters } from "./counters";
import { plainReply, receiveUpload, refuseTicket, serveDownload, TRANSFER_PATH } from "./esxi-host";
import { checkFaultRule, FaultInjector, type FaultRule, faultAnswer } from "./faults";
import { GuestFileSystems } from "./guest-files";
import { HANDLERS, needsSession } from "./handlers/registry";
import { defaultInventory, type InventoryVm, loadInventory } from "./inventory";
import { type ResolvedSimulatorOptions, resolveOptions, type SimulatorOptions } from "./options";
import { readBody } from "./request-body";
import { ApiError, replyForException, writeReply } from "./responses";
import { matchRoute, type RouteMatch } from "./router";
import { SessionStore } from "./sessions";
import { TransferStore, type TransferTicket } from "./transfers";
import { VirtualMachine, type VmStatePatch } from "./virtual-machine";

/** One VM in {@link SimulatorDescription}. */
export type SimulatorVmDescription = Pick<
  InventoryVm,
  "vm" | "name" | "power_state" | "tools_running" | "guest_user" | "guest_password"
>;

/** What the CLI prints about a running simulator (snake_case: it is output for users and scripts). */
export interface SimulatorDescription {
  url: string;
  server: string;
  user: string;
  password: string;
  /** The CA certificate file to trust, or `null` for plain HTTP. */
  ca_file: string | null;
  vms: SimulatorVmDescription[];
}

interface TlsMaterial {
  caPem: string;
  keyPem: string;
  certPem: string;
  /** The simulated ESXi host's key and certificate (transfer URLs). */
  esxiKeyPem: string;
  esxiCertPem: string;
}

/** The listeners of a simulator: vCenter's, and the simulated ESXi host's (transfer URLs). */
interface Listeners {
  vcenter: Server;
  esxi: Server;
  port: number;
  esxiPort: number;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : port);
    });
  });
}

function formatHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * A running vCenter simulator. Start one with {@link Simulator.start}; always {@link Simulator.close} it.
 *
 * Every request is routed, counted, read (1 MiB at most), passed through the fault rules, checked for a
 * session (all operations but login) and answered by its handler; every error is the vAPI envelope.
 */
export class Simulator {
  /** Base URL, e.g. `https://127.0.0.1:41234`. */
  readonly url: string;
  /** `host:port`, e.g. `127.0.0.1:41234` (the `vsphere_server` of a provider config). */
  readonly server: string;
  /** The CA certificate file to trust, or `undefined` for plain HTTP. */
  readonly caFile: string | undefined;
  /** The CA certificate (PEM), or `undefined` for plain HTTP. */
  readonly caPem: string | undefined;
  /** The vCenter user that may log in. */
  readonly user: string;
  /** Its password. */
  readonly password: string;
  /** What the simulator has seen. */
  readonly counters: SimulatorCounters;
  /** `host:port` of the simulated ESXi host that serves transfer URLs (a listener of its own, own certificate). */
  readonly esxiServer: string;

  private readonly state: SimulatorState;
  private readonly sessions: SessionStore;
  private readonly faults = new FaultInjector();
  private readonly delays = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly exitHook = (): void => {
    for (const vm of this.state.vms.values()) vm.processes.killAll();
  };
  private closing: Promise<void> | undefined;

  private readonly httpServer: Server;
  private readonly esxiHttpServer: Server;

  private constructor(
    listeners: Listeners,
    vms: Map<string, VirtualMachine>,
    options: ResolvedSimulatorOptions,
    tls: TlsMaterial | undefined,
    caFile: string | undefined,
    private readonly tempDir: string,
  ) {
    this.httpServer = listeners.vcenter;
    this.esxiHttpServer = listeners.esxi;
    const port = listeners.port;
    this.server = `${formatHost(options.host)}:${port}`;
    this.esxiServer = `${formatHost(options.host)}:${listeners.esxiPort}`;
    this.url = `${tls === undefined ? "http" : "https"}://${this.server}`;
    this.caPem = tls?.caPem;
    this.caFile = caFile;
    this.user = options.user;
    this.password = options.password;
    this.sessions = new SessionStore(options.sessionIdleMs, options.clock);
    const counters = new Counters(() => this.sessions.activeCount);
    this.counters = counters;
    const unspecified = options.host === "0.0.0.0" || options.host === "::";
    const urlHost = options.transferUrlHost === "*" || unspecified ? "*" : formatHost(options.host);
    const scheme = tls === undefined ? "http" : "https";
    this.state = {
      vms,
      sessions: this.sessions,
      counters,
      user: options.user,
      password: options.password,
      files: new GuestFileSystems(join(tempDir, "guests")),
      transfers: new TransferStore(() => options.clock().getTime(), options.transferValidityMs),
      transferUrl: (ticket: TransferTicket) =>
        `${scheme}://${urlHost}:${listeners.esxiPort}${TRANSFER_PATH}?id=${ticket.id}&token=${ticket.token}`,
      maxUploadBytes: options.maxUploadBytes,
    };
    this.httpServer.on("request", (request: IncomingMessage, response: ServerResponse) => {
      this.handle(request, response).catch((error: unknown) =>
        writeReply(response, replyForException(error)),
      );
    });
    listeners.esxi.on("request", (request: IncomingMessage, response: ServerResponse) => {
      this.handleTransfer(request, response).catch((error: unknown) =>
        plainReply(
          response,
          500,
          `the simulated ESXi host failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    });
    process.on("exit", this.exitHook);
  }

  /**
   * Starts a simulator: loads the inventory, issues the TLS certificates, writes the CA file and listens.
   * @param options - see {@link SimulatorOptions}; all optional
   * @throws TypeError for a bad option, `InventoryError` for a bad inventory, or the listen error
   */
  static async start(options: SimulatorOptions = {}): Promise<Simulator> {
    const resolved = resolveOptions(options);
    const inventory = await loadInventory(resolved.inventory ?? defaultInventory());
    const faults = [
      ...(inventory.faults ?? []),
      ...resolved.faults.map((rule, i) => checkFaultRule(rule, `faults[${i}]`)),
    ];
    const bootTime = resolved.clock();
    const vms = new Map<string, VirtualMachine>();
    for (const config of inventory.vms) {
      vms.set(
        config.vm,
        new VirtualMachine(config, {
          retentionMs: resolved.retentionMs,
          terminateGraceMs: resolved.terminateGraceMs,
          bootTime,
          clock: resolved.clock,
        }),
      );
    }

    let tls: TlsMaterial | undefined;
    let httpServer: Server;
    let esxiServer: Server;
    if (resolved.tls) {
      const host = resolved.host;
      const dnsNames = [...new Set(["localhost", ...(isIP(host) === 0 ? [host] : [])])];
      const ipAddresses = [...new Set(["127.0.0.1", "::1", ...(isIP(host) === 0 ? [] : [host])])];
      const { ca, server } = createCaAndServerCertificate({
        dnsNames,
        ipAddresses,
        caCommonName: "vsphere-guest simulator CA",
      });
      // The ESXi host has a certificate of its own; with a vCenter-managed VMCA the same CA signs it.
      const esxiIssuer =
        resolved.transferCertificate === "simulator-ca"
          ? ca
          : createCertificate({
              commonName: "untrusted CA (simulated ESXi host)",
              isCa: true,
              keyUsage: ["keyCertSign", "cRLSign"],
              validDays: 30,
            });
      const esxi = createCertificate({
        commonName: "esx-01.simulator.local",
        dnsNames: ["esx-01.simulator.local", ...dnsNames],
        ipAddresses,
        keyUsage: ["digitalSignature"],
        extKeyUsage: ["serverAuth"],
        issuer: esxiIssuer,
      });
      tls = {
        caPem: ca.certPem,
        keyPem: server.keyPem,
        certPem: server.certPem,
        esxiKeyPem: esxi.keyPem,
        esxiCertPem: esxi.certPem,
      };
      httpServer = createHttpsServer({ key: tls.keyPem, cert: tls.certPem });
      esxiServer = createHttpsServer({ key: tls.esxiKeyPem, cert: tls.esxiCertPem });
    } else {
      httpServer = createHttpServer();
      esxiServer = createHttpServer();
    }

    const tempDir = await mkdtemp(join(tmpdir(), "vsphere-guest-simulator-"));
    let caFile: string | undefined;
    let listeners: Listeners;
    try {
      if (tls !== undefined) {
        caFile = resolved.caFile ?? join(tempDir, "ca.pem");
        await writeFile(caFile, tls.caPem, { mode: 0o644 });
      }
      const port = await listen(httpServer, resolved.port, resolved.host);
      const esxiPort = await listen(esxiServer, 0, resolved.host).catch((error: unknown) => {
        httpServer.close();
        throw error;
      });
      listeners = { vcenter: httpServer, esxi: esxiServer, port, esxiPort };
    } catch (error) {
      await rm(tempDir, { recursive: true, force: true });
      throw error;
    }
    const simulator = new Simulator(listeners, vms, resolved, tls, caFile, tempDir);
    for (const rule of faults) simulator.addFault(rule);
    return simulator;
  }

  /** The summary the CLI prints: where to connect, how to log in, and each VM's guest account. */
  describe(): SimulatorDescription {
    return {
      url: this.url,
      server: this.server,
      user: this.user,
      password: this.password,
      ca_file: this.caFile ?? null,
      vms: [...this.state.vms.values()].map((vm) => ({
        vm: vm.id,
        name: vm.config.name,
        power_state: vm.power,
        tools_running: vm.tools,
        guest_user: vm.config.guest_user,
        guest_password: vm.config.guest_password,
      })),
    };
  }

  /** Adds a fault rule (validated; throws on a bad rule). Rules apply in the order added. */
  addFault(rule: FaultRule): void {
    this.faults.add(rule);
  }

  /** Removes every fault rule, including those of the inventory. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Expires every session, as if each had idled out. */
  expireAllSessions(): void {
    this.sessions.expireAll();
  }

  /**
   * Changes a VM's power or Tools state, e.g. to simulate Tools starting a while after power-on.
   * Powering off stops Tools and kills every process started in the guest.
   * @throws Error for an unknown VM id
   */
  setVmState(vm: string, patch: VmStatePatch): void {
    const machine = this.state.vms.get(vm);
    if (machine === undefined) {
      throw new Error(
        `setVmState: no VM "${vm}"; the inventory has ${[...this.state.vms.keys()].join(", ")}`,
      );
    }
    machine.setState(patch);
    // A transfer URL dies with its VM's running state.
    if (machine.power !== "POWERED_ON") this.state.transfers.invalidateVm(vm);
  }

  /**
   * The directory a VM's `createTemporary` calls use when no parent is given (so tests can count
   * what a client left behind). Each VM has its own, under the simulator's work directory.
   * @throws Error for an unknown VM id
   */
  guestTempDir(vm: string): string {
    const machine = this.state.vms.get(vm);
    if (machine === undefined) throw new Error(`guestTempDir: no VM "${vm}"`);
    return this.state.files.tempDir(machine);
  }

  /**
   * Stops serving: closes every connection (keep-alive ones too), terminates the running guest processes
   * (TERM, then KILL after the grace) and removes the temporary CA directory. Safe to call twice.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const serverClosed = Promise.all(
      [this.httpServer, this.esxiHttpServer].map(
        (server) => new Promise<void>((resolve) => server.close(() => resolve())),
      ),
    );
    this.httpServer.closeAllConnections();
    this.esxiHttpServer.closeAllConnections();
    for (const delay of this.delays) {
      clearTimeout(delay.timer);
      delay.resolve();
    }
    this.delays.clear();
    await Promise.all([...this.state.vms.values()].map((vm) => vm.processes.shutdown()));
    await serverClosed;
    await rm(this.tempDir, { recursive: true, force: true });
    process.off("exit", this.exitHook);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const delay = {
        timer: setTimeout(() => {
          this.delays.delete(delay);
          resolve();
        }, ms),
        resolve,
      };
      this.delays.add(delay);
    });
  }

  /**
   * A request to the simulated ESXi host: `GET` (download) or `PUT` (upload) of a transfer URL.
   * Counted and passed through the fault rules like vCenter's operations (routes
   * `transfers.download` and `transfers.upload`, with the ticket's VM).
   */
  private async handleTransfer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = request.url ?? "/";
    const queryAt = target.indexOf("?");
    const path = queryAt < 0 ? target : target.slice(0, queryAt);
    const query = new URLSearchParams(queryAt < 0 ? "" : target.slice(queryAt + 1));
    const route =
      request.method === "GET"
        ? "transfers.download"
        : request.method === "PUT"
          ? "transfers.upload"
          : undefined;
    if (path !== TRANSFER_PATH || route === undefined) {
      this.state.counters.unmatched += 1;
      request.resume();
      plainReply(
        response,
        path === TRANSFER_PATH ? 405 : 404,
        `nothing is served at ${request.method} ${path}`,
      );
      return;
    }
    this.state.counters.requests[route] += 1;
    const peeked = this.state.transfers.peek(query.get("id"), query.get("token"));
    const decision = this.faults.decide(route, peeked?.vm);
    if (decision.delayMs > 0) await this.sleep(decision.delayMs);
    if (this.closing !== undefined) return;
    if (decision.answer !== undefined) {
      const answer = faultAnswer(decision.answer);
      if (answer === "reset") request.socket.destroy();
      else {
        request.resume();
        writeReply(response, answer);
      }
      return;
    }
    if (peeked !== undefined && (peeked.direction === "download") !== (request.method === "GET")) {
      request.resume();
      plainReply(
        response,
        405,
        `this transfer URL is for a ${peeked.direction}: use ${peeked.direction === "download" ? "GET" : "PUT"}`,
      );
      return;
    }
    const ticket = this.state.transfers.take(query.get("id"), query.get("token"));
    if (typeof ticket === "string") {
      request.resume();
      refuseTicket(response, ticket);
      return;
    }
    const vm = this.state.vms.get(ticket.vm);
    if (vm === undefined || vm.power !== "POWERED_ON") {
      request.resume();
      refuseTicket(response, "invalidated");
      return;
    }
    if (ticket.direction === "download") await serveDownload(ticket, response);
    else await receiveUpload(ticket, request, response);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let match: RouteMatch;
    try {
      match = matchRoute(request.method ?? "GET", request.url ?? "/");
    } catch (error) {
      this.state.counters.unmatched += 1;
      writeReply(response, replyForException(error));
      return;
    }
    this.state.counters.requests[match.route] += 1;
    const body = await readBody(request);

    const decision = this.faults.decide(match.route, match.vm);
    if (decision.delayMs > 0) await this.sleep(decision.delayMs);
    if (this.closing !== undefined) return;
    const header = request.headers[SESSION_HEADER];
    const token = typeof header === "string" ? header : undefined;
    if (decision.expireSession) this.sessions.expire(token);
    if (decision.answer !== undefined) {
      const answer = faultAnswer(decision.answer);
      if (answer === "reset") request.socket.destroy();
      else writeReply(response, answer);
      return;
    }

    let session: RequestContext["session"];
    if (needsSession(match.route)) {
      session = this.sessions.touch(token);
      if (session === undefined) {
        throw new ApiError(
          "UNAUTHENTICATED",
          token === undefined
            ? `authentication required: log in with POST /api/session and send the token in the ${SESSION_HEADER} header`
            : "the session is not valid (expired, logged out or unknown); log in again",
          { id: "simulator.session.invalid" },
        );
      }
    }
    const reply = await HANDLERS[match.route]({
      state: this.state,
      match,
      headers: request.headers,
      body,
      session,
    });
    writeReply(response, reply);
  }
}
