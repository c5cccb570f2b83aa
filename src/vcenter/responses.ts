/** Reading vCenter's answers: the error envelope and JSON bodies, with clear errors when they are not what the API sends. */

import { parseJsonExact } from "../util/json";
import { quote } from "../util/quote";
import { BadResponseError } from "./errors";
import type { TransportResponse } from "./transport";
import { WIRE_ERROR_TYPES, type WireError, type WireErrorType } from "./wire";

const KNOWN_TYPES = new Set<string>(WIRE_ERROR_TYPES);

/** A short, printable excerpt of a body that is not JSON (for error messages). */
function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 80 ? `${flat.slice(0, 80)}…` : flat;
}

/** Parses a JSON body, or explains what came instead (HTML from a proxy, plain text, nothing). */
export function parseJsonBody(res: TransportResponse): unknown {
  try {
    return parseJsonExact(res.text);
  } catch {
    const type = res.contentType?.split(";")[0]?.trim() || "no content type";
    const looksHtml = /^\s*</.test(res.text) || type === "text/html";
    throw new BadResponseError(
      res.text === ""
        ? `vCenter answered HTTP ${res.statusCode} with an empty body where JSON was expected`
        : `vCenter answered HTTP ${res.statusCode} with ${looksHtml ? "an HTML page" : type} instead of JSON: ${quote(excerpt(res.text))}`,
      res.statusCode,
      res.contentType,
      looksHtml
        ? "a proxy, load balancer or login page is answering instead of vCenter's API: check the server address"
        : undefined,
    );
  }
}

/**
 * The standard error envelope of an error answer. A body that is not an envelope still becomes
 * one (type `ERROR`) when it is JSON, and a {@link BadResponseError} when it is not.
 */
export function parseEnvelope(res: TransportResponse): WireError {
  const body = parseJsonBody(res);
  if (body !== null && typeof body === "object" && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    const type =
      typeof b.error_type === "string" && KNOWN_TYPES.has(b.error_type)
        ? (b.error_type as WireErrorType)
        : "ERROR";
    const messages = Array.isArray(b.messages)
      ? b.messages
          .filter((m): m is Record<string, unknown> => m !== null && typeof m === "object")
          .map((m) => ({
            id: String(m.id ?? ""),
            default_message: String(m.default_message ?? ""),
            args: Array.isArray(m.args) ? m.args.map(String) : [],
          }))
      : [];
    const data =
      b.data !== null && typeof b.data === "object" ? (b.data as Record<string, unknown>) : undefined;
    return { error_type: type, messages, ...(data ? { data } : {}) };
  }
  return { error_type: "ERROR", messages: [] };
}
