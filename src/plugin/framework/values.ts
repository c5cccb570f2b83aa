/** Block values in cty MessagePack against a declared schema: what hosts send and expect. */
import { type CtyType, decodeCty, encodeCty } from "../codec/cty";
import { impliedType } from "../codec/schema";
import { type BlockDef, type BlockValue, completeBlock, toSchemaBlock } from "./schema";

/** The object type a declared block implies (what its values are encoded against). */
export function blockType(def: BlockDef): CtyType {
  return impliedType(toSchemaBlock(def));
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
