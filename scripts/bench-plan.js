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
const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { Simulator } = require("../lib/simulator");
const { VCenterClient } = require("../lib/vcenter");

const root = path.resolve(__dirname, "..");
const compare = process.argv.includes("--compare");
const hostName = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? "tofu-1.6.3";
const kind = hostName.split("-")[0];
const bin = path.join(
  process.env.VSPHERE_GUEST_HOSTS_DIR ?? path.join(os.homedir(), ".cache", "vsphere-guest", "hosts"),
  hostName,
  kind,
);
const SIZES = [1, 10, 50];
const RUNS = 3;

function hcl(pids) {
  const blocks = pids
    .map((pid, i) => `data "vsphereguest_process" "p${i}" {\n  vm  = "vm-1001"\n  pid = ${pid}\n}\n`)
    .join("");
  return `terraform {\n  required_providers {\n    vsphereguest = { source = "vsphere-guest/vsphereguest" }\n  }\n}\nprovider "vsphereguest" {}\n${blocks}`;
}

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

function run(dir, args, env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(bin, args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`${args[0]} failed (${code}):\n${out}`));
      else resolve(ms);
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run scripts/build-hosts.sh`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "vsg-bench-plan-"));
  const home = path.join(work, "home");
  fs.mkdirSync(home);
  fs.writeFileSync(path.join(work, "cli.tfrc"), "");
  const install = (installHome, ...args) =>
    execFileSync(
      process.execPath,
      [path.join(root, "bin", "vsphere-guest"), "provider", "install", ...args],
      {
        env: { ...process.env, HOME: installHome },
        stdio: "ignore",
      },
    );
  install(home, "--launcher");
  const sim = await Simulator.start({});
  const vm = sim.describe().vms.find((v) => v.vm === "vm-1001");
  const guest = { userName: vm.guest_user, password: vm.guest_password };
  const client = new VCenterClient({
    server: sim.server,
    user: sim.user,
    password: sim.password,
    caFile: sim.caFile,
  });
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
  try {
    const pids = [];
    for (let i = 0; i < Math.max(...SIZES); i++) {
      const pid = await client.createProcess("vm-1001", guest, { path: "/bin/true" });
      pids.push(pid);
    }
    for (const pid of pids) await client.waitForExit("vm-1001", pid, guest, { timeoutMs: 30_000 });
    if (compare) {
      await comparePlans(work, env, pids[0], install);
      return;
    }
    const results = [];
    for (const size of SIZES) {
      const dir = path.join(work, `n${size}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, "main.tf"), hcl(pids.slice(0, size)));
      await run(dir, ["init", "-input=false", "-no-color"], env);
      await run(dir, ["plan", "-input=false", "-no-color"], env); // warm the OS caches and the V8 code cache
      const times = [];
      const logins = [];
      let peakKb = 0;
      for (let r = 0; r < RUNS; r++) {
        sim.counters.reset();
        peakKb = Math.max(
          peakKb,
          await watchProviderMemory(async () =>
            times.push(await run(dir, ["plan", "-input=false", "-no-color"], env)),
          ),
        );
        logins.push(sim.counters.logins);
      }
      results.push({ size, ms: median(times), logins, peakKb });
    }
    const base = results[0].ms;
    console.log(`tofu plan against the simulator with ${hostName} (median of ${RUNS} runs)`);
    for (const r of results) {
      console.log(
        `  ${String(r.size).padStart(2)} data sources: ${r.ms.toFixed(0).padStart(5)} ms  (${(r.ms / base).toFixed(2)}x of 1)  logins per plan: ${r.logins.join(", ")}  provider peak RSS: ${(r.peakKb / 1024).toFixed(1)} MiB`,
      );
    }
  } finally {
    await client.close();
    await sim.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Plans of 1 data source with the launcher and with the single executable, interleaved. */
async function comparePlans(work, env, pid, install) {
  const single = path.join(root, "dist", "terraform-provider-vsphereguest");
  if (!fs.existsSync(single)) throw new Error(`${single} is missing: run npm run package`);
  const exeHome = path.join(work, "home-exe");
  fs.mkdirSync(exeHome);
  install(exeHome, "--executable", single);
  const noNode = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((d) => d && !fs.existsSync(path.join(d, "node")))
    .join(path.delimiter);
  const kinds = [
    { name: "launcher (node + bundle)", env },
    { name: "single executable", env: { ...env, HOME: exeHome, PATH: noNode } },
  ];
  for (const kind of kinds) {
    kind.dir = path.join(work, kind.name.split(" ")[0]);
    fs.mkdirSync(kind.dir);
    fs.writeFileSync(path.join(kind.dir, "main.tf"), hcl([pid]));
    await run(kind.dir, ["init", "-input=false", "-no-color"], kind.env);
    await run(kind.dir, ["plan", "-input=false", "-no-color"], kind.env); // warm caches
    kind.times = [];
  }
  for (let r = 0; r < 7; r++) {
    for (const kind of kinds)
      kind.times.push(await run(kind.dir, ["plan", "-input=false", "-no-color"], kind.env));
  }
  console.log(
    `tofu plan, 1 data source, against the simulator with ${hostName} (median of 7 runs, interleaved)`,
  );
  for (const kind of kinds)
    console.log(`  ${kind.name.padEnd(26)} ${median(kind.times).toFixed(0).padStart(5)} ms`);
  console.log(
    `  load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")} on ${os.cpus().length} CPUs`,
  );
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
