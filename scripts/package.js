#!/usr/bin/env node
/**
 * `npm run package`: builds the provider as one self-contained executable with Node.js single
 * executable applications (SEA), so the machine that runs it needs no Node.js and no npm package.
 *
 *   1. esbuild bundles lib/provider/main.js with everything it needs (grpc-js, the part of undici
 *      the client uses: scripts/bundle/undici-subset.js, our code) into dist/sea/provider.js; the
 *      bundle may require Node's built-in modules and nothing else.
 *   2. `<node> --experimental-sea-config sea-config.json` turns it into a preparation blob, with a
 *      V8 code cache when the blob is made for the platform it is built on.
 *   3. postject injects the blob into a copy of the target's Node.js binary (sentinel fuse
 *      NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2).
 *
 * Output: dist/<os>_<arch>/terraform-provider-vsphereguest[.exe] and its build.json; the build for
 * this machine is also linked as dist/terraform-provider-vsphereguest. A target whose inputs (the
 * bundle, the Node.js binary, the options) did not change is not rebuilt, so the executable's bytes
 * — and the hash in a .terraform.lock.hcl — change only when the provider does (V8's code cache is
 * not byte-for-byte reproducible). See RELEASING.md for the other platforms.
 *
 * Usage: node scripts/package.js [--node PATH] [--os linux|darwin|windows] [--arch amd64|arm64]
 *                                [--no-code-cache] [--force]
 */

const { execFileSync, spawnSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const { builtinModules } = require("node:module");
const path = require("node:path");
const { parseArgs } = require("node:util");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const NAME = "terraform-provider-vsphereguest";
const SENTINEL_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
/** Bumped when this script changes what it produces for the same inputs. */
const RECIPE = 2;

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
  if (!native && values.node === undefined)
    throw new PackageError(
      `--os ${target.os} --arch ${target.arch} is not this machine (${HOST.os}_${HOST.arch}): give that platform's Node.js ${process.version} binary with --node PATH`,
    );
  const node = path.resolve(values.node ?? process.execPath);
  if (!fs.existsSync(node)) throw new PackageError(`--node ${node}: no such file`);
  return {
    help: values.help,
    target,
    native,
    node,
    codeCache: !values["no-code-cache"],
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

/** The Node.js version of `node`: run it when it runs here, else look for this Node's version in it. */
function nodeVersion(node, native) {
  if (native) return execFileSync(node, ["--version"], { encoding: "utf8" }).trim();
  const binary = fs.readFileSync(node);
  if (binary.indexOf(Buffer.from(`${process.version}\0`)) === -1)
    throw new PackageError(
      `--node ${node} is not Node.js ${process.version}: a preparation blob only works in the Node.js version that made it; run this script with the target's Node.js version`,
    );
  return process.version;
}

function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(fs.readFileSync(__filename, "utf8").split("*/")[0]);
    return;
  }
  const { target, native, node } = options;
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
  const targetDir = path.join(DIST, `${target.os}_${target.arch}`);
  const exe = path.join(targetDir, target.os === "windows" ? `${NAME}.exe` : NAME);
  const seaDir = path.join(DIST, "sea", `${target.os}_${target.arch}`);
  const found = binaryTarget(node);
  if (found.os !== target.os || found.arch !== target.arch)
    throw new PackageError(
      `--node ${node} is a ${found.os}_${found.arch} binary, not ${target.os}_${target.arch} (a universal macOS binary must be thinned with lipo first)`,
    );
  const nodeVersionOfTarget = nodeVersion(node, native);
  fs.mkdirSync(seaDir, { recursive: true });
  fs.mkdirSync(targetDir, { recursive: true });
  const bundled = bundle(path.join(seaDir, "provider.js"));
  // V8's code cache (and a startup snapshot) only load on the platform that made them.
  const codeCache = options.codeCache && native;
  if (options.codeCache && !native)
    log(
      `building for ${target.os}_${target.arch} on ${HOST.os}_${HOST.arch}: no code cache (it only loads where it was made)`,
    );
  const config = {
    main: "main.js",
    output: "provider.blob",
    disableExperimentalSEAWarning: true,
    useCodeCache: codeCache,
    assets: {
      "provider.js": "provider.js",
      ...(codeCache ? { "provider.js.cache": "provider.js.cache" } : {}),
    },
  };
  const loader = fs.readFileSync(path.join(__dirname, "sea", "main.js"));
  const fingerprint = sha256(
    JSON.stringify({
      RECIPE,
      version,
      target,
      config,
      node: sha256File(node),
      bundle: sha256(bundled),
      loader: sha256(loader),
      cacheMaker: sha256(fs.readFileSync(path.join(__dirname, "sea", "code-cache.js"))),
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
    log(`${path.relative(ROOT, exe)} is up to date (${previous.sha256.slice(0, 12)}…)`);
    linkHostExecutable(target, exe);
    return;
  }

  fs.writeFileSync(path.join(seaDir, "main.js"), loader);
  if (codeCache)
    makeCodeCache(node, path.join(seaDir, "provider.js"), path.join(seaDir, "provider.js.cache"));
  fs.writeFileSync(path.join(seaDir, "sea-config.json"), `${JSON.stringify(config, null, 2)}\n`);
  // The blob must come from the target's Node.js: run it when it runs here, else this same version.
  const maker = native ? node : process.execPath;
  const made = spawnSync(maker, ["--experimental-sea-config", "sea-config.json"], {
    cwd: seaDir,
    encoding: "utf8",
  });
  if (made.status !== 0)
    throw new PackageError(`making the preparation blob failed:\n${made.stderr}${made.stdout}`);

  const temporary = `${exe}.${process.pid}.tmp`;
  try {
    fs.copyFileSync(node, temporary);
    fs.chmodSync(temporary, 0o755);
    prepareBinary(temporary, target, native);
    inject(temporary, path.join(seaDir, "provider.blob"), target);
    finishBinary(temporary, target);
    if (native) smokeTest(temporary);
    fs.renameSync(temporary, exe);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  const record = {
    name: NAME,
    version,
    os: target.os,
    arch: target.arch,
    node: nodeVersionOfTarget,
    codeCache,
    size: fs.statSync(exe).size,
    sha256: sha256File(exe),
    fingerprint,
  };
  fs.writeFileSync(recordFile, `${JSON.stringify(record, null, 2)}\n`);
  linkHostExecutable(target, exe);
  log(
    `${path.relative(ROOT, exe)}: ${(record.size / 1048576).toFixed(1)} MiB, Node.js ${record.node}, code cache ${codeCache ? "on" : "off"}, sha256 ${record.sha256.slice(0, 12)}…`,
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
function prepareBinary(file, target, native) {
  // Debug symbols are most of a Linux node binary's size; postject must come after strip.
  if (target.os === "linux" && native && hasTool("strip")) {
    const stripped = spawnSync("strip", [file], { encoding: "utf8" });
    if (stripped.status !== 0) throw new PackageError(`strip ${file} failed: ${stripped.stderr}`);
  }
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
