/**
 * One provider process, one vCenter: when vCenter cannot be reached (connection refused or reset,
 * DNS, TLS, timeouts), every data source read in flight fails for the same cause. The first read
 * tells the cause in full; the others say they were not read and point at it, so a plan with
 * many data sources shows the cause once instead of once per data source.
 */
import { RequestTimeoutError, TlsError, TransportError } from "../vcenter/errors";

/** Whether an error means vCenter itself could not be reached (rather than a data source's own problem). */
export function isOutage(error: unknown): boolean {
  return error instanceof TransportError || error instanceof TlsError || error instanceof RequestTimeoutError;
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
