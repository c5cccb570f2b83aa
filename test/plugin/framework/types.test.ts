/**
 * The models derived from a schema at the type level: a read that forgets or misspells a computed
 * attribute, or gives one the wrong type, does not compile. The `@ts-expect-error` lines are the
 * assertions: should the typing ever let them through, the type check (and ts-jest) fails on the
 * unused directive.
 */
import { type ComputedOf, type ConfigOf, defineDataSource, toSchemaBlock } from "../../../src/plugin";

const SCHEMA = {
  attributes: {
    input: { type: "string", required: true, description: "In." },
    maybe: { type: "number", optional: true, description: "Maybe." },
    out: { type: "string", computed: true, description: "Out." },
    both: { type: "bool", optional: true, computed: true, description: "Both." },
    list: { type: ["list", ["object", { n: "number" }]], computed: true, description: "List." },
  },
  blocks: {
    nested: {
      nesting: "single",
      block: { attributes: { x: { type: "string", optional: true, description: "X." } } },
    },
  },
} as const;

describe("types derived from a schema", () => {
  test("computed attributes: all of them, spelled right, typed right", () => {
    const ok: ComputedOf<typeof SCHEMA> = { out: "o", both: null, list: [{ n: 1 }] };
    // @ts-expect-error `both` and `list` are missing
    const missing: ComputedOf<typeof SCHEMA> = { out: "o" };
    // @ts-expect-error `ot` is not an attribute
    const misspelled: ComputedOf<typeof SCHEMA> = { ot: "o", out: "o", both: null, list: [] };
    // @ts-expect-error `out` is a string
    const wrongType: ComputedOf<typeof SCHEMA> = { out: 1, both: null, list: [] };
    expect([ok, missing, misspelled, wrongType]).toHaveLength(4);
  });

  test("the configuration: required values, nullable optional ones, nested blocks", () => {
    const config = {
      input: "i",
      maybe: null,
      out: null,
      both: null,
      list: null,
      nested: { x: null },
    } satisfies ConfigOf<typeof SCHEMA>;
    const input: string = config.input;
    // @ts-expect-error an optional attribute may be null
    const maybe: number = ({} as ConfigOf<typeof SCHEMA>).maybe;
    expect([input, maybe]).toHaveLength(2);
  });

  test("a data source's read is checked against its schema", () => {
    const good = defineDataSource({
      typeName: "test_good",
      schema: SCHEMA,
      read: async ({ config }) => ({ state: { out: config.input, both: true, list: [] } }),
    });
    const bad = defineDataSource({
      typeName: "test_bad",
      schema: SCHEMA,
      // @ts-expect-error the read forgets `list`
      read: async ({ config }) => ({ state: { out: config.input, both: true } }),
    });
    expect([good.typeName, bad.typeName]).toEqual(["test_good", "test_bad"]);
    expect(toSchemaBlock(SCHEMA).attributes.map((a) => a.name)).toEqual([
      "input",
      "maybe",
      "out",
      "both",
      "list",
    ]);
  });
});
