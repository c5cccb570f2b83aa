/**
 * `POST|GET|DELETE /api/session`: log in with HTTP Basic, read the session, log out.
 */

import { timingSafeEqual } from "node:crypto";
import { quote } from "../../util/quote";
import type { WireSessionInfo } from "../../vcenter/wire";
import type { Handler } from "../context";
import { ApiError, emptyReply, jsonReply } from "../responses";

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** `POST /api/session`: 201 with the token as a JSON string, or 401 UNAUTHENTICATED. */
export const createSession: Handler = ({ state, headers }) => {
  const credentials = basicCredentials(headers.authorization);
  const valid =
    credentials !== undefined &&
    sameSecret(credentials.user, state.user) &&
    sameSecret(credentials.password, state.password);
  if (!valid) {
    state.counters.failedLogins += 1;
    const message =
      credentials === undefined
        ? "authentication required: send HTTP Basic credentials of a vCenter user to POST /api/session"
        : `cannot log in as ${quote(credentials.user)}: wrong user name or password`;
    throw new ApiError("UNAUTHENTICATED", message, {
      id: "simulator.session.login_failed",
      headers: { "WWW-Authenticate": 'Basic realm="vCenter simulator"' },
    });
  }
  const session = state.sessions.create(credentials.user);
  state.counters.logins += 1;
  return jsonReply(201, session.token);
};

/** `GET /api/session`: 200 with the session's user and times. */
export const getSession: Handler = ({ session }) => {
  const info: WireSessionInfo = {
    user: session!.user,
    created_time: session!.created.toISOString(),
    last_accessed_time: session!.lastAccessed.toISOString(),
  };
  return jsonReply(200, info);
};

/** `DELETE /api/session`: 204, the token is no longer valid. */
export const deleteSession: Handler = ({ state, session }) => {
  state.sessions.delete(session!.token);
  state.counters.logouts += 1;
  return emptyReply(204);
};
