#!/usr/bin/env node
/**
 * `npm run docs`: writes docs/index.md, docs/data-sources/*.md (and docs/resources/*.md) from the
 * templates in docs/templates/ and the provider's schema (what `vsphere-guest provider schema`
 * prints). The prose and examples are hand-written in the templates; the argument and attribute
 * lists come from the schema's descriptions, so the docs cannot drift from the code.
 *
 * Usage: node scripts/generate-docs.js [--check] [--skip-build]
 *   --check        write nothing: exit 1 when a committed page differs from what would be written
 *                  (CI and the test suite run this)
 *   --skip-build   do not run `npm run build` first: use the CLI already built in lib/
 *
 * Placeholders, each on a line of its own:
 *   {{ arguments }}     the inputs of the page's block (required and optional attributes, blocks)
 *   {{ attributes }}    its read-only (computed, not settable) attributes
 *   {{ block NAME }}    a nested block's description and its inputs
 * The page's block is the provider for index.md.tmpl, data source `vsphereguest_X` for
 * data-sources/X.md.tmpl and resource `vsphereguest_X` for resources/X.md.tmpl.
 */

const fs = require("node:fs");
const path = require("node:path");
const { providerSchemaJson } = require("./lib/provider-schema");

const root = path.resolve(__dirname, "..");
const templates = path.join(root, "docs", "templates");
const PROVIDER_TYPE = "vsphereguest";
const WIDTH = 100;

function parseArgs(argv) {
  const options = { check: false, build: true };
  for (const arg of argv) {
    if (arg === "--check") options.check = true;
    else if (arg === "--skip-build") options.build = false;
    else {
      process.stderr.write(`generate-docs: unknown argument ${JSON.stringify(arg)}\n`);
      process.exit(2);
    }
  }
  return options;
}

function providerSchema(build) {
  const schemas = Object.values(providerSchemaJson(build).provider_schemas ?? {});
  if (schemas.length !== 1) throw new Error("expected one provider in the schema");
  return schemas[0];
}

/** A cty type as the docs name it: `String`, `List of Object`, `Map of String`. */
function typeName(type) {
  if (typeof type === "string")
    return type === "bool" ? "Bool" : type.charAt(0).toUpperCase() + type.slice(1);
  const [kind, element] = type;
  if (kind === "object") return "Object";
  if (kind === "tuple") return "Tuple";
  return `${kind.charAt(0).toUpperCase()}${kind.slice(1)} of ${typeName(element)}`;
}

/** One list item, wrapped at WIDTH with a two-space hanging indent. */
function item(head, text) {
  const words = `${head}: ${text}`.split(/\s+/);
  const lines = [];
  let line = "-";
  for (const word of words) {
    if (line.length + 1 + word.length > WIDTH && line.trim() !== "-") {
      lines.push(line);
      line = ` ${word}`;
    } else line += ` ${word}`;
  }
  lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : ` ${l}`)).join("\n");
}

/** A paragraph wrapped at WIDTH. */
function paragraph(text) {
  const lines = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines.join("\n");
}

const NESTING = { single: "Block", group: "Block", list: "Block List", set: "Block Set", map: "Block Map" };

/** The inputs of a block: its required and optional attributes, then its nested blocks. */
function argumentList(block, sections) {
  const items = [];
  for (const [name, a] of Object.entries(block.attributes ?? {})) {
    if (!a.required && !a.optional) continue;
    const flags = [typeName(a.type), a.required ? "Required" : "Optional"];
    if (a.sensitive) flags.push("Sensitive");
    if (a.write_only) flags.push("Write-only");
    if (a.deprecated) flags.push("Deprecated");
    items.push(item(`\`${name}\` (${flags.join(", ")})`, a.description ?? ""));
  }
  for (const [name, b] of Object.entries(block.block_types ?? {})) {
    const flags = [NESTING[b.nesting_mode] ?? "Block", b.min_items ? "Required" : "Optional"];
    if (b.max_items) flags.push(`Max: ${b.max_items}`);
    const more = sections.has(name) ? ` See [below](#${name}).` : "";
    items.push(item(`\`${name}\` (${flags.join(", ")})`, `${b.block.description ?? ""}${more}`));
  }
  return items.join("\n");
}

