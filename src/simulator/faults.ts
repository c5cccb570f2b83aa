/**
 * Fault injection driven by data: rules that make chosen requests slow, busy, unavailable, cut,
 * logged out, or answered with any status and body.
 */
import { quote } from "../util/quote";
import { WIRE_ERROR_TYPES, type WireErrorType } from "../vcenter/wire";
import { ApiError, errorReply, type Reply, STATUS_OF_ERROR_TYPE } from "./responses";
import { ROUTE_NAMES, type RouteName } from "./router";

/** Every kind of fault. */
export const FAULT_KINDS = ["latency", "busy", "reset", "expire-session", "unavailable", "status"] as const;

/**
 * What a fault does to a request it hits:
 * | kind | effect |
 * |---|---|
 * | `latency` | waits `delayMs`, then handles the request normally |
 * | `busy` | 500 RESOURCE_BUSY |
 * | `reset` | destroys the socket without answering (the client sees ECONNRESET / socket hang up) |
 * | `expire-session` | expires the request's session first, so the call gets 401 and so does a later `GET /api/session` |
 * | `unavailable` | 503 SERVICE_UNAVAILABLE (VMware Tools restarting) |
 * | `status` | any answer: `status` (default: the status of `errorType`), `body` + `contentType` as given, or else the envelope of `errorType` (default `ERROR`) |
 */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One fault rule; also accepted under a top-level `faults` key of an inventory file. */
export interface FaultRule {
  /** The operations it applies to. @default every operation */
  route?: RouteName | RouteName[];
  /** Only requests for this VM id (so never the session operations). @default any */
  vm?: string;
  /** What it does. */
  kind: FaultKind;
  /** How many matching requests it hits. @default unlimited */
  count?: number;
  /** How many matching requests it lets through first. @default 0 */
  after?: number;
  /** `latency`: the delay in milliseconds. */
  delayMs?: number;
  /** `status`: the HTTP status. @default the status vCenter uses for `errorType` */
  status?: number;
  /** `status`: the envelope's error type when no `body` is given. @default "ERROR" */
  errorType?: WireErrorType;
  /** `status`: the exact body to send (HTML from a proxy, non-JSON, an oversized body...). */
  body?: string;
  /** `status`: the content type of `body`. @default "text/plain; charset=utf-8" */
  contentType?: string;
}

const RULE_FIELDS = new Set([
  "route",
  "vm",
  "kind",
  "count",
  "after",
  "delayMs",
  "status",
  "errorType",
  "body",
  "contentType",
]);

function isCount(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

/**
 * Checks one fault rule.
 * @param value - the candidate rule
 * @param where - how to name it in messages, e.g. `inventory.faults[0]`
 * @returns one message per problem, empty when the rule is valid
 */
export function faultRuleProblems(value: unknown, where: string): string[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [`${where}: ${quote(value)} is not an object; write a rule like {"kind": "busy", "count": 1}`];
  }
  const rule = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(rule)) {
    if (!RULE_FIELDS.has(key)) {
      problems.push(
        `${where}: unknown field ${quote(key)}; allowed fields are ${[...RULE_FIELDS].join(", ")}`,
      );
    }
  }
  if (!(FAULT_KINDS as readonly unknown[]).includes(rule.kind)) {
    problems.push(`${where}.kind: ${quote(rule.kind)} is not one of ${FAULT_KINDS.join(", ")}`);
  }
  if (rule.route !== undefined) {
    const routes = Array.isArray(rule.route) ? rule.route : [rule.route];
    routes.forEach((route, i) => {
      if (!(ROUTE_NAMES as readonly unknown[]).includes(route)) {
        const at = Array.isArray(rule.route) ? `${where}.route[${i}]` : `${where}.route`;
        problems.push(`${at}: ${quote(route)} is not one of ${ROUTE_NAMES.join(", ")}`);
      }
    });
  }
  if (rule.vm !== undefined && typeof rule.vm !== "string") {
    problems.push(`${where}.vm: ${quote(rule.vm)} is not a string; give a VM id such as "vm-1001"`);
  }
  for (const key of ["count", "after"] as const) {
    if (rule[key] !== undefined && !isCount(rule[key])) {
      problems.push(`${where}.${key}: ${quote(rule[key])} is not a whole number >= 0`);
    }
  }
  if (rule.delayMs !== undefined && !(typeof rule.delayMs === "number" && rule.delayMs >= 0)) {
    problems.push(`${where}.delayMs: ${quote(rule.delayMs)} is not a number of milliseconds >= 0`);
  }
  if (rule.kind === "latency" && rule.delayMs === undefined) {
    problems.push(`${where}.delayMs: missing; a latency fault needs the delay in milliseconds, e.g. 200`);
  }
  if (
    rule.status !== undefined &&
    !(
      typeof rule.status === "number" &&
      Number.isInteger(rule.status) &&
      rule.status >= 200 &&
      rule.status <= 599
    )
  ) {
    problems.push(`${where}.status: ${quote(rule.status)} is not an HTTP status between 200 and 599`);
  }
  if (rule.errorType !== undefined && !(WIRE_ERROR_TYPES as readonly unknown[]).includes(rule.errorType)) {
    problems.push(
      `${where}.errorType: ${quote(rule.errorType)} is not a standard error type such as NOT_FOUND or RESOURCE_BUSY`,
    );
  }
  if (rule.kind === "status" && rule.status === undefined && rule.errorType === undefined) {
    problems.push(
      `${where}: a "status" fault needs "status", "errorType" or both, e.g. {"kind": "status", "status": 502}`,
    );
  }
  for (const key of ["body", "contentType"] as const) {
    if (rule[key] !== undefined && typeof rule[key] !== "string") {
      problems.push(`${where}.${key}: ${quote(rule[key])} is not a string`);
    }
  }
  return problems;
}

