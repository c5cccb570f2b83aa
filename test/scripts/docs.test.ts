/**
 * The docs come from the schema: the committed pages are what `npm run docs` writes now, and the
 * generated lists carry every attribute the schema declares, with its description.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { toSchemaBlock } from "../../src/plugin";
import { DATA_SOURCES } from "../../src/provider/registry";

const ROOT = path.resolve(__dirname, "../..");

describe("docs generated from the schema", () => {
  test("the committed docs are current (npm run docs would change nothing)", () => {
    const result = spawnSync(process.execPath, ["scripts/generate-docs.js", "--check", "--skip-build"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(result.stderr).toContain("the docs are up to date");
    expect(result.status).toBe(0);
  });

  test.each(DATA_SOURCES.map((d) => [d.typeName, d] as const))(
    "every attribute of %s is documented with its description",
    (typeName, dataSource) => {
      const page = fs.readFileSync(
        path.join(ROOT, "docs", "data-sources", `${typeName.replace(/^vsphereguest_/, "")}.md`),
        "utf8",
      );
      const flat = page.replace(/\s+/g, " ");
      for (const a of toSchemaBlock(dataSource.schema).attributes) {
        expect(flat).toContain(`- \`${a.name}\` (`);
        expect(flat).toContain(a.description.replace(/\s+/g, " "));
      }
    },
  );
});
