/**
 * The import graph of `src/`, read from the sources: every relative import specifier (`import …
 * from`, `export … from`, `import("…")`, `require("…")`, type-only ones included) resolved to a file.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The repository's root. */
export const ROOT = path.resolve(__dirname, "../..");

/** `import … from "x"`, `export … from "x"`, `import "x"` (group 1: `type ` when type-only; group 2: x). */
const STATIC = /^\s*(?:import|export)\s+(type\s+)?(?:[^;"']*?\bfrom\s*)?["']([^"']+)["']/gm;
/** `import("x")` and `require("x")`. */
const DYNAMIC = /\b(?:import|require)\s*\(\s*["']([^"']+)["']/g;

/** One import of a file. */
export interface ImportSpecifier {
  /** As written. */
  spec: string;
  /** `import type` / `export type`: erased at compile time. */
  typeOnly: boolean;
}

/** Every `.ts`/`.js` file under `dir` (relative to the root), sorted. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
      const rel = path.join(d, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (/\.(ts|js)$/.test(entry.name)) out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}

/** The imports of one file. */
export function imports(file: string): ImportSpecifier[] {
  const text = fs.readFileSync(path.join(ROOT, file), "utf8");
  return [
    ...[...text.matchAll(STATIC)].map((m) => ({ spec: m[2]!, typeOnly: m[1] !== undefined })),
    ...[...text.matchAll(DYNAMIC)].map((m) => ({ spec: m[1]!, typeOnly: false })),
  ];
}

/** The import specifiers of one file, as written. */
export function specifiers(file: string): string[] {
  return imports(file).map((i) => i.spec);
}

/** A relative specifier resolved to a file under the root, or undefined for packages and builtins. */
export function resolveSpecifier(from: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const base = path.join(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.js`, `${base}.d.ts`, path.join(base, "index.ts")]) {
    const full = path.join(ROOT, candidate);
    if (fs.existsSync(full) && fs.statSync(full).isFile()) return candidate;
  }
  throw new Error(`${from}: cannot resolve ${JSON.stringify(spec)}`);
}

/** The graph: each file to the files it imports (type-only imports too, unless `valuesOnly`). */
export function importGraph(dir: string, options: { valuesOnly?: boolean } = {}): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(dir)) {
    const targets = imports(file)
      .filter((i) => !(options.valuesOnly && i.typeOnly))
      .map((i) => resolveSpecifier(file, i.spec))
      .filter((t): t is string => t !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every import cycle of the graph, each as the files along it (first file repeated at the end). */
export function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, "visiting");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "visiting") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}
