#!/usr/bin/env node
/**
 * `apply` benchmark of the `vsphereguest_command` resource against the simulator: wall time of an
 * apply of 1, 10 and 50 resources each running `/bin/true` in the guest (median of 3 runs each,
 * destroyed between runs, untimed), the vCenter logins each apply made (one per provider process:
 * the plan walk's and the apply walk's) and the guest processes it started. The host's default
 * parallelism (10) applies.
 *
 * Needs `npm run build` and the test hosts (scripts/build-hosts.sh). Bounded: 9 applies, 9 destroys.
 * Usage: node scripts/bench-apply.js [host=tofu-1.12.6]
 */
const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { Simulator } = require("../lib/simulator");

const root = path.resolve(__dirname, "..");
const hostName = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? "tofu-1.12.6";
const kind = hostName.split("-")[0];
const bin = path.join(
  process.env.VSPHERE_GUEST_HOSTS_DIR ?? path.join(os.homedir(), ".cache", "vsphere-guest", "hosts"),
  hostName,
  kind,
);
const SIZES = [1, 10, 50];
const RUNS = 3;

function hcl(size) {
  return `terraform {
  required_providers {
    vsphereguest = { source = "vsphere-guest/vsphereguest" }
  }
}
provider "vsphereguest" {}
resource "vsphereguest_command" "c" {
  count = ${size}
  vm    = "vm-1001"
  path  = "/bin/true"
}
`;
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
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "vsg-bench-apply-"));
  const home = path.join(work, "home");
  fs.mkdirSync(home);
  fs.writeFileSync(path.join(work, "cli.tfrc"), "");
  execFileSync(
    process.execPath,
    [path.join(root, "bin", "vsphere-guest"), "provider", "install", "--launcher"],
    {
      env: { ...process.env, HOME: home },
      stdio: "ignore",
    },
  );
  const sim = await Simulator.start({});
  const vm = sim.describe().vms.find((v) => v.vm === "vm-1001");
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
    VSPHERE_GUEST_USER: vm.guest_user,
    VSPHERE_GUEST_PASSWORD: vm.guest_password,
  };
  const apply = ["apply", "-auto-approve", "-input=false", "-no-color"];
  const destroy = ["destroy", "-auto-approve", "-input=false", "-no-color"];
  try {
    const results = [];
    for (const size of SIZES) {
      const dir = path.join(work, `n${size}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, "main.tf"), hcl(size));
      await run(dir, ["init", "-input=false", "-no-color"], env);
      await run(dir, apply, env); // warm the OS caches and the V8 code cache
      await run(dir, destroy, env);
      const times = [];
      const logins = [];
      const creates = [];
      for (let r = 0; r < RUNS; r++) {
        sim.counters.reset();
        times.push(await run(dir, apply, env));
        logins.push(sim.counters.logins);
        creates.push(sim.counters.requests["processes.create"]);
        await run(dir, destroy, env);
      }
      results.push({ size, ms: median(times), logins, creates });
    }
    const base = results[0].ms;
    console.log(
      `${hostName} apply of N vsphereguest_command (/bin/true) against the simulator, median of ${RUNS}`,
    );
    for (const r of results) {
      console.log(
        `  ${String(r.size).padStart(2)} resources: ${r.ms.toFixed(0).padStart(5)} ms  (${(r.ms / base).toFixed(2)}x of 1)  logins per apply: ${r.logins.join(", ")}  guest processes started: ${r.creates.join(", ")}`,
      );
    }
    console.log(
      `  load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}, ${os.cpus().length} CPUs`,
    );
  } finally {
    await sim.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error.message);
  process.exitCode = 1;
});
