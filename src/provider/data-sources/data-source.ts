/** What every data source of the provider has: a type name, a schema, validation and a read. */

import type { VCenterClient } from "../../vcenter/client";
import type { SchemaBlock } from "../../plugin/codec/schema";
import type { BlockValue, ProviderSettings } from "../config";
import type { Logger } from "../../plugin/log";
import type { OutageReport } from "../outage";
import type { Diagnostic } from "../../plugin/protocol/types";

/** What a read needs from the configured provider. */
export interface ProviderContext {
  /** The one client of this provider process (one vCenter session shared by every read). */
  client: VCenterClient;
  settings: ProviderSettings;
  /** Fires when the host asks the provider to stop (Ctrl-C). */
  stopSignal: AbortSignal;
  log: Logger;
  /** Tells an unreachable vCenter once for all the reads of this provider process. */
  outage?: OutageReport;
}

/** The result of a read: the new state (all attributes) or diagnostics. */
export interface ReadResult {
  state?: BlockValue;
  diagnostics: Diagnostic[];
}

/** A data source type. */
export interface DataSource {
  /** `vsphereguest_...` */
  typeName: string;
  schema: SchemaBlock;
  /** Checks the configuration without calling vCenter; values may be unknown. */
  validate(config: BlockValue): Diagnostic[];
  /** Reads from vCenter; the configuration is fully known. */
  read(config: BlockValue, context: ProviderContext): Promise<ReadResult>;
}
