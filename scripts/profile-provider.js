#!/usr/bin/env node
/**
 * Where a provider process's fixed cost goes: plays the host (go-plugin handshake with AutoMTLS,
 * then GetProviderSchema, ConfigureProvider, one ReadDataSource, GRPCController/Shutdown) against
 * this provider and the reference Go provider (bench/reference-provider, built by
 * `npm run bench:compare`), and times each phase:
 *
 *   start → handshake line        spawn until the first stdout line
 *   configure → first request     ConfigureProvider sent until the provider's first TCP connection
 *                                 to vCenter (a pass-through TCP proxy in front of the simulator)
 *   configure                     ConfigureProvider sent until its answer (includes the login)
 *   read                          one ReadDataSource of a finished process
 *   shutdown → exit               Shutdown sent until the process is gone
 *   peak RSS                      VmHWM sampled every 2 ms until the process is gone
 *
 * Prints medians over the runs; asserts nothing. With --cpu-prof DIR, our provider runs under
 * `node --cpu-prof` once more and the profile's samples are summed per phase and per source
 * (our bundle, undici, grpc, node internals, GC, idle).
 *
 * --no-extra-ca runs both without NODE_EXTRA_CA_CERTS; --node-flags "…" passes V8/Node flags to our
 * provider (experiments such as --no-wasm-tier-up); --wrap "strace -f -tt -o FILE" runs our
 * provider under a command prefix; --executable runs the single executable
 * (dist/terraform-provider-vsphereguest, `npm run package`) instead of the launcher.
 *
 * Usage: see USAGE below (--help).
 */
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");
const grpc = require("@grpc/grpc-js");
const { plugin, tfplugin6 } = require("../lib/plugin/proto/gen/tfplugin6");
const { encodeCty, parseCtyType } = require("../lib/plugin/codec/cty");
const { encodeBlock } = require("../lib/plugin/framework/values");
const { PROVIDER_SCHEMA } = require("../lib/provider/schemas");
const { PROCESS_SCHEMA } = require("../lib/provider/data-sources/process");
const { pluginServerCertificate } = require("../lib/plugin/tls/x509");

const { parseOptions, runMain, usageError, wholeNumber } = require("./lib/options");
const { referenceProvider } = require("./lib/reference-provider");
const { loadAverage, median } = require("./lib/stats");
const { launcherBin, singleExecutable, startLab, vsphereEnv } = require("./lib/workspace");

const SCRIPT = "profile-provider";
const USAGE = `
Usage: node scripts/profile-provider.js [--runs 7] [--cpu-prof DIR] [--no-extra-ca]
                                        [--node-flags "…"] [--wrap "…"] [--executable]

Plays the host against one provider process at a time (handshake with AutoMTLS, GetProviderSchema,
ConfigureProvider, one ReadDataSource, Shutdown), ours and the reference Go provider alternating,
and prints each phase's median and the peak memory. Prints figures, asserts nothing.

  --runs N          processes per provider (default 7)
  --cpu-prof DIR    then N more runs of ours under node --cpu-prof, summed per phase and activity
  --no-extra-ca     run both without NODE_EXTRA_CA_CERTS
  --node-flags "…"  Node.js/V8 flags for our provider (the launcher only)
  --wrap "…"        a command prefix for our provider, e.g. "strace -f -tt -o FILE"
  --executable      ours as the single executable of npm run package instead of the launcher
  -h, --help        this text
`;

const { values: opts } = parseOptions(SCRIPT, USAGE, {
  runs: { type: "string", default: "7" },
  "cpu-prof": { type: "string" },
  "no-extra-ca": { type: "boolean", default: false },
  "node-flags": { type: "string", default: "" },
  wrap: { type: "string", default: "" },
  executable: { type: "boolean", default: false },
});
const RUNS = wholeNumber(SCRIPT, "--runs", opts.runs, 1);
if (opts.executable && opts["node-flags"])
  usageError(SCRIPT, "--node-flags is for the launcher: drop it or --executable");
const COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** A TCP pass-through to the simulator that records when the first connection arrives. */
async function proxyTo(port) {
  const state = { firstConnect: undefined };
  const server = net.createServer((socket) => {
    state.firstConnect ??= now();
    const upstream = net.connect(port, "127.0.0.1");
    socket.pipe(upstream).pipe(socket);
    socket.on("error", () => upstream.destroy());
    upstream.on("error", () => socket.destroy());
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { state, port: server.address().port, close: () => server.close() };
}

function unary(client, method, bytes, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      method,
      (b) => b,
      (b) => b,
      Buffer.from(bytes),
      new grpc.Metadata(),
      { deadline: Date.now() + timeoutMs },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
}

/** One provider process through its whole life; resolves the phase timings. */
async function once(subject, env, pid, proxy) {
  proxy.state.firstConnect = undefined;
  const hostCert = pluginServerCertificate();
  const t0 = now();
  const child = spawn(subject.command, subject.args, {
    env: {
      ...env,
      TF_PLUGIN_MAGIC_COOKIE: COOKIE,
      PLUGIN_PROTOCOL_VERSIONS: "5,6",
      PLUGIN_CLIENT_CERT: hostCert.certPem,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let peakKb = 0;
  const sampler = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, "utf8"));
      if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
    } catch {
      // gone
    }
  }, 2);
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on("exit", () => resolve(now())));
  const line = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(out.slice(0, out.indexOf("\n")));
    });
    child.on("exit", () => reject(new Error(`${subject.label} exited before its handshake:\n${stderr}`)));
  });
  const tHandshake = now();
  const fields = line.split("|");
  const der = Buffer.from(fields[5], "base64").toString("base64");
  const serverPem = `-----BEGIN CERTIFICATE-----\n${der.replace(/.{64}/g, "$&\n")}\n-----END CERTIFICATE-----\n`;
  const client = new grpc.Client(
    fields[2] === "unix" ? `unix:${fields[3]}` : fields[3],
    grpc.credentials.createSsl(
      Buffer.from(serverPem),
      Buffer.from(hostCert.keyPem),
      Buffer.from(hostCert.certPem),
    ),
    { "grpc.ssl_target_name_override": "localhost", "grpc.default_authority": "localhost" },
  );
  const tSchema0 = now();
  await unary(
    client,
    "/tfplugin6.Provider/GetProviderSchema",
    tfplugin6.GetProviderSchema.Request.encode({}).finish(),
  );
  const tSchema1 = now();
  const configured = tfplugin6.ConfigureProvider.Response.decode(
    await unary(
      client,
      "/tfplugin6.Provider/ConfigureProvider",
      tfplugin6.ConfigureProvider.Request.encode({ config: { msgpack: subject.providerConfig } }).finish(),
    ),
  );
  const tConfigured = now();
  const tFirstRequest = proxy.state.firstConnect;
  const read = tfplugin6.ReadDataSource.Response.decode(
    await unary(
      client,
      "/tfplugin6.Provider/ReadDataSource",
      tfplugin6.ReadDataSource.Request.encode({
        typeName: subject.dataSource,
        config: { msgpack: subject.readConfig(pid) },
      }).finish(),
    ),
  );
  const tRead = now();
  const diagnostics = [...(configured.diagnostics ?? []), ...(read.diagnostics ?? [])];
  if (diagnostics.length > 0 || !read.state) {
    throw new Error(
      `${subject.label}: ${JSON.stringify(diagnostics.map((d) => `${d.summary}: ${d.detail}`))}`,
    );
  }
  const kbBeforeShutdown = peakKb;
  const tShutdown = now();
  await unary(client, "/plugin.GRPCController/Shutdown", plugin.Empty.encode({}).finish()).catch(() => {});
  const tShutdownAnswered = now();
  const tExit = await exited;
  clearInterval(sampler);
  client.close();
  return {
    handshake: tHandshake - t0,
    schema: tSchema1 - tSchema0,
    firstRequest: tFirstRequest === undefined ? Number.NaN : tFirstRequest - tSchema1,
    configure: tConfigured - tSchema1,
    read: tRead - tConfigured,
    shutdownAnswer: tShutdownAnswered - tShutdown,
    shutdownExit: tExit - tShutdown,
    total: tExit - t0,
    rssBeforeShutdownKb: kbBeforeShutdown,
    peakKb,
    marks: { t0, tHandshake, tSchema0, tSchema1, tFirstRequest, tConfigured, tRead, tShutdown, tExit },
  };
}

/**
 * What a sample's stack was doing. Named activities (compiling the bundle, the llhttp WebAssembly
 * module, the AutoMTLS certificate, the gRPC server's TLS context) win wherever they are on the
 * stack; otherwise module loading is charged to the innermost module whose top level is running
 * (esbuild names each bundled module's wrapper after its path), then to the RPC being served.
 */
