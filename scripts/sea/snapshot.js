// Entry of the single executable's startup snapshot (scripts/package.js, `useSnapshot`): runs at
// build time, in the directory of the bundle. It compiles the bundle with the code cache made by
// snapshot-cache.js, so that the snapshot holds the compiled code of what configuring loads later
// (the API client, undici) besides everything the start-up ran, and runs it: the provider's main
// module sees the snapshot being built, initialises and warms up, and leaves serving to the process
// that starts from the snapshot (src/provider/main.ts). A snapshot entry has no `module` or
// `exports`, and its `require` loads Node's built-in modules only, all the bundle asks for.

const fs = require("node:fs");
const vm = require("node:vm");

const source = fs.readFileSync("provider.js", "utf8");
const cachedData = fs.readFileSync("provider.js.snapshot-cache");
const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
const script = new vm.Script(wrapped, { filename: "provider.js", cachedData });
if (script.cachedDataRejected)
  throw new Error("V8 rejected the code cache of provider.js (made by snapshot-cache.js)");
const entry = { exports: {} };
script.runInThisContext().call(entry.exports, entry.exports, require, entry, "provider.js", ".");
