/** The data sources of the provider, by type name. */
import type { SchemaBlock } from "../../plugin/codec/schema";
import { PROCESS_SCHEMA } from "./process";
import { PROCESSES_SCHEMA } from "./processes";

/** Each data source's schema, by type name (no read code loaded). */
export const DATA_SOURCE_SCHEMAS: Readonly<Record<string, SchemaBlock>> = {
  vsphereguest_process: PROCESS_SCHEMA,
  vsphereguest_processes: PROCESSES_SCHEMA,
};
