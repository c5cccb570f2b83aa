/**
 * Schemas declared once, as typed constants: a provider type writes its schema as an object
 * literal `as const`, and the models its code works with are derived from it at the type level:
 * {@link ConfigOf} (what `read()`/`create()` get), {@link ValidateConfigOf} (what `validate()`
 * gets, values possibly unknown), {@link ComputedOf} (what `read()`/`create()` return: every
 * computed attribute, no more, no less) and {@link StateOf} (the whole stored state). A missing
 * or misspelled attribute is then a compile error, and descriptions live in the schema, where the
 * documentation generator reads them.
 *
 * At run time {@link toSchemaBlock} turns the declaration into the protocol's
 * {@link SchemaBlock} (attributes in declaration order).
 */
import { type CtyType, type CtyUnknown, type CtyValue, isUnknown as isUnknownValue } from "../codec/cty";
import type { NestingMode, SchemaBlock } from "../codec/schema";

/** One attribute: its type, its description and its flags. */
export interface AttributeDef {
  /** Value type. */
  readonly type: CtyType;
  /** Shown in documentation and by language servers; Markdown-free prose, backticks allowed. */
  readonly description: string;
  /** The configuration must set it. */
  readonly required?: boolean;
  /** The configuration may set it. */
  readonly optional?: boolean;
  /** The provider sets it (when the configuration does not, for optional+computed). */
  readonly computed?: boolean;
  /** Hidden in plan output and logs; the framework registers its values as secrets. */
  readonly sensitive?: boolean;
  /** Setting it produces a deprecation warning. */
  readonly deprecated?: boolean;
  /**
   * Write-only (Terraform and OpenTofu 1.11 and later): the value reaches the provider in the
   * configuration but is never stored in the plan or the state. Hosts that announce
   * `write_only_attributes_allowed` get null in its place in every planned and new state; older
   * hosts do not know the flag and store the value, so declare such an attribute `sensitive` too.
   */
  readonly writeOnly?: boolean;
}

/** A nested block type, such as `credentials { … }`. */
export interface NestedBlockDef {
  /** How the block repeats. */
  readonly nesting: NestingMode;
  /** The content of each block. */
  readonly block: BlockDef;
  /** Fewest blocks allowed (list and set nesting). */
  readonly minItems?: number;
  /** Most blocks allowed (list and set nesting). */
  readonly maxItems?: number;
}

/** A block: the provider configuration, a data source, a resource or a nested block. */
export interface BlockDef {
  /** Shown in documentation and by language servers. */
  readonly description?: string;
  /** Attributes by name, in the order they are documented. */
  readonly attributes: { readonly [name: string]: AttributeDef };
  /** Nested block types by name. */
  readonly blocks?: { readonly [name: string]: NestedBlockDef };
  /** Using the block produces a deprecation warning. */
  readonly deprecated?: boolean;
}

/** The TypeScript type of a known, non-null value of cty type `T` (numbers may be bigints). */
export type ValueOf<T extends CtyType> = T extends "string"
  ? string
  : T extends "number"
    ? number | bigint
    : T extends "bool"
      ? boolean
      : T extends readonly ["list" | "set", infer E extends CtyType]
        ? ValueOf<E>[]
        : T extends readonly ["map", infer E extends CtyType]
          ? { [key: string]: ValueOf<E> }
          : T extends readonly ["object", infer O extends Readonly<Record<string, CtyType>>]
            ? { [K in keyof O]: ValueOf<O[K]> | null }
            : CtyValue;

type Attrs<B extends BlockDef> = B["attributes"];
type Blocks<B extends BlockDef> = NonNullable<B["blocks"]>;

type AttrConfig<A extends AttributeDef> = A extends { readonly required: true }
  ? ValueOf<A["type"]>
  : ValueOf<A["type"]> | null;

type BlockConfig<N extends NestedBlockDef> = N["nesting"] extends "single"
  ? ConfigOf<N["block"]> | null
  : N["nesting"] extends "group"
    ? ConfigOf<N["block"]>
    : N["nesting"] extends "map"
      ? { [key: string]: ConfigOf<N["block"]> }
      : ConfigOf<N["block"]>[];

/**
 * A fully known configuration of block `B`: required attributes are values, optional and computed
 * ones may be null (unset), nested `single` blocks may be null.
 */
export type ConfigOf<B extends BlockDef> = {
  readonly [K in keyof Attrs<B>]: AttrConfig<Attrs<B>[K]>;
} & { readonly [K in keyof Blocks<B>]: BlockConfig<Blocks<B>[K]> };

/**
 * A configuration as validation sees it: any attribute may also be unknown (computed later in the
 * plan); nested blocks are left untyped because any value inside them may be unknown too.
 */
export type ValidateConfigOf<B extends BlockDef> = {
  readonly [K in keyof Attrs<B>]: AttrConfig<Attrs<B>[K]> | CtyUnknown;
} & { readonly [K in keyof Blocks<B>]: CtyValue };

