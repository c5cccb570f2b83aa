/**
 * The provider's schema as `tofu providers schema -json` / `terraform providers schema -json`
 * print it: the input `@cdktf/provider-generator` generates bindings from. Built from our own
 * schema, so no Terraform binary is needed.
 */
import { type CtyType, type SchemaBlock, toSchemaBlock } from "../plugin";
import { DATA_SOURCES, RESOURCES } from "./registry";
import { PROVIDER_SCHEMA } from "./schemas";

/** The provider's source address parts. */
export const PROVIDER_NAMESPACE = "vsphere-guest";
/** The provider's type name. */
export const PROVIDER_TYPE = "vsphereguest";

/** A block in the JSON schema format. */
export interface JsonSchemaBlock {
  attributes?: Record<string, Record<string, unknown>>;
  block_types?: Record<
    string,
    { nesting_mode: string; block: JsonSchemaBlock; min_items?: number; max_items?: number }
  >;
  description?: string;
  description_kind: "plain" | "markdown";
  deprecated?: boolean;
}

function typeJson(type: CtyType): unknown {
  if (typeof type === "string") return type;
  if (type[0] === "object") {
    return ["object", Object.fromEntries(Object.entries(type[1]).map(([k, v]) => [k, typeJson(v)]))];
  }
  if (type[0] === "tuple") return ["tuple", type[1].map(typeJson)];
  return [type[0], typeJson(type[1])];
}

/** One block in the JSON format. */
export function blockToJson(block: SchemaBlock): JsonSchemaBlock {
  const out: JsonSchemaBlock = { description_kind: "plain" };
  if (block.attributes.length > 0) {
    out.attributes = Object.fromEntries(
      block.attributes.map((a) => [
        a.name,
        {
          type: typeJson(a.type),
          description: a.description,
          description_kind: "plain",
          ...(a.required ? { required: true } : {}),
          ...(a.optional ? { optional: true } : {}),
          ...(a.computed ? { computed: true } : {}),
          ...(a.sensitive ? { sensitive: true } : {}),
          ...(a.deprecated ? { deprecated: true } : {}),
          ...(a.writeOnly ? { write_only: true } : {}),
        },
      ]),
    );
  }
  if (block.blockTypes.length > 0) {
    out.block_types = Object.fromEntries(
      block.blockTypes.map((b) => [
        b.typeName,
        {
          nesting_mode: b.nesting,
          block: blockToJson(b.block),
          ...(b.minItems ? { min_items: b.minItems } : {}),
          ...(b.maxItems ? { max_items: b.maxItems } : {}),
        },
      ]),
    );
  }
  if (block.description) out.description = block.description;
  if (block.deprecated) out.deprecated = true;
  return out;
}

/** The whole `providers schema -json` document, keyed by the given registry host. */
export function providerSchemaJson(host = "registry.terraform.io"): Record<string, unknown> {
  return {
    format_version: "1.0",
    provider_schemas: {
      [`${host}/${PROVIDER_NAMESPACE}/${PROVIDER_TYPE}`]: {
        provider: { version: 0, block: blockToJson(toSchemaBlock(PROVIDER_SCHEMA)) },
        ...(RESOURCES.length > 0
          ? {
              resource_schemas: Object.fromEntries(
                RESOURCES.map((r) => [
                  r.typeName,
                  { version: r.version, block: blockToJson(toSchemaBlock(r.schema)) },
                ]),
              ),
            }
          : {}),
        data_source_schemas: Object.fromEntries(
          DATA_SOURCES.map((d) => [d.typeName, { version: 0, block: blockToJson(toSchemaBlock(d.schema)) }]),
        ),
      },
    },
  };
}
