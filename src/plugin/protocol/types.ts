/**
 * Plain TypeScript shapes of the plugin protocol 6 messages this provider exchanges.
 *
 * These are what the provider and the RPC handlers see; only `from-proto.ts` and `to-proto.ts`
 * know the generated protobuf classes. Names are camelCase; absent protobuf fields become
 * `undefined` (or an empty value where the protocol has no notion of absence).
 */

import type { SchemaBlock } from "../codec/schema";

/** A value sent as an opaque encoding: cty MessagePack (what hosts use) or JSON. */
export interface DynamicValue {
  /** The value in cty's MessagePack encoding, against the type implied by the schema. */
  msgpack?: Uint8Array;
  /** The value as JSON (hosts use it only for some legacy paths). */
  json?: Uint8Array;
}

/** How serious a diagnostic is. */
export type DiagnosticSeverity = "error" | "warning";

/** One step of an attribute path: an attribute name, or a string or integer element key. */
export type AttributePathStep =
  | { attributeName: string }
  | { elementKeyString: string }
  | { elementKeyInt: bigint | number };

/**
 * A message for the person running tofu/terraform. With `attribute` set the host points at the
 * line of the configuration that sets that attribute.
 */
export interface Diagnostic {
  /** `error` stops the operation; `warning` is shown and the operation goes on. */
  severity: DiagnosticSeverity;
  /** A short sentence, e.g. "Error reading guest process". */
  summary: string;
  /** What went wrong, the cause, and what to do about it. */
  detail?: string;
  /** Path to the attribute of the configuration the diagnostic is about. */
  attribute?: AttributePathStep[];
}

/** A versioned configuration schema of the provider, a data source or a resource. */
export interface Schema {
  /** Schema version; bump it when a managed resource's stored state changes shape. Data sources keep 0. */
  version: number;
  /** The top-level block. */
  block: SchemaBlock;
}

/** Optional protocol features the provider announces. */
export interface ServerCapabilities {
  /** The provider wants PlanResourceChange for destroys too. */
  planDestroy: boolean;
  /** The host may reuse a cached schema instead of calling GetProviderSchema in every process. */
  getProviderSchemaOptional: boolean;
  /** The provider implements MoveResourceState. */
  moveResourceState: boolean;
}

/** Optional protocol features the host announces. */
export interface ClientCapabilities {
  /** The host can handle deferred responses. */
  deferralAllowed: boolean;
  /** The host can handle write-only attributes of managed resources. */
  writeOnlyAttributesAllowed: boolean;
}

/** Everything the provider declares: its own schema, its data sources and provider_meta. */
export interface ProviderSchema {
  /** Schema of the `provider` block (an empty block is fine). */
  provider: Schema;
  /** Data source schemas by type name (`vsphereguest_...`). */
  dataSources: Record<string, Schema>;
  /** Schema of the `provider_meta` block in modules, if the provider reads one. */
  providerMeta?: Schema;
  /** Problems found while building the schema. */
  diagnostics?: Diagnostic[];
}

/** A response that carries only diagnostics. */
export interface DiagnosticsResponse {
  /** Errors and warnings for the user. */
  diagnostics: Diagnostic[];
}

/** GetMetadata response: capabilities and type names, without the schemas. */
export interface GetMetadataResponse extends DiagnosticsResponse {
  /** Optional protocol features of the provider. */
  serverCapabilities: ServerCapabilities;
  /** Data source type names. */
  dataSources: string[];
  /** Managed resource type names (none here). */
  resources: string[];
}

/** GetProviderSchema response. */
export interface GetProviderSchemaResponse extends DiagnosticsResponse {
  /** Schema of the `provider` block. */
  provider?: Schema;
  /** Schema of `provider_meta`. */
  providerMeta?: Schema;
  /** Managed resource schemas by type name. */
  resourceSchemas: Record<string, Schema>;
  /** Data source schemas by type name. */
  dataSourceSchemas: Record<string, Schema>;
  /** Optional protocol features of the provider. */
  serverCapabilities: ServerCapabilities;
}

/** ValidateProviderConfig request. */
export interface ValidateProviderConfigRequest {
  /** The provider block; may contain unknown values. */
  config: DynamicValue;
}

/** ValidateDataResourceConfig request. */
export interface ValidateDataResourceConfigRequest {
  /** Data source type name. */
  typeName: string;
  /** The data block; may contain unknown values. */
  config: DynamicValue;
}

/** ConfigureProvider request. */
export interface ConfigureProviderRequest {
  /** Version of the host, e.g. `1.6.3` (OpenTofu reports its own version). */
  terraformVersion: string;
  /** The provider block, every attribute present (null where unset). */
  config: DynamicValue;
  /** Features of the host, when it sends them. */
  clientCapabilities?: ClientCapabilities;
}

/** ReadDataSource request. */
export interface ReadDataSourceRequest {
  /** Data source type name. */
  typeName: string;
  /** The data block, fully known. */
  config: DynamicValue;
  /** The module's `provider_meta` block, if any. */
  providerMeta?: DynamicValue;
  /** Features of the host, when it sends them. */
  clientCapabilities?: ClientCapabilities;
}

/** ReadDataSource response. */
export interface ReadDataSourceResponse extends DiagnosticsResponse {
  /** The read state: conforming to the schema, not null, fully known. May be absent on error. */
  state?: DynamicValue;
}

/** The request of any managed-resource RPC, reduced to what an answer needs. */
export interface ResourceRequest {
  /** Managed resource type name. */
  typeName: string;
}

/** StopProvider response. */
export interface StopProviderResponse {
  /** Why stopping failed; empty when it worked. */
  error?: string;
}
