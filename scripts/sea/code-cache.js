// Makes the V8 code cache of the single executable's bundle: runs the bundle as the executable
// will (same wrapper, same Node.js binary), lets the provider start up to its handshake line, then
// loads what configuring loads (the bundle's `prepareCodeCache` export), then saves the compiled
// code of everything that ran — not just the outermost function, as `useCodeCache` alone would —
// and exits.
// Usage (by scripts/package.js, with the host's handshake variables set): node code-cache.js BUNDLE OUT

const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");

const [bundle, out] = process.argv.slice(2);
const filename = path.resolve(bundle);
const script = new vm.Script(Module.wrap(fs.readFileSync(filename, "utf8")), { filename });
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  if (String(chunk).includes("|grpc|")) {
    // What configuring loads (the API client, undici) too, as the launcher's cache holds it.
    mod.exports.prepareCodeCache?.();
    fs.writeFileSync(out, script.createCachedData());
    process.exit(0);
  }
  return write(chunk, ...rest);
};
setTimeout(() => {
  process.stderr.write("code-cache: the provider printed no handshake line within 60 s\n");
  process.exit(1);
}, 60_000).unref();
const mod = { exports: {}, filename, loaded: false };
script.runInThisContext().call(mod.exports, mod.exports, require, mod, filename, path.dirname(filename));
