#!/usr/bin/env node
/**
 * Build step after `tsc`: copies the committed generated protobuf code (plain JavaScript and its
 * .d.ts, which tsc does not emit) from src/plugin/proto/gen/ to lib/plugin/proto/gen/.
 */

const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const from = path.join(root, "src", "plugin", "proto", "gen");
const to = path.join(root, "lib", "plugin", "proto", "gen");

fs.mkdirSync(to, { recursive: true });
for (const name of fs.readdirSync(from)) {
  if (name.endsWith(".js") || name.endsWith(".d.ts"))
    fs.copyFileSync(path.join(from, name), path.join(to, name));
}
