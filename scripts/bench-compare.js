#!/usr/bin/env node
/**
 * `npm run bench:compare`: this provider against a reference Go provider, side by side.
 *
 * The reference provider (bench/reference-provider: terraform-plugin-framework, one data source
 * that logs in, reads a guest process and logs out) is built once with `go build` and cached in
 * ~/.cache/vsphere-guest/reference-provider/<hash of its source>/. Both providers are installed the
 * same way, into the implied local mirror of a throw-away HOME (`vsphere-guest provider install
 * --launcher` for ours, or the single executable of `npm run package` with --executable; the same
 * directory layout for the reference), and both plan against the same simulator, reading the same
 * finished processes.
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
 * Prints figures, asserts nothing. Usage:
 *   node scripts/bench-compare.js [--pairs 5] [--sizes 0,1,10,50] [--hosts tofu,terraform]
 *                                 [--exit-samples 20] [--executable]
 */
const { spawn, execFileSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { parseArgs } = require("node:util");
const { Simulator } = require("../lib/simulator");
const { VCenterClient } = require("../lib/vcenter");

const root = path.resolve(__dirname, "..");
const cacheRoot = path.join(os.homedir(), ".cache", "vsphere-guest");
const hostsDir = process.env.VSPHERE_GUEST_HOSTS_DIR ?? path.join(cacheRoot, "hosts");
const refSource = path.join(root, "bench", "reference-provider");
const REF_VERSION = "0.1.0";

const { values: opts } = parseArgs({
  options: {
    pairs: { type: "string", default: "5" },
    sizes: { type: "string", default: "0,1,10,50" },
    hosts: { type: "string", default: "tofu,terraform" },
    "exit-samples": { type: "string", default: "20" },
    executable: { type: "boolean", default: false },
  },
});
const PAIRS = Number(opts.pairs);
const SIZES = opts.sizes.split(",").map(Number);
const EXIT_SAMPLES = Number(opts["exit-samples"]);
if (!Number.isInteger(PAIRS) || PAIRS < 1) fail(`--pairs ${opts.pairs}: give a whole number ≥ 1`);
if (SIZES.some((n) => !Number.isInteger(n) || n < 0)) fail(`--sizes ${opts.sizes}: give e.g. 0,1,10,50`);
if (!Number.isInteger(EXIT_SAMPLES) || EXIT_SAMPLES < 0)
  fail(`--exit-samples ${opts["exit-samples"]}: give a whole number`);

function fail(message) {
  console.error(`bench-compare: ${message}`);
  process.exit(2);
}

/** The hosts to run on, by kind. */
function hosts() {
  const all = {
    tofu: { name: "OpenTofu 1.12.6", bin: path.join(hostsDir, "tofu-1.12.6", "tofu") },
    terraform: fs.existsSync("/usr/local/bin/terraform")
      ? { name: "Terraform (/usr/local/bin/terraform)", bin: "/usr/local/bin/terraform" }
      : { name: "Terraform 1.5.7", bin: path.join(hostsDir, "terraform-1.5.7", "terraform") },
  };
  return opts.hosts.split(",").map((kind) => {
    const host = all[kind];
    if (!host) fail(`--hosts: unknown host ${kind} (tofu, terraform)`);
    if (!fs.existsSync(host.bin)) fail(`${host.bin} is missing: run scripts/build-hosts.sh`);
    const version = /v(\d+\.\d+\.\d+)/.exec(
      execFileSync(host.bin, ["version"], {
        encoding: "utf8",
        env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1" },
        stdio: ["ignore", "pipe", "ignore"],
      }),
    )?.[1];
    return { ...host, kind, name: `${kind === "tofu" ? "OpenTofu" : "Terraform"} ${version}` };
  });
}

/** Builds the reference provider once per source hash; returns the executable's path. */
function referenceProvider() {
  const hash = crypto.createHash("sha256");
  for (const file of ["go.mod", "go.sum", "main.go"])
    hash.update(fs.readFileSync(path.join(refSource, file)));
  const dir = path.join(cacheRoot, "reference-provider", hash.digest("hex").slice(0, 16));
  const exe = path.join(dir, "terraform-provider-vsphereguestref");
  if (fs.existsSync(exe)) return exe;
  fs.mkdirSync(dir, { recursive: true });
  console.error(
    `building the reference Go provider into ${dir} (once; a few minutes on a cold module cache)`,
  );
  const temporary = `${exe}.${process.pid}.tmp`;
  try {
    execFileSync("go", ["build", "-trimpath", "-o", temporary, "."], {
      cwd: refSource,
      stdio: ["ignore", "inherit", "inherit"],
    });
  } catch (error) {
    fail(`cannot build bench/reference-provider with go (${error.message}); install Go 1.25+ and retry`);
  }
  fs.renameSync(temporary, exe);
  return exe;
}

/** A throw-away HOME with both providers in its implied local mirror. */
function workspace(refExe) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "vsg-bench-compare-"));
  const home = path.join(work, "home");
  fs.mkdirSync(home);
  fs.writeFileSync(path.join(work, "cli.tfrc"), "");
  const form = opts.executable
    ? ["--executable", path.join(root, "dist", "terraform-provider-vsphereguest")]
    : ["--launcher"];
  execFileSync(process.execPath, [path.join(root, "bin", "vsphere-guest"), "provider", "install", ...form], {
    env: { ...process.env, HOME: home },
    stdio: "ignore",
  });
  const platform = `linux_${process.arch === "x64" ? "amd64" : process.arch}`;
  for (const registry of ["registry.terraform.io", "registry.opentofu.org"]) {
    const target = path.join(
      home,
      ".terraform.d",
      "plugins",
      registry,
      "vsphere-guest",
      "vsphereguestref",
      REF_VERSION,
      platform,
    );
    fs.mkdirSync(target, { recursive: true });
    fs.copyFileSync(refExe, path.join(target, `terraform-provider-vsphereguestref_v${REF_VERSION}`));
    fs.chmodSync(path.join(target, `terraform-provider-vsphereguestref_v${REF_VERSION}`), 0o755);
  }
  return { work, home };
}

