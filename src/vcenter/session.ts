/**
 * The vCenter session: one token per client, obtained lazily with Basic auth, shared by every
 * call (concurrent callers wait for the same login), re-established at most once per call when
 * it expired, and deleted on close.
 */
import { Answer } from "./answer";
import { AbortedError, ApiError, BadResponseError, LoginError } from "./errors";
import { parseEnvelope, parseJsonBody } from "./responses";
import type { Transport, TransportResponse } from "./transport";
import { SESSION_HEADER } from "./wire";

/** Counts a test or a benchmark can read. */
export interface SessionStats {
  /** Successful logins (`POST /api/session`). */
  logins: number;
}

/** Holds the token and performs login, validation and logout. */
export class Session {
  private token: string | undefined;
  private pending: Promise<string> | undefined;
  /** Counts of this session's logins. */
  readonly stats: SessionStats = { logins: 0 };

  constructor(
    private readonly transport: Transport,
    private readonly user: string,
    private readonly password: string,
  ) {}

  /** The current token, logging in first when there is none. */
  async current(signal?: AbortSignal): Promise<string> {
    if (this.token !== undefined) return this.token;
    // The login is shared by every caller waiting for it, so no one caller's signal may cancel
    // it; each caller stops waiting on its own signal instead.
    this.pending ??= this.login().finally(() => {
      this.pending = undefined;
    });
    return untilAborted(this.pending, signal);
  }

  /**
   * Called after a 401 with `usedToken`. Returns a token to retry with when the session had
   * expired (re-logging in once, shared with concurrent callers), or `undefined` when the session
   * is still valid (so the 401 was about something else, such as guest credentials).
   */
  async renewIfExpired(usedToken: string, signal?: AbortSignal): Promise<string | undefined> {
    if (this.token !== undefined && this.token !== usedToken) return this.token;
    if (this.pending !== undefined) return untilAborted(this.pending, signal);
    if (await this.isValid(usedToken, signal)) return undefined;
    if (this.token === usedToken) this.token = undefined;
    return this.current(signal);
  }

  /** Whether vCenter still accepts the token (`GET /api/session`). */
  async isValid(token: string, signal?: AbortSignal): Promise<boolean> {
    const res = await this.transport.send({
      method: "GET",
      path: "/api/session",
      headers: { [SESSION_HEADER]: token },
      signal,
    });
    if (res.statusCode === 200) return true;
    if (res.statusCode === 401) return false;
    throw new ApiError(res.statusCode, parseEnvelope(res), { operation: "check session" });
  }

  /** Deletes the session on vCenter (vCenter limits concurrent sessions). Never throws. */
  async logout(): Promise<void> {
    const token = this.token ?? (await this.pending?.catch(() => undefined));
    this.token = undefined;
    if (token === undefined) return;
    try {
      await this.transport.send({
        method: "DELETE",
        path: "/api/session",
        headers: { [SESSION_HEADER]: token },
      });
    } catch {
      // The session expires on its own; a failed logout must not hide the caller's own outcome.
    }
  }

  private async login(): Promise<string> {
    const basic = Buffer.from(`${this.user}:${this.password}`, "utf8").toString("base64");
    const res = await this.transport.send({
      method: "POST",
      path: "/api/session",
      headers: { authorization: `Basic ${basic}` },
    });
    if (res.statusCode === 201 || res.statusCode === 200) {
      const token = readToken(res);
      this.token = token;
      this.stats.logins++;
      return token;
    }
    const envelope = parseEnvelope(res);
    if (res.statusCode === 401 || res.statusCode === 403) {
      throw new LoginError(res.statusCode, envelope, { operation: "login", guestUser: this.user });
    }
    throw new ApiError(res.statusCode, envelope, { operation: "login" });
  }
}

/** Waits for `promise`, or rejects with an {@link AbortedError} as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(new AbortedError("waiting for the vCenter login", signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortedError("waiting for the vCenter login", signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * The session token of a login answer: a JSON string that can travel in an HTTP header (visible
 * ASCII, no spaces), never empty.
 */
function readToken(res: TransportResponse): string {
  let body: unknown;
  try {
    body = parseJsonBody(res);
  } catch {
    throw new BadResponseError(
      `vCenter answered the login with HTTP ${res.statusCode} but no session token`,
      res.statusCode,
      res.contentType,
    );
  }
  const answer = new Answer("login", res);
  if (typeof body !== "string") {
    throw answer.invalidSecret(
      "session token",
      `is ${body === null ? "null" : Array.isArray(body) ? "an array" : `${typeof body === "object" ? "an" : "a"} ${typeof body}`}, not a string`,
    );
  }
  if (!/^[\x21-\x7e]{1,4096}$/.test(body)) {
    throw answer.invalidSecret(
      "session token",
      body === ""
        ? "is empty"
        : `is not a header-safe token (visible ASCII, at most 4096 characters; this one has ${body.length})`,
    );
  }
  return body;
}
