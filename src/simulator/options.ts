/**
 * The options of a simulator, their defaults, and their validation.
 */

import { randomBytes } from "node:crypto";
import { isAbsolute } from "node:path";
import { quote } from "../util/quote";
import type { FaultRule } from "./faults";
import type { InventoryDocument } from "./inventory";

/** How to start a simulator; every field is optional. */
export interface SimulatorOptions {
  /** Address to listen on. @default "127.0.0.1" (loopback only) */
  host?: string;
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** Serve HTTPS with a generated CA; `false` serves plain HTTP (tests only). @default true */
  tls?: boolean;
  /** Absolute path to write the CA certificate (PEM) to. @default `<os.tmpdir()>/vsphere-guest-simulator-<random>/ca.pem`, removed on close */
  caFile?: string;
  /** The inventory: an object, or the path of a JSON file. @default {@link defaultInventory} */
  inventory?: InventoryDocument | string;
  /** How long a finished process's exit code stays readable, in seconds (fractions allowed). @default 300 */
  retentionSeconds?: number;
  /** The vCenter user that may log in. @default "administrator@vsphere.local" */
  user?: string;
  /** Its password. @default a random one (see `Simulator.password`) */
  password?: string;
  /** Sessions unused for this many seconds expire (fractions allowed). @default 1800 */
  sessionIdleSeconds?: number;
  /** Fault rules to install at start, after those of the inventory. @default none */
  faults?: FaultRule[];
  /** `delete`: milliseconds between SIGTERM and SIGKILL. @default 2000 */
  terminateGraceMs?: number;
  /**
   * The host part of the transfer URLs: the listen address, or `"*"` ("the server you called",
   * which clients must replace). @default "address" (`"*"` when listening on 0.0.0.0 or ::)
   */
  transferUrlHost?: "address" | "*";
  /** How long a transfer URL stays usable, in seconds. @default 600 */
  transferValiditySeconds?: number;
  /** Uploads announcing more bytes answer 500 UNABLE_TO_ALLOCATE_RESOURCE. @default 1 GiB */
  maxUploadBytes?: number;
  /**
   * Who signs the simulated ESXi host's certificate: the simulator's CA (as a vCenter-managed VMCA
   * does), or a CA written nowhere (to rehearse a client that cannot verify the host). @default "simulator-ca"
   */
  transferCertificate?: "simulator-ca" | "untrusted-ca";
  /**
   * The clock of session expiry, exit-code retention, process times and transfer URLs' validity.
   * Tests pass a clock they
   * advance themselves, so no test has to sleep through a timeout. @default the system clock
   */
  clock?: () => Date;
}

/** The options with every default applied. */
export interface ResolvedSimulatorOptions {
  host: string;
  port: number;
  tls: boolean;
  caFile: string | undefined;
  inventory: InventoryDocument | string | undefined;
  retentionMs: number;
  user: string;
  password: string;
  sessionIdleMs: number;
  faults: FaultRule[];
  terminateGraceMs: number;
  transferUrlHost: "address" | "*";
  transferValidityMs: number;
  maxUploadBytes: number;
  transferCertificate: "simulator-ca" | "untrusted-ca";
  clock: () => Date;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`simulator option ${name}: ${quote(value)} is not a number >= 0`);
  }
  return value;
}

function oneOf<T extends string>(name: string, value: T | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) {
    throw new TypeError(`simulator option ${name}: ${quote(value)} is not one of ${allowed.join(", ")}`);
  }
  return value;
}

/**
 * Applies the defaults and checks every option.
 * @throws TypeError naming the option, the value and what is allowed
 */
export function resolveOptions(options: SimulatorOptions): ResolvedSimulatorOptions {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(
      `simulator option port: ${quote(port)} is not a port number 0-65535 (0 picks a free port)`,
    );
  }
  if (options.caFile !== undefined && !isAbsolute(options.caFile)) {
    throw new TypeError(`simulator option caFile: ${quote(options.caFile)} is not an absolute path`);
  }
  const user = options.user ?? "administrator@vsphere.local";
  if (user === "" || user.includes(":")) {
    throw new TypeError(
      `simulator option user: ${quote(user)} must be non-empty and without ":" (HTTP Basic)`,
    );
  }
  return {
    host: options.host ?? "127.0.0.1",
    port,
    tls: options.tls ?? true,
    caFile: options.caFile,
    inventory: options.inventory,
    retentionMs: nonNegative("retentionSeconds", options.retentionSeconds, 300) * 1000,
    user,
    password: options.password ?? randomBytes(18).toString("base64url"),
    sessionIdleMs: nonNegative("sessionIdleSeconds", options.sessionIdleSeconds, 1800) * 1000,
    faults: options.faults ?? [],
    terminateGraceMs: nonNegative("terminateGraceMs", options.terminateGraceMs, 2000),
    transferUrlHost: oneOf("transferUrlHost", options.transferUrlHost, ["address", "*"], "address"),
    transferValidityMs: nonNegative("transferValiditySeconds", options.transferValiditySeconds, 600) * 1000,
    maxUploadBytes: nonNegative("maxUploadBytes", options.maxUploadBytes, 1024 ** 3),
    transferCertificate: oneOf(
      "transferCertificate",
      options.transferCertificate,
      ["simulator-ca", "untrusted-ca"],
      "simulator-ca",
    ),
    clock: options.clock ?? (() => new Date()),
  };
}
