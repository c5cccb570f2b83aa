#!/usr/bin/env node
/**
 * The timeline of one `plan` from the host's `TF_LOG=trace` log: when each provider process was
 * started, when its handshake arrived, the RPCs, Shutdown and when the process was gone, for this
 * provider (the single executable of `npm run package`, or the launcher with --launcher) or the
 * reference Go provider (the build of bench/reference-provider's current source, as
 * `npm run bench:compare` uses), against the simulator.
 *
 * One warm-up plan, then one traced plan (tracing itself costs the host a little time; the
 * provider's own phases are what to read). Prints the events, then per provider process:
 * start → handshake, handshake → Shutdown (RPC work and host gaps), Shutdown → exit; then what the
 * host did before it started the first provider process (its own start, and the check of the
 * installed providers against the lock file, which reads and hashes every installed provider file
 * and so grows with the single executable's size), and the plan split into host work, provider
 * starts and provider work. Usage: see USAGE below (--help).
 */
const fs = require("node:fs");
const path = require("node:path");
const { builtHost, hostOfKind, runHost } = require("./lib/hosts");
const { choice, parseOptions, usageError, wholeNumber, runMain } = require("./lib/options");
const { referenceProvider, REFERENCE_NAME } = require("./lib/reference-provider");
const { loadAverage } = require("./lib/stats");
const { beforeFirstStart, events, parseTraceLog, planSplit, providerProcesses } = require("./lib/trace-log");
const {
  createWorkspace,
  describeForm,
  finishedProcesses,
  hostEnv,
  installProvider,
  installReference,
  readsConfig,
  startLab,
} = require("./lib/workspace");

const SCRIPT = "plan-timeline";
const USAGE = `
Usage: node scripts/plan-timeline.js [--host tofu|terraform|KIND-VERSION] [--provider ours|reference]
                                     [--reads 1] [--launcher] [--log FILE]

One warm-up plan, then one plan with TF_LOG=trace against the simulator; prints the host's events
(provider starts, handshakes, RPCs, exits), the time the host spent before starting the first
provider process (its own start, then finding the installed providers and checking their hashes
against the lock file), each provider process's phases, and the plan split into host work, provider
starts and provider work.

  --host H         tofu (OpenTofu 1.12.6, the default), terraform (/usr/local/bin/terraform, else
                   the built 1.5.7), or a built host by directory name, e.g. tofu-1.6.3
  --provider P     ours (the default) or reference (the Go provider of bench/reference-provider,
                   built once per source hash like npm run bench:compare does)
  --reads N        data sources read by the plan (default 1)
  --launcher       ours as the launcher (node + bundle) instead of the single executable of
                   npm run package (what 'vsphere-guest provider install' installs)
  --log FILE       also write the traced plan's log to FILE
  -h, --help       this text
`;

const { values: opts } = parseOptions(SCRIPT, USAGE, {
  host: { type: "string", default: "tofu" },
  provider: { type: "string", default: "ours" },
  reads: { type: "string", default: "1" },
  launcher: { type: "boolean", default: false },
  log: { type: "string" },
});
const READS = wholeNumber(SCRIPT, "--reads", opts.reads, 0);
const providerChoice = choice(SCRIPT, "--provider", opts.provider, ["ours", "reference"]);
const name = providerChoice === "ours" ? "vsphereguest" : REFERENCE_NAME;
if (opts.launcher && providerChoice !== "ours") usageError(SCRIPT, "--launcher is for --provider ours only");
if (!/^(tofu|terraform)(-\d+\.\d+\.\d+)?$/.test(opts.host))
  usageError(
    SCRIPT,
    `--host ${JSON.stringify(opts.host)}: give tofu, terraform or a built host such as tofu-1.6.3`,
  );
const FORM = opts.launcher ? "launcher" : "executable";

