// Stands in for `undici` in the provider's bundles (`npm run bundle:provider`, scripts/package.js):
// the parts of undici the API client uses (src/vcenter/transport.ts: `Pool`;
// src/vcenter/file-transfer.ts: `Agent`), without the rest of its index (fetch, WebSocket, cache,
// mocks, proxies…), whose module initialisation the provider would otherwise pay when it is
// configured. The CLI and the library keep loading the whole undici from node_modules.
// The paths go through node_modules because the bundlers alias `undici` (subpaths included) to
// this file. Keep this in step with what src/vcenter imports from "undici" (test/provider checks it).

const Dispatcher = require("../../node_modules/undici/lib/dispatcher/dispatcher");
const Pool = require("../../node_modules/undici/lib/dispatcher/pool");
const Agent = require("../../node_modules/undici/lib/dispatcher/agent");

// undici's index gives every dispatcher `request`, `stream`, … this way; the client uses `request`.
Dispatcher.prototype.request ??= require("../../node_modules/undici/lib/api/api-request");

module.exports = { Dispatcher, Pool, Agent };
