#!/usr/bin/env node
// Measures how long the provider's AutoMTLS certificate costs at start-up: the load time of the
// compiled lib/plugin/tls/x509.js, the first (cold) pluginServerCertificate() call, and the median of
// the following runs. Build first:  npx tsc -p tsconfig.build.json && node scripts/bench-x509.js [runs]
const path = require("node:path");

const runs = Number(process.argv[2] ?? 50);
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

// node:crypto is a built-in that any TLS/gRPC server loads anyway; time it apart from our module.
const cryptoStart = process.hrtime.bigint();
require("node:crypto");
const cryptoMs = ms(cryptoStart);

const loadStart = process.hrtime.bigint();
const x509 = require(path.join(__dirname, "..", "lib", "plugin", "tls", "x509.js"));
const loadMs = ms(loadStart);

const coldStart = process.hrtime.bigint();
x509.pluginServerCertificate();
const coldMs = ms(coldStart);

const samples = [];
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  x509.pluginServerCertificate();
  samples.push(ms(start));
}
samples.sort((a, b) => a - b);
const mid = Math.floor(samples.length / 2);
const median = samples.length % 2 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2;

const fmt = (n) => n.toFixed(3).padStart(8);
console.log(`built-in node:crypto load:              ${fmt(cryptoMs)} ms`);
console.log(`module load (lib/plugin/tls/x509.js):          ${fmt(loadMs)} ms`);
console.log(`first pluginServerCertificate() (cold): ${fmt(coldMs)} ms`);
console.log(`pluginServerCertificate() median of ${runs}: ${fmt(median)} ms`);
console.log(`  min ${fmt(samples[0])} ms, max ${fmt(samples[samples.length - 1])} ms`);