/** The read-only attributes of a block: computed and not settable. */
function attributeList(block) {
  return Object.entries(block.attributes ?? {})
    .filter(([, a]) => a.computed && !a.optional && !a.required)
    .map(([name, a]) =>
      item(
        `\`${name}\` (${[typeName(a.type), ...(a.sensitive ? ["Sensitive"] : [])].join(", ")})`,
        a.description ?? "",
      ),
    )
    .join("\n");
}

/** The pages: template path (relative to docs/templates) → the schema block it documents. */
function pages(schema) {
  const out = [];
  for (const rel of listTemplates(templates)) {
    let block;
    const dataSource = /^data-sources\/([a-z0-9_]+)\.md\.tmpl$/.exec(rel);
    const resource = /^resources\/([a-z0-9_]+)\.md\.tmpl$/.exec(rel);
    if (rel === "index.md.tmpl") block = schema.provider.block;
    else if (dataSource) block = schema.data_source_schemas?.[`${PROVIDER_TYPE}_${dataSource[1]}`]?.block;
    else if (resource) block = schema.resource_schemas?.[`${PROVIDER_TYPE}_${resource[1]}`]?.block;
    if (!block) throw new Error(`docs/templates/${rel}: no provider, data source or resource of that name`);
    out.push({ template: rel, output: rel.replace(/\.tmpl$/, ""), block });
  }
  for (const [name] of Object.entries(schema.data_source_schemas ?? {})) {
    const page = `data-sources/${name.slice(PROVIDER_TYPE.length + 1)}.md`;
    if (!out.some((p) => p.output === page))
      throw new Error(`data source ${name} has no template docs/templates/${page}.tmpl`);
  }
  for (const [name] of Object.entries(schema.resource_schemas ?? {})) {
    const page = `resources/${name.slice(PROVIDER_TYPE.length + 1)}.md`;
    if (!out.some((p) => p.output === page))
      throw new Error(`resource ${name} has no template docs/templates/${page}.tmpl`);
  }
  return out;
}

function listTemplates(dir, prefix = "") {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listTemplates(path.join(dir, entry.name), rel));
    else if (entry.name.endsWith(".md.tmpl")) out.push(rel);
  }
  return out.sort();
}

/** Fills one template. */
function render(template, text, block) {
  const sections = new Set([...text.matchAll(/^\{\{ block ([a-z0-9_]+) \}\}$/gm)].map((m) => m[1]));
  const body = text.replace(/^\{\{ ([a-z]+)(?: ([a-z0-9_]+))? \}\}$/gm, (whole, kind, name) => {
    if (kind === "arguments") return argumentList(block, sections);
    if (kind === "attributes") return attributeList(block);
    if (kind === "block") {
      const nested = block.block_types?.[name];
      if (!nested) throw new Error(`docs/templates/${template}: ${whole}: no block ${name}`);
      const description = nested.block.description ? `${paragraph(nested.block.description)}\n\n` : "";
      return `${description}${argumentList(nested.block, new Set())}`;
    }
    throw new Error(`docs/templates/${template}: unknown placeholder ${whole}`);
  });
  const note = `<!-- Generated by npm run docs from docs/templates/${template} and the provider's schema; edit those, not this file. -->\n`;
  // After the front matter, which must stay first.
  const frontMatter = /^---\n[\s\S]*?\n---\n/.exec(body);
  return frontMatter ? `${frontMatter[0]}\n${note}${body.slice(frontMatter[0].length)}` : `${note}\n${body}`;
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const schema = providerSchema(options.build);
  const stale = [];
  for (const page of pages(schema)) {
    const text = render(
      page.template,
      fs.readFileSync(path.join(templates, page.template), "utf8"),
      page.block,
    );
    const target = path.join(root, "docs", page.output);
    const current = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
    if (current === text) continue;
    if (options.check) stale.push(`docs/${page.output}`);
    else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, text);
      process.stderr.write(`generate-docs: wrote docs/${page.output}\n`);
    }
  }
  if (stale.length > 0) {
    process.stderr.write(
      `generate-docs: stale: ${stale.join(", ")}: run npm run docs and commit the result\n`,
    );
    process.exit(1);
  }
  if (options.check) process.stderr.write("generate-docs: the docs are up to date\n");
}

try {
  main();
} catch (error) {
  process.stderr.write(`generate-docs: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
