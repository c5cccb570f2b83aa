/**
 * `vsphere-guest provider install`: the single executable when `npm run package` built one, the
 * launcher as the fallback, and mirror contents that change only when the provider does.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packagedExecutable, platformDir } from "../../src/cli/commands/provider";
import { runCli } from "../helpers/cli";
import { requireSingleExecutable } from "../helpers/run-tofu";

const ROOT = join(__dirname, "..", "..");
let home: string;
const mirrorFile = (host: string): string =>
  join(
    home,
    ".terraform.d",
    "plugins",
    host,
    "vsphere-guest",
    "vsphereguest",
    "0.1.0",
    platformDir(),
    "terraform-provider-vsphereguest_v0.1.0",
  );
const HOSTS = ["registry.terraform.io", "registry.opentofu.org"];

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "vsg-install-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

test("installs the single executable of the package by default, byte for byte, executable", async () => {
  const executable = requireSingleExecutable();
  const r = await runCli(["provider", "install"], { HOME: home });
  expect(r.code).toBe(0);
  expect(r.stderr).toContain(`installing the single executable ${executable}`);
  expect(r.stdout).toContain('source  = "vsphere-guest/vsphereguest"');
  const expected = readFileSync(executable);
  for (const host of HOSTS) {
    expect(readFileSync(mirrorFile(host)).equals(expected)).toBe(true);
    expect(statSync(mirrorFile(host)).mode & 0o777).toBe(0o755);
  }
});

test("installs the launcher with --launcher: this Node.js running this package", async () => {
  const r = await runCli(["provider", "install", "--launcher"], { HOME: home });
  expect(r.code).toBe(0);
  expect(r.stderr).toContain("installing a launcher");
  for (const host of HOSTS) {
    const text = readFileSync(mirrorFile(host), "utf8");
    expect(text.startsWith("#!/bin/sh\n")).toBe(true);
    expect(text).toContain(
      `exec '${process.execPath}' '${join(ROOT, "bin", "terraform-provider-vsphereguest")}' "$@"`,
    );
    expect(statSync(mirrorFile(host)).mode & 0o777).toBe(0o755);
  }
});

test("replaces one kind by the other, and keeps a file that already holds the same bytes", async () => {
  expect((await runCli(["provider", "install", "--launcher"], { HOME: home })).code).toBe(0);
  expect((await runCli(["provider", "install"], { HOME: home })).code).toBe(0);
  const first = statSync(mirrorFile(HOSTS[0]));
  expect(first.size).toBe(statSync(requireSingleExecutable()).size);
  expect((await runCli(["provider", "install"], { HOME: home })).code).toBe(0);
  const again = statSync(mirrorFile(HOSTS[0]));
  expect(again.ino).toBe(first.ino);
  expect(again.mtimeMs).toBe(first.mtimeMs);
});

test("`npm run package` without changes keeps the executable's bytes, so the lock file's hash stays", () => {
  const before = readFileSync(requireSingleExecutable());
  const out = execFileSync(process.execPath, [join(ROOT, "scripts", "package.js")], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  expect(out).toBe("");
  expect(readFileSync(requireSingleExecutable()).equals(before)).toBe(true);
});

test("packagedExecutable: only a build of this version for this platform counts", () => {
  const root = join(home, "pkg");
  mkdirSync(join(root, "dist", platformDir()), { recursive: true });
  expect(packagedExecutable(root)).toBeUndefined(); // nothing built
  writeFileSync(join(root, "dist", "terraform-provider-vsphereguest"), "binary");
  expect(packagedExecutable(root)).toBeUndefined(); // no build record
  writeFileSync(join(root, "dist", platformDir(), "build.json"), JSON.stringify({ version: "0.0.9" }));
  expect(packagedExecutable(root)).toBeUndefined(); // another version's build
  writeFileSync(join(root, "dist", platformDir(), "build.json"), JSON.stringify({ version: "0.1.0" }));
  expect(packagedExecutable(root)).toBe(join(root, "dist", "terraform-provider-vsphereguest"));
});

test.each([
  [["--executable", "/nonexistent/provider"], "--executable /nonexistent/provider: cannot read it (ENOENT)"],
  [["--executable", "x", "--launcher"], "--executable and --launcher exclude each other"],
  [
    ["--executable", join(ROOT, "bin", "terraform-provider-vsphereguest")],
    `: not a ${platformDir()} executable`,
  ],
])("refuses %j with a usage error naming the option", async (args, message) => {
  const r = await runCli(["provider", "install", ...args], { HOME: home });
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(message);
  expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
});
