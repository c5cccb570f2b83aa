/**
 * `npm run release` (scripts/release.js) on the single executable `npm run package` built: the
 * registry layout, SHA256SUMS over the zips and the manifest, and a detached GPG signature made
 * with a throw-away key that gpg then verifies.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { platformDir } from "../../src/cli/commands/provider";
import { type GpgKey, hasGpg, throwAwayGpgKey } from "../helpers/gpg";
import { runCommand } from "../helpers/run-command";
import { requireSingleExecutable } from "../helpers/run-tofu";

const ROOT = join(__dirname, "..", "..");
const V = "0.1.0";
const P = "terraform-provider-vsphereguest";
if (!hasGpg) process.stderr.write("release.test: gpg is not installed; skipping the signature tests\n");
const withGpg = hasGpg ? test : test.skip;

let tmp: string;
let gnupghome: string;
let fingerprint: string;
let key: GpgKey | undefined;
const sha256 = (file: string): string => createHash("sha256").update(readFileSync(file)).digest("hex");

function release(out: string, env: Record<string, string | undefined>) {
  return runCommand(process.execPath, [join(ROOT, "scripts", "release.js"), "--out", out], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    timeoutMs: 180_000,
  });
}

beforeAll(() => {
  requireSingleExecutable();
  tmp = mkdtempSync(join(tmpdir(), "vsg-rel-"));
  if (!hasGpg) return;
  key = throwAwayGpgKey(join(tmp, "g"), "vsphere-guest release test <release-test@example.invalid>");
  ({ gnupghome, fingerprint } = key);
  expect(fingerprint).toMatch(/^[0-9A-F]{40}$/);
});

afterAll(() => {
  key?.kill();
  rmSync(tmp, { recursive: true, force: true });
});

withGpg("writes the zips, the manifest, SHA256SUMS and a signature gpg verifies", async () => {
  const out = join(tmp, "signed");
  const r = await release(out, { GNUPGHOME: gnupghome, RELEASE_GPG_KEY_ID: fingerprint });
  expect(r.stderr).toContain(`signed with ${fingerprint}`);
  expect(r.code).toBe(0);
  const zip = `${P}_${V}_${platformDir()}.zip`;
  expect(readdirSync(out).sort()).toEqual(
    [`${P}_${V}_SHA256SUMS`, `${P}_${V}_SHA256SUMS.sig`, zip, `${P}_${V}_manifest.json`].sort(),
  );
  expect(JSON.parse(readFileSync(join(out, `${P}_${V}_manifest.json`), "utf8"))).toEqual({
    version: 1,
    metadata: { protocol_versions: ["6.0"] },
  });
  // SHA256SUMS: the zips and the manifest, as `sha256sum` writes them.
  const sums = readFileSync(join(out, `${P}_${V}_SHA256SUMS`), "utf8");
  expect(sums).toBe(
    [zip, `${P}_${V}_manifest.json`]
      .sort()
      .map((f) => `${sha256(join(out, f))}  ${f}\n`)
      .join(""),
  );
  // The zip holds the executable under the name registries use, unchanged and executable.
  if (spawnSync("unzip", ["-v"], { stdio: "ignore" }).status === 0) {
    const listing = execFileSync("unzip", ["-Z", join(out, zip)], { encoding: "utf8" });
    expect(listing).toMatch(new RegExp(`^-rwxr-xr-x\\s.*\\s${P}_v${V.replace(/\./g, "\\.")}$`, "m"));
    const inner = execFileSync("unzip", ["-p", join(out, zip), `${P}_v${V}`], { maxBuffer: 1 << 30 });
    expect(inner.equals(readFileSync(requireSingleExecutable()))).toBe(true);
  }
  // A detached binary signature over SHA256SUMS by the throw-away key...
  const sig = readFileSync(join(out, `${P}_${V}_SHA256SUMS.sig`));
  expect(sig[0] & 0x80).toBe(0x80); // an OpenPGP packet, not ASCII armor
  const verify = (sumsFile: string) =>
    spawnSync(
      "gpg",
      ["--batch", "--status-fd", "1", "--verify", join(out, `${P}_${V}_SHA256SUMS.sig`), sumsFile],
      { env: { ...process.env, GNUPGHOME: gnupghome }, encoding: "utf8" },
    );
  const good = verify(join(out, `${P}_${V}_SHA256SUMS`));
  expect(good.status).toBe(0);
  expect(good.stdout).toContain(`VALIDSIG ${fingerprint}`);
  // ...that fails for altered sums.
  const altered = join(tmp, "altered-SHA256SUMS");
  writeFileSync(
    altered,
    sums.replace(/^./, (c) => (c === "0" ? "1" : "0")),
  );
  const bad = verify(altered);
  expect(bad.status).not.toBe(0);
  expect(bad.stdout).toContain("BADSIG");
});

withGpg("fails clearly when the key is not in the keyring, naming the variable", async () => {
  const r = await release(join(tmp, "nokey"), {
    GNUPGHOME: gnupghome,
    RELEASE_GPG_KEY_ID: "0000000000000000DEADBEEF",
  });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(
    "gpg could not sign with RELEASE_GPG_KEY_ID=0000000000000000DEADBEEF: no such secret key",
  );
  expect(existsSync(join(tmp, "nokey"))).toBe(false); // refused before any work
  expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
});

test("without RELEASE_GPG_KEY_ID: says so and writes no signature", async () => {
  const out = join(tmp, "unsigned");
  const r = await release(out, { RELEASE_GPG_KEY_ID: undefined });
  expect(r.code).toBe(0);
  expect(r.stderr).toContain("RELEASE_GPG_KEY_ID is not set: no SHA256SUMS.sig made");
  expect(existsSync(join(out, `${P}_${V}_SHA256SUMS`))).toBe(true);
  expect(existsSync(join(out, `${P}_${V}_SHA256SUMS.sig`))).toBe(false);
});

test("the npm package ships neither dist/ (executables, releases) nor the packaging scripts", async () => {
  const r = await runCommand("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    timeoutMs: 120_000,
  });
  expect(r.code).toBe(0);
  const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
  expect(files).toContain("bin/terraform-provider-vsphereguest");
  expect(files.filter((f) => f.startsWith("dist/") || f.startsWith("scripts/"))).toEqual([]);
});
