/**
 * What a handler sees: the simulator's state and one decoded request.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Counters } from "./counters";
import type { GuestFileSystems } from "./guest-files";
import type { Reply } from "./responses";
import type { RouteMatch } from "./router";
import type { Session, SessionStore } from "./sessions";
import type { TransferStore, TransferTicket } from "./transfers";
import type { VirtualMachine } from "./virtual-machine";

/** The mutable state of one running simulator, shared by all handlers. */
export interface SimulatorState {
  /** The VMs by id, in inventory order. */
  readonly vms: ReadonlyMap<string, VirtualMachine>;
  /** The vCenter sessions. */
  readonly sessions: SessionStore;
  /** The counters. */
  readonly counters: Counters;
  /** The vCenter user that may log in. */
  readonly user: string;
  /** Its password. */
  readonly password: string;
  /** The guests' file systems (the local machine's, with a temporary directory per VM). */
  readonly files: GuestFileSystems;
  /** The transfer URLs handed out. */
  readonly transfers: TransferStore;
  /** The URL of a ticket on the simulated ESXi host (host `*` when so configured). */
  readonly transferUrl: (ticket: TransferTicket) => string;
  /** Uploads larger than this answer 500 UNABLE_TO_ALLOCATE_RESOURCE (the guest's "free space"). */
  readonly maxUploadBytes: number;
}

/** One request, routed and read, ready for its handler. */
export interface RequestContext {
  /** The simulator state. */
  readonly state: SimulatorState;
  /** The operation and its path parameters. */
  readonly match: RouteMatch;
  /** The request headers. */
  readonly headers: IncomingHttpHeaders;
  /** The whole request body (at most 1 MiB). */
  readonly body: Buffer;
  /** The caller's session; set for every operation except `session.create`. */
  readonly session?: Session;
}

/** An operation: decode the request, act on the state, return the answer (or throw an `ApiError`). */
export type Handler = (context: RequestContext) => Reply | Promise<Reply>;
