#!/usr/bin/env node
// Output capture and file transfer against the simulator:
//  1. `vsphere-guest process run --capture` of a trivial command, as a user runs it (a new CLI
//     process each time): start → output on stdout, and start → exit; median of 10 runs.
//  2. The same capture in-process, broken down by API call (median per call over 10 runs).
//  3. Download (and upload) throughput of a 64 MiB file through a transfer URL.
// Run with `npm run bench:capture` (builds first). Prints figures; asserts nothing.
const { spawn } = require("node:child_process");
const { randomBytes } = require("node:crypto");
const { rmSync, writeFileSync, mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");
const { Writable } = require("node:stream");
const { performance } = require("node:perf_hooks");
const { parseOptions, runMain } = require("./lib/options");

parseOptions(
  "bench-capture",
  `
Usage: node scripts/bench-capture.js

Output capture and file transfer against the simulator: vsphere-guest process run --capture as a
user runs it (median of 10), the same capture in-process by API call, and 64 MiB transfer
throughput. npm run bench:capture builds first. Prints figures; asserts nothing.

  -h, --help  this text
`,
  {},
);
const { Simulator } = require("../lib/simulator");
const { VCenterClient } = require("../lib/vcenter");

const RUNS = 10;
const CLI = join(__dirname, "..", "bin", "vsphere-guest");

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ms = (n) => `${n.toFixed(1)} ms`;

/** One CLI run: times to the first stdout byte and to exit, in ms. */
function cliRun(env, args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    let firstOutput;
    let stdout = "";
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk) => {
      firstOutput ??= process.hrtime.bigint();
      stdout += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const end = process.hrtime.bigint();
      if (code !== 0 || stdout !== "hello\n")
        reject(new Error(`CLI exited ${code} with ${JSON.stringify(stdout)}`));
      else resolve({ output: Number(firstOutput - started) / 1e6, exit: Number(end - started) / 1e6 });
    });
  });
}

/** Names a logged request by the API operation it is. */
function operationOf(event) {
  const { method, path } = event;
  if (event.kind === "transfer") return `ESXi ${method} of the transfer URL`;
  if (path.endsWith("/guest/identity")) return "GET guest/identity";
  if (path.includes("/directories?action=createTemporary")) return "Directories.createTemporary";
  if (path.includes("/processes?action=create")) return "Processes.create";
  if (/\/processes\/\d+\?action=get/.test(path)) return "Processes.get (wait)";
  if (path.includes("/filesystem?action=create")) return "Transfers.create";
  if (path.includes("/directories?action=delete")) return "Directories.delete";
  return `${method} ${path}`;
}

