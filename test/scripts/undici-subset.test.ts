/**
 * The provider's bundles replace `undici` with scripts/bundle/undici-subset.js (only what the API
 * client uses). Everything the source imports from "undici" as a value must be there, and its
 * dispatchers must make requests the way the client makes them.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";

const ROOT = path.join(__dirname, "../..");
const subset = require(path.join(ROOT, "scripts/bundle/undici-subset.js")) as {
  Pool: typeof import("undici").Pool;
  Agent: typeof import("undici").Agent;
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

test("exports every value the provider's sources import from undici", () => {
  const values = new Set<string>();
  for (const file of [
    ...sourceFiles(path.join(ROOT, "src/vcenter")),
    ...sourceFiles(path.join(ROOT, "src/provider")),
  ]) {
    const text = fs.readFileSync(file, "utf8");
    for (const match of text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+"undici"/g)) {
      if (match[1]) continue;
      for (const name of match[2].split(",").map((s) => s.trim()))
        if (name !== "" && !name.startsWith("type ")) values.add(name.split(/\s+as\s+/)[0]);
    }
  }
  expect([...values].sort()).toEqual(["Agent", "Pool"]);
  for (const name of values) expect(typeof (subset as Record<string, unknown>)[name]).toBe("function");
});

describe("requests through the subset", () => {
  let server: http.Server;
  let origin: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ method: req.method, url: req.url, body }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test("Pool.request sends the method, path and body and reads the answer", async () => {
    const pool = new subset.Pool(origin, { connections: 2 });
    try {
      const response = await pool.request({ method: "POST", path: "/api/session", body: "{}" });
      expect(response.statusCode).toBe(200);
      expect(await response.body.json()).toEqual({ method: "POST", url: "/api/session", body: "{}" });
    } finally {
      await pool.close();
    }
  });

  test("Agent.request reaches an origin given per request", async () => {
    const agent = new subset.Agent();
    try {
      const response = await agent.request({ origin, method: "GET", path: "/transfer/1" });
      expect(await response.body.text()).toBe(
        JSON.stringify({ method: "GET", url: "/transfer/1", body: "" }),
      );
    } finally {
      await agent.close();
    }
  });
});
