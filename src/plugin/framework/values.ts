/** Block values in cty MessagePack against a declared schema: what hosts send and expect. */
import { CtyDynamic, type CtyType, type CtyValue, decodeCty, encodeCty, parseCtyType } from "../codec/cty";
import { impliedType } from "../codec/schema";
import { type BlockDef, type BlockValue, completeBlock, toSchemaBlock } from "./schema";

const blockTypes = new WeakMap<BlockDef, CtyType>();

/**
 * The object type a declared block implies (what its values are encoded against); worked out once
 * per block, since every RPC encodes or decodes against it.
 */
export function blockType(def: BlockDef): CtyType {
  let type = blockTypes.get(def);
  if (type === undefined) {
    type = impliedType(toSchemaBlock(def));
    blockTypes.set(def, type);
  }
  return type;
}

/**
 * Encodes a block value; attributes and nested blocks it leaves out are encoded as null, as a
 * host sends an unset input. `null` encodes the null object (a destroyed resource).
 */
export function encodeBlock(def: BlockDef, value: BlockValue | null): Uint8Array {
  return encodeCty(blockType(def), value === null ? null : completeBlock(def, value));
}

/** Decodes a block value (every attribute present, null when unset). */
export function decodeBlock(def: BlockDef, bytes: Uint8Array): BlockValue | null {
  return decodeCty(blockType(def), bytes) as BlockValue | null;
}

/**
 * A value of type `type` read from a host's JSON state (parsed with exact integers): what the
 * MessagePack decoder would give. Hosts store a `dynamic` value as `{"value": …, "type": …}`;
 * a bare value there (a hand-edited state) gets the type its JSON implies.
 */
export function fromStateJson(type: CtyType, value: unknown): CtyValue {
  if (value === null || value === undefined) return null;
  if (type === "dynamic") {
    if (typeof value === "object" && !Array.isArray(value) && "type" in value && "value" in value) {
      const wrapped = value as { type: unknown; value: unknown };
      const concrete = parseCtyType(JSON.stringify(wrapped.type));
      return new CtyDynamic(concrete, fromStateJson(concrete, wrapped.value));
    }
    const implied = impliedJsonType(value);
    return new CtyDynamic(implied, fromStateJson(implied, value));
  }
  if (typeof type === "string") return value as CtyValue;
  const [kind, inner] = type;
  if (kind === "list" || kind === "set") {
    return Array.isArray(value) ? value.map((v) => fromStateJson(inner as CtyType, v)) : (value as CtyValue);
  }
  if (kind === "tuple") {
    const types = inner as readonly CtyType[];
    return Array.isArray(value)
      ? value.map((v, i) => fromStateJson(types[i] ?? "dynamic", v))
      : (value as CtyValue);
  }
  if (typeof value !== "object" || Array.isArray(value)) return value as CtyValue;
  const entries = Object.entries(value as Record<string, unknown>);
  if (kind === "map")
    return Object.fromEntries(entries.map(([k, v]) => [k, fromStateJson(inner as CtyType, v)]));
  const attrs = inner as Readonly<Record<string, CtyType>>;
  return Object.fromEntries(entries.map(([k, v]) => [k, fromStateJson(attrs[k] ?? "dynamic", v)]));
}

/** The cty type a bare JSON value implies (arrays are tuples, objects are objects). */
function impliedJsonType(value: unknown): CtyType {
  if (typeof value === "string") return "string";
  if (typeof value === "number" || typeof value === "bigint") return "number";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return ["tuple", value.map(impliedJsonType)];
  if (value !== null && typeof value === "object")
    return ["object", Object.fromEntries(Object.entries(value).map(([k, v]) => [k, impliedJsonType(v)]))];
  return "dynamic";
}
