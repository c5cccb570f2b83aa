#!/usr/bin/env node
/**
 * The timeline of one `plan` from the host's `TF_LOG=trace` log: when each provider process was
 * started, when its handshake arrived, the RPCs, Shutdown and when the process was gone, for this
 * provider or the reference Go provider (built by `npm run bench:compare`), against the simulator.
 *
 * One warm-up plan, then one traced plan (tracing itself costs the host a little time; the
 * provider's own phases are what to read). Prints the events, then per provider process:
 * start → handshake, handshake → Shutdown (RPC work and host gaps), Shutdown → exit.
 *
 * Usage: node scripts/plan-timeline.js [--host tofu|terraform] [--provider ours|reference]
 *                                      [--reads 1] [--log FILE]
 */
const { execFileSync, spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { parseArgs } = require("node:util");
const { Simulator } = require("../lib/simulator");
const { VCenterClient } = require("../lib/vcenter");

const root = path.resolve(__dirname, "..");
const cache = path.join(os.homedir(), ".cache", "vsphere-guest");
const { values: opts } = parseArgs({
  options: {
    host: { type: "string", default: "tofu" },
    provider: { type: "string", default: "ours" },
    reads: { type: "string", default: "1" },
    log: { type: "string" },
  },
});
const hostBin =
  opts.host === "tofu"
    ? path.join(process.env.VSPHERE_GUEST_HOSTS_DIR ?? path.join(cache, "hosts"), "tofu-1.12.6", "tofu")
    : fs.existsSync("/usr/local/bin/terraform")
      ? "/usr/local/bin/terraform"
      : path.join(
          process.env.VSPHERE_GUEST_HOSTS_DIR ?? path.join(cache, "hosts"),
          "terraform-1.5.7",
          "terraform",
        );
const name = opts.provider === "ours" ? "vsphereguest" : "vsphereguestref";

function run(args, cwd, env) {
  return new Promise((resolve) => {
    const child = spawn(hostBin, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The events of a trace log, in milliseconds from `t0`. */
function events(log, t0) {
  const patterns = [
    [/provider: starting plugin/, "start"],
    [/provider: using plugin/, "handshake"],
    [/GRPCProvider(?:\.v6)?: (\w+)$/, "host calls $1"],
    [/provider: plugin process exited/, "exit"],
    [/Starting graph walk: (\w+)/, "graph walk $1"],
    [/logged in to vCenter/, "provider logged in"],
  ];
  const out = [];
  for (const line of log.split("\n")) {
    const m = /^(\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)) \[\w+\]\s+(.*)$/.exec(line);
    if (!m) continue;
    for (const [re, label] of patterns) {
      const x = re.exec(m[2]);
      if (x) {
        out.push({ t: Date.parse(m[1]) - t0, what: label.replace("$1", x[1] ?? "") });
        break;
      }
    }
  }
  return out;
}

async function main() {
  if (!fs.existsSync(hostBin)) throw new Error(`${hostBin} is missing: run scripts/build-hosts.sh`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "vsg-timeline-"));
  const home = path.join(work, "home");
  const dir = path.join(work, "w");
  fs.mkdirSync(home);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(work, "cli.tfrc"), "");
  execFileSync(process.execPath, [path.join(root, "bin", "vsphere-guest"), "provider", "install"], {
    env: { ...process.env, HOME: home },
    stdio: "ignore",
  });
  if (name === "vsphereguestref") {
    const builds = path.join(cache, "reference-provider");
    const exe = fs.existsSync(builds)
      ? fs
          .readdirSync(builds)
          .map((d) => path.join(builds, d, "terraform-provider-vsphereguestref"))
          .find((f) => fs.existsSync(f))
      : undefined;
    if (!exe) throw new Error("no reference provider built yet: run npm run bench:compare once");
    for (const registry of ["registry.terraform.io", "registry.opentofu.org"]) {
      const target = path.join(
        home,
        ".terraform.d",
        "plugins",
        registry,
        "vsphere-guest",
        name,
        "0.1.0",
        "linux_amd64",
      );
      fs.mkdirSync(target, { recursive: true });
      fs.copyFileSync(exe, path.join(target, `terraform-provider-${name}_v0.1.0`));
      fs.chmodSync(path.join(target, `terraform-provider-${name}_v0.1.0`), 0o755);
    }
  }
  const sim = await Simulator.start({});
  const vm = sim.describe().vms.find((v) => v.vm === "vm-1001");
  const guest = { userName: vm.guest_user, password: vm.guest_password };
  const client = new VCenterClient({
    server: sim.server,
    user: sim.user,
    password: sim.password,
    caFile: sim.caFile,
  });
  try {
    const pids = [];
    for (let i = 0; i < Number(opts.reads); i++)
      pids.push(await client.createProcess("vm-1001", guest, { path: "/bin/true" }));
    for (const pid of pids) await client.waitForExit("vm-1001", pid, guest, { timeoutMs: 30_000 });
    const blocks = pids
      .map((pid, i) => `data "${name}_process" "p${i}" {\n  vm  = "vm-1001"\n  pid = ${pid}\n}\n`)
      .join("");
    fs.writeFileSync(
      path.join(dir, "main.tf"),
      `terraform {\n  required_providers {\n    ${name} = { source = "vsphere-guest/${name}" }\n  }\n}\nprovider "${name}" {}\n${blocks}`,
    );
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
    if (process.env.NODE_EXTRA_CA_CERTS) env.NODE_EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;
    for (const args of [
      ["init", "-input=false", "-no-color"],
      ["plan", "-input=false", "-no-color"],
    ]) {
      const r = await run(args, dir, env);
      if (r.code !== 0) throw new Error(`${args[0]} failed:\n${r.stdout}\n${r.stderr}`);
    }
    sim.counters.reset();
    const t0 = Date.now();
    const traced = await run(["plan", "-input=false", "-no-color"], dir, { ...env, TF_LOG: "trace" });
    const wall = Date.now() - t0;
    if (traced.code !== 0) throw new Error(`plan failed:\n${traced.stdout}`);
    if (opts.log) fs.writeFileSync(opts.log, traced.stderr);
    const list = events(traced.stderr, t0);
    console.log(
      `${path.basename(hostBin)} plan with ${pids.length} ${name}_process read(s), TF_LOG=trace: ${wall} ms`,
    );
    for (const e of list) console.log(`${String(e.t).padStart(6)} ms  ${e.what}`);
    console.log(`${String(wall).padStart(6)} ms  plan process gone`);
    console.log(`logins ${sim.counters.logins}, logouts ${sim.counters.logouts}`);
    // Per provider process: start → handshake, handshake → Close, Close → exit.
    let current;
    const processes = [];
    for (const e of list) {
      if (e.what === "start") {
        current = { start: e.t };
        processes.push(current);
      } else if (current && e.what === "handshake") current.handshake = e.t;
      else if (current && e.what === "host calls Close") current.close = e.t;
      else if (current && e.what === "exit") current.exit = e.t;
    }
    let inProviders = 0;
    for (const [i, p] of processes.entries()) {
      inProviders += p.exit - p.start;
      console.log(
        `provider process ${i + 1}: start → handshake ${p.handshake - p.start} ms, handshake → Close ${p.close - p.handshake} ms, ` +
          `Close → exit ${p.exit - p.close} ms; alive ${p.exit - p.start} ms`,
      );
    }
    console.log(`the host waited on provider processes for ${inProviders} ms of ${wall} ms`);
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
