/**
 * Routing: from a method and a raw request target to a route name and its path parameters.
 *
 * The raw path is split on `/` first and each segment is percent-decoded afterwards, so an encoded
 * slash (`vm-1%2F..%2Fsession`) stays inside its segment and can never reach another route.
 * Nothing is normalised: `.` and `..` are ordinary segment values.
 */
import { quote } from "../util/quote";
import { ApiError } from "./responses";

/** Every operation the simulator serves; the keys of the request counters and the targets of fault rules. */
export const ROUTE_NAMES = [
  "session.create",
  "session.get",
  "session.delete",
  "vm.list",
  "guest.operations",
  "processes.create",
  "processes.list",
  "processes.get",
  "processes.delete",
  "guest.identity",
  "files.createTemporary",
  "files.get",
  "files.delete",
  "directories.createTemporary",
  "directories.delete",
  "transfers.create",
  // Served by the simulated ESXi host's listener, not by vCenter's: the GET/PUT of a transfer URL.
  "transfers.download",
  "transfers.upload",
] as const;

/** The name of one operation, e.g. `processes.get`. */
export type RouteName = (typeof ROUTE_NAMES)[number];

/** A request target that names an operation. */
export interface RouteMatch {
  /** The operation. */
  route: RouteName;
  /** The decoded `{vm}` path segment, for the routes under `/api/vcenter/vm/{vm}`. */
  vm?: string;
  /** The decoded `{pid}` path segment, still text: handlers validate it after the VM. */
  pid?: string;
  /** The decoded `{path}` segment of the guest file operations (`%2Ftmp%2Fx` → `/tmp/x`). */
  path?: string;
  /** The query string. */
  query: URLSearchParams;
}

interface RouteSpec {
  /** Literal segments, or `:vm` / `:pid` / `:path` placeholders. */
  pattern: string[];
  method: string;
  /** The `?action=` this operation answers to, for the POST-with-action operations. */
  action?: string;
  route: RouteName;
}

const ROUTES: RouteSpec[] = [
  { pattern: ["api", "session"], method: "POST", route: "session.create" },
  { pattern: ["api", "session"], method: "GET", route: "session.get" },
  { pattern: ["api", "session"], method: "DELETE", route: "session.delete" },
  { pattern: ["api", "vcenter", "vm"], method: "GET", route: "vm.list" },
  {
    pattern: ["api", "vcenter", "vm", ":vm", "guest", "operations"],
    method: "GET",
    route: "guest.operations",
  },
  {
    pattern: ["api", "vcenter", "vm", ":vm", "guest", "processes"],
    method: "POST",
    action: "create",
    route: "processes.create",
  },
  {
    pattern: ["api", "vcenter", "vm", ":vm", "guest", "processes"],
    method: "POST",
    action: "list",
    route: "processes.list",
  },
  {
    pattern: ["api", "vcenter", "vm", ":vm", "guest", "processes", ":pid"],
    method: "POST",
    action: "get",
    route: "processes.get",
  },
  {
    pattern: ["api", "vcenter", "vm", ":vm", "guest", "processes", ":pid"],
    method: "POST",
    action: "delete",
    route: "processes.delete",
  },
  {
    pattern: ["api", "vcenter", "vm", ":vm", "guest", "identity"],
    method: "GET",
    route: "guest.identity",
  },
  {
    pattern: ["api", "vcenter", "vm", ":vm", "guest", "filesystem"],
    method: "POST",
    action: "create",
    route: "transfers.create",
  },
  {
    pattern: ["api", "vcenter", "vm", ":vm", "guest", "filesystem", "files"],
    method: "POST",
    action: "createTemporary",
    route: "files.createTemporary",
  },
  {
    pattern: ["api", "vcenter", "vm", ":vm", "guest", "filesystem", "files", ":path"],
    method: "POST",
    action: "get",
    route: "files.get",
  },
  {
    pattern: ["api", "vcenter", "vm", ":vm", "guest", "filesystem", "files", ":path"],
    method: "POST",
    action: "delete",
    route: "files.delete",
  },
  {
    pattern: ["api", "vcenter", "vm", ":vm", "guest", "filesystem", "directories"],
    method: "POST",
    action: "createTemporary",
    route: "directories.createTemporary",
  },
  {
    pattern: ["api", "vcenter", "vm", ":vm", "guest", "filesystem", "directories"],
    method: "POST",
    action: "delete",
    route: "directories.delete",
  },
];

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError(
      "INVALID_REQUEST",
      `the path segment ${quote(segment)} is not valid percent-encoding`,
      {
        id: "simulator.request.bad_path",
      },
    );
  }
}

