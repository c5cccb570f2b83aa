/**
 * The schema model the provider describes its provider configuration and data sources with, and
 * the object type a schema block implies: the type every value of that block is encoded against.
 */
import type { CtyType } from "./cty";

/** One attribute of a block. Exactly one of `required`, `optional`, `computed` (or optional+computed). */
export interface SchemaAttribute {
  /** Attribute name, `^[a-z0-9_]+$`. */
  name: string;
  /** Value type. */
  type: CtyType;
  /** Shown in documentation and by language servers. */
  description: string;
  /** The configuration must set it. */
  required?: boolean;
  /** The configuration may set it. */
  optional?: boolean;
  /** The provider sets it (when the configuration does not, for optional+computed). */
  computed?: boolean;
  /** Hidden in plan output and logs. */
  sensitive?: boolean;
  /** Setting it produces a deprecation warning. */
  deprecated?: boolean;
  /** Never stored in plan or state (hosts from 1.11 on; older hosts ignore the flag). */
  writeOnly?: boolean;
}

/**
 * How a nested block repeats: `single` (at most one, an object or null), `group` (exactly one,
 * never null), `list`, `set` (of objects) or `map` (of objects, keyed by the block label).
 */
export type NestingMode = "single" | "list" | "set" | "map" | "group";

/** A nested block type of a block, such as `credentials { … }`. */
export interface SchemaNestedBlock {
  /** Block type name, `^[a-z0-9_]+$`. */
  typeName: string;
  /** How the block repeats. */
  nesting: NestingMode;
  /** The content of each block. */
  block: SchemaBlock;
  /** Fewest blocks allowed (list and set nesting). */
  minItems?: number;
  /** Most blocks allowed (list and set nesting). */
  maxItems?: number;
}

/** A block: the provider configuration, a data source, or a nested block. */
export interface SchemaBlock {
  /** Shown in documentation and by language servers. */
  description?: string;
  /** Attributes, in the order they are documented. */
  attributes: SchemaAttribute[];
  /** Nested block types. */
  blockTypes: SchemaNestedBlock[];
  /** Using the block produces a deprecation warning. */
  deprecated?: boolean;
}

const impliedTypeCache = new WeakMap<SchemaBlock, CtyType>();

function hasDynamic(t: CtyType): boolean {
  if (typeof t === "string") return t === "dynamic";
  switch (t[0]) {
    case "object":
      return Object.values(t[1]).some(hasDynamic);
    case "tuple":
      return t[1].some(hasDynamic);
    default:
      return hasDynamic(t[1]);
  }
}

/**
 * The object type a block implies: one attribute per attribute and per nested block type, the
 * latter an object (`single`, `group`), `["list", object]`, `["set", object]` or `["map", object]`.
 * Results are frozen and cached per block, so a schema must not change once it is in use.
 *
 * Throws when two members share a name, and for `list`/`map` nested blocks containing `dynamic`
 * (Terraform then switches to a dynamic type this provider does not model).
 */
export function impliedType(block: SchemaBlock): CtyType {
  const cached = impliedTypeCache.get(block);
  if (cached !== undefined) return cached;
  const attrs: Record<string, CtyType> = Object.create(null);
  const add = (name: string, type: CtyType): void => {
    if (name in attrs) throw new Error(`schema: ${JSON.stringify(name)} is defined twice in one block`);
    attrs[name] = type;
  };
  for (const a of block.attributes) add(a.name, a.type);
  for (const nb of block.blockTypes) {
    const obj = impliedType(nb.block);
    switch (nb.nesting) {
      case "single":
      case "group":
        add(nb.typeName, obj);
        break;
      case "set":
        add(nb.typeName, Object.freeze(["set", obj] as const));
        break;
      case "list":
      case "map":
        if (hasDynamic(obj)) {
          throw new Error(
            `schema: nested block ${JSON.stringify(nb.typeName)} with ${nb.nesting} nesting must not contain dynamic attributes`,
          );
        }
        add(nb.typeName, Object.freeze([nb.nesting, obj] as const));
        break;
      default:
        throw new Error(
          `schema: unknown nesting mode ${JSON.stringify(nb.nesting)} of ${JSON.stringify(nb.typeName)}`,
        );
    }
  }
  // A plain object (own properties only) like any other object type, frozen.
  const plain: Record<string, CtyType> = {};
  for (const k of Object.keys(attrs)) {
    Object.defineProperty(plain, k, {
      value: attrs[k],
      enumerable: true,
      writable: false,
      configurable: false,
    });
  }
  const type = Object.freeze(["object", Object.freeze(plain)] as const);
  impliedTypeCache.set(block, type);
  return type;
}
