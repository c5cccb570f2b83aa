#!/usr/bin/env node
/**
 * `npm run bench:compare`: this provider against a reference Go provider, side by side.
 *
 * The reference provider (bench/reference-provider: terraform-plugin-framework, one data source
 * that logs in, reads a guest process and logs out) is built once with `go build` and cached in
 * ~/.cache/vsphere-guest/reference-provider/<hash of its source>/. Both providers are installed the
 * same way, into the implied local mirror of a throw-away HOME (`vsphere-guest provider install
 * --executable` with the single executable of `npm run package` for ours — what `provider install`
 * installs and users run — or, with --launcher, `provider install --launcher`; the same directory
 * layout for the reference), and both plan against the same simulator, reading the same finished processes.
 *
 * For each host (OpenTofu 1.12.6 built by scripts/build-hosts.sh; Terraform 1.11.4 from
 * /usr/local/bin/terraform when present, else the built 1.5.7) and each size (0, 1, 10, 50 reads)
 * it runs `plan` in pairs, alternating which provider goes first, and prints the medians, the ratio
 * (ours / reference), the vCenter logins and logouts per plan (simulator counters), how many
 * provider processes a plan started and their peak resident memory (largest VmHWM).
 *
 * Then it measures exit detection of `wait_for_exit`: one plan per host (`-parallelism=N`) with N
 * data sources waiting for processes that exit 1–6 s after they were started; latency = the host's
 * "read complete" event (`plan -json`, `apply_complete`) minus the process's `finished` time, over
 * the reads that were already waiting when their process ended (median and p90), and the poll rate
 * while waiting (simulator `get` requests per second per waiting data source).
 *
 * It prints which form of ours it measured (with the single executable's size and the Node.js
 * version inside), the load average, and how long the whole run took. Prints figures, asserts
 * nothing. Usage: see USAGE below (--help).
 */
const fs = require("node:fs");
const path = require("node:path");
const { runHostOk, hostOfKind } = require("./lib/hosts");
const { choiceList, parseOptions, usageError, wholeNumber, runMain } = require("./lib/options");
const { referenceProvider, REFERENCE_NAME } = require("./lib/reference-provider");
const { cpuCount, loadAverage, median, percentile } = require("./lib/stats");
const {
  createWorkspace,
  describeForm,
  finishedProcesses,
  hostEnv,
  installProvider,
  installReference,
  readsConfig,
  singleExecutable,
  startLab,
} = require("./lib/workspace");

const SCRIPT = "bench-compare";
const USAGE = `
Usage: node scripts/bench-compare.js [--pairs 5] [--sizes 0,1,10,50] [--hosts tofu,terraform]
                                     [--exit-samples 20] [--launcher | --executable]

Plans with 0, 1, 10, 50 reads, this provider against the reference Go provider, in paired
alternation on OpenTofu 1.12.6 and Terraform; prints medians, ratios, logins, provider processes
and peak memory, then wait_for_exit detection latency. Prints figures, asserts nothing.

  --pairs N          plans per provider and size, alternating which goes first (default 5)
  --sizes LIST       reads per plan, comma-separated (default 0,1,10,50)
  --hosts LIST       tofu, terraform or both (default tofu,terraform)
  --exit-samples N   data sources of the exit-detection plan; 0 skips it (default 20)
  --executable       ours as the single executable of npm run package (the default: what
                     'vsphere-guest provider install' installs and users run)
  --launcher         ours as the launcher (node + bin/terraform-provider-vsphereguest)
  -h, --help         this text

npm run bench:compare builds the single executable first (npm run package).
`;

const { values: opts } = parseOptions(SCRIPT, USAGE, {
  pairs: { type: "string", default: "5" },
  sizes: { type: "string", default: "0,1,10,50" },
  hosts: { type: "string", default: "tofu,terraform" },
  "exit-samples": { type: "string", default: "20" },
  executable: { type: "boolean", default: false },
  launcher: { type: "boolean", default: false },
});
const PAIRS = wholeNumber(SCRIPT, "--pairs", opts.pairs, 1);
const SIZES = opts.sizes.split(",").map((n) => wholeNumber(SCRIPT, "--sizes", n.trim(), 0));
const EXIT_SAMPLES = wholeNumber(SCRIPT, "--exit-samples", opts["exit-samples"], 0);
const HOSTS = choiceList(SCRIPT, "--hosts", opts.hosts, ["tofu", "terraform"]);
if (opts.executable && opts.launcher)
  usageError(SCRIPT, "--executable and --launcher exclude each other: give one");
/** How ours is installed: the single executable unless --launcher. */
const FORM = opts.launcher ? "launcher" : "executable";

