// Main script of the single executable (scripts/package.js): runs the provider bundle, an asset of
// the executable, through the V8 code cache made for it at build time (scripts/sea/code-cache.js).
// `require` here loads Node's built-in modules only, which is all the bundle asks for.

const sea = require("node:sea");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");

const source = sea.getAsset("provider.js", "utf8");
let cachedData;
try {
  cachedData = Buffer.from(sea.getAsset("provider.js.cache"));
} catch {
  // built for another platform: no code cache, the bundle compiles as usual
}
const filename = path.join(path.dirname(process.execPath), "provider.js");
const script = new vm.Script(Module.wrap(source), { filename, cachedData });
const mod = { exports: {}, filename, loaded: false };
script.runInThisContext().call(mod.exports, mod.exports, require, mod, filename, path.dirname(filename));
