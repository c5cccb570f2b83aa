#!/usr/bin/env node
/**
 * `apply` benchmark of the `vsphereguest_command` resource against the simulator: wall time of an
 * apply of 1, 10 and 50 resources each running `/bin/true` in the guest (median of 3 runs each,
 * destroyed between runs, untimed), the vCenter logins each apply made (one per provider process:
 * the plan walk's and the apply walk's) and the guest processes it started. The host's default
 * parallelism (10) applies.
 *
 * Needs `npm run build` and the test hosts (scripts/build-hosts.sh). Bounded: 9 applies, 9 destroys.
 * Usage: node scripts/bench-apply.js [host=tofu-1.12.6] (--help)
 */
const fs = require("node:fs");
const path = require("node:path");
const { builtHost, runHostOk } = require("./lib/hosts");
const { parseOptions, runMain, wholeNumber } = require("./lib/options");
const { cpuCount, loadAverage, median } = require("./lib/stats");
const { createWorkspace, hostEnv, installProvider, startLab } = require("./lib/workspace");

const SCRIPT = "bench-apply";
const USAGE = `
Usage: node scripts/bench-apply.js [HOST] [--sizes 1,10,50] [--runs 3]

Applies 1, 10 and 50 vsphereguest_command resources (/bin/true in the guest) against the simulator,
the provider installed as the launcher (median of 3 applies each, destroyed between runs): wall
time, logins per apply and guest processes started.

  HOST        a host built by scripts/build-hosts.sh, by directory name (default tofu-1.12.6)
  --sizes L   resources per apply, comma-separated (default 1,10,50)
  --runs N    timed applies per size (default 3)
  -h, --help  this text
`;

const { values: opts, positionals } = parseOptions(
  SCRIPT,
  USAGE,
  { sizes: { type: "string", default: "1,10,50" }, runs: { type: "string", default: "3" } },
  { positionals: 1 },
);
const hostName = positionals[0] ?? "tofu-1.12.6";
const SIZES = opts.sizes.split(",").map((n) => wholeNumber(SCRIPT, "--sizes", n.trim(), 1));
const RUNS = wholeNumber(SCRIPT, "--runs", opts.runs, 1);

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

/** Runs the host in `dir`; resolves its wall time in ms. */
async function run(bin, dir, args, env) {
  return (await runHostOk(bin, args, { cwd: dir, env })).ms;
}

async function main() {
  const host = builtHost(hostName);
  const ws = createWorkspace("vsg-bench-apply-");
  let lab;
  const apply = ["apply", "-auto-approve", "-input=false", "-no-color"];
  const destroy = ["destroy", "-auto-approve", "-input=false", "-no-color"];
  try {
    installProvider(ws.home, "launcher");
    lab = await startLab();
    const env = hostEnv(ws, lab);
    const results = [];
    for (const size of SIZES) {
      const dir = path.join(ws.work, `n${size}`);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, "main.tf"), hcl(size));
      await run(host.bin, dir, ["init", "-input=false", "-no-color"], env);
      await run(host.bin, dir, apply, env); // warm the OS caches and the V8 code cache
      await run(host.bin, dir, destroy, env);
      const times = [];
      const logins = [];
      const creates = [];
      for (let r = 0; r < RUNS; r++) {
        lab.sim.counters.reset();
        times.push(await run(host.bin, dir, apply, env));
        logins.push(lab.sim.counters.logins);
        creates.push(lab.sim.counters.requests["processes.create"]);
        await run(host.bin, dir, destroy, env);
      }
      results.push({ size, ms: median(times), logins, creates });
    }
    const base = results[0].ms;
    console.log(
      `${hostName} apply of N vsphereguest_command (/bin/true) against the simulator, median of ${RUNS}`,
    );
    for (const r of results) {
      console.log(
        `  ${String(r.size).padStart(2)} resources: ${r.ms.toFixed(0).padStart(5)} ms  (${(r.ms / base).toFixed(2)}x of ${SIZES[0]})  logins per apply: ${r.logins.join(", ")}  guest processes started: ${r.creates.join(", ")}`,
      );
    }
    console.log(`  load average ${loadAverage()}, ${cpuCount()} CPUs`);
  } finally {
    await lab?.close();
    ws.remove();
  }
}

runMain(SCRIPT, main);