function classify(stack) {
  const names = stack.map((f) => f.functionName);
  const urls = stack.map((f) => f.url);
  const leaf = names[names.length - 1];
  if (leaf === "(garbage collector)") return "GC";
  if (leaf === "(idle)" || leaf === "(program)") return leaf;
  for (let i = 0; i < stack.length; i++) {
    const name = names[i];
    if (name === "Script" && urls[i] === "node:vm") return "bundle: compile / code cache";
    if (name === "readCache" || name === "writeCache") return "bundle: code cache read/write";
    if (name === "lazyllhttp") return "undici: llhttp WebAssembly compile";
    if (name === "pluginServerCertificate") return "AutoMTLS certificate (key + DER)";
    if (name === "createSecureContext") return "TLS context (Node's root store on first use)";
    if (name === "bindPort") return "gRPC server: bind";
    if (name === "listenUnary") return "gRPC server: listen (unary server)";
  }
  for (let i = stack.length - 1; i >= 0; i--) {
    const name = names[i];
    if (urls[i].includes("/node_modules/undici/") && name === "") return "undici: module load";
    if (name.startsWith("node_modules/@grpc/")) return "grpc-js: module load";
    if (name.startsWith("node_modules/protobufjs") || name.startsWith("lib/plugin/proto/gen"))
      return "protobufjs + tfplugin6: module load";
    if (name.startsWith("node_modules/")) return `${name.split("/")[1]}: module load`;
    if (name.startsWith("lib/")) return "provider modules: load";
  }
  if (names.includes("configureProvider")) return "configure (login, TLS)";
  if (names.includes("readDataSource")) return "read";
  if (urls.some((u) => u.includes("main.bundle.js"))) return "provider code (other)";
  if (urls.some((u) => u.includes("undici"))) return "undici (other)";
  if (names.includes("prepareExecution") || names.includes("prepareMainThreadExecution"))
    return "node bootstrap (before our code)";
  return "node internals / native (other)";
}

/** Sums a V8 CPU profile's samples per phase (by time) and per activity ({@link classify}). */
function summarizeProfile(file, marks) {
  const profile = JSON.parse(fs.readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = (id) => {
    const frames = [];
    for (let at = id; at !== undefined; at = parent.get(at)) frames.unshift(byId.get(at).callFrame);
    return frames.slice(1); // without (root)
  };
  const phases = [
    ["start → handshake", marks.t0, marks.tHandshake],
    ["handshake → schema answered", marks.tHandshake, marks.tSchema1],
    ["configure (incl. login)", marks.tSchema1, marks.tConfigured],
    ["read", marks.tConfigured, marks.tRead],
    ["shutdown → exit", marks.tShutdown, marks.tExit],
  ];
  const out = phases.map(([label]) => ({ label, total: 0, sources: new Map() }));
  let t = profile.startTime / 1000; // µs → ms, the same monotonic clock as process.hrtime
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] / 1000;
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const phase = phases.findIndex(([, a, b]) => t >= a && t < b);
    if (phase < 0) continue;
    const key = classify(stackOf(profile.samples[i]));
    out[phase].total += dt;
    out[phase].sources.set(key, (out[phase].sources.get(key) ?? 0) + dt);
  }
  return out;
}