/** A throw-away HOME with both providers in its implied local mirror. */
function workspace(refExe) {
  const ws = createWorkspace("vsg-bench-compare-");
  installProvider(ws.home, FORM);
  installReference(ws.home, refExe);
  return ws;
}

/** Children of `pid` (all threads), from /proc. */
function childrenOf(pid) {
  const out = [];
  let tasks;
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const task of tasks) {
    try {
      for (const child of fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ")) {
        if (child.trim()) out.push(child.trim());
      }
    } catch {
      // the thread ended
    }
  }
  return out;
}

/**
 * Runs the host; while it runs, samples its provider children every 5 ms for their peak memory.
 * Resolves the wall time, the output and the provider processes seen (pid → peak kB).
 */
async function run(host, dir, args, env, providerName) {
  const peaks = new Map();
  const watch = (child) => {
    const sample = setInterval(() => {
      for (const pid of childrenOf(child.pid)) {
        try {
          const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
          const name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? "";
          // our launcher execs node; the executables' names are cut to 15 characters
          if (!(name === "node" || name.startsWith("terraform-prov"))) continue;
          const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
          if (
            name.startsWith("terraform-prov") ||
            fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(providerName)
          )
            peaks.set(pid, Math.max(peaks.get(pid) ?? 0, hwm));
        } catch {
          // the process ended between the listing and the read
        }
      }
    }, 5);
    return () => clearInterval(sample);
  };
  const r = await runHostOk(host.bin, args, { cwd: dir, env, watch });
  return { ms: r.ms, stdout: r.stdout, peaks };
}

const mib = (kb) => `${(kb / 1024).toFixed(0)} MiB`;
const uniq = (xs) => [...new Set(xs)].join("/");

