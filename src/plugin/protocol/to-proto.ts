/**
 * Encoding of responses: plain {@link ./types} shapes → protobuf bytes for the host.
 *
 * With `from-proto.ts`, the only module that touches the generated protobuf code.
 */

import { ctyTypeToJson } from "../codec/cty";
import type { NestingMode, SchemaAttribute, SchemaBlock, SchemaNestedBlock } from "../codec/schema";
import { plugin, tfplugin6 } from "../proto/gen/tfplugin6";
import type {
  ApplyResourceChangeResponse,
  AttributePathStep,
  Diagnostic,
  DiagnosticsResponse,
  DynamicValue,
  GetMetadataResponse,
  GetProviderSchemaResponse,
  ImportResourceStateResponse,
  PlanResourceChangeResponse,
  ReadDataSourceResponse,
  ReadResourceResponse,
  Schema,
  ServerCapabilities,
  StopProviderResponse,
  UpgradeResourceStateResponse,
} from "./types";

const NESTING: Record<NestingMode, tfplugin6.Schema.NestedBlock.NestingMode> = {
  single: tfplugin6.Schema.NestedBlock.NestingMode.SINGLE,
  list: tfplugin6.Schema.NestedBlock.NestingMode.LIST,
  set: tfplugin6.Schema.NestedBlock.NestingMode.SET,
  map: tfplugin6.Schema.NestedBlock.NestingMode.MAP,
  group: tfplugin6.Schema.NestedBlock.NestingMode.GROUP,
};

function dynamicValue(value: DynamicValue): tfplugin6.DynamicValue.$Properties {
  const out: tfplugin6.DynamicValue.$Properties = {};
  if (value.msgpack) out.msgpack = value.msgpack;
  if (value.json) out.json = value.json;
  return out;
}

function elementKeyInt(key: bigint | number): number {
  const n = Number(key);
  // Element keys are list/tuple indexes; anything past 2^53 is a bug, not a value to round.
  if (!Number.isSafeInteger(n))
    throw new RangeError(`attribute path: element key ${String(key)} is not a safe integer`);
  return n;
}

function attributePathStep(step: AttributePathStep): tfplugin6.AttributePath.Step.$Properties {
  if ("attributeName" in step) return { attributeName: step.attributeName };
  if ("elementKeyString" in step) return { elementKeyString: step.elementKeyString };
  return { elementKeyInt: elementKeyInt(step.elementKeyInt) };
}

/** Maps one diagnostic; an unknown severity is a programming error and throws. */
export function diagnostic(diag: Diagnostic): tfplugin6.Diagnostic.$Properties {
  const severity =
    diag.severity === "error"
      ? tfplugin6.Diagnostic.Severity.ERROR
      : diag.severity === "warning"
        ? tfplugin6.Diagnostic.Severity.WARNING
        : undefined;
  if (severity === undefined)
    throw new TypeError(`diagnostic: unknown severity ${JSON.stringify(diag.severity)}`);
  const out: tfplugin6.Diagnostic.$Properties = { severity, summary: diag.summary };
  if (diag.detail) out.detail = diag.detail;
  if (diag.attribute && diag.attribute.length > 0)
    out.attribute = { steps: diag.attribute.map(attributePathStep) };
  return out;
}

function diagnostics(diags: Diagnostic[] | undefined): tfplugin6.Diagnostic.$Properties[] {
  return (diags ?? []).map(diagnostic);
}

function attribute(attr: SchemaAttribute): tfplugin6.Schema.Attribute.$Properties {
  return {
    name: attr.name,
    type: Buffer.from(ctyTypeToJson(attr.type), "utf8"),
    description: attr.description,
    required: attr.required === true,
    optional: attr.optional === true,
    computed: attr.computed === true,
    sensitive: attr.sensitive === true,
    deprecated: attr.deprecated === true,
    writeOnly: attr.writeOnly === true,
  };
}

