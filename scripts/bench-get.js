#!/usr/bin/env node
// Requests per second of `get` against the simulator with one client, and the logins it took.
// Run with `npm run bench:get` (builds first). Bounded: a fixed number of requests per phase.
const { parseOptions, runMain } = require("./lib/options");

parseOptions(
  "bench-get",
  `
Usage: node scripts/bench-get.js

Requests per second of get against the simulator with one client (one request at a time, then 16
in flight), and the vCenter logins it took. npm run bench:get builds first.
Prints figures; asserts nothing.

  -h, --help  this text
`,
  {},
);
const { startLab } = require("./lib/workspace");

async function phase(client, vm, pid, credentials, total, concurrency) {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        await client.getProcess(vm, pid, credentials);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return total / seconds;
}

async function main() {
  const lab = await startLab();
  const { sim, client, guest: credentials } = lab;
  const vm = "vm-1001";
  try {
    const pid = await client.createProcess(vm, credentials, { path: "/bin/true" });
    await client.waitForExit(vm, pid, credentials, { timeoutMs: 10_000 });
    await phase(client, vm, pid, credentials, 300, 1); // warm-up
    const sequential = await phase(client, vm, pid, credentials, 3000, 1);
    const parallel = await phase(client, vm, pid, credentials, 6000, 16);
    console.log(`get, 1 client, 1 request at a time:   ${sequential.toFixed(0)} requests/s`);
    console.log(`get, 1 client, 16 requests in flight: ${parallel.toFixed(0)} requests/s`);
    console.log(`vCenter logins for ${client.stats.requests} requests: ${sim.counters.logins}`);
  } finally {
    await lab.close();
  }
}

runMain("bench-get", main);
