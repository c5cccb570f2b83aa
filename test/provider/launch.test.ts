/**
 * The fast-start loader of the provider executable: a bundle runs as a CommonJS module, its V8
 * code cache is written on the first start, used afterwards, and ignored when it does not belong
 * to the bundle.
 */

import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cachePathOf, loadBundle } from "../../src/provider/launch";

const SOURCE = `"use strict";
const path = require("node:path");
function greet(name) { return "hello " + name; }
module.exports = { dir: __dirname, file: __filename, base: path.basename(__filename), greeting: greet("tofu") };
`;

let dir: string;
let bundle: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "launch-test-"));
  bundle = path.join(dir, "main.bundle.js");
  fs.writeFileSync(bundle, SOURCE);
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

test("runs the bundle as a CommonJS module with its own require, __dirname and __filename", () => {
  const { exports } = loadBundle(bundle);
  expect(exports).toEqual({ dir, file: bundle, base: "main.bundle.js", greeting: "hello tofu" });
});

test("writes the code cache on the first start, prefixed with the bundle's SHA-256, and uses it next time", () => {
  const first = loadBundle(bundle);
  expect([first.cache, first.wrote]).toEqual(["missing", true]);
  const cache = fs.readFileSync(cachePathOf(bundle));
  expect(cache.subarray(0, 32)).toEqual(crypto.createHash("sha256").update(SOURCE).digest());
  expect(cache.length).toBeGreaterThan(32);
  expect(fs.readdirSync(dir).sort()).toEqual(["main.bundle.js", "main.bundle.js.cache"]); // no temporary files left

  const second = loadBundle(bundle);
  expect([second.cache, second.wrote]).toEqual(["used", false]);
  expect((second.exports as { greeting: string }).greeting).toBe("hello tofu");
});

test("a cache made for another bundle of the same length is stale: ignored and replaced", () => {
  loadBundle(bundle);
  const changed = SOURCE.replace('"tofu"', '"toff"');
  expect(changed.length).toBe(SOURCE.length);
  fs.writeFileSync(bundle, changed);
  const result = loadBundle(bundle);
  expect([result.cache, result.wrote]).toEqual(["stale", true]);
  expect((result.exports as { greeting: string }).greeting).toBe("hello toff");
  expect(loadBundle(bundle).cache).toBe("used");
});

test("a cache V8 does not accept is rejected and replaced", () => {
  const hash = crypto.createHash("sha256").update(SOURCE).digest();
  fs.writeFileSync(cachePathOf(bundle), Buffer.concat([hash, Buffer.alloc(200, 7)]));
  const result = loadBundle(bundle);
  expect([result.cache, result.wrote]).toEqual(["rejected", true]);
  expect(loadBundle(bundle).cache).toBe("used");
});

test("before writing the cache it calls the bundle's prepareCodeCache export, and only then", () => {
  const marker = path.join(dir, "prepared");
  fs.writeFileSync(
    bundle,
    `"use strict";
module.exports = {
  prepareCodeCache() { require("node:fs").appendFileSync(${JSON.stringify(marker)}, "x"); },
};
`,
  );
  const first = loadBundle(bundle);
  expect([first.cache, first.wrote]).toEqual(["missing", true]);
  expect(fs.readFileSync(marker, "utf8")).toBe("x");
  const second = loadBundle(bundle);
  expect([second.cache, second.wrote]).toEqual(["used", false]);
  expect(fs.readFileSync(marker, "utf8")).toBe("x");
});

test("a prepareCodeCache that throws still leaves a working bundle and a cache", () => {
  fs.writeFileSync(
    bundle,
    `"use strict";
module.exports = { value: 42, prepareCodeCache() { throw new Error("cannot load"); } };
`,
  );
  const first = loadBundle(bundle);
  expect([first.cache, first.wrote, (first.exports as { value: number }).value]).toEqual([
    "missing",
    true,
    42,
  ]);
  expect(loadBundle(bundle).cache).toBe("used");
});

test("where no cache can be written, prepareCodeCache is not called at all", () => {
  const marker = path.join(dir, "prepared");
  fs.writeFileSync(
    bundle,
    `"use strict";
module.exports = { prepareCodeCache() { require("node:fs").writeFileSync(${JSON.stringify(marker)}, "x"); } };
`,
  );
  // The temporary file of this process cannot be created: a directory stands at its path.
  fs.mkdirSync(`${cachePathOf(bundle)}.${process.pid}.tmp`);
  const result = loadBundle(bundle);
  expect([result.cache, result.wrote]).toEqual(["missing", false]);
  expect(fs.existsSync(marker)).toBe(false);
  expect(fs.existsSync(cachePathOf(bundle))).toBe(false);
});