async function main() {
  const refExe = referenceProvider();
  const lab = await startLab();
  const { sim, client: api } = lab;
  const proxy = await proxyTo(Number(sim.server.split(":").pop()));
  const env = {
    PATH: process.env.PATH,
    HOME: os.tmpdir(),
    ...vsphereEnv(lab, `127.0.0.1:${proxy.port}`),
  };
  if (opts["no-extra-ca"]) delete env.NODE_EXTRA_CA_CERTS;
  const guest = lab.guest;
  const refType = parseCtyType(
    JSON.stringify([
      "object",
      {
        vm: "string",
        pid: "number",
        name: "string",
        owner: "string",
        command: "string",
        started: "string",
        finished: "string",
        exit_code: "number",
      },
    ]),
  );
  const ourCommand = opts.executable
    ? [singleExecutable().path]
    : [process.execPath, ...opts["node-flags"].split(" ").filter(Boolean), launcherBin];
  const wrap = opts.wrap.split(" ").filter(Boolean);
  const ours = {
    label: opts.executable ? "vsphereguest (single executable)" : "vsphereguest (node)",
    command: [...wrap, ...ourCommand][0],
    args: [...wrap, ...ourCommand].slice(1),
    dataSource: "vsphereguest_process",
    providerConfig: encodeBlock(PROVIDER_SCHEMA, {}),
    readConfig: (pid) => encodeBlock(PROCESS_SCHEMA, { vm: "vm-1001", pid: Number(pid) }),
  };
  const reference = {
    label: "Go reference",
    command: refExe,
    args: [],
    dataSource: "vsphereguestref_process",
    providerConfig: encodeCty(parseCtyType(JSON.stringify(["object", {}])), {}),
    readConfig: (pid) =>
      encodeCty(refType, {
        vm: "vm-1001",
        pid: Number(pid),
        name: null,
        owner: null,
        command: null,
        started: null,
        finished: null,
        exit_code: null,
      }),
  };
  try {
    const pid = await api.createProcess("vm-1001", guest, { path: "/bin/true" });
    await api.waitForExit("vm-1001", pid, guest, { timeoutMs: 30_000 });
    for (const subject of [ours, reference]) await once(subject, env, pid, proxy); // warm caches
    const results = new Map([
      [ours, []],
      [reference, []],
    ]);
    for (let r = 0; r < RUNS; r++) {
      for (const subject of r % 2 ? [reference, ours] : [ours, reference]) {
        results.get(subject).push(await once(subject, env, pid, proxy));
      }
    }
    const rows = [
      ["start → handshake line", "handshake"],
      ["GetProviderSchema", "schema"],
      ["ConfigureProvider → first request", "firstRequest"],
      ["ConfigureProvider (incl. login)", "configure"],
      ["one ReadDataSource", "read"],
      ["Shutdown → answered", "shutdownAnswer"],
      ["Shutdown → process gone", "shutdownExit"],
      ["whole life of the process", "total"],
    ];
    console.log(
      `provider phases, median of ${RUNS} runs each (alternating), load average ${loadAverage(1)}; NODE_EXTRA_CA_CERTS ${env.NODE_EXTRA_CA_CERTS ? "set" : "unset"}` +
        (opts["node-flags"] ? `; our node flags: ${opts["node-flags"]}` : ""),
    );
    console.log(`| phase | ${ours.label} | ${reference.label} |`);
    console.log("|---|---:|---:|");
    for (const [label, key] of rows) {
      const a = median(results.get(ours).map((x) => x[key]));
      const b = median(results.get(reference).map((x) => x[key]));
      console.log(`| ${label} | ${a.toFixed(1)} ms | ${b.toFixed(1)} ms |`);
    }
    for (const [label, key] of [
      ["RSS high-water mark before Shutdown", "rssBeforeShutdownKb"],
      ["peak RSS (VmHWM) of the process", "peakKb"],
    ]) {
      const a = median(results.get(ours).map((x) => x[key]));
      const b = median(results.get(reference).map((x) => x[key]));
      console.log(`| ${label} | ${(a / 1024).toFixed(1)} MiB | ${(b / 1024).toFixed(1)} MiB |`);
    }
    if (opts["cpu-prof"]) {
      const dir = path.resolve(opts["cpu-prof"]);
      fs.rmSync(dir, { recursive: true, force: true });
      const profiled = {
        ...ours,
        command: process.execPath,
        args: [
          "--cpu-prof",
          "--cpu-prof-interval=100",
          ...opts["node-flags"].split(" ").filter(Boolean),
          launcherBin,
        ],
      };
      const summaries = [];
      for (let r = 0; r < RUNS; r++) {
        const runDir = path.join(dir, String(r));
        fs.mkdirSync(runDir, { recursive: true });
        profiled.args.splice(
          2,
          profiled.args[2].startsWith("--cpu-prof-dir") ? 1 : 0,
          `--cpu-prof-dir=${runDir}`,
        );
        const result = await once(profiled, env, pid, proxy);
        const file = path.join(
          runDir,
          fs.readdirSync(runDir).find((f) => f.endsWith(".cpuprofile")),
        );
        summaries.push(summarizeProfile(file, result.marks));
      }
      console.log(
        `\nCPU profiles of ${RUNS} runs of ours under --cpu-prof (in ${dir}; profiling slows the process down),`,
      );
      console.log("median sampled milliseconds per phase and activity:");
      for (let p = 0; p < summaries[0].length; p++) {
        const keys = new Set(summaries.flatMap((s) => [...s[p].sources.keys()]));
        const parts = [...keys]
          .map((k) => [k, median(summaries.map((s) => s[p].sources.get(k) ?? 0))])
          .filter(([, v]) => v >= 0.5)
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ${v.toFixed(1)}`);
        const total = median(summaries.map((s) => s[p].total));
        console.log(`  ${summaries[0][p].label} (${total.toFixed(1)} ms): ${parts.join("; ")}`);
      }
    }
  } finally {
    proxy.close();
    await lab.close();
  }
}

runMain(SCRIPT, main);
