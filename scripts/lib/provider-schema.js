/**
 * The provider's schema as `vsphere-guest provider schema` prints it (the same JSON as
 * `tofu providers schema -json`), for the scripts that generate from it: the docs and the bindings.
 */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");

/** Runs `command` in the repository; returns its stdout when `capture`, else lets it print. */
function run(command, args, capture) {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: "utf8",
    stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}`);
  }
  return result.stdout;
}

/**
 * The schema JSON, after `npm run build` when `build`; without it, from the CLI already built in
 * lib/ (an error says so when there is none).
 */
function providerSchemaJson(build) {
  if (build) run("npm", ["run", "-s", "build"], false);
  else if (!fs.existsSync(path.join(root, "lib", "cli"))) {
    throw new Error("lib/ is missing: run npm run build first (or drop --skip-build)");
  }
  return JSON.parse(
    run(process.execPath, [path.join(root, "bin", "vsphere-guest"), "provider", "schema"], true),
  );
}

module.exports = { providerSchemaJson };