/** Names of the computed attributes of `B` (optional+computed included). */
export type ComputedKeys<B extends BlockDef> = {
  [K in keyof Attrs<B>]: Attrs<B>[K] extends { readonly computed: true } ? K : never;
}[keyof Attrs<B>];

/** What the provider fills in: every computed attribute of `B`, each a value or null. */
export type ComputedOf<B extends BlockDef> = {
  [K in ComputedKeys<B>]: ValueOf<Attrs<B>[K]["type"]> | null;
};

/** A whole stored state of `B`: the configuration with every computed attribute filled in. */
export type StateOf<B extends BlockDef> = Omit<ConfigOf<B>, ComputedKeys<B>> & ComputedOf<B>;

/** The decoded value of an object-typed block, untyped. */
export type BlockValue = { [key: string]: CtyValue };

const blockCache = new WeakMap<BlockDef, SchemaBlock>();

/** The protocol's schema block for a declaration (cached: a declaration must not change once used). */
export function toSchemaBlock(def: BlockDef): SchemaBlock {
  const cached = blockCache.get(def);
  if (cached) return cached;
  const block: SchemaBlock = {
    attributes: Object.entries(def.attributes).map(([name, a]) => ({
      name,
      type: a.type,
      description: a.description,
      ...(a.required ? { required: true } : {}),
      ...(a.optional ? { optional: true } : {}),
      ...(a.computed ? { computed: true } : {}),
      ...(a.sensitive ? { sensitive: true } : {}),
      ...(a.deprecated ? { deprecated: true } : {}),
      ...(a.writeOnly ? { writeOnly: true } : {}),
    })),
    blockTypes: Object.entries(def.blocks ?? {}).map(([typeName, nb]) => ({
      typeName,
      nesting: nb.nesting,
      block: toSchemaBlock(nb.block),
      ...(nb.minItems !== undefined ? { minItems: nb.minItems } : {}),
      ...(nb.maxItems !== undefined ? { maxItems: nb.maxItems } : {}),
    })),
    ...(def.description !== undefined ? { description: def.description } : {}),
    ...(def.deprecated ? { deprecated: true } : {}),
  };
  blockCache.set(def, block);
  return block;
}

/**
 * Every attribute and nested block of `def` present: what the value holds, else null (an unset
 * optional input, a computed attribute not filled in). Keys the schema does not have are dropped.
 */
export function completeBlock(def: BlockDef, value: BlockValue): BlockValue {
  const out: BlockValue = {};
  for (const name of Object.keys(def.attributes)) out[name] = value[name] ?? null;
  for (const name of Object.keys(def.blocks ?? {})) out[name] = value[name] ?? null;
  return out;
}

/** The values of every sensitive attribute in `value` (nested blocks included) that are known strings. */
export function sensitiveStrings(def: BlockDef, value: CtyValue | undefined): string[] {
  if (value === null || value === undefined || typeof value !== "object" || Array.isArray(value)) return [];
  const block = value as BlockValue;
  const out: string[] = [];
  for (const [name, a] of Object.entries(def.attributes)) {
    const v = block[name];
    if (a.sensitive && typeof v === "string" && v !== "") out.push(v);
  }
  for (const [name, nb] of Object.entries(def.blocks ?? {})) {
    const v = block[name];
    if (Array.isArray(v)) for (const item of v) out.push(...sensitiveStrings(nb.block, item));
    else if (v !== null && typeof v === "object" && nb.nesting === "map")
      for (const item of Object.values(v as BlockValue)) out.push(...sensitiveStrings(nb.block, item));
    else out.push(...sensitiveStrings(nb.block, v));
  }
  return out;
}

/**
 * `value` with every write-only attribute (nested blocks included) set to null: what a plan or a
 * state holds on a host that supports write-only attributes.
 */
export function withoutWriteOnly(def: BlockDef, value: BlockValue): BlockValue {
  const out: BlockValue = { ...value };
  for (const [name, a] of Object.entries(def.attributes)) if (a.writeOnly && name in out) out[name] = null;
  for (const [name, nb] of Object.entries(def.blocks ?? {})) {
    const v = out[name];
    if (v === null || v === undefined || typeof v !== "object" || isUnknownValue(v)) continue;
    if (Array.isArray(v)) out[name] = v.map((item) => clearBlock(nb.block, item));
    else if (nb.nesting === "map")
      out[name] = Object.fromEntries(
        Object.entries(v as BlockValue).map(([k, item]) => [k, clearBlock(nb.block, item)]),
      );
    else out[name] = clearBlock(nb.block, v);
  }
  return out;
}

function clearBlock(def: BlockDef, value: CtyValue): CtyValue {
  if (value === null || typeof value !== "object" || Array.isArray(value) || isUnknownValue(value))
    return value;
  return withoutWriteOnly(def, value as BlockValue);
}
