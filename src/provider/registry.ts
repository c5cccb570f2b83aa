/**
 * Every data source and resource of the provider: the one list the provider serves and
 * the schema printer (`vsphere-guest provider schema`, which the bindings and docs come from) reads.
 */
import type { DataSource, Resource } from "../plugin";
import type { ProviderContext } from "./context";
import { processDataSource } from "./data-sources/process";
import { processesDataSource } from "./data-sources/processes";
import { commandResource } from "./resources/command";

/** Every data source of the provider. */
export const DATA_SOURCES: readonly DataSource<ProviderContext>[] = [processDataSource, processesDataSource];

/** Every managed resource of the provider. */
export const RESOURCES: readonly Resource<ProviderContext>[] = [commandResource];
