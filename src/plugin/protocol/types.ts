/**
 * Plain TypeScript shapes of the plugin protocol 6 messages: one request and one response type
 * per RPC, as terraform-plugin-go has them, so a new protocol field is a new optional property
 * rather than a new parameter of every method.
 *
 * These are what a provider and the RPC handlers see; only `from-proto.ts` and `to-proto.ts`
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

/** Everything the provider declares: its own schema, its data sources, resources and provider_meta. */
export interface ProviderSchema {
  /** Schema of the `provider` block (an empty block is fine). */
  provider: Schema;
  /** Data source schemas by type name (`<provider>_...`). */
  dataSources: Record<string, Schema>;
  /** Managed resource schemas by type name; none when absent. */
  resources?: Record<string, Schema>;
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
  /** Managed resource type names. */
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

/** ValidateProviderConfig response. */
export type ValidateProviderConfigResponse = DiagnosticsResponse;

/** ValidateDataResourceConfig request. */
export interface ValidateDataResourceConfigRequest {
  /** Data source type name. */
  typeName: string;
  /** The data block; may contain unknown values. */
  config: DynamicValue;
}

/** ValidateDataResourceConfig response. */
export type ValidateDataResourceConfigResponse = DiagnosticsResponse;

/** ConfigureProvider request. */
export interface ConfigureProviderRequest {
  /** Version of the host, e.g. `1.6.3` (OpenTofu reports its own version). */
  terraformVersion: string;
  /** The provider block, every attribute present (null where unset). */
  config: DynamicValue;
  /** Features of the host, when it sends them. */
  clientCapabilities?: ClientCapabilities;
}

/** ConfigureProvider response. */
export type ConfigureProviderResponse = DiagnosticsResponse;

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

/** ValidateResourceConfig request. */
export interface ValidateResourceConfigRequest {
  /** Managed resource type name. */
  typeName: string;
  /** The resource block; may contain unknown values. */
  config: DynamicValue;
  /** Features of the host, when it sends them. */
  clientCapabilities?: ClientCapabilities;
}

/** ValidateResourceConfig response. */
export type ValidateResourceConfigResponse = DiagnosticsResponse;

/** A managed resource's state as stored by an older (or this) provider version. */
export interface RawState {
  /** The state as JSON (what current hosts store). */
  json?: Uint8Array;
  /** The legacy flat map form (state written by SDKv1-era providers). */
  flatmap?: Record<string, string>;
}

/** UpgradeResourceState request: bring a stored state to the current schema version. */
export interface UpgradeResourceStateRequest {
  /** Managed resource type name. */
  typeName: string;
  /** Schema version the state was written with. */
  version: number;
  /** The stored state. */
  rawState: RawState;
}

/** UpgradeResourceState response. */
export interface UpgradeResourceStateResponse extends DiagnosticsResponse {
  /** The state, conforming to the current schema. */
  upgradedState?: DynamicValue;
}

/** ReadResource request: refresh a managed resource's state. */
export interface ReadResourceRequest {
  /** Managed resource type name. */
  typeName: string;
  /** The state after the last apply (or upgrade). */
  currentState: DynamicValue;
  /** Provider-private data stored with the state (empty when none). */
  private: Uint8Array;
  /** The module's `provider_meta` block, if any. */
  providerMeta?: DynamicValue;
  /** Features of the host, when it sends them. */
  clientCapabilities?: ClientCapabilities;
}

/** ReadResource response. */
export interface ReadResourceResponse extends DiagnosticsResponse {
  /** The refreshed state; a null value means the object is gone. */
  newState?: DynamicValue;
  /** Provider-private data to store with the state. */
  private?: Uint8Array;
}

/** PlanResourceChange request. */
export interface PlanResourceChangeRequest {
  /** Managed resource type name. */
  typeName: string;
  /** The current state; null when creating. */
  priorState: DynamicValue;
  /** The host's proposal: configuration merged with the prior state's computed values; null when destroying. */
  proposedNewState: DynamicValue;
  /** The configuration; may contain unknown values; null when destroying. */
  config: DynamicValue;
  /** Provider-private data stored with the prior state. */
  priorPrivate: Uint8Array;
  /** The module's `provider_meta` block, if any. */
  providerMeta?: DynamicValue;
  /** Features of the host, when it sends them. */
  clientCapabilities?: ClientCapabilities;
}

/** PlanResourceChange response. */
export interface PlanResourceChangeResponse extends DiagnosticsResponse {
  /** The planned state: unknown where apply will decide. */
  plannedState?: DynamicValue;
  /** Attributes whose change makes the host destroy and create the object again. */
  requiresReplace: AttributePathStep[][];
  /** Provider-private data handed to apply. */
  plannedPrivate?: Uint8Array;
}

/** ApplyResourceChange request: create (prior null), update, or delete (planned null). */
export interface ApplyResourceChangeRequest {
  /** Managed resource type name. */
  typeName: string;
  /** The current state; null when creating. */
  priorState: DynamicValue;
  /** The planned state; null when deleting. */
  plannedState: DynamicValue;
  /** The configuration, fully known; null when deleting. */
  config: DynamicValue;
  /** Provider-private data from the plan. */
  plannedPrivate: Uint8Array;
  /** The module's `provider_meta` block, if any. */
  providerMeta?: DynamicValue;
}

/** ApplyResourceChange response. */
export interface ApplyResourceChangeResponse extends DiagnosticsResponse {
  /** The new state, fully known; null after a delete. */
  newState?: DynamicValue;
  /** Provider-private data to store with the state. */
  private?: Uint8Array;
}

/** ImportResourceState request (`import` blocks, `tofu import`). */
export interface ImportResourceStateRequest {
  /** Managed resource type name. */
  typeName: string;
  /** The id the user gave. */
  id: string;
  /** Features of the host, when it sends them. */
  clientCapabilities?: ClientCapabilities;
}

/** One object found by an import. */
export interface ImportedResource {
  /** Managed resource type name. */
  typeName: string;
  /** Its state (the host then reads it with ReadResource). */
  state: DynamicValue;
  /** Provider-private data to store with the state. */
  private?: Uint8Array;
}

/** ImportResourceState response. */
export interface ImportResourceStateResponse extends DiagnosticsResponse {
  /** What was imported. */
  importedResources: ImportedResource[];
}

/** StopProvider response. */
export interface StopProviderResponse {
  /** Why stopping failed; empty when it worked. */
  error?: string;
}