/** Checks a rule and returns it typed. @throws Error listing every problem */
export function checkFaultRule(value: unknown, where = "fault"): FaultRule {
  const problems = faultRuleProblems(value, where);
  if (problems.length > 0) throw new Error(`invalid fault rule:\n  ${problems.join("\n  ")}`);
  return value as FaultRule;
}

/** What the active rules do to one request. */
export interface FaultDecision {
  /** Total delay of the `latency` rules that hit, in milliseconds. */
  delayMs: number;
  /** Whether an `expire-session` rule hit. */
  expireSession: boolean;
  /** The first answering rule (`busy`, `reset`, `unavailable`, `status`) that hit, if any. */
  answer?: FaultRule;
}

interface ActiveRule {
  rule: FaultRule;
  seen: number;
  hits: number;
}

/**
 * The fault rules of one simulator, with how many requests each has seen and hit.
 *
 * Rules are consulted in the order they were added. `latency` and `expire-session` rules add up;
 * the first answering rule that hits ends the search, so later rules neither see nor count that request.
 */
export class FaultInjector {
  private rules: ActiveRule[] = [];

  /** Adds a rule (validated). */
  add(rule: FaultRule): void {
    this.rules.push({ rule: checkFaultRule(rule), seen: 0, hits: 0 });
  }

  /** Removes every rule. */
  clear(): void {
    this.rules = [];
  }

  /**
   * Decides what happens to a request, counting it against the rules it matches.
   * @param route - the operation
   * @param vm - the VM id of the request, when the path has one
   */
  decide(route: RouteName, vm: string | undefined): FaultDecision {
    const decision: FaultDecision = { delayMs: 0, expireSession: false };
    for (const active of this.rules) {
      const { rule } = active;
      if (
        rule.route !== undefined &&
        !(Array.isArray(rule.route) ? rule.route : [rule.route]).includes(route)
      ) {
        continue;
      }
      if (rule.vm !== undefined && rule.vm !== vm) continue;
      active.seen += 1;
      if (active.seen <= (rule.after ?? 0)) continue;
      if (rule.count !== undefined && active.hits >= rule.count) continue;
      active.hits += 1;
      if (rule.kind === "latency") decision.delayMs += rule.delayMs ?? 0;
      else if (rule.kind === "expire-session") decision.expireSession = true;
      else {
        decision.answer = rule;
        break;
      }
    }
    return decision;
  }
}

/**
 * The answer of an answering rule.
 * @returns the reply, or `"reset"` when the socket must be destroyed without answering
 */
export function faultAnswer(rule: FaultRule): Reply | "reset" {
  switch (rule.kind) {
    case "reset":
      return "reset";
    case "busy":
      return errorReply(
        new ApiError(
          "RESOURCE_BUSY",
          "the virtual machine is busy with another operation; retry later (injected fault)",
          {
            id: "simulator.fault.busy",
          },
        ),
      );
    case "unavailable":
      return errorReply(
        new ApiError(
          "SERVICE_UNAVAILABLE",
          "VMware Tools in the guest cannot be contacted (restarting); retry later (injected fault)",
          { id: "simulator.fault.unavailable" },
        ),
      );
    default: {
      const errorType = rule.errorType ?? "ERROR";
      const status = rule.status ?? STATUS_OF_ERROR_TYPE[errorType];
      if (rule.body !== undefined) {
        return {
          status,
          raw: { body: rule.body, contentType: rule.contentType ?? "text/plain; charset=utf-8" },
        };
      }
      return errorReply(
        new ApiError(errorType, `injected fault: ${status} ${errorType}`, {
          status,
          id: "simulator.fault.status",
        }),
      );
    }
  }
}