function nestedBlock(nested: SchemaNestedBlock): tfplugin6.Schema.NestedBlock.$Properties {
  const nesting = NESTING[nested.nesting];
  if (nesting === undefined) {
    throw new TypeError(
      `schema: unknown nesting mode ${JSON.stringify(nested.nesting)} of ${nested.typeName}`,
    );
  }
  const out: tfplugin6.Schema.NestedBlock.$Properties = {
    typeName: nested.typeName,
    block: block(nested.block),
    nesting,
  };
  if (nested.minItems !== undefined) out.minItems = nested.minItems;
  if (nested.maxItems !== undefined) out.maxItems = nested.maxItems;
  return out;
}

function block(b: SchemaBlock): tfplugin6.Schema.Block.$Properties {
  const out: tfplugin6.Schema.Block.$Properties = {
    attributes: b.attributes.map(attribute),
    blockTypes: b.blockTypes.map(nestedBlock),
    deprecated: b.deprecated === true,
  };
  if (b.description) out.description = b.description;
  return out;
}

/** Maps a schema; attribute types become their JSON bytes (malformed type JSON crashes some hosts). */
export function schema(s: Schema): tfplugin6.Schema.$Properties {
  return { version: s.version, block: block(s.block) };
}

function schemas(map: Record<string, Schema>): Record<string, tfplugin6.Schema.$Properties> {
  const out: Record<string, tfplugin6.Schema.$Properties> = {};
  for (const [name, s] of Object.entries(map)) out[name] = schema(s);
  return out;
}

function serverCapabilities(caps: ServerCapabilities): tfplugin6.ServerCapabilities.$Properties {
  return {
    planDestroy: caps.planDestroy,
    getProviderSchemaOptional: caps.getProviderSchemaOptional,
    moveResourceState: caps.moveResourceState,
  };
}

/** Encodes a GetMetadata response. */
export function getMetadataResponse(res: GetMetadataResponse): Uint8Array {
  return tfplugin6.GetMetadata.Response.encode({
    serverCapabilities: serverCapabilities(res.serverCapabilities),
    diagnostics: diagnostics(res.diagnostics),
    dataSources: res.dataSources.map((typeName) => ({ typeName })),
    resources: res.resources.map((typeName) => ({ typeName })),
  }).finish();
}

/** Encodes a GetProviderSchema response. */
export function getProviderSchemaResponse(res: GetProviderSchemaResponse): Uint8Array {
  const msg: tfplugin6.GetProviderSchema.Response.$Properties = {
    resourceSchemas: schemas(res.resourceSchemas),
    dataSourceSchemas: schemas(res.dataSourceSchemas),
    diagnostics: diagnostics(res.diagnostics),
    serverCapabilities: serverCapabilities(res.serverCapabilities),
  };
  if (res.provider) msg.provider = schema(res.provider);
  if (res.providerMeta) msg.providerMeta = schema(res.providerMeta);
  return tfplugin6.GetProviderSchema.Response.encode(msg).finish();
}

/** Encodes a ValidateProviderConfig response. */
export function validateProviderConfigResponse(res: DiagnosticsResponse): Uint8Array {
  return tfplugin6.ValidateProviderConfig.Response.encode({
    diagnostics: diagnostics(res.diagnostics),
  }).finish();
}

/** Encodes a ValidateDataResourceConfig response. */
export function validateDataResourceConfigResponse(res: DiagnosticsResponse): Uint8Array {
  return tfplugin6.ValidateDataResourceConfig.Response.encode({
    diagnostics: diagnostics(res.diagnostics),
  }).finish();
}

/** Encodes a ConfigureProvider response. */
export function configureProviderResponse(res: DiagnosticsResponse): Uint8Array {
  return tfplugin6.ConfigureProvider.Response.encode({ diagnostics: diagnostics(res.diagnostics) }).finish();
}

/** Encodes a ReadDataSource response. */
export function readDataSourceResponse(res: ReadDataSourceResponse): Uint8Array {
  const msg: tfplugin6.ReadDataSource.Response.$Properties = { diagnostics: diagnostics(res.diagnostics) };
  if (res.state) msg.state = dynamicValue(res.state);
  return tfplugin6.ReadDataSource.Response.encode(msg).finish();
}