function fits(pattern: string[], segments: string[]): boolean {
  if (pattern.length !== segments.length) return false;
  return pattern.every((part, i) => part.startsWith(":") || part === segments[i]);
}

/**
 * Finds the operation a request names.
 *
 * @param method - the HTTP method
 * @param target - the raw request target (`req.url`): path and query, still encoded
 * @returns the match
 * @throws {@link ApiError} 404 OPERATION_NOT_FOUND for an unknown path or `action`;
 *   405 OPERATION_NOT_FOUND (with an `Allow` header) for a known path with the wrong method, e.g. GET on
 *   a processes path; 400 INVALID_REQUEST for a processes POST without `?action=` or for bad percent-encoding.
 */
export function matchRoute(method: string, target: string): RouteMatch {
  const queryAt = target.indexOf("?");
  const rawPath = queryAt < 0 ? target : target.slice(0, queryAt);
  const query = new URLSearchParams(queryAt < 0 ? "" : target.slice(queryAt + 1));
  const rawSegments = rawPath.split("/");
  const notFound = new ApiError("OPERATION_NOT_FOUND", `no operation is served at ${quote(rawPath)}`, {
    id: "simulator.request.unknown_path",
  });
  // An absolute-form target ("https://host/api/...") or "*" does not start with "/".
  if (rawSegments[0] !== "") throw notFound;
  const segments = rawSegments.slice(1).map(decodeSegment);

  const atPath = ROUTES.filter((spec) => fits(spec.pattern, segments));
  if (atPath.length === 0) throw notFound;

  const withMethod = atPath.filter((spec) => spec.method === method);
  if (withMethod.length === 0) {
    const allowed = [...new Set(atPath.map((spec) => spec.method))];
    const hint = atPath.some((spec) => spec.action !== undefined)
      ? `; the guest operations at this path are POST ${rawPath}?action=${atPath.map((s) => s.action).join("|")} with a JSON body`
      : "";
    throw new ApiError(
      "OPERATION_NOT_FOUND",
      `method ${method} is not allowed on ${quote(rawPath)}; allowed: ${allowed.join(", ")}${hint}`,
      { status: 405, id: "simulator.request.method_not_allowed", headers: { Allow: allowed.join(", ") } },
    );
  }

  let spec = withMethod[0];
  if (withMethod.some((candidate) => candidate.action !== undefined)) {
    const action = query.get("action");
    const actions = withMethod.map((candidate) => candidate.action).join(", ");
    if (action === null) {
      throw new ApiError(
        "INVALID_REQUEST",
        `the query parameter "action" is missing; use one of: ${actions} (e.g. ${rawPath}?action=${withMethod[0].action})`,
        { id: "simulator.request.missing_action" },
      );
    }
    const chosen = withMethod.find((candidate) => candidate.action === action);
    if (chosen === undefined) {
      throw new ApiError(
        "OPERATION_NOT_FOUND",
        `action ${quote(action)} is not served at ${quote(rawPath)}; use one of: ${actions}`,
        {
          id: "simulator.request.unknown_action",
        },
      );
    }
    spec = chosen;
  }

  const match: RouteMatch = { route: spec.route, query };
  spec.pattern.forEach((part, i) => {
    if (part === ":vm") match.vm = segments[i];
    if (part === ":pid") match.pid = segments[i];
    if (part === ":path") match.path = segments[i];
  });
  return match;
}
