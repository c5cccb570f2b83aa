#!/usr/bin/env node
/**
 * Isolated costs behind the provider's fixed cost, each measured in fresh Node.js processes,
 * interleaved, median and minimum:
 *
 *   - a bare `node -e` start, with and without NODE_EXTRA_CA_CERTS (when it is set here);
 *   - the first `tls.createSecureContext()` of a process (Node builds its root certificate store
 *     then, whatever the options), and the next one;
 *   - loading undici three ways: `require("undici")` from node_modules (as the provider does
 *     today), the whole of undici as one esbuild bundle through a V8 code cache, and only its
 *     `Pool` (what src/vcenter/transport.ts uses) bundled the same way.
 *
 * Prints figures, asserts nothing. Needs `npm run build` (for lib/) and esbuild (a dev dependency).
 * Usage: node scripts/probe-costs.js [runs=11] (--help)
 */
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const { parseOptions, wholeNumber } = require("./lib/options");
const { loadAverage, cpuCount } = require("./lib/stats");

const SCRIPT = "probe-costs";
const USAGE = `
Usage: node scripts/probe-costs.js [RUNS]

Isolated costs behind the provider's fixed cost, each in fresh Node.js processes, interleaved
(median and minimum): a bare node -e start (with and without NODE_EXTRA_CA_CERTS when it is set),
the first and the next TLS context of a process, and loading undici three ways. Needs npm run build.

  RUNS        fresh processes per figure (default 11)
  -h, --help  this text
`;

const root = path.resolve(__dirname, "..");
const { positionals } = parseOptions(SCRIPT, USAGE, {}, { positionals: 1 });
const runs = wholeNumber(SCRIPT, "RUNS", positionals[0] ?? "11", 1);
const launch = path.join(root, "lib", "provider", "launch.js");
const x509 = path.join(root, "lib", "plugin", "tls", "x509.js");

/** Runs `node <args>` and returns what its last stdout line says (a number or JSON). */
function node(args, env = process.env) {
  const out = execFileSync(process.execPath, args, { env, encoding: "utf8" }).trim().split("\n");
  return JSON.parse(out[out.length - 1]);
}

function timedSpawn(args, env) {
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, args, { env, stdio: "ignore" });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)].toFixed(1).padStart(6)} ms   min ${s[0].toFixed(1).padStart(6)} ms`;
};

function main() {
  if (!fs.existsSync(launch)) throw new Error("lib/ is missing: run npm run build");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "vsg-probe-"));
  try {
    // Bundles of undici, each loaded through the provider's own code-cache loader.
    const esbuild = path.join(root, "node_modules", ".bin", "esbuild");
    const entries = {
      whole: 'module.exports = require("undici");',
      pool: 'module.exports = require("undici/lib/dispatcher/pool.js");',
    };
    for (const [name, source] of Object.entries(entries)) {
      // stdin resolves against the working directory: the repository's node_modules
      execFileSync(
        esbuild,
        [
          "--bundle",
          "--platform=node",
          "--target=node20",
          "--minify-whitespace",
          "--minify-syntax",
          `--outfile=${path.join(work, `${name}.bundle.js`)}`,
          "--log-level=error",
        ],
        { cwd: root, input: source },
      );
    }
    const loader = path.join(work, "load.js");
    fs.writeFileSync(
      loader,
      `const mode = process.argv[2];
const t0 = performance.now();
if (mode === "require") require(${JSON.stringify(path.join(root, "node_modules", "undici"))});
else require(${JSON.stringify(launch)}).loadBundle(require("node:path").join(__dirname, mode + ".bundle.js"));
console.log(performance.now() - t0);
`,
    );
    for (const mode of ["whole", "pool"]) node([loader, mode]); // write the code caches
    const tlsProbe = path.join(work, "tls.js");
    fs.writeFileSync(
      tlsProbe,
      `const { pluginServerCertificate } = require(${JSON.stringify(x509)});
const c = pluginServerCertificate();
const tls = require("node:tls");
const t0 = performance.now();
tls.createSecureContext({ key: c.keyPem, cert: c.certPem, ca: c.certPem });
const t1 = performance.now();
tls.createSecureContext({ key: c.keyPem, cert: c.certPem });
console.log(JSON.stringify([t1 - t0, performance.now() - t1]));
`,
    );

    const withCa = { ...process.env };
    const withoutCa = { ...process.env };
    delete withoutCa.NODE_EXTRA_CA_CERTS;
    const envs = withCa.NODE_EXTRA_CA_CERTS
      ? [
          ["NODE_EXTRA_CA_CERTS set", withCa],
          ["NODE_EXTRA_CA_CERTS unset", withoutCa],
        ]
      : [["NODE_EXTRA_CA_CERTS unset", withoutCa]];
    const results = new Map();
    const add = (key, value) => results.set(key, [...(results.get(key) ?? []), value]);
    for (let i = 0; i < runs; i++) {
      for (const [label, env] of envs) {
        add(`bare node -e start, ${label}`, timedSpawn(["-e", "0"], env));
        const [first, next] = node([tlsProbe], env);
        add(`first TLS context of a process, ${label}`, first);
        add(`next TLS context, ${label}`, next);
      }
      add("undici: require('undici') from node_modules", node([loader, "require"], withoutCa));
      add("undici: whole, bundled, V8 code cache", node([loader, "whole"], withoutCa));
      add("undici: Pool only, bundled, V8 code cache", node([loader, "pool"], withoutCa));
    }
    console.log(`isolated costs, ${runs} fresh processes each (interleaved):`);
    for (const [key, xs] of results) console.log(`  ${key.padEnd(58)} ${stats(xs)}`);
    console.log(`  load average ${loadAverage()} on ${cpuCount()} CPUs`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  console.error(`${SCRIPT}: ${error.message}`);
  process.exit(1);
}
