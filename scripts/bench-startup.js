#!/usr/bin/env node
/**
 * Start-up benchmark of the provider: spawns it the way tofu/terraform do (magic cookie,
 * PLUGIN_PROTOCOL_VERSIONS=5,6, a freshly generated PLUGIN_CLIENT_CERT), measures from spawn to
 * the handshake line on stdout, kills the process, and prints the median, p90 and minimum.
 *
 * Side by side, run for run (interleaved, so machine load hits both alike): the launcher
 * `bin/terraform-provider-vsphereguest` (Node.js + the bundle with its V8 code cache beside it, as
 * after the provider's first start) and the single executable `dist/terraform-provider-vsphereguest`
 * (`npm run package`). Five runs of the launcher with its code cache deleted first show the very
 * first start. For context it also times a bare `node -e` and prints the load average.
 *
 * Usage: node scripts/bench-startup.js [runs=20] [executable...] (--help)
 */

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const { parseOptions, runMain, usageError, wholeNumber } = require("./lib/options");
const { loadAverage, cpuCount, percentile } = require("./lib/stats");
const {
  root,
  launcherBin: launcher,
  singleExecutableBin: single,
  singleExecutable,
} = require("./lib/workspace");

const SCRIPT = "bench-startup";
const USAGE = `
Usage: node scripts/bench-startup.js [RUNS] [EXECUTABLE...]

Provider start → handshake line, spawned the way tofu and terraform do, interleaved run for run:
the launcher and the single executable of npm run package (or the EXECUTABLEs given), a bare
node -e for context, then the same without NODE_EXTRA_CA_CERTS when it is set; five starts of the
launcher without its code cache. Prints median, p90 and minimum, and the load average.

  RUNS        starts per executable (default 20)
  EXECUTABLE  provider executables to compare instead of the launcher and the single executable
  -h, --help  this text
`;

const { positionals } = parseOptions(SCRIPT, USAGE, {}, { positionals: Number.POSITIVE_INFINITY });
const runs = wholeNumber(SCRIPT, "RUNS", positionals[0] ?? "20", 1);
const given = positionals.slice(1).map((e) => path.resolve(e));
for (const e of given) {
  if (!fs.existsSync(e)) usageError(SCRIPT, `${e}: no such file; give provider executables after RUNS`);
}
const executables = given.length > 0 ? given : [launcher, ...(fs.existsSync(single) ? [single] : [])];
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
        if (executables.includes(command) && !HANDSHAKE.test(line))
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

/** Runs every command once per round, `n` rounds; returns each command's sorted times. */
async function interleaved(n, commands, runEnv = env) {
  const times = commands.map(() => []);
  for (let i = 0; i < n; i++) {
    for (const [j, [command, args]] of commands.entries()) times[j].push(await once(command, args, runEnv));
  }
  return times.map((t) => t.sort((a, b) => a - b));
}

async function series(n, command, args, before) {
  const times = [];
  for (let i = 0; i < n; i++) {
    before?.();
    times.push(await once(command, args));
  }
  return times.sort((a, b) => a - b);
}

const fmt = (ms) => `${ms.toFixed(1)} ms`.padStart(9);
const summary = (times) =>
  `median ${fmt(percentile(times, 50))}   p90 ${fmt(percentile(times, 90))}   min ${fmt(times[0])}`;

const label = (e) =>
  e === launcher ? "launcher (node + bundle)" : e === single ? "single executable" : path.relative(root, e);
const mib = (file) => `${(fs.statSync(file).size / 1048576).toFixed(1)} MiB`;

async function main() {
  const noCache =
    executables.includes(launcher) && fs.existsSync(bundle)
      ? await series(5, launcher, [], () => fs.rmSync(`${bundle}.cache`, { force: true }))
      : undefined;
  const commands = [...executables.map((e) => [e, []]), [process.execPath, ["-e", "console.log()"]]];
  const times = await interleaved(runs, commands);
  // NODE_EXTRA_CA_CERTS makes Node load a CA bundle at every start, before any of our code runs
  // (the single executable is Node.js too): when it is set, also measure without it.
  let withoutExtraCa;
  if (env.NODE_EXTRA_CA_CERTS) {
    const clean = { ...env };
    delete clean.NODE_EXTRA_CA_CERTS;
    withoutExtraCa = await interleaved(runs, commands, clean);
  }
  const rows = (series) =>
    commands
      .map(
        ([c], j) =>
          `  ${(j < executables.length ? label(c) : "bare node -e (reference)").padEnd(28)} ${summary(series[j])}\n`,
      )
      .join("");
  process.stdout.write(
    `provider start-up, spawn → handshake line (${runs} runs each, interleaved):\n` +
      rows(times) +
      (noCache ? `  ${"launcher, no code cache yet".padEnd(28)} ${summary(noCache)}   (5 runs)\n` : "") +
      (withoutExtraCa
        ? `  without NODE_EXTRA_CA_CERTS=${env.NODE_EXTRA_CA_CERTS}:\n${rows(withoutExtraCa)}`
        : "") +
      executables
        .filter((e) => e !== launcher)
        .map((e) => `  size of ${path.relative(root, e)}: ${mib(e)}\n`)
        .join("") +
      (executables.includes(single)
        ? `  single executable: Node.js ${singleExecutable().node} inside\n`
        : "") +
      (executables.includes(single) || given.length > 0
        ? ""
        : "  (no single executable: run `npm run package` to compare it)\n") +
      `  load average ${loadAverage()} on ${cpuCount()} CPUs\n`,
  );
}

runMain(SCRIPT, main);
