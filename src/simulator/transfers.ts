/**
 * The transfer URLs `Transfers.create` hands out: one ticket per URL, single-use, valid for a
 * while (10 minutes by default, measured with the simulator's clock), dropped when its VM stops
 * running.
 */
import { randomBytes } from "node:crypto";

/** One issued transfer URL. */
export interface TransferTicket {
  /** The `id` query parameter. */
  readonly id: number;
  /** The `token` query parameter (random). */
  readonly token: string;
  /** The VM whose guest file it is about. */
  readonly vm: string;
  /** The guest path. */
  readonly path: string;
  /** `download`: the client `GET`s; `upload`: the client `PUT`s `size` bytes. */
  readonly direction: "download" | "upload";
  /** Upload: the byte count announced. */
  readonly size?: number;
  /** Upload: replace an existing file. */
  readonly overwrite?: boolean;
  /** Upload: POSIX permissions (octal string). */
  readonly permissions?: string;
  /** Clock reading when it was issued, in milliseconds. */
  readonly issuedAt: number;
}

/** Why a ticket could not be used. */
export type TicketRefusal = "unknown" | "used" | "expired" | "invalidated";

/** The tickets of one simulator. */
export class TransferStore {
  private readonly tickets = new Map<number, TransferTicket & { state: "open" | TicketRefusal }>();
  private nextId = 1;

  /**
   * @param clock - milliseconds now (injectable, so tests can let 10 minutes pass at once)
   * @param validityMs - how long a ticket stays usable
   */
  constructor(
    private readonly clock: () => number,
    private readonly validityMs: number,
  ) {}

  /** Issues a ticket. */
  issue(ticket: Omit<TransferTicket, "id" | "token" | "issuedAt">): TransferTicket {
    const issued = {
      ...ticket,
      id: this.nextId++,
      token: randomBytes(16).toString("hex"),
      issuedAt: this.clock(),
    };
    this.tickets.set(issued.id, { ...issued, state: "open" });
    return issued;
  }

  /**
   * Looks a ticket up by the URL's `id` and `token` without using it (so fault rules can name its VM).
   */
  peek(id: string | null, token: string | null): TransferTicket | undefined {
    const ticket = id !== null && /^\d{1,15}$/.test(id) ? this.tickets.get(Number(id)) : undefined;
    return ticket !== undefined && ticket.token === token ? ticket : undefined;
  }

  /**
   * Takes a ticket for one request: it cannot be used again afterwards.
   * @returns the ticket, or why it is refused
   */
  take(id: string | null, token: string | null): TransferTicket | TicketRefusal {
    const ticket = this.peek(id, token);
    if (ticket === undefined) return "unknown";
    const entry = this.tickets.get(ticket.id)!;
    if (entry.state !== "open") return entry.state;
    if (this.clock() - entry.issuedAt >= this.validityMs) {
      entry.state = "expired";
      return "expired";
    }
    entry.state = "used";
    return ticket;
  }

  /** Invalidates every open ticket of a VM (powered off, suspended). */
  invalidateVm(vm: string): void {
    for (const entry of this.tickets.values()) {
      if (entry.vm === vm && entry.state === "open") entry.state = "invalidated";
    }
  }
}
