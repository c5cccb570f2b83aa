// Stands in for `undici` in the provider's bundles (`npm run bundle:provider`, scripts/package.js):
// the parts of undici the API client uses (src/vcenter/transport.ts: `Pool`;
// src/vcenter/file-transfer.ts: `Agent`), without the rest of its index (fetch, WebSocket, cache,
// mocks, proxies…), whose module initialisation the provider would otherwise pay when it is
// configured. The CLI and the library keep loading the whole undici from node_modules.
// The paths go through node_modules because the bundlers alias `undici` (subpaths included) to
// this file. Keep this in step with what src/vcenter imports from "undici" (test/scripts checks it).

const Dispatcher = require("../../node_modules/undici/lib/dispatcher/dispatcher");
const UndiciPool = require("../../node_modules/undici/lib/dispatcher/pool");
const UndiciAgent = require("../../node_modules/undici/lib/dispatcher/agent");

// undici's index gives every dispatcher `request`, `stream`, … this way; the client uses `request`.
Dispatcher.prototype.request ??= require("../../node_modules/undici/lib/api/api-request");

let liftoffOnly = false;

/**
 * Keeps WebAssembly in V8's baseline compiler (Liftoff) from here on. undici's HTTP parser
 * (llhttp) is the provider's only WebAssembly; V8's optimising compile of it ran in the background
 * for 100-300 ms and ~30 MiB, and the process waited for it at exit. Set when the first
 * dispatcher is made (when the provider is configured), not at start-up: changing a V8 flag makes
 * V8 reject the code caches compiled under the old flags (Node's own for its built-in modules, and
 * the bundle's), so start-up keeps the default flags. See DESIGN.md.
 */
function keepWebAssemblyInLiftoff() {
  if (liftoffOnly) return;
  liftoffOnly = true;
  require("node:v8").setFlagsFromString("--liftoff-only");
}

class Pool extends UndiciPool {
  constructor(origin, options) {
    keepWebAssemblyInLiftoff();
    super(origin, options);
  }
}

class Agent extends UndiciAgent {
  constructor(options) {
    keepWebAssemblyInLiftoff();
    super(options);
  }
}

module.exports = { Dispatcher, Pool, Agent };