async function compare(host, ctx, pids) {
  const providers = [
    { label: "vsphereguest", name: "vsphereguest" },
    { label: "Go reference", name: REFERENCE_NAME },
  ];
  const rows = [];
  for (const size of SIZES) {
    const stats = providers.map((p) => {
      const dir = path.join(ctx.work, `${host.kind}-${p.name}-${size}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, "main.tf"), readsConfig(p.name, pids.slice(0, size)));
      return { ...p, dir, times: [], logins: [], logouts: [], processes: [], peakKb: 0 };
    });
    for (const s of stats) {
      await run(host, s.dir, ["init", "-input=false", "-no-color"], ctx.env, s.name);
      await run(host, s.dir, ["plan", "-input=false", "-no-color"], ctx.env, s.name); // warm caches
    }
    for (let pair = 0; pair < PAIRS; pair++) {
      const order = pair % 2 === 0 ? stats : [...stats].reverse();
      for (const s of order) {
        ctx.sim.counters.reset();
        const r = await run(host, s.dir, ["plan", "-input=false", "-no-color"], ctx.env, s.name);
        s.times.push(r.ms);
        s.logins.push(ctx.sim.counters.logins);
        s.logouts.push(ctx.sim.counters.logouts);
        s.processes.push(r.peaks.size);
        s.peakKb = Math.max(s.peakKb, ...r.peaks.values());
      }
    }
    const [ours, ref] = stats;
    const ratios = ours.times.map((t, i) => t / ref.times[i]);
    rows.push({ size, ours, ref, ratio: median(ours.times) / median(ref.times), pairRatio: median(ratios) });
    process.stderr.write(`  ${host.name}: ${size} reads done\n`);
  }
  return rows;
}

function printComparison(host, rows) {
  console.log(`\n${host.name}: plan wall time, median of ${PAIRS} pairs (alternating order)`);
  console.log(
    "| reads | vsphereguest | Go reference | ratio | logins (ours/ref) | logouts (ours/ref) | provider processes (ours/ref) | peak RSS ours | peak RSS ref |",
  );
  console.log("|---:|---:|---:|---:|---|---|---|---:|---:|");
  for (const r of rows) {
    console.log(
      `| ${r.size} | ${median(r.ours.times).toFixed(0)} ms | ${median(r.ref.times).toFixed(0)} ms | ${r.ratio.toFixed(2)}× (pairs ${r.pairRatio.toFixed(2)}×) | ` +
        `${uniq(r.ours.logins)} / ${uniq(r.ref.logins)} | ${uniq(r.ours.logouts)} / ${uniq(r.ref.logouts)} | ` +
        `${uniq(r.ours.processes)} / ${uniq(r.ref.processes)} | ${mib(r.ours.peakKb)} | ${mib(r.ref.peakKb)} |`,
    );
  }
}

/** One plan with `n` data sources waiting for processes that exit 1–5 s after creation. */
async function exitDetection(host, ctx, n) {
  const dir = path.join(ctx.work, `${host.kind}-exit`);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "main.tf"), readsConfig("vsphereguest", []));
  await run(host, dir, ["init", "-input=false", "-no-color"], ctx.env, "vsphereguest");
  const pids = [];
  for (let i = 0; i < n; i++) {
    const seconds = (1 + (5 * i) / Math.max(1, n - 1)).toFixed(3);
    pids.push(
      await ctx.client.createProcess("vm-1001", ctx.guest, { path: "/bin/sleep", arguments: seconds }),
    );
  }
  fs.writeFileSync(
    path.join(dir, "main.tf"),
    readsConfig("vsphereguest", pids, () => "  wait_for_exit = true\n"),
  );
  ctx.sim.counters.reset();
  const r = await run(
    host,
    dir,
    ["plan", "-input=false", "-no-color", "-json", `-parallelism=${n}`],
    ctx.env,
    "vsphereguest",
  );
  const gets = ctx.sim.counters.requests["processes.get"];
  const starts = new Map();
  const completes = new Map();
  for (const line of r.stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const event = JSON.parse(line);
    const addr = event.hook?.resource?.addr;
    if (!addr?.startsWith("data.vsphereguest_process.")) continue;
    if (event.type === "apply_start") starts.set(addr, Date.parse(event["@timestamp"]));
    if (event.type === "apply_complete") completes.set(addr, Date.parse(event["@timestamp"]));
  }
  const latencies = [];
  let waited = 0;
  for (let i = 0; i < n; i++) {
    const info = await ctx.client.getProcess("vm-1001", pids[i], ctx.guest);
    const done = completes.get(`data.vsphereguest_process.p${i}`);
    const begun = starts.get(`data.vsphereguest_process.p${i}`);
    if (done === undefined || begun === undefined || info.finished === undefined)
      throw new Error(`no read event or finish time for p${i} (pid ${pids[i]})`);
    // Only reads that were already waiting when the process ended measure detection.
    if (begun < Date.parse(info.finished)) latencies.push(done - Date.parse(info.finished));
    waited += (done - begun) / 1000;
  }
  return { latencies, gets, waited, n };
}

async function main() {
  const began = process.hrtime.bigint();
  const loadAtStart = loadAverage(1);
  const hostList = HOSTS.map(hostOfKind);
  if (FORM === "executable") singleExecutable(); // a clear error when it is not built
  const refExe = referenceProvider();
  const ws = workspace(refExe);
  let lab;
  try {
    lab = await startLab();
    const env = hostEnv(ws, lab);
    const ctx = { sim: lab.sim, client: lab.client, guest: lab.guest, work: ws.work, env };
    const pids = await finishedProcesses(lab, Math.max(0, ...SIZES));
    const results = [];
    for (const host of hostList) {
      const rows = await compare(host, ctx, pids);
      const exit = EXIT_SAMPLES > 0 ? await exitDetection(host, ctx, EXIT_SAMPLES) : undefined;
      results.push({ host, rows, exit });
    }
    console.log(
      `bench:compare — ${cpuCount()} CPUs, load average ${loadAtStart} at the start, ${loadAverage(1)} at the end, ` +
        `node ${process.version}${env.NODE_EXTRA_CA_CERTS ? `, NODE_EXTRA_CA_CERTS=${env.NODE_EXTRA_CA_CERTS}` : ""}`,
    );
    console.log(`ours: ${describeForm(FORM)}`);
    console.log(`reference provider: ${refExe}`);
    for (const { host, rows, exit } of results) {
      printComparison(host, rows);
      if (exit) {
        console.log(
          `\n${host.name}: wait_for_exit detection latency (process exit → read complete), ${exit.latencies.length} of ${exit.n} reads waiting when their process ended: ` +
            `median ${median(exit.latencies).toFixed(0)} ms, p90 ${percentile(exit.latencies, 90).toFixed(0)} ms, ` +
            `range ${Math.min(...exit.latencies).toFixed(0)}–${Math.max(...exit.latencies).toFixed(0)} ms; ` +
            `${(exit.gets / exit.n).toFixed(1)} polls per read over ${(exit.waited / exit.n).toFixed(1)} s of waiting on average ` +
            `(${(exit.gets / exit.waited).toFixed(2)} requests/s per waiting data source, backoff 0.1 s doubling to a 1 s cap)`,
        );
      }
    }
    console.log(
      "\nratio = our median / the reference's median (below 1: we are faster); pairs = median of per-pair ratios.",
    );
    console.log(`bench:compare took ${(Number(process.hrtime.bigint() - began) / 1e9).toFixed(0)} s`);
  } finally {
    await lab?.close();
    ws.remove();
  }
}

runMain(SCRIPT, main);
