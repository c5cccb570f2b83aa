/**
 * The map matches the territory: the plugin framework (`src/plugin`) imports nothing of the
 * provider or the vSphere side, and `src/` has no import cycles (the old
 * `vcenter/errors.ts → types.ts → paths.ts → errors.ts` loop among them).
 */
import { cycles, importGraph, resolveSpecifier, sourceFiles, specifiers } from "./import-graph";

/** Folders the framework must never reach. */
const FORBIDDEN = ["src/vcenter/", "src/simulator/", "src/cli/", "src/constructs/", "src/provider/"];

describe("the import graph", () => {
  test("finds the framework's files and their imports (the scan itself works)", () => {
    const files = sourceFiles("src/plugin");
    expect(files).toEqual(
      expect.arrayContaining([
        "src/plugin/index.ts",
        "src/plugin/framework/provider-server.ts",
        "src/plugin/tls/x509.ts",
      ]),
    );
    expect(specifiers("src/plugin/protocol/server.ts")).toEqual(
      expect.arrayContaining(["./unary-server", "../tls/x509", "./provider-service"]),
    );
    // The provider does import the framework: the check below would see such an edge.
    expect(importGraph("src/provider").get("src/provider/provider.ts")).toContain("src/plugin/index.ts");
  });

  test("src/plugin imports nothing from vcenter, simulator, cli, constructs or provider", () => {
    const offending = sourceFiles("src/plugin").flatMap((file) =>
      specifiers(file)
        .map((spec) => ({ spec, target: resolveSpecifier(file, spec) }))
        .filter(({ target }) => target !== undefined && FORBIDDEN.some((dir) => target.startsWith(dir)))
        .map(({ spec }) => `${file} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  test("the layers import each other as DESIGN.md's diagram says, and no other way", () => {
    const layer = (file: string): string => file.split("/")[1]!.replace(/\.ts$/, "");
    const edges = new Set<string>();
    for (const [file, targets] of importGraph("src")) {
      for (const target of targets.filter((t) => t.startsWith("src/")))
        if (layer(file) !== layer(target)) edges.add(`${layer(file)} → ${layer(target)}`);
    }
    expect([...edges].sort()).toEqual(
      [
        "cli → provider",
        "cli → simulator",
        "cli → util",
        "cli → vcenter",
        "constructs → util",
        "constructs → vcenter",
        "index → constructs",
        "index → vcenter",
        "plugin → util",
        "provider → plugin",
        "provider → util",
        "provider → vcenter",
        "simulator → plugin",
        "simulator → util",
        "simulator → vcenter",
        "vcenter → util",
      ].sort(),
    );
  });

  test("src/ has no import cycles of values", () => {
    expect(cycles(importGraph("src", { valuesOnly: true })).map((c) => c.join(" → "))).toEqual([]);
  });

  test("counting type-only imports too, the one cycle is the client and its captured runs", () => {
    // run-captured.ts holds methods of VCenterClient written in their own file: it takes the
    // client as a parameter (a type-only import) and the client calls it. Nothing else may loop,
    // the old errors.ts → types.ts → paths.ts → errors.ts among them.
    expect(cycles(importGraph("src")).map((c) => c.join(" → "))).toEqual([
      "src/vcenter/client.ts → src/vcenter/run-captured.ts → src/vcenter/client.ts",
    ]);
  });

  test("a cycle would be found", () => {
    const graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
    ]);
    expect(cycles(graph)).toEqual([["a.ts", "b.ts", "c.ts", "a.ts"]]);
  });
});
