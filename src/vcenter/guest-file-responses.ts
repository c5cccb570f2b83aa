/**
 * Strict parsing of the guest identity and guest filesystem answers: every field is checked for
 * its type, and a wrong one is a {@link BadResponseError} naming the operation, the field and the
 * value. Nothing is coerced.
 */
import { Answer } from "./answer";
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

/** `GET .../guest/identity`: `{name, family, full_name: {default_message…}, host_name, ip_address?}`. */
export function parseGuestIdentity(res: TransportResponse, operation = "guest identity"): GuestIdentity {
  const answer = new Answer(operation, res);
  const body = answer.object(parseJsonBody(res));
  const name = answer.string(body, "name");
  const family: GuestOsFamily = answer.oneOf(body, "family", GUEST_OS_FAMILIES);
  const full = answer.object(body.full_name ?? undefined, "full_name");
  const fullName = answer.string(full, "default_message", "full_name.default_message");
  const hostName = answer.string(body, "host_name");
  const identity: GuestIdentity = { name, family, fullName, hostName };
  if (body.ip_address !== undefined && body.ip_address !== null) {
    identity.ipAddress = answer.string(body, "ip_address");
  }
  return identity;
}

/** `Files.createTemporary` / `Directories.createTemporary`: the absolute guest path, as a JSON string. */
export function parseGuestPath(res: TransportResponse, operation: string): string {
  const answer = new Answer(operation, res);
  const body = parseJsonBody(res);
  if (typeof body !== "string" || body === "") {
    throw answer.invalid("path", body, "is not a guest path (a non-empty JSON string)");
  }
  // POSIX `/tmp/x`, Windows `C:\x` or `\\server\share\x`.
  if (!/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(body) || body.includes("\0")) {
    throw answer.invalid("path", body, "is not an absolute guest path");
  }
  return body;
}

/** `Files.get`: `{type, size, attributes?}`. */
export function parseFileInfo(res: TransportResponse, operation = "get file"): GuestFileInfo {
  const answer = new Answer(operation, res);
  const body = answer.object(parseJsonBody(res));
  const type: GuestFileType = answer.oneOf(body, "type", GUEST_FILE_TYPES);
  if (body.size === undefined || body.size === null) throw answer.invalid("size", undefined, "");
  const size = answer.int64Value(body.size, "size");
  if (typeof size !== "number" || size < 0) {
    throw answer.invalid("size", body.size, "is not a size in bytes (a whole number from 0 up)");
  }
  const info: GuestFileInfo = { type, size };
  if (body.attributes === undefined || body.attributes === null) return info;
  const attributes: Json = answer.object(body.attributes, "attributes");
  const lastModified = answer.optionalDateTime(attributes, "last_modified", "attributes.last_modified");
  if (lastModified !== undefined) info.lastModified = lastModified;
  if (attributes.posix === undefined || attributes.posix === null) return info;
  const posix = answer.object(attributes.posix, "attributes.posix");
  if (posix.permissions !== undefined && posix.permissions !== null) {
    const permissions = answer.string(posix, "permissions", "attributes.posix.permissions");
    if (!/^[0-7]{3,4}$/.test(permissions)) {
      throw answer.invalid(
        "attributes.posix.permissions",
        permissions,
        'is not octal permissions like "0644"',
      );
    }
    info.permissions = permissions;
  }
  return info;
}

/**
 * `Transfers.create`: a URL (JSON string) on the ESXi host. A `*` host means "the server you
 * called" and is replaced by `server`'s host name (the port, path and query stay as sent).
 * @returns the URL to request, as a parsed `URL`
 */
export function parseTransferUrl(res: TransportResponse, server: ServerAddress, operation: string): URL {
  const answer = new Answer(operation, res);
  const body = parseJsonBody(res);
  if (typeof body !== "string" || body === "") {
    throw answer.invalid("transfer URL", body, "is not a URL (a non-empty JSON string)");
  }
  const host = server.hostname.includes(":") ? `[${server.hostname}]` : server.hostname;
  const substituted = body.replace(/^(https:\/\/)\*(?=[:/?]|$)/i, `$1${host}`);
  let url: URL;
  try {
    url = new URL(substituted);
  } catch {
    throw answer.invalid("transfer URL", body, "is not an absolute https:// URL");
  }
  if (url.protocol !== "https:") {
    throw answer.invalid(
      "transfer URL",
      body,
      "is not an https:// URL (the ESXi host serves transfers over TLS)",
    );
  }
  if (url.username !== "" || url.password !== "" || url.hostname === "" || url.hostname.includes("*")) {
    throw answer.invalid("transfer URL", body, "is not an https:// URL with a host name and no user");
  }
  return url;
}