/** Prints the plan split into host work, provider starts and provider work. */
function printHostWork(log, t0, wall, processes) {
  const before = beforeFirstStart(parseTraceLog(log, t0));
  if (before) {
    const rows = [["host process start → its first log line", before.firstLine]];
    if (before.check) {
      rows.push([
        "→ the check of the installed providers against the lock file",
        before.check.from - before.firstLine,
      ]);
      rows.push([
        `the check: reading and hashing the installed provider files (the silence after «${before.check.after.slice(0, 60)}…»)`,
        before.check.to - before.check.from,
      ]);
      rows.push([
        "→ the first provider start (the host's AutoMTLS certificate, …)",
        before.start - before.check.to,
      ]);
    } else rows.push(["→ the first provider start", before.start - before.firstLine]);
    console.log(`before the first provider process: ${before.start} ms`);
    for (const [label, ms] of rows) console.log(`  ${String(ms).padStart(4)} ms  ${label}`);
  }
  const { host, starts, work } = planSplit(wall, processes);
  console.log(
    `plan split: host work ${host} ms (before the first provider process ${before?.start ?? "?"} ms), ` +
      `provider starts ${starts} ms (${processes.length} × start → handshake), ` +
      `provider work ${work} ms (handshake → exit) = ${wall} ms`,
  );
}

async function main() {
  const host = opts.host.includes("-") ? builtHost(opts.host) : hostOfKind(opts.host);
  const refExe = name === REFERENCE_NAME ? referenceProvider() : undefined;
  const ws = createWorkspace("vsg-timeline-");
  let lab;
  try {
    const dir = path.join(ws.work, "w");
    fs.mkdirSync(dir);
    if (refExe) installReference(ws.home, refExe);
    else installProvider(ws.home, FORM);
    lab = await startLab();
    const pids = await finishedProcesses(lab, READS);
    fs.writeFileSync(path.join(dir, "main.tf"), readsConfig(name, pids));
    const env = hostEnv(ws, lab);
    for (const args of [
      ["init", "-input=false", "-no-color"],
      ["plan", "-input=false", "-no-color"],
    ]) {
      const r = await runHost(host.bin, args, { cwd: dir, env });
      if (r.code !== 0) throw new Error(`${args[0]} failed:\n${r.stdout}\n${r.stderr}`);
    }
    lab.sim.counters.reset();
    const t0 = Date.now();
    const traced = await runHost(host.bin, ["plan", "-input=false", "-no-color"], {
      cwd: dir,
      env: { ...env, TF_LOG: "trace" },
    });
    const wall = Date.now() - t0;
    if (traced.code !== 0) throw new Error(`plan failed:\n${traced.stdout}`);
    if (opts.log) fs.writeFileSync(opts.log, traced.stderr);
    const list = events(parseTraceLog(traced.stderr, t0));
    console.log(
      `${path.basename(host.bin)} plan with ${pids.length} ${name}_process read(s), TF_LOG=trace: ${wall} ms`,
    );
    console.log(
      `${host.name}; provider: ${refExe ? `the Go reference (${refExe})` : describeForm(FORM)}; load average ${loadAverage()}`,
    );
    for (const e of list) console.log(`${String(e.t).padStart(6)} ms  ${e.what}`);
    console.log(`${String(wall).padStart(6)} ms  plan process gone`);
    console.log(`logins ${lab.sim.counters.logins}, logouts ${lab.sim.counters.logouts}`);
    // Per provider process: start → handshake, handshake → Close, Close → exit.
    const processes = providerProcesses(list);
    let inProviders = 0;
    for (const [i, p] of processes.entries()) {
      inProviders += p.exit - p.start;
      console.log(
        `provider process ${i + 1}: start → handshake ${p.handshake - p.start} ms, handshake → Close ${p.close - p.handshake} ms, ` +
          `Close → exit ${p.exit - p.close} ms; alive ${p.exit - p.start} ms`,
      );
    }
    console.log(`the host waited on provider processes for ${inProviders} ms of ${wall} ms`);
    printHostWork(traced.stderr, t0, wall, processes);
  } finally {
    await lab?.close();
    ws.remove();
  }
}

runMain(SCRIPT, main);
