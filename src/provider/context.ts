/** What every data source (and later resource) of the provider gets from the configured provider. */

import type { Logger } from "../plugin";
import type { VCenterClient } from "../vcenter/client";
import type { ProviderSettings } from "./config";
import type { OutageReport } from "./outage";

/** What a read needs from the configured provider. */
export interface ProviderContext {
  /** The one client of this provider process (one vCenter session shared by every read). */
  client: VCenterClient;
  /** The resolved provider settings. */
  settings: ProviderSettings;
  /** Fires when the host asks the provider to stop (Ctrl-C). */
  stopSignal: AbortSignal;
  /** The provider's logger (secrets registered). */
  log: Logger;
  /** Tells an unreachable vCenter once for all the reads of this provider process. */
  outage?: OutageReport;
}
