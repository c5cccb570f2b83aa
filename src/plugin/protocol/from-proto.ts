/**
 * Decoding of requests: protobuf bytes from the host → plain {@link ./types} shapes.
 *
 * With `to-proto.ts`, the only module that touches the generated protobuf code. Fields this
 * provider does not use are not copied; unknown fields (newer protocol minor versions) are
 * skipped by the generated decoder.
 */

import { plugin, tfplugin6 } from "../proto/gen/tfplugin6";
import type {
  ApplyResourceChangeRequest,
  ClientCapabilities,
  ConfigureProviderRequest,
  DynamicValue,
  ImportResourceStateRequest,
  PlanResourceChangeRequest,
  RawState,
  ReadDataSourceRequest,
  ReadResourceRequest,
  UpgradeResourceStateRequest,
  ValidateDataResourceConfigRequest,
  ValidateProviderConfigRequest,
  ValidateResourceConfigRequest,
} from "./types";

/** Maps a protobuf DynamicValue; an absent one becomes an empty value (neither encoding set). */
export function dynamicValue(value: tfplugin6.DynamicValue.$Properties | null | undefined): DynamicValue {
  const out: DynamicValue = {};
  if (value?.msgpack && value.msgpack.length > 0) out.msgpack = value.msgpack;
  if (value?.json && value.json.length > 0) out.json = value.json;
  return out;
}

function optionalDynamicValue(
  value: tfplugin6.DynamicValue.$Properties | null | undefined,
): DynamicValue | undefined {
  if (!value) return undefined;
  const out = dynamicValue(value);
  return out.msgpack || out.json ? out : undefined;
}

function clientCapabilities(
  value: tfplugin6.ClientCapabilities.$Properties | null | undefined,
): ClientCapabilities | undefined {
  if (!value) return undefined;
  return {
    deferralAllowed: value.deferralAllowed === true,
    writeOnlyAttributesAllowed: value.writeOnlyAttributesAllowed === true,
  };
}

/** The optional fields a request may carry, decoded into `out` when the host sent them. */
function withOptionalFields<
  T extends { providerMeta?: DynamicValue; clientCapabilities?: ClientCapabilities },
>(
  out: T,
  req: {
    providerMeta?: tfplugin6.DynamicValue.$Properties | null;
    clientCapabilities?: tfplugin6.ClientCapabilities.$Properties | null;
  },
): T {
  const meta = optionalDynamicValue(req.providerMeta);
  if (meta) out.providerMeta = meta;
  const caps = clientCapabilities(req.clientCapabilities);
  if (caps) out.clientCapabilities = caps;
  return out;
}

/** Decodes a GetProviderSchema request (it has no fields; the bytes are still checked). */
export function getProviderSchemaRequest(bytes: Uint8Array): Record<string, never> {
  tfplugin6.GetProviderSchema.Request.decode(bytes);
  return {};
}

/** Decodes a GetMetadata request (no fields). */
export function getMetadataRequest(bytes: Uint8Array): Record<string, never> {
  tfplugin6.GetMetadata.Request.decode(bytes);
  return {};
}

/** Decodes a GetResourceIdentitySchemas request (no fields). */
export function getResourceIdentitySchemasRequest(bytes: Uint8Array): Record<string, never> {
  tfplugin6.GetResourceIdentitySchemas.Request.decode(bytes);
  return {};
}

/** Decodes a GetFunctions request (no fields). */
export function getFunctionsRequest(bytes: Uint8Array): Record<string, never> {
  tfplugin6.GetFunctions.Request.decode(bytes);
  return {};
}

/** Decodes a StopProvider request (no fields). */
export function stopProviderRequest(bytes: Uint8Array): Record<string, never> {
  tfplugin6.StopProvider.Request.decode(bytes);
  return {};
}

/** Decodes go-plugin's `plugin.Empty` (the GRPCController/Shutdown request). */
export function emptyRequest(bytes: Uint8Array): Record<string, never> {
  plugin.Empty.decode(bytes);
  return {};
}

/** Decodes a ValidateProviderConfig request. */
export function validateProviderConfigRequest(bytes: Uint8Array): ValidateProviderConfigRequest {
  const req = tfplugin6.ValidateProviderConfig.Request.decode(bytes);
  return { config: dynamicValue(req.config) };
}

