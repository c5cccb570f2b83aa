/**
 * Strict parsing of the guest identity and guest filesystem answers: every field is checked for
 * its type, and a wrong one is a {@link BadResponseError} naming the operation, the field and the
 * value. Nothing is coerced.
 */
import { BadResponseError } from "./errors";
import {
  GUEST_FILE_TYPES,
  GUEST_OS_FAMILIES,
  type GuestFileInfo,
  type GuestFileType,
  type GuestIdentity,
  type GuestOsFamily,
} from "./guest-file-types";
import { parseJsonBody } from "./responses";
import type { ServerAddress } from "./server-address";
import type { TransportResponse } from "./transport";

type Json = Record<string, unknown>;

function show(value: unknown): string {
  if (value === undefined) return "missing";
  const text = typeof value === "bigint" ? value.toString() : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function bad(operation: string, res: TransportResponse, field: string, value: unknown, expected: string) {
  return new BadResponseError(
    `vCenter's answer to ${operation} has ${field} ${show(value)}; expected ${expected}`,
    res.statusCode,
    res.contentType,
  );
}

function objectBody(operation: string, res: TransportResponse): Json {
  const body = parseJsonBody(res);
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw bad(operation, res, "the body", body, "a JSON object");
  }
  return body as Json;
}

function stringField(operation: string, res: TransportResponse, body: Json, field: string): string {
  const value = body[field];
  if (typeof value !== "string") throw bad(operation, res, field, value, "a string");
  return value;
}

/** `GET .../guest/identity`: `{name, family, full_name: {default_message…}, host_name, ip_address?}`. */
export function parseGuestIdentity(res: TransportResponse, operation = "guest identity"): GuestIdentity {
  const body = objectBody(operation, res);
  const name = stringField(operation, res, body, "name");
  const family = body.family;
  if (typeof family !== "string" || !(GUEST_OS_FAMILIES as readonly string[]).includes(family)) {
    throw bad(operation, res, "family", family, `one of ${GUEST_OS_FAMILIES.join(", ")}`);
  }
  const full = body.full_name;
  if (full === null || typeof full !== "object" || Array.isArray(full)) {
    throw bad(operation, res, "full_name", full, "a localizable message object");
  }
  const fullMessage = (full as Json).default_message;
  if (typeof fullMessage !== "string") {
    throw bad(operation, res, "full_name.default_message", fullMessage, "a string");
  }
  const hostName = stringField(operation, res, body, "host_name");
  const identity: GuestIdentity = { name, family: family as GuestOsFamily, fullName: fullMessage, hostName };
  if (body.ip_address !== undefined && body.ip_address !== null) {
    identity.ipAddress = stringField(operation, res, body, "ip_address");
  }
  return identity;
}

/** `Files.createTemporary` / `Directories.createTemporary`: the absolute guest path, as a JSON string. */
export function parseGuestPath(res: TransportResponse, operation: string): string {
  const body = parseJsonBody(res);
  if (typeof body !== "string" || body === "") {
    throw bad(operation, res, "the path", body, "the absolute guest path as a non-empty JSON string");
  }
  // POSIX `/tmp/x`, Windows `C:\x` or `\\server\share\x`.
  if (!/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(body) || body.includes("\0")) {
    throw bad(operation, res, "the path", body, "an absolute guest path");
  }
  return body;
}

/** `Files.get`: `{type, size, attributes?}`. */
export function parseFileInfo(res: TransportResponse, operation = "get file"): GuestFileInfo {
  const body = objectBody(operation, res);
  const type = body.type;
  if (typeof type !== "string" || !(GUEST_FILE_TYPES as readonly string[]).includes(type)) {
    throw bad(operation, res, "type", type, `one of ${GUEST_FILE_TYPES.join(", ")}`);
  }
  const size = body.size;
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
    throw bad(operation, res, "size", size, "a whole number of bytes >= 0");
  }
  const info: GuestFileInfo = { type: type as GuestFileType, size };
  const attributes = body.attributes;
  if (attributes === undefined || attributes === null) return info;
  if (typeof attributes !== "object" || Array.isArray(attributes)) {
    throw bad(operation, res, "attributes", attributes, "an object");
  }
  const a = attributes as Json;
  if (a.last_modified !== undefined && a.last_modified !== null) {
    if (typeof a.last_modified !== "string" || Number.isNaN(Date.parse(a.last_modified))) {
      throw bad(operation, res, "attributes.last_modified", a.last_modified, "an ISO 8601 date-time");
    }
    info.lastModified = a.last_modified;
  }
  const posix = a.posix;
  if (posix !== undefined && posix !== null) {
    if (typeof posix !== "object" || Array.isArray(posix)) {
      throw bad(operation, res, "attributes.posix", posix, "an object");
    }
    const permissions = (posix as Json).permissions;
    if (permissions !== undefined && permissions !== null) {
      if (typeof permissions !== "string" || !/^[0-7]{3,4}$/.test(permissions)) {
        throw bad(operation, res, "attributes.posix.permissions", permissions, 'an octal string like "0644"');
      }
      info.permissions = permissions;
    }
  }
  return info;
}

/**
 * `Transfers.create`: a URL (JSON string) on the ESXi host. A `*` host means "the server you
 * called" and is replaced by `server`'s host name (the port, path and query stay as sent).
 * @returns the URL to request, as a parsed `URL`
 */
export function parseTransferUrl(res: TransportResponse, server: ServerAddress, operation: string): URL {
  const body = parseJsonBody(res);
  if (typeof body !== "string" || body === "") {
    throw bad(operation, res, "the transfer URL", body, "a URL as a non-empty JSON string");
  }
  const host = server.hostname.includes(":") ? `[${server.hostname}]` : server.hostname;
  const substituted = body.replace(/^(https:\/\/)\*(?=[:/?]|$)/i, `$1${host}`);
  let url: URL;
  try {
    url = new URL(substituted);
  } catch {
    throw bad(operation, res, "the transfer URL", body, "an absolute https:// URL");
  }
  if (url.protocol !== "https:") {
    throw bad(
      operation,
      res,
      "the transfer URL",
      body,
      "an https:// URL (the ESXi host serves transfers over TLS)",
    );
  }
  if (url.username !== "" || url.password !== "" || url.hostname === "" || url.hostname.includes("*")) {
    throw bad(operation, res, "the transfer URL", body, "an https:// URL with a host name");
  }
  return url;
}