/** Encodes a ValidateResourceConfig response. */
export function validateResourceConfigResponse(res: DiagnosticsResponse): Uint8Array {
  return tfplugin6.ValidateResourceConfig.Response.encode({
    diagnostics: diagnostics(res.diagnostics),
  }).finish();
}

/** Encodes an UpgradeResourceState response. */
export function upgradeResourceStateResponse(res: UpgradeResourceStateResponse): Uint8Array {
  const msg: tfplugin6.UpgradeResourceState.Response.$Properties = {
    diagnostics: diagnostics(res.diagnostics),
  };
  if (res.upgradedState) msg.upgradedState = dynamicValue(res.upgradedState);
  return tfplugin6.UpgradeResourceState.Response.encode(msg).finish();
}

/** Encodes a ReadResource response. */
export function readResourceResponse(res: ReadResourceResponse): Uint8Array {
  const msg: tfplugin6.ReadResource.Response.$Properties = { diagnostics: diagnostics(res.diagnostics) };
  if (res.newState) msg.newState = dynamicValue(res.newState);
  if (res.private && res.private.length > 0) msg.private = res.private;
  return tfplugin6.ReadResource.Response.encode(msg).finish();
}

/** Encodes a PlanResourceChange response. */
export function planResourceChangeResponse(res: PlanResourceChangeResponse): Uint8Array {
  const msg: tfplugin6.PlanResourceChange.Response.$Properties = {
    diagnostics: diagnostics(res.diagnostics),
    requiresReplace: res.requiresReplace.map((path) => ({ steps: path.map(attributePathStep) })),
  };
  if (res.plannedState) msg.plannedState = dynamicValue(res.plannedState);
  if (res.plannedPrivate && res.plannedPrivate.length > 0) msg.plannedPrivate = res.plannedPrivate;
  return tfplugin6.PlanResourceChange.Response.encode(msg).finish();
}

/** Encodes an ApplyResourceChange response. */
export function applyResourceChangeResponse(res: ApplyResourceChangeResponse): Uint8Array {
  const msg: tfplugin6.ApplyResourceChange.Response.$Properties = {
    diagnostics: diagnostics(res.diagnostics),
  };
  if (res.newState) msg.newState = dynamicValue(res.newState);
  if (res.private && res.private.length > 0) msg.private = res.private;
  return tfplugin6.ApplyResourceChange.Response.encode(msg).finish();
}

/** Encodes an ImportResourceState response. */
export function importResourceStateResponse(res: ImportResourceStateResponse): Uint8Array {
  return tfplugin6.ImportResourceState.Response.encode({
    diagnostics: diagnostics(res.diagnostics),
    importedResources: res.importedResources.map((r) => {
      const out: tfplugin6.ImportResourceState.ImportedResource.$Properties = {
        typeName: r.typeName,
        state: dynamicValue(r.state),
      };
      if (r.private && r.private.length > 0) out.private = r.private;
      return out;
    }),
  }).finish();
}

/** Encodes a GetResourceIdentitySchemas response: no identity schemas, only diagnostics. */
export function getResourceIdentitySchemasResponse(res: DiagnosticsResponse): Uint8Array {
  return tfplugin6.GetResourceIdentitySchemas.Response.encode({
    identitySchemas: {},
    diagnostics: diagnostics(res.diagnostics),
  }).finish();
}

/** Encodes a GetFunctions response: no functions, only diagnostics. */
export function getFunctionsResponse(res: DiagnosticsResponse): Uint8Array {
  return tfplugin6.GetFunctions.Response.encode({
    functions: {},
    diagnostics: diagnostics(res.diagnostics),
  }).finish();
}

/** Encodes a StopProvider response. */
export function stopProviderResponse(res: StopProviderResponse): Uint8Array {
  return tfplugin6.StopProvider.Response.encode(res.error ? { Error: res.error } : {}).finish();
}

/** Encodes go-plugin's `plugin.Empty` (the GRPCController/Shutdown response). */
export function emptyResponse(): Uint8Array {
  return plugin.Empty.encode({}).finish();
}
