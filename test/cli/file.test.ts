/** `vsphere-guest file …` and `process run --capture/--script` against a simulator, through the built CLI. */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Simulator } from "../../src/simulator";
import { runCli } from "../helpers/cli";
import { runCommand } from "../helpers/run-command";
import { eventually, vsphereEnv } from "../helpers/with-simulator";

let sim: Simulator;
let env: Record<string, string>;
let local: string;

beforeAll(async () => {
  sim = await Simulator.start({ transferUrlHost: "*" });
  env = vsphereEnv(sim).env;
  local = mkdtempSync(join(tmpdir(), "vsg-cli-file-"));
});

afterAll(async () => {
  await sim.close();
  rmSync(local, { recursive: true, force: true });
});

function leftovers(): string[] {
  const dir = sim.guestTempDir("vm-1001");
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe("vsphere-guest file", () => {
  it("uploads with a mode, refuses to overwrite without --overwrite, downloads to a file and to stdout, deletes", async () => {
    const source = join(local, "payload.bin");
    const data = randomBytes(200_000);
    writeFileSync(source, data);
    const guestPath = join(local, "in-guest.bin");
    const up = await runCli(["file", "upload", "--vm", "vm-1001", "--mode", "0750", source, guestPath], env);
    expect(up).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(readFileSync(guestPath).equals(data)).toBe(true);
    expect(statSync(guestPath).mode & 0o777).toBe(0o750);

    const again = await runCli(["file", "upload", "--vm", "vm-1001", source, guestPath], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/ALREADY_EXISTS.*--overwrite/);
    writeFileSync(source, "replaced");
    expect(
      (await runCli(["file", "upload", "--vm", "vm-1001", "--overwrite", source, guestPath], env)).code,
    ).toBe(0);
    expect(readFileSync(guestPath, "utf8")).toBe("replaced");

    const target = join(local, "back.txt");
    expect((await runCli(["file", "download", "--vm", "vm-1001", guestPath, target], env)).code).toBe(0);
    expect(readFileSync(target, "utf8")).toBe("replaced");
    const toStdout = await runCli(["file", "download", "--vm-name", "app-01", guestPath, "-"], env);
    expect(toStdout).toMatchObject({ code: 0, stdout: "replaced" });

    expect((await runCli(["file", "rm", "--vm", "vm-1001", guestPath], env)).code).toBe(0);
    expect(existsSync(guestPath)).toBe(false);
    const gone = await runCli(["file", "rm", "--vm", "vm-1001", guestPath], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`no file or directory "${guestPath}"`);
  });

  it("keeps a download over --max-bytes out of the target file", async () => {
    const guestPath = join(local, "large.bin");
    writeFileSync(guestPath, Buffer.alloc(4096, 1));
    const target = join(local, "never.bin");
    const result = await runCli(
      ["file", "download", "--vm", "vm-1001", "--max-bytes", "1KiB", guestPath, target],
      env,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/larger than the limit of 1024 bytes/);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(local).filter((name) => name.includes("never"))).toEqual([]);
  });

  it("explains usage mistakes with exit code 2", async () => {
    expect((await runCli(["file", "upload", "--vm", "vm-1001", "only-one"], env)).code).toBe(2);
    const mode = await runCli(["file", "upload", "--vm", "vm-1001", "--mode", "rwx", "a", "/b"], env);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain('--mode "rwx" is not octal permissions');
    const size = await runCli(["file", "download", "--vm", "vm-1001", "--max-bytes", "lots", "/x"], env);
    expect(size.stderr).toContain('--max-bytes "lots" is not a size');
    expect((await runCli(["file", "--help"], env)).stdout).toMatch(/upload {5}copy a local file/);
  });
});

describe("vsphere-guest process run --capture", () => {
  it("prints the guest's stdout and stderr on its own and exits with its exit code", async () => {
    const result = await runCli(
      [
        "process",
        "run",
        "--vm",
        "vm-1001",
        "--capture",
        "--",
        "/bin/sh",
        "-c",
        "printf 'to out'; printf 'to err' >&2; exit 9",
      ],
      env,
    );
    expect(result).toMatchObject({ code: 9, stdout: "to out", stderr: "to err" });
    expect(leftovers()).toEqual([]);
  });

  it("passes bytes through unchanged (not UTF-8)", async () => {
    const out = join(local, "bytes.out");
    const cli = join(__dirname, "..", "..", "bin", "vsphere-guest");
    const shell = await runCommand(
      "/bin/sh",
      [
        "-c",
        `"${process.execPath}" "${cli}" process run --vm vm-1001 --capture --command "printf '\\\\377\\\\000A'" > "${out}"`,
      ],
      { env: { PATH: process.env.PATH, ...env } },
    );
    expect(shell.code).toBe(0);
    expect([...readFileSync(out)]).toEqual([0xff, 0x00, 0x41]);
  });

  it("bounds output with --max-output and says so on stderr", async () => {
    const result = await runCli(
      ["process", "run", "--vm", "vm-1001", "--capture", "--max-output", "4", "--command", "echo 0123456789"],
      env,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("0123");
    expect(result.stderr).toMatch(/output cut at 4 bytes per stream/);
  });

  it("exits 124 and terminates the guest process on --timeout", async () => {
    const result = await runCli(
      ["process", "run", "--vm", "vm-1001", "--capture", "--timeout", "500ms", "--command", "sleep 60"],
      env,
    );
    expect(result.code).toBe(124);
    expect(result.stderr).toMatch(/did not exit within .*the guest process was terminated/);
    const pid = Number(/process (\d+) in VM/.exec(result.stderr)?.[1]);
    expect(pid).toBeGreaterThan(0);
    // The simulated guest's process is a local one: it must be gone.
    await eventually(
      async () => {
        try {
          process.kill(pid, 0);
          return undefined;
        } catch {
          return true;
        }
      },
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    expect(leftovers()).toEqual([]);
  });

  it("runs a local script with an interpreter and arguments, and deletes it", async () => {
    const script = join(local, "hello.sh");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion
    writeFileSync(script, 'echo "bash=${BASH_VERSION:+yes} args=$# first=$1"\nexit 3\n');
    const result = await runCli(
      [
        "process",
        "run",
        "--vm",
        "vm-1001",
        "--script",
        script,
        "--interpreter",
        "/bin/bash",
        "--",
        "a b",
        "c",
      ],
      env,
    );
    expect(result).toMatchObject({ code: 3, stdout: "bash=yes args=2 first=a b\n", stderr: "" });
    expect(leftovers()).toEqual([]);
  });

  it("refuses flags that do not go together", async () => {
    const both = await runCli(
      ["process", "run", "--vm", "vm-1001", "--script", "x.sh", "--command", "ls"],
      env,
    );
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("either --script FILE or --command LINE");
    const interp = await runCli(
      ["process", "run", "--vm", "vm-1001", "--capture", "--interpreter", "/bin/bash", "--", "ls"],
      env,
    );
    expect(interp.stderr).toContain("--interpreter goes with --script FILE");
    const missing = await runCli(
      ["process", "run", "--vm", "vm-1001", "--script", join(local, "nope.sh")],
      env,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot be read \(ENOENT\)/);
    const notRun = await runCli(["process", "start", "--vm", "vm-1001", "--capture", "--", "ls"], env);
    expect(notRun.stderr).toContain("--capture is for 'process run'");
  });
});
