import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { runCli, startCliServer, stop } from "../helpers/cli";

interface Description {
  url: string;
  server: string;
  user: string;
  password: string;
  ca_file: string;
  vms: {
    vm: string;
    name: string;
    power_state: string;
    tools_running: boolean;
    guest_user: string;
    guest_password: string;
  }[];
}

let sim: { child: ChildProcess; first: Description };
let env: Record<string, string>;

beforeAll(async () => {
  sim = await startCliServer<Description>(["simulator", "--port", "0", "--retention", "60"]);
  const app = sim.first.vms.find((v) => v.vm === "vm-1001")!;
  env = {
    VSPHERE_SERVER: sim.first.server,
    VSPHERE_USER: sim.first.user,
    VSPHERE_PASSWORD: sim.first.password,
    VSPHERE_CA_FILE: sim.first.ca_file,
    VSPHERE_GUEST_USER: app.guest_user,
    VSPHERE_GUEST_PASSWORD: app.guest_password,
  };
});

afterAll(async () => {
  expect(await stop(sim.child)).toBe(0);
});

function expectNoSecrets(text: string): void {
  expect(text).not.toContain(sim.first.password);
  for (const vm of sim.first.vms) expect(text).not.toContain(vm.guest_password);
}

describe("vsphere-guest simulator", () => {
  it("describes what it serves in its first stdout line", () => {
    const d = sim.first;
    expect(d.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(d.server).toBe(d.url.replace("https://", ""));
    expect(isAbsolute(d.ca_file) && existsSync(d.ca_file)).toBe(true);
    expect(d.vms.map((v) => v.vm)).toEqual(expect.arrayContaining(["vm-1001", "vm-1002", "vm-1003"]));
    for (const vm of d.vms) {
      expect(vm).toEqual({
        vm: expect.any(String),
        name: expect.any(String),
        power_state: expect.any(String),
        tools_running: expect.any(Boolean),
        guest_user: expect.any(String),
        guest_password: expect.any(String),
      });
    }
  });

  it("exits cleanly on SIGINT and removes its CA file", async () => {
    const other = await startCliServer<Description>(["simulator", "--port", "0"]);
    expect(existsSync(other.first.ca_file)).toBe(true);
    expect(await stop(other.child, "SIGINT")).toBe(0);
    expect(existsSync(other.first.ca_file)).toBe(false);
  });

  it("refuses a bad port with one line", async () => {
    const r = await runCli(["simulator", "--port", "http"]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain('--port "http" must be a whole number');
  });
});

describe("vsphere-guest process", () => {
  it("starts a process, waits for it and exits with its exit code", async () => {
    const start = await runCli(
      ["process", "start", "--vm", "vm-1001", "--", "/bin/sh", "-c", "sleep 0.3; exit 3"],
      env,
    );
    expect(start.code).toBe(0);
    const pid = start.stdout.trim();
    expect(pid).toMatch(/^\d+$/);
    const wait = await runCli(["process", "wait", "--vm", "vm-1001", "--pid", pid, "--timeout", "30s"], env);
    expect(wait.code).toBe(3);
    expect(wait.stderr).toBe("");
    const info = JSON.parse(wait.stdout);
    expect(info).toMatchObject({ name: "sh", owner: "root", exit_code: 3 });
    expect(Object.keys(info).sort()).toEqual([
      "command",
      "exit_code",
      "finished",
      "name",
      "owner",
      "started",
    ]);
    const get = await runCli(["process", "get", "--vm-name", "app-01", "--pid", pid], env);
    expect(get.code).toBe(0);
    expect(JSON.parse(get.stdout)).toEqual(info);
  });

  it("runs a process with its environment and working directory", async () => {
    const run = await runCli(
      [
        "process",
        "run",
        "--vm",
        "vm-1001",
        "--cwd",
        "/tmp",
        "--env",
        "WANT=/tmp",
        "--",
        "/bin/sh",
        "-c",
        'test "$(pwd)" = "$WANT"',
      ],
      env,
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).exit_code).toBe(0);
  });

  it("lists and kills processes", async () => {
    const start = await runCli(["process", "start", "--vm", "vm-1001", "--", "/bin/sleep", "30"], env);
    const pid = Number(start.stdout.trim());
    const list = await runCli(["process", "list", "--vm", "vm-1001"], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).map((p: { pid: number }) => p.pid)).toContain(pid);
    expect((await runCli(["process", "kill", "--vm", "vm-1001", "--pid", String(pid)], env)).code).toBe(0);
    const wait = await runCli(["process", "wait", "--vm", "vm-1001", "--pid", String(pid)], env);
    expect(JSON.parse(wait.stdout).exit_code).toBe(143);
  });

  it("exits 124 when the wait times out", async () => {
    const start = await runCli(["process", "start", "--vm", "vm-1001", "--", "/bin/sleep", "30"], env);
    const wait = await runCli(
      ["process", "wait", "--vm", "vm-1001", "--pid", start.stdout.trim(), "--timeout", "500ms"],
      env,
    );
    expect(wait.code).toBe(124);
    expect(wait.stderr).toContain("did not exit within 500ms");
    expect(wait.stdout).toBe("");
  });

  it.each([
    [["process", "get", "--vm", "vm-1002", "--pid", "1"], 1, "power it on"],
    [["process", "get", "--vm", "vm-1003", "--pid", "1"], 1, "VMware Tools is not running"],
    [["process", "get", "--vm", "vm-1001", "--pid", "999999999"], 1, "about 5 minutes"],
    [["process", "get", "--vm", "vm-1001", "--pid", "abc"], 2, '--pid "abc" is not a process id'],
    [["process", "get", "--vm", "vm-1001"], 2, "--pid is required"],
    [["process", "get", "--pid", "1"], 2, "exactly one of --vm"],
    [["process", "frobnicate"], 2, "unknown command 'process frobnicate'"],
    [["process", "toString"], 2, "unknown command 'process toString'"],
    [["file", "constructor"], 2, "unknown command 'file constructor'"],
    [["process", "start", "--vm", "vm-1001"], 2, "give the program to start"],
    [["process", "get", "--vm", "vm-1001", "--pid", "1", "--bogus"], 2, "--bogus"],
    [["process", "get", "--vm", "v".repeat(300), "--pid", "1"], 2, "--vm is 300 characters long"],
    [["process", "list", "--vm-name", "n".repeat(300)], 2, "--vm-name is 300 characters long"],
    [
      ["process", "run", "--capture", "--vm", "v".repeat(300), "--", "/bin/true"],
      2,
      "--vm is 300 characters long",
    ],
    [["file", "rm", "--vm-name", "n".repeat(300), "/tmp/x"], 2, "--vm-name is 300 characters long"],
    [["file", "download", "--pid", "1", "/tmp/x"], 2, "--pid"],
    [["file", "download", "/tmp/x", "-"], 2, "exactly one of --vm"],
    [
      ["process", "list", "--vm", "vm-1001", "--interactive"],
      1,
      "is not logged in to the desktop of vm-1001",
    ],
    [
      ["process", "start", "--vm", "vm-1001", "--", "/no/such/program"],
      1,
      "starting a process in VM vm-1001 failed",
    ],
    [["process", "list", "--vm-name", "web\n\u202eexe"], 1, 'no VM is named "web\\n\\u202eexe"'],
    [["process", "list", "--vm", "vm-1001", "--bog\u202eus"], 2, "Unknown option '--bog\\u202eus'"],
  ])("%j fails with one clear line", async (args, code, text) => {
    const r = await runCli(args, env);
    expect(r.code).toBe(code);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(text);
    expect(r.stderr).not.toMatch(/\bat .+\(.+:\d+:\d+\)/);
    expectNoSecrets(r.stderr);
  });

  it("says which setting is missing", async () => {
    const r = await runCli(["process", "get", "--vm", "vm-1001", "--pid", "1"], {
      VSPHERE_SERVER: sim.first.server,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no vCenter user: give --user or set VSPHERE_USER");
  });

  it("refuses wrong guest credentials without echoing them", async () => {
    const r = await runCli(["process", "get", "--vm", "vm-1001", "--pid", "1"], {
      ...env,
      VSPHERE_GUEST_PASSWORD: "Wrong-Guest-Pw-9",
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("refused the guest credentials");
    expect(r.stderr).not.toContain("Wrong-Guest-Pw-9");
  });

  it("fails TLS verification without the CA and connects with --insecure", async () => {
    const noCa = { ...env, VSPHERE_CA_FILE: "" };
    const r = await runCli(["process", "get", "--vm", "vm-1001", "--pid", "1"], noCa);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("could not be verified");
    const ok = await runCli(["process", "get", "--vm", "vm-1001", "--pid", "1", "--insecure"], noCa);
    expect(ok.code).toBe(0);
  });

  it.each([
    [[]],
    [["process"]],
    [["simulator"]],
    ...["get", "list", "start", "wait", "run", "kill"].map((c) => [["process", c]]),
    ...["upload", "download", "rm"].map((c) => [["file", c]]),
    ...["install", "schema"].map((c) => [["provider", c]]),
  ])("%j --help explains itself", async (args) => {
    const r = await runCli([...args, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: vsphere-guest");
  });

  it("generates each subcommand's help from its own option table", async () => {
    const get = await runCli(["process", "get", "--help"]);
    expect(get.stdout).toContain("Usage: vsphere-guest process get [options]");
    expect(get.stdout).toMatch(/--pid PID +the guest process id/);
    expect(get.stdout).not.toContain("--cwd");
    const run = await runCli(["process", "run", "--help"]);
    expect(run.stdout).toContain("Usage: vsphere-guest process run [options] -- PATH [ARGS...]");
    expect(run.stdout).toMatch(/--env NAME=VALUE +environment variable.*\(repeatable\)/);
  });

  it.each([
    [
      ["process", "get", "--vm", "vm-1001", "--pid", "1", "--cwd", "/x", "--env", "A=B"],
      "Unknown option '--cwd' for 'process get': --cwd is for 'process start' and 'process run'",
    ],
    [
      ["process", "list", "--vm", "vm-1001", "--pid", "1"],
      "Unknown option '--pid' for 'process list': --pid is for 'process get' and 'process wait' and 'process kill'",
    ],
    [
      ["file", "rm", "--vm", "vm-1001", "--mode", "0644", "/x"],
      "Unknown option '--mode' for 'file rm': --mode is for 'file upload'",
    ],
    [
      ["provider", "schema", "--dir", "/x"],
      "Unknown option '--dir' for 'provider schema': --dir is for 'provider install'",
    ],
  ])("refuses an option its subcommand does not take: %j", async (args, text) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(text);
  });

  it("prints the package's version, and has no demo command (npm run demo is a repository script)", async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as {
      version: string;
    };
    const r = await runCli(["--version"]);
    expect(r.stdout).toBe(`${version}\n`);
    expect((await runCli(["--help"])).stdout).toContain(`vsphere-guest ${version}:`);
    const demo = await runCli(["demo"]);
    expect(demo.code).toBe(2);
    expect(demo.stderr).toContain('unknown command "demo"');
  });
});

describe("guest credentials from flags and the environment", () => {
  it("lets a SAML token flag override a guest password from the environment", async () => {
    const { guestCredentialsFrom } = await import("../../src/cli/connection");
    expect(
      guestCredentialsFrom({ "guest-saml-token": "tok" }, { VSPHERE_GUEST_PASSWORD: "pw" }),
    ).toMatchObject({
      samlToken: "tok",
      password: undefined,
    });
    expect(
      guestCredentialsFrom({ "guest-password": "pw" }, { VSPHERE_GUEST_SAML_TOKEN: "tok" }),
    ).toMatchObject({
      password: "pw",
      samlToken: undefined,
    });
    expect(
      guestCredentialsFrom({}, { VSPHERE_GUEST_USER: "root", VSPHERE_GUEST_PASSWORD: "pw" }),
    ).toMatchObject({
      userName: "root",
      password: "pw",
    });
  });
});
