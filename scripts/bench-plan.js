#!/usr/bin/env node
/**
 * `tofu plan` benchmark of the provider against the simulator: wall time of a plan with 1, 10 and
 * 50 `vsphereguest_process` data sources (median of 3 runs each), the vCenter logins each plan
 * made, and the peak memory (VmHWM) of the provider processes during the 50-source plan.
 *
 * With --compare it instead plans 1 data source with the provider installed as the launcher and as
 * the single executable (`npm run package`; the host then runs without node on its PATH), 7 runs
 * each, interleaved, and prints both medians.
 *
 * Needs `npm run build` and the test hosts (scripts/build-hosts.sh). Bounded: 9 plans in all (14
 * with --compare).
 * Usage: node scripts/bench-plan.js [host=tofu-1.6.3] [--compare]
 */
const fs = require("node:fs");
const path = require("node:path");
const { builtHost, runHostOk } = require("./lib/hosts");
const { parseOptions, runMain, wholeNumber } = require("./lib/options");
const { cpuCount, loadAverage, median } = require("./lib/stats");
const {
  createWorkspace,
  finishedProcesses,
  hostEnv,
  installProvider,
  readsConfig,
  singleExecutable,
  startLab,
} = require("./lib/workspace");

const SCRIPT = "bench-plan";
const USAGE = `
Usage: node scripts/bench-plan.js [HOST] [--sizes 1,10,50] [--runs 3] [--compare]

Plans with 1, 10 and 50 vsphereguest_process data sources against the simulator (median of 3 runs
each, the provider installed as the launcher): wall time, logins per plan, provider peak memory.
With --compare: plans of 1 data source with the launcher and with the single executable of
npm run package (the host then runs without node on its PATH), 7 runs each, interleaved.

  HOST        a host built by scripts/build-hosts.sh, by directory name (default tofu-1.6.3)
  --sizes L   data sources per plan, comma-separated (default 1,10,50)
  --runs N    timed plans per size (default 3)
  --compare   launcher against single executable, as above
  -h, --help  this text
`;

const { values: opts, positionals } = parseOptions(
  SCRIPT,
  USAGE,
  {
    compare: { type: "boolean", default: false },
    sizes: { type: "string", default: "1,10,50" },
    runs: { type: "string", default: "3" },
  },
  { positionals: 1 },
);
const compare = opts.compare;
const hostName = positionals[0] ?? "tofu-1.6.3";
const SIZES = opts.sizes.split(",").map((n) => wholeNumber(SCRIPT, "--sizes", n.trim(), 1));
const RUNS = wholeNumber(SCRIPT, "--runs", opts.runs, 1);

/** Peak resident memory (kB) seen for provider processes while `fn` runs. */
async function watchProviderMemory(fn) {
  const peaks = new Map();
  const timer = setInterval(() => {
    for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (!cmd.includes("terraform-provider-vsphereguest")) continue;
        const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        if (hwm) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, Number(hwm[1])));
      } catch {
        // the process ended between the listing and the read
      }
    }
  }, 10);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return Math.max(0, ...peaks.values());
}

/** Runs the host in `dir`; resolves its wall time in ms. */
async function run(bin, dir, args, env) {
  return (await runHostOk(bin, args, { cwd: dir, env })).ms;
}

async function main() {
  const host = builtHost(hostName);
  const ws = createWorkspace("vsg-bench-plan-");
  let lab;
  try {
    installProvider(ws.home, "launcher");
    lab = await startLab();
    const env = hostEnv(ws, lab);
    const pids = await finishedProcesses(lab, Math.max(...SIZES));
    if (compare) {
      await comparePlans(host, ws, env, pids[0]);
      return;
    }
    const results = [];
    for (const size of SIZES) {
      const dir = path.join(ws.work, `n${size}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, "main.tf"), readsConfig("vsphereguest", pids.slice(0, size)));
      await run(host.bin, dir, ["init", "-input=false", "-no-color"], env);
      await run(host.bin, dir, ["plan", "-input=false", "-no-color"], env); // warm the OS caches and the V8 code cache
      const times = [];
      const logins = [];
      let peakKb = 0;
      for (let r = 0; r < RUNS; r++) {
        lab.sim.counters.reset();
        peakKb = Math.max(
          peakKb,
          await watchProviderMemory(async () =>
            times.push(await run(host.bin, dir, ["plan", "-input=false", "-no-color"], env)),
          ),
        );
        logins.push(lab.sim.counters.logins);
      }
      results.push({ size, ms: median(times), logins, peakKb });
    }
    const base = results[0].ms;
    console.log(`tofu plan against the simulator with ${hostName} (median of ${RUNS} runs)`);
    for (const r of results) {
      console.log(
        `  ${String(r.size).padStart(2)} data sources: ${r.ms.toFixed(0).padStart(5)} ms  (${(r.ms / base).toFixed(2)}x of ${SIZES[0]})  logins per plan: ${r.logins.join(", ")}  provider peak RSS: ${(r.peakKb / 1024).toFixed(1)} MiB`,
      );
    }
  } finally {
    await lab?.close();
    ws.remove();
  }
}

/** Plans of 1 data source with the launcher and with the single executable, interleaved. */
async function comparePlans(host, ws, env, pid) {
  const single = singleExecutable();
  const exeHome = path.join(ws.work, "home-exe");
  fs.mkdirSync(exeHome);
  installProvider(exeHome, "executable", single.path);
  const noNode = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((d) => d && !fs.existsSync(path.join(d, "node")))
    .join(path.delimiter);
  const kinds = [
    { name: "launcher (node + bundle)", env },
    { name: "single executable", env: { ...env, HOME: exeHome, PATH: noNode } },
  ];
  for (const kind of kinds) {
    kind.dir = path.join(ws.work, kind.name.split(" ")[0]);
    fs.mkdirSync(kind.dir);
    fs.writeFileSync(path.join(kind.dir, "main.tf"), readsConfig("vsphereguest", [pid]));
    await run(host.bin, kind.dir, ["init", "-input=false", "-no-color"], kind.env);
    await run(host.bin, kind.dir, ["plan", "-input=false", "-no-color"], kind.env); // warm caches
    kind.times = [];
  }
  for (let r = 0; r < 7; r++) {
    for (const kind of kinds)
      kind.times.push(await run(host.bin, kind.dir, ["plan", "-input=false", "-no-color"], kind.env));
  }
  console.log(
    `tofu plan, 1 data source, against the simulator with ${hostName} (median of 7 runs, interleaved)`,
  );
  for (const kind of kinds)
    console.log(`  ${kind.name.padEnd(26)} ${median(kind.times).toFixed(0).padStart(5)} ms`);
  console.log(
    `  single executable: ${(single.size / 1048576).toFixed(1)} MiB, Node.js ${single.node} inside`,
  );
  console.log(`  load average ${loadAverage()} on ${cpuCount()} CPUs`);
}

runMain(SCRIPT, main);
