/**
 * Decoding of requests: protobuf bytes from the host → plain {@link ./types} shapes.
 *
 * With `to-proto.ts`, the only module that touches the generated protobuf code. Fields this
 * provider does not use are not copied; unknown fields (newer protocol minor versions) are
 * skipped by the generated decoder.
 */

import { plugin, tfplugin6 } from "../proto/gen/tfplugin6";
import type {
  ClientCapabilities,
  ConfigureProviderRequest,
  DynamicValue,
  ReadDataSourceRequest,
  ResourceRequest,
  ValidateDataResourceConfigRequest,
  ValidateProviderConfigRequest,
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
  const caps = clientCapabilities(req.clientCapabilities);
  if (caps) out.clientCapabilities = caps;
  return out;
}

/** Decodes a ReadDataSource request. */
export function readDataSourceRequest(bytes: Uint8Array): ReadDataSourceRequest {
  const req = tfplugin6.ReadDataSource.Request.decode(bytes);
  const out: ReadDataSourceRequest = { typeName: req.typeName, config: dynamicValue(req.config) };
  const meta = optionalDynamicValue(req.providerMeta);
  if (meta) out.providerMeta = meta;
  const caps = clientCapabilities(req.clientCapabilities);
  if (caps) out.clientCapabilities = caps;
  return out;
}

/** Decodes a ValidateResourceConfig request down to its type name. */
export function validateResourceConfigRequest(bytes: Uint8Array): ResourceRequest {
  return { typeName: tfplugin6.ValidateResourceConfig.Request.decode(bytes).typeName };
}

/** Decodes an UpgradeResourceState request down to its type name. */
export function upgradeResourceStateRequest(bytes: Uint8Array): ResourceRequest {
  return { typeName: tfplugin6.UpgradeResourceState.Request.decode(bytes).typeName };
}

/** Decodes a ReadResource request down to its type name. */
export function readResourceRequest(bytes: Uint8Array): ResourceRequest {
  return { typeName: tfplugin6.ReadResource.Request.decode(bytes).typeName };
}

/** Decodes a PlanResourceChange request down to its type name. */
export function planResourceChangeRequest(bytes: Uint8Array): ResourceRequest {
  return { typeName: tfplugin6.PlanResourceChange.Request.decode(bytes).typeName };
}

/** Decodes an ApplyResourceChange request down to its type name. */
export function applyResourceChangeRequest(bytes: Uint8Array): ResourceRequest {
  return { typeName: tfplugin6.ApplyResourceChange.Request.decode(bytes).typeName };
}

/** Decodes an ImportResourceState request down to its type name. */
export function importResourceStateRequest(bytes: Uint8Array): ResourceRequest {
  return { typeName: tfplugin6.ImportResourceState.Request.decode(bytes).typeName };
}