async function main() {
  const sim = await Simulator.start({});
  const vm = sim.describe().vms.find((v) => v.vm === "vm-1001");
  const credentials = { userName: vm.guest_user, password: vm.guest_password };
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    VSPHERE_SERVER: sim.server,
    VSPHERE_USER: sim.user,
    VSPHERE_PASSWORD: sim.password,
    VSPHERE_CA_FILE: sim.caFile,
    VSPHERE_GUEST_USER: vm.guest_user,
    VSPHERE_GUEST_PASSWORD: vm.guest_password,
  };
  const work = mkdtempSync(join(tmpdir(), "vsg-bench-capture-"));
  try {
    // 1. The CLI, as a user runs it.
    const args = ["process", "run", "--vm", vm.vm, "--capture", "--command", "echo hello"];
    await cliRun(env, args); // warm-up (file cache)
    const cli = [];
    for (let i = 0; i < RUNS; i++) cli.push(await cliRun(env, args));
    const bare = [];
    for (let i = 0; i < 5; i++) {
      const t = process.hrtime.bigint();
      await new Promise((resolve) =>
        spawn(process.execPath, ["-e", ""], { stdio: "ignore" }).on("close", resolve),
      );
      bare.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    console.log(`process run --capture 'echo hello' (CLI, median of ${RUNS} runs):`);
    console.log(`  start → output on stdout: ${ms(median(cli.map((r) => r.output)))}`);
    console.log(`  start → exit:             ${ms(median(cli.map((r) => r.exit)))}`);
    console.log(`  (reference: bare \`node -e ""\` start → exit: ${ms(median(bare))})`);

    // 2. In-process, broken down by API call.
    const perOperation = new Map();
    const busy = [];
    const totals = [];
    const logins = [];
    for (let i = 0; i < RUNS; i++) {
      const events = [];
      const client = new VCenterClient({
        server: sim.server,
        user: sim.user,
        password: sim.password,
        caFile: sim.caFile,
        logger: (_level, message, fields) => {
          const end = performance.now();
          const at = { end, start: end - fields.duration_ms };
          if (message === "vCenter call") events.push({ kind: "call", ...fields, ...at });
          if (message === "ESXi transfer") events.push({ kind: "transfer", ...fields, ...at });
        },
      });
      try {
        const loginStart = process.hrtime.bigint();
        await client.login();
        logins.push(Number(process.hrtime.bigint() - loginStart) / 1e6);
        const started = process.hrtime.bigint();
        const result = await client.runCaptured(vm.vm, credentials, "echo hello");
        totals.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (result.stdout !== "hello\n")
          throw new Error(`unexpected output ${JSON.stringify(result.stdout)}`);
      } finally {
        await client.close();
      }
      // Wall time during which at least one request was under way (the downloads overlap).
      const intervals = events.map((e) => [e.start, e.end]).sort((a, b) => a[0] - b[0]);
      let covered = 0;
      let until = Number.NEGATIVE_INFINITY;
      for (const [start, end] of intervals) {
        if (end <= until) continue;
        covered += end - Math.max(start, until);
        until = end;
      }
      busy.push(covered);
      const run = new Map();
      for (const event of events) {
        const name = operationOf(event);
        const entry = run.get(name) ?? { count: 0, ms: 0 };
        entry.count += 1;
        entry.ms += event.duration_ms;
        run.set(name, entry);
      }
      for (const [name, entry] of run) {
        const list = perOperation.get(name) ?? [];
        list.push(entry);
        perOperation.set(name, list);
      }
    }
    console.log(
      `\nrunCaptured('echo hello') in-process, after login (median of ${RUNS} runs): ${ms(median(totals))}`,
    );
    console.log(`  login (POST /api/session, once per CLI run): ${ms(median(logins))}`);
    for (const [name, list] of perOperation) {
      const calls = median(list.map((e) => e.count));
      const time = median(list.map((e) => e.ms));
      console.log(`  ${name.padEnd(36)} ${String(calls).padStart(2)} call(s) ${ms(time).padStart(10)}`);
    }
    console.log(
      `  ${"wall time with a request under way".padEnd(36)}          ${ms(median(busy)).padStart(10)}`,
    );
    console.log(
      `  ${"the rest: pauses between polls, client".padEnd(36)}          ${ms(median(totals) - median(busy)).padStart(10)}`,
    );
    console.log("  (request times are whole milliseconds; the two downloads run in parallel)");

    // 3. Throughput of a 64 MiB file.
    const size = 64 * 1024 * 1024;
    const path = join(work, "64MiB.bin");
    const data = randomBytes(size);
    writeFileSync(path, data);
    const client = new VCenterClient({
      server: sim.server,
      user: sim.user,
      password: sim.password,
      caFile: sim.caFile,
    });
    try {
      await client.login();
      const down = [];
      const downMemory = [];
      const up = [];
      for (let i = 0; i < 3; i++) {
        let received = 0;
        const sink = new Writable({
          write(chunk, _encoding, done) {
            received += chunk.length;
            done();
          },
        });
        let t = process.hrtime.bigint();
        await client.downloadFileTo(vm.vm, credentials, path, sink);
        down.push(Number(process.hrtime.bigint() - t) / 1e9);
        if (received !== size) throw new Error(`received ${received} bytes`);
        t = process.hrtime.bigint();
        const { data: copy } = await client.downloadFile(vm.vm, credentials, path, { maxBytes: size });
        downMemory.push(Number(process.hrtime.bigint() - t) / 1e9);
        if (copy.length !== size) throw new Error(`read ${copy.length} bytes`);
        t = process.hrtime.bigint();
        await client.uploadFile(vm.vm, credentials, join(work, "up.bin"), data, { overwrite: true });
        up.push(Number(process.hrtime.bigint() - t) / 1e9);
      }
      const mib = size / 1024 / 1024;
      console.log(`\n64 MiB through a transfer URL (median of 3; includes Transfers.create):`);
      console.log(`  download, streamed:        ${(mib / median(down)).toFixed(0)} MiB/s`);
      console.log(`  download, into memory:     ${(mib / median(downMemory)).toFixed(0)} MiB/s`);
      console.log(`  upload from memory:        ${(mib / median(up)).toFixed(0)} MiB/s`);
    } finally {
      await client.close();
    }
  } finally {
    await sim.close();
    rmSync(work, { recursive: true, force: true });
  }
}

runMain("bench-capture", main);