/** Decodes a ValidateDataResourceConfig request. */
export function validateDataResourceConfigRequest(bytes: Uint8Array): ValidateDataResourceConfigRequest {
  const req = tfplugin6.ValidateDataResourceConfig.Request.decode(bytes);
  return { typeName: req.typeName, config: dynamicValue(req.config) };
}

/** Decodes a ConfigureProvider request. */
export function configureProviderRequest(bytes: Uint8Array): ConfigureProviderRequest {
  const req = tfplugin6.ConfigureProvider.Request.decode(bytes);
  const out: ConfigureProviderRequest = {
    terraformVersion: req.terraformVersion,
    config: dynamicValue(req.config),
  };
  return withOptionalFields(out, req);
}

/** Decodes a ReadDataSource request. */
export function readDataSourceRequest(bytes: Uint8Array): ReadDataSourceRequest {
  const req = tfplugin6.ReadDataSource.Request.decode(bytes);
  const out: ReadDataSourceRequest = { typeName: req.typeName, config: dynamicValue(req.config) };
  return withOptionalFields(out, req);
}

function bytes(value: Uint8Array | null | undefined): Uint8Array {
  return value ?? new Uint8Array(0);
}

function int(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : value.toNumber();
}

/** Decodes a ValidateResourceConfig request. */
export function validateResourceConfigRequest(bytes: Uint8Array): ValidateResourceConfigRequest {
  const req = tfplugin6.ValidateResourceConfig.Request.decode(bytes);
  const out: ValidateResourceConfigRequest = { typeName: req.typeName, config: dynamicValue(req.config) };
  return withOptionalFields(out, req);
}

/** Decodes an UpgradeResourceState request. */
export function upgradeResourceStateRequest(bytes: Uint8Array): UpgradeResourceStateRequest {
  const req = tfplugin6.UpgradeResourceState.Request.decode(bytes);
  const rawState: RawState = {};
  if (req.rawState?.json && req.rawState.json.length > 0) rawState.json = req.rawState.json;
  if (req.rawState?.flatmap && Object.keys(req.rawState.flatmap).length > 0)
    rawState.flatmap = { ...req.rawState.flatmap };
  return { typeName: req.typeName, version: int(req.version), rawState };
}

/** Decodes a ReadResource request. */
export function readResourceRequest(buf: Uint8Array): ReadResourceRequest {
  const req = tfplugin6.ReadResource.Request.decode(buf);
  const out: ReadResourceRequest = {
    typeName: req.typeName,
    currentState: dynamicValue(req.currentState),
    private: bytes(req.private),
  };
  return withOptionalFields(out, req);
}

/** Decodes a PlanResourceChange request. */
export function planResourceChangeRequest(buf: Uint8Array): PlanResourceChangeRequest {
  const req = tfplugin6.PlanResourceChange.Request.decode(buf);
  const out: PlanResourceChangeRequest = {
    typeName: req.typeName,
    priorState: dynamicValue(req.priorState),
    proposedNewState: dynamicValue(req.proposedNewState),
    config: dynamicValue(req.config),
    priorPrivate: bytes(req.priorPrivate),
  };
  return withOptionalFields(out, req);
}

/** Decodes an ApplyResourceChange request. */
export function applyResourceChangeRequest(buf: Uint8Array): ApplyResourceChangeRequest {
  const req = tfplugin6.ApplyResourceChange.Request.decode(buf);
  const out: ApplyResourceChangeRequest = {
    typeName: req.typeName,
    priorState: dynamicValue(req.priorState),
    plannedState: dynamicValue(req.plannedState),
    config: dynamicValue(req.config),
    plannedPrivate: bytes(req.plannedPrivate),
  };
  return withOptionalFields(out, req);
}

/** Decodes an ImportResourceState request. */
export function importResourceStateRequest(buf: Uint8Array): ImportResourceStateRequest {
  const req = tfplugin6.ImportResourceState.Request.decode(buf);
  const out: ImportResourceStateRequest = { typeName: req.typeName, id: req.id };
  return withOptionalFields(out, req);
}
