/**
 * One provider process, one vCenter: when vCenter cannot be reached (connection refused or reset,
 * DNS, TLS, timeouts), every data source read in flight fails for the same cause. The first read
 * tells the cause in full; the others say they were not read and point at it, so a plan with
 * many data sources shows the cause once instead of once per data source.
 */
import { VsphereGuestError, type VsphereGuestErrorCode } from "../vcenter/errors";

/** The error codes that mean vCenter itself could not be reached. */
const OUTAGE_CODES: ReadonlySet<VsphereGuestErrorCode> = new Set([
  "VSG_ERR_TRANSPORT",
  "VSG_ERR_TLS",
  "VSG_ERR_TIMEOUT",
]);

/** Whether an error means vCenter itself could not be reached (rather than a data source's own problem). */
export function isOutage(error: unknown): boolean {
  return error instanceof VsphereGuestError && OUTAGE_CODES.has(error.code);
}

/** Remembers, for one provider process, that vCenter's unreachability was already reported. */
export class OutageReport {
  private summary: string | undefined;

  /**
   * Claims the report of an outage whose full diagnostic has `summary`.
   * @returns `undefined` for the first claim (report it in full), else the summary already reported
   */
  claim(summary: string): string | undefined {
    if (this.summary !== undefined) return this.summary;
    this.summary = summary;
    return undefined;
  }
}
