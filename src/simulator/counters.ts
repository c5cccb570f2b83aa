/**
 * What the simulator has seen: logins, logouts and requests per operation.
 * Tests read these to prove that a client re-logged in once, retried twice, or logged out.
 */
import { ROUTE_NAMES, type RouteName } from "./router";

/** Counters of one simulator, readable at any time. */
export interface SimulatorCounters {
  /** Successful `POST /api/session`. */
  readonly logins: number;
  /** Successful `DELETE /api/session`. */
  readonly logouts: number;
  /** `POST /api/session` refused with 401. */
  readonly failedLogins: number;
  /** Sessions alive now (not reset by {@link SimulatorCounters.reset}: it is state, not a count). */
  readonly activeSessions: number;
  /** Requests per operation, every one counted, including those a fault answered. */
  readonly requests: Readonly<Record<RouteName, number>>;
  /** Requests that named no operation (unknown path, wrong method, unknown action). */
  readonly unmatched: number;
  /** Sets every count back to zero. */
  reset(): void;
}

function zeroRequests(): Record<RouteName, number> {
  return Object.fromEntries(ROUTE_NAMES.map((name) => [name, 0])) as Record<RouteName, number>;
}

/** The simulator's own, writable implementation of {@link SimulatorCounters}. */
export class Counters implements SimulatorCounters {
  logins = 0;
  logouts = 0;
  failedLogins = 0;
  unmatched = 0;
  requests: Record<RouteName, number> = zeroRequests();

  /** @param activeSessionCount - reads the number of live sessions */
  constructor(private readonly activeSessionCount: () => number) {}

  get activeSessions(): number {
    return this.activeSessionCount();
  }

  reset(): void {
    this.logins = 0;
    this.logouts = 0;
    this.failedLogins = 0;
    this.unmatched = 0;
    this.requests = zeroRequests();
  }
}
