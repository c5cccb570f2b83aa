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
import { createCaAndServerCertificate } from "../tls/x509";
import { SESSION_HEADER } from "../vcenter/wire";
import type { RequestContext, SimulatorState } from "./context";
import { Counters, type SimulatorCounters } from "./counters";
import { checkFaultRule, FaultInjector, type FaultRule, faultAnswer } from "./faults";
import { HANDLERS, needsSession } from "./handlers/registry";
import { defaultInventory, type InventoryVm, loadInventory } from "./inventory";
import { type ResolvedSimulatorOptions, resolveOptions, type SimulatorOptions } from "./options";
import { readBody } from "./request-body";
import { ApiError, replyForException, writeReply } from "./responses";
import { matchRoute, type RouteMatch } from "./router";
import { SessionStore } from "./sessions";
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

  private readonly state: SimulatorState;
  private readonly sessions: SessionStore;
  private readonly faults = new FaultInjector();
  private readonly delays = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private readonly exitHook = (): void => {
    for (const vm of this.state.vms.values()) vm.processes.killAll();
  };
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly httpServer: Server,
    vms: Map<string, VirtualMachine>,
    options: ResolvedSimulatorOptions,
    port: number,
    tls: TlsMaterial | undefined,
    caFile: string | undefined,
    private readonly tempDir: string | undefined,
  ) {
    this.server = `${formatHost(options.host)}:${port}`;
    this.url = `${tls === undefined ? "http" : "https"}://${this.server}`;
    this.caPem = tls?.caPem;
    this.caFile = caFile;
    this.user = options.user;
    this.password = options.password;
    this.sessions = new SessionStore(options.sessionIdleMs, options.clock);
    const counters = new Counters(() => this.sessions.activeCount);
    this.counters = counters;
    this.state = { vms, sessions: this.sessions, counters, user: options.user, password: options.password };
    httpServer.on("request", (request: IncomingMessage, response: ServerResponse) => {
      this.handle(request, response).catch((error: unknown) =>
        writeReply(response, replyForException(error)),
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
    if (resolved.tls) {
      const host = resolved.host;
      const { ca, server } = createCaAndServerCertificate({
        dnsNames: [...new Set(["localhost", ...(isIP(host) === 0 ? [host] : [])])],
        ipAddresses: [...new Set(["127.0.0.1", "::1", ...(isIP(host) === 0 ? [] : [host])])],
        caCommonName: "vsphere-guest simulator CA",
      });
      tls = { caPem: ca.certPem, keyPem: server.keyPem, certPem: server.certPem };
      httpServer = createHttpsServer({ key: tls.keyPem, cert: tls.certPem });
    } else {
      httpServer = createHttpServer();
    }

    let tempDir: string | undefined;
    let caFile: string | undefined;
    if (tls !== undefined) {
      if (resolved.caFile === undefined) {
        tempDir = await mkdtemp(join(tmpdir(), "vsphere-guest-simulator-"));
        caFile = join(tempDir, "ca.pem");
      } else {
        caFile = resolved.caFile;
      }
      await writeFile(caFile, tls.caPem, { mode: 0o644 });
    }

    try {
      await new Promise<void>((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(resolved.port, resolved.host, () => {
          httpServer.off("error", reject);
          resolve();
        });
      });
    } catch (error) {
      if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
      throw error;
    }
    const address = httpServer.address();
    const port = typeof address === "object" && address !== null ? address.port : resolved.port;
    const simulator = new Simulator(httpServer, vms, resolved, port, tls, caFile, tempDir);
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
    const serverClosed = new Promise<void>((resolve) => this.httpServer.close(() => resolve()));
    this.httpServer.closeAllConnections();
    for (const delay of this.delays) {
      clearTimeout(delay.timer);
      delay.resolve();
    }
    this.delays.clear();
    await Promise.all([...this.state.vms.values()].map((vm) => vm.processes.shutdown()));
    await serverClosed;
    if (this.tempDir !== undefined) await rm(this.tempDir, { recursive: true, force: true });
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
