#!/usr/bin/env node
/**
 * `npm run release`: the provider's release artifacts in the layout the Terraform and OpenTofu
 * registries (and provider mirrors) expect, in dist/release/<V>/ (V = the package version):
 *
 *   terraform-provider-vsphereguest_<V>_<os>_<arch>.zip   one per executable `npm run package` built
 *                                                          (dist/<os>_<arch>/), holding
 *                                                          terraform-provider-vsphereguest_v<V>[.exe]
 *   terraform-provider-vsphereguest_<V>_manifest.json      {"version":1,"metadata":{"protocol_versions":["6.0"]}}
 *   terraform-provider-vsphereguest_<V>_SHA256SUMS         sha256 of every zip and of the manifest
 *   terraform-provider-vsphereguest_<V>_SHA256SUMS.sig     detached binary GPG signature of the sums,
 *                                                          by the key RELEASE_GPG_KEY_ID names (in the
 *                                                          default keyring or GNUPGHOME); without that
 *                                                          variable no signature is made (said on stderr)
 *
 * RELEASE_GPG_PASSPHRASE, when set, unlocks the key (given to gpg on stdin, never on a command line).
 * See RELEASING.md. Usage: node scripts/release.js [--out DIR]
 */

const { spawnSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { parseArgs } = require("node:util");

const ROOT = path.resolve(__dirname, "..");
const NAME = "terraform-provider-vsphereguest";
const MANIFEST = { version: 1, metadata: { protocol_versions: ["6.0"] } };

class ReleaseError extends Error {}

function main() {
  let values;
  try {
    ({ values } = parseArgs({ options: { out: { type: "string" } }, strict: true }));
  } catch (error) {
    throw new ReleaseError(`${error.message} (usage: node scripts/release.js [--out DIR])`);
  }
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
  const out = path.resolve(values.out ?? path.join(ROOT, "dist", "release", version));
  const { zip } = require(path.join(ROOT, "lib", "util", "zip.js"));

  checkSigningKey();
  const builds = findBuilds(version);
  if (builds.length === 0)
    throw new ReleaseError(`no executable of version ${version} in dist/: run \`npm run package\` first`);

  fs.mkdirSync(out, { recursive: true });
  for (const old of fs.readdirSync(out)) if (old.startsWith(`${NAME}_`)) fs.rmSync(path.join(out, old));

  const files = [];
  for (const build of builds) {
    const inner = `${NAME}_v${version}${build.os === "windows" ? ".exe" : ""}`;
    const file = `${NAME}_${version}_${build.os}_${build.arch}.zip`;
    fs.writeFileSync(
      path.join(out, file),
      zip([{ name: inner, data: fs.readFileSync(build.executable), mode: 0o755 }]),
    );
    files.push(file);
  }
  const manifest = `${NAME}_${version}_manifest.json`;
  fs.writeFileSync(path.join(out, manifest), `${JSON.stringify(MANIFEST)}\n`);
  files.push(manifest);

  const sums = `${NAME}_${version}_SHA256SUMS`;
  const lines = files.sort().map(
    (f) =>
      `${crypto
        .createHash("sha256")
        .update(fs.readFileSync(path.join(out, f)))
        .digest("hex")}  ${f}\n`,
  );
  fs.writeFileSync(path.join(out, sums), lines.join(""));

  const signed = sign(path.join(out, sums));
  const listed = fs
    .readdirSync(out)
    .filter((f) => f.startsWith(`${NAME}_`))
    .sort()
    .map((f) => `  ${f}  (${fs.statSync(path.join(out, f)).size} bytes)\n`)
    .join("");
  process.stderr.write(
    `[release] ${path.relative(process.cwd(), out) || "."}:\n${listed}` +
      (signed
        ? `[release] signed with ${signed}\n`
        : "[release] RELEASE_GPG_KEY_ID is not set: no SHA256SUMS.sig made; registries need one (see RELEASING.md)\n"),
  );
}

/** The executables `npm run package` built for `version`: dist/<os>_<arch>/ with a build.json. */
function findBuilds(version) {
  const dist = path.join(ROOT, "dist");
  if (!fs.existsSync(dist)) return [];
  const builds = [];
  for (const dir of fs.readdirSync(dist).sort()) {
    const recordFile = path.join(dist, dir, "build.json");
    if (!/^[a-z0-9]+_[a-z0-9]+$/.test(dir) || !fs.existsSync(recordFile)) continue;
    const record = JSON.parse(fs.readFileSync(recordFile, "utf8"));
    const executable = path.join(dist, dir, record.os === "windows" ? `${NAME}.exe` : NAME);
    if (record.version !== version) {
      process.stderr.write(
        `[release] skipping dist/${dir}: built for version ${record.version}, not ${version}\n`,
      );
      continue;
    }
    if (!fs.existsSync(executable))
      throw new ReleaseError(`${executable} is missing: run \`npm run package\``);
    const sha256 = crypto.createHash("sha256").update(fs.readFileSync(executable)).digest("hex");
    if (sha256 !== record.sha256)
      throw new ReleaseError(
        `${executable} is not the file build.json describes: run \`npm run package -- --force\``,
      );
    builds.push({ os: record.os, arch: record.arch, executable });
  }
  return builds;
}

/** Fails before any work when RELEASE_GPG_KEY_ID names no secret key gpg can use. */
function checkSigningKey() {
  const key = process.env.RELEASE_GPG_KEY_ID;
  if (!key) return;
  const run = spawnSync("gpg", ["--batch", "--list-secret-keys", key], { encoding: "utf8" });
  if (run.error?.code === "ENOENT")
    throw new ReleaseError("RELEASE_GPG_KEY_ID is set but gpg is not installed (e.g. apt-get install gnupg)");
  if (run.status !== 0)
    throw new ReleaseError(
      `gpg could not sign with RELEASE_GPG_KEY_ID=${key}: no such secret key in ${process.env.GNUPGHOME ?? "the default keyring"} (gpg --list-secret-keys shows the keys there)`,
    );
}

/** Signs `file` into `<file>.sig` when RELEASE_GPG_KEY_ID is set; returns the key used. */
function sign(file) {
  const key = process.env.RELEASE_GPG_KEY_ID;
  if (!key) return undefined;
  const passphrase = process.env.RELEASE_GPG_PASSPHRASE;
  const args = ["--batch", "--yes", "--local-user", key, "--detach-sign", "--output", `${file}.sig`];
  if (passphrase !== undefined) args.unshift("--pinentry-mode", "loopback", "--passphrase-fd", "0");
  const run = spawnSync("gpg", [...args, file], { input: passphrase ?? "", encoding: "utf8" });
  if (run.error?.code === "ENOENT")
    throw new ReleaseError("RELEASE_GPG_KEY_ID is set but gpg is not installed (e.g. apt-get install gnupg)");
  if (run.status !== 0)
    throw new ReleaseError(
      `gpg could not sign with RELEASE_GPG_KEY_ID=${key} (is the key in ${process.env.GNUPGHOME ?? "the default keyring"}, and its passphrase in RELEASE_GPG_PASSPHRASE?):\n${run.stderr.trim()}`,
    );
  return key;
}

try {
  main();
} catch (error) {
  process.stderr.write(`release: ${error instanceof ReleaseError ? error.message : error.stack}\n`);
  process.exit(1);
}
