/**
 * vCenter API sessions: random tokens that expire after a period without use.
 */
import { randomBytes } from "node:crypto";

/** One logged-in session. */
export interface Session {
  /** The token, sent back in the `vmware-api-session-id` header. */
  readonly token: string;
  /** The vCenter user that logged in. */
  readonly user: string;
  /** When the session was created. */
  readonly created: Date;
  /** When the session was last used; every authenticated call updates it. */
  lastAccessed: Date;
}

/** The live sessions of one simulator. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  /**
   * @param idleMs - a session unused for longer than this is gone
   * @param now - the clock (tests may replace it)
   */
  constructor(
    private readonly idleMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Opens a session for `user` and returns it. */
  create(user: string): Session {
    const created = this.now();
    const session: Session = { token: randomBytes(16).toString("hex"), user, created, lastAccessed: created };
    this.sessions.set(session.token, session);
    return session;
  }

  /**
   * Looks a token up and, when the session is alive, marks it used now.
   * @returns the session, or `undefined` when the token is unknown or the session idled out
   */
  touch(token: string | undefined): Session | undefined {
    if (token === undefined) return undefined;
    const session = this.sessions.get(token);
    if (session === undefined) return undefined;
    const now = this.now();
    if (this.isIdle(session, now)) {
      this.sessions.delete(token);
      return undefined;
    }
    session.lastAccessed = now;
    return session;
  }

  /** Ends a session (logout). @returns whether it was alive */
  delete(token: string): boolean {
    return this.sessions.delete(token);
  }

  /** Ends a session as if it had idled out; unknown tokens are ignored. */
  expire(token: string | undefined): void {
    if (token !== undefined) this.sessions.delete(token);
  }

  /** Ends every session as if all had idled out. */
  expireAll(): void {
    this.sessions.clear();
  }

  /** How many sessions are alive now. */
  get activeCount(): number {
    const now = this.now();
    for (const [token, session] of this.sessions) {
      if (this.isIdle(session, now)) this.sessions.delete(token);
    }
    return this.sessions.size;
  }

  private isIdle(session: Session, now: Date): boolean {
    return now.getTime() - session.lastAccessed.getTime() > this.idleMs;
  }
}