/** The configuration of `n` reads of finished processes for provider `name`. */
function hcl(name, pids, extra = () => "") {
  const blocks = pids
    .map((pid, i) => `data "${name}_process" "p${i}" {\n  vm  = "vm-1001"\n  pid = ${pid}\n${extra(i)}}\n`)
    .join("");
  return `terraform {\n  required_providers {\n    ${name} = { source = "vsphere-guest/${name}" }\n  }\n}\nprovider "${name}" {}\n${blocks}`;
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
function run(host, dir, args, env, providerName) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(host.bin, args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    const peaks = new Map();
    const sample = setInterval(() => {
      for (const pid of childrenOf(child.pid)) {
        try {
          const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
          const name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? "";
          // our launcher execs node; the reference provider's name is cut to 15 characters
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
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(sample);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0)
        reject(new Error(`${path.basename(host.bin)} ${args[0]} failed (${code}):\n${stdout}\n${stderr}`));
      else resolve({ ms, stdout, peaks });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const mib = (kb) => `${(kb / 1024).toFixed(0)} MiB`;
const uniq = (xs) => [...new Set(xs)].join("/");

async function compare(host, ctx, pids) {
  const providers = [
    { label: "vsphereguest", name: "vsphereguest" },
    { label: "Go reference", name: "vsphereguestref" },
  ];
  const rows = [];
  for (const size of SIZES) {
    const stats = providers.map((p) => {
      const dir = path.join(ctx.work, `${host.kind}-${p.name}-${size}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, "main.tf"), hcl(p.name, pids.slice(0, size)));
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
  fs.writeFileSync(path.join(dir, "main.tf"), hcl("vsphereguest", []));
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
    hcl("vsphereguest", pids, () => "  wait_for_exit = true\n"),
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
  const hostList = hosts();
  const refExe = referenceProvider();
  const sim = await Simulator.start({});
  const vm = sim.describe().vms.find((v) => v.vm === "vm-1001");
  const guest = { userName: vm.guest_user, password: vm.guest_password };
  const client = new VCenterClient({
    server: sim.server,
    user: sim.user,
    password: sim.password,
    caFile: sim.caFile,
  });
  const { work, home } = workspace(refExe);
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    TF_CLI_CONFIG_FILE: path.join(work, "cli.tfrc"),
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
    VSPHERE_SERVER: sim.server,
    VSPHERE_USER: sim.user,
    VSPHERE_PASSWORD: sim.password,
    VSPHERE_CA_FILE: sim.caFile,
    VSPHERE_GUEST_USER: guest.userName,
    VSPHERE_GUEST_PASSWORD: guest.password,
  };
  // Whatever the environment of the benchmark, both providers see the same one.
  if (process.env.NODE_EXTRA_CA_CERTS) env.NODE_EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;
  const ctx = { sim, client, guest, work, env };
  try {
    const pids = [];
    for (let i = 0; i < Math.max(0, ...SIZES); i++) {
      pids.push(await client.createProcess("vm-1001", guest, { path: "/bin/true" }));
    }
    for (const pid of pids) await client.waitForExit("vm-1001", pid, guest, { timeoutMs: 30_000 });
    const results = [];
    for (const host of hostList) {
      const rows = await compare(host, ctx, pids);
      const exit = EXIT_SAMPLES > 0 ? await exitDetection(host, ctx, EXIT_SAMPLES) : undefined;
      results.push({ host, rows, exit });
    }
    console.log(
      `bench:compare — ${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}, ` +
        `node ${process.version}${env.NODE_EXTRA_CA_CERTS ? `, NODE_EXTRA_CA_CERTS=${env.NODE_EXTRA_CA_CERTS}` : ""}`,
    );
    console.log(
      `ours: ${opts.executable ? "the single executable (dist/terraform-provider-vsphereguest)" : "the launcher (node + bin/terraform-provider-vsphereguest)"}`,
    );
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
  } finally {
    await client.close();
    await sim.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
