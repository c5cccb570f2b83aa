// Makes the V8 code cache that the single executable's startup snapshot is built with
// (scripts/package.js, snapshot.js). It runs in a snapshot-building process of the target's
// Node.js (`node --snapshot-blob … --build-snapshot snapshot-cache.js`), because V8 accepts a code
// cache only under the V8 flags it was made with, and a snapshot-building process has its own.
// It runs the bundle as snapshot.js will (its main module then only initialises and warms up),
// loads what configuring loads (the bundle's `prepareCodeCache` export: the API client and undici,
// which cannot be initialised into a snapshot because they load `node:http`), saves the compiled
// code of all of it, and exits before any snapshot is taken.
// Usage (by scripts/package.js, in the directory of the bundle):
//   node --snapshot-blob IGNORED --build-snapshot snapshot-cache.js
// Writes provider.js.snapshot-cache there.

const fs = require("node:fs");
const vm = require("node:vm");

const source = fs.readFileSync("provider.js", "utf8");
// Module.wrap's wrapper, character for character: the cache is only valid for the same source.
const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
const script = new vm.Script(wrapped, { filename: "provider.js" });
const entry = { exports: {} };
script.runInThisContext().call(entry.exports, entry.exports, require, entry, "provider.js", ".");
// After the warm-up (a promise chain the main module started) has run.
setImmediate(() => {
  entry.exports.prepareCodeCache();
  fs.writeFileSync("provider.js.snapshot-cache", script.createCachedData());
  process.exit(0);
});
