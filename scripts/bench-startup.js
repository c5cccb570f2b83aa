#!/usr/bin/env node
/**
 * Start-up benchmark of the provider executable: spawns bin/terraform-provider-vsphereguest the
 * way tofu/terraform do (magic cookie, PLUGIN_PROTOCOL_VERSIONS=5,6, a freshly generated
 * PLUGIN_CLIENT_CERT), measures from spawn to the handshake line on stdout, kills the process,
 * and prints the median, p90 and minimum over the runs.
 *
 * Every run is a new process, as every tofu/terraform step is. The main series runs with the V8
 * code cache beside the bundle in place, as it is after the provider's first start; five runs
 * with the cache deleted first show that very first start. For context it also times a bare
 * `node -e` and prints the load average. Needs `npm run build` first.
 *
 * Usage: node scripts/bench-startup.js [runs=20] [executable]
 */

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const runs = Number(process.argv[2] ?? 20);
const executable = path.resolve(process.argv[3] ?? path.join(root, "bin", "terraform-provider-vsphereguest"));
const bundle = path.join(root, "lib", "provider", "main.bundle.js");
const { pluginServerCertificate } = require(path.join(root, "lib", "plugin", "tls", "x509.js"));

const env = {
  ...process.env,
  TF_PLUGIN_MAGIC_COOKIE: "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
  PLUGIN_PROTOCOL_VERSIONS: "5,6",
  PLUGIN_MIN_PORT: "10000",
  PLUGIN_MAX_PORT: "25000",
  PLUGIN_CLIENT_CERT: pluginServerCertificate().certPem,
};
delete env.TF_LOG;
delete env.TF_LOG_PROVIDER;

const HANDSHAKE = /^1\|6\|tcp\|127\.0\.0\.1:\d+\|grpc\|[A-Za-z0-9+/]+$/;

/** Milliseconds from spawn to the first complete stdout line (the handshake, for the provider). */
function once(command, args, runEnv = env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env: runEnv, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let done = false;
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (!done && out.includes("\n")) {
        done = true;
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const line = out.slice(0, out.indexOf("\n"));
        if (command === executable && !HANDSHAKE.test(line))
          reject(new Error(`unexpected handshake line: ${line}`));
        else resolve(ms);
        child.kill("SIGKILL");
      }
    });
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    child.on("exit", (code, signal) => {
      if (!done) reject(new Error(`${command} exited (${code ?? signal}) before its first line:\n${err}`));
    });
  });
}

async function series(n, command, args, before, runEnv = env) {
  const times = [];
  for (let i = 0; i < n; i++) {
    before?.();
    times.push(await once(command, args, runEnv));
  }
  return times.sort((a, b) => a - b);
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const fmt = (ms) => `${ms.toFixed(1)} ms`.padStart(9);
const summary = (times) =>
  `median ${fmt(percentile(times, 50))}   p90 ${fmt(percentile(times, 90))}   min ${fmt(times[0])}`;

async function main() {
  const noCache = fs.existsSync(bundle)
    ? await series(5, executable, [], () => fs.rmSync(`${bundle}.cache`, { force: true }))
    : undefined;
  const times = await series(runs, executable, []);
  const node = await series(runs, process.execPath, ["-e", "console.log()"]);
  // NODE_EXTRA_CA_CERTS makes Node load a CA bundle at every start, before any of our code runs:
  // when it is set, also measure without it, as most hosts run.
  let withoutExtraCa;
  if (env.NODE_EXTRA_CA_CERTS) {
    const clean = { ...env };
    delete clean.NODE_EXTRA_CA_CERTS;
    withoutExtraCa = {
      provider: await series(runs, executable, [], undefined, clean),
      node: await series(runs, process.execPath, ["-e", "console.log()"], undefined, clean),
    };
  }
  process.stdout.write(
    `provider start-up, spawn → handshake line (${path.relative(root, executable)}, ${runs} runs each):\n` +
      `  provider                     ${summary(times)}\n` +
      (noCache ? `  first start, no code cache   ${summary(noCache)}   (5 runs)\n` : "") +
      `  bare node -e (reference)     ${summary(node)}\n` +
      (withoutExtraCa
        ? `  without NODE_EXTRA_CA_CERTS=${env.NODE_EXTRA_CA_CERTS}:\n` +
          `  provider                     ${summary(withoutExtraCa.provider)}\n` +
          `  bare node -e (reference)     ${summary(withoutExtraCa.node)}\n`
        : "") +
      `  load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")} on ${os.cpus().length} CPUs\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
