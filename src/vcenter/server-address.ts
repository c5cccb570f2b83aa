import { quote } from "../util/quote";
import { InvalidArgumentError } from "./errors";

/** A parsed vCenter address: what to connect to. */
export interface ServerAddress {
  /** Always `https:`: plain `http://` is refused (it would send the password in clear text). */
  protocol: "https:";
  /** Host name or IP (IPv6 without brackets). */
  hostname: string;
  port: number;
  /** Origin for requests, e.g. `https://vc.example.com:443`. */
  origin: string;
  /** `host:port` as people write it. */
  display: string;
}

/**
 * Parses a server given as `host`, `host:port`, `https://host[:port]` or `[v6]:port`. Plain
 * `http://`, other schemes, paths, queries and credentials in the address are refused.
 */
export function parseServerAddress(input: string, field = "server"): ServerAddress {
  const raw = input.trim();
  if (raw === "") {
    throw new InvalidArgumentError(
      field,
      `${field} is empty`,
      "give the vCenter host name, e.g. vcenter.example.com",
    );
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InvalidArgumentError(
      field,
      `${field} ${quote(input)} is not a host, host:port or https://host:port`,
      "write it like vcenter.example.com, vcenter.example.com:443 or https://vcenter.example.com",
    );
  }
  if (url.protocol === "http:") {
    throw new InvalidArgumentError(
      field,
      `${field} ${quote(input)} uses plain http, which would send the vCenter password in clear text`,
      "vCenter's API is served over HTTPS: use https:// (or no scheme)",
    );
  }
  if (url.protocol !== "https:") {
    throw new InvalidArgumentError(
      field,
      `${field} ${quote(input)} uses ${url.protocol.slice(0, -1)}`,
      "use https://",
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new InvalidArgumentError(
      field,
      `${field} must not carry credentials`,
      "give the user and password separately (user / password)",
    );
  }
  if ((url.pathname !== "/" && url.pathname !== "") || url.search !== "" || url.hash !== "") {
    throw new InvalidArgumentError(
      field,
      `${field} ${quote(input)} has a path or query`,
      "give only the host (and port): the client adds /api itself",
    );
  }
  const protocol = "https:";
  const port = url.port === "" ? 443 : Number(url.port);
  const hostname = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const hostForUrl = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    protocol,
    hostname,
    port,
    origin: `${protocol}//${hostForUrl}:${port}`,
    display: `${hostForUrl}:${port}`,
  };
}
