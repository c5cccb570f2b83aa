import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Simulator } from "../../src/simulator";
import { ManualClock } from "../helpers/manual-clock";
import { eventually, guestCall, login, type RawResponse, withSimulator } from "../helpers/with-simulator";
import { expectEnvelope } from "./expect-envelope";

type Info = {
  name: string;
  owner: string;
  command: string;
  started: string;
  finished?: string;
  exit_code?: number;
};

async function create(
  sim: Simulator,
  token: string,
  spec: Record<string, unknown>,
  vm = "vm-1001",
): Promise<number> {
  const response = await guestCall(sim, token, vm, "create", { spec });
  expect(response.status).toBe(201);
  expect(response.headers["content-type"]).toBe("application/json");
  expect(response.text).toMatch(/^[1-9][0-9]*$/);
  return response.json as number;
}

/** Polls `get` until the process has an exit code; returns its Info. */
function finished(
  sim: Simulator,
  token: string,
  pid: number,
  vm = "vm-1001",
  timeoutMs = 5000,
): Promise<Info> {
  return eventually(
    async () => {
      const response = await guestCall(sim, token, vm, "get", { pid });
      expect(response.status).toBe(200);
      const info = response.json as Info;
      return info.exit_code === undefined ? undefined : info;
    },
    { timeoutMs },
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const exitWith = (script: string) => ({ path: "/bin/sh", arguments: `-c '${script}'` });

describe("simulator guest processes", () => {
  it("creates a real process: running without an exit code, then finished with it", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const gate = await create(sim, token, { path: "/bin/sh", arguments: '-c "sleep 0.3; exit 7"' });
      const running = await guestCall(sim, token, "vm-1001", "get", { pid: gate });
      expect(running.status).toBe(200);
      expect(running.headers["content-type"]).toBe("application/json");
      const info = running.json as Info;
      expect(info).toEqual({
        name: "sh",
        owner: "root",
        command: `"/bin/sh" -c "sleep 0.3; exit 7"`,
        started: expect.any(String),
      });
      expect(new Date(info.started).toISOString()).toBe(info.started);
      const done = await finished(sim, token, gate);
      expect(done).toEqual({ ...info, finished: expect.any(String), exit_code: 7 });
      expect(Date.parse(done.finished!)).toBeGreaterThanOrEqual(Date.parse(info.started) + 250);
    }));

  it("records the real OS pid", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const pid = await create(sim, token, exitWith("sleep 5"));
      expect(isAlive(pid)).toBe(true);
      expect((await guestCall(sim, token, "vm-1001", "delete", { pid })).status).toBe(204);
    }));

  it("hands arguments to the shell as one string", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const pid = await create(sim, token, { path: "/bin/sh", arguments: "-c 'exit $((2 + 3))'" });
      expect((await finished(sim, token, pid)).exit_code).toBe(5);
      const quoted = await create(sim, token, {
        path: "/bin/sh",
        arguments: `-c 'test "$0" = "a b" && exit 9' "a b"`,
      });
      expect((await finished(sim, token, quoted)).exit_code).toBe(9);
    }));

  it("runs a program without arguments, with the quoted path as command", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const pid = await create(sim, token, { path: "/bin/true" });
      expect(await finished(sim, token, pid)).toMatchObject({
        name: "true",
        command: '"/bin/true"',
        exit_code: 0,
      });
    }));

  it("replaces the whole environment with environment_variables", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      process.env.SIMULATOR_TEST_LEAK = "leaked";
      try {
        const script =
          'test "$GREETING" = "hello world" || exit 1; test -z "$SIMULATOR_TEST_LEAK" || exit 2; test -z "$HOME" || exit 3; exit 42';
        const pid = await create(sim, token, {
          ...exitWith(script),
          environment_variables: { GREETING: "hello world" },
        });
        expect((await finished(sim, token, pid)).exit_code).toBe(42);
        const other = await create(sim, token, {
          ...exitWith(script),
          environment_variables: { GREETING: "bye" },
        });
        expect((await finished(sim, token, other)).exit_code).toBe(1);
      } finally {
        delete process.env.SIMULATOR_TEST_LEAK;
      }
    }));

  it("gives a minimal environment with PATH when none is given", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      process.env.SIMULATOR_TEST_LEAK = "leaked";
      try {
        const pid = await create(
          sim,
          token,
          exitWith('test -z "$SIMULATOR_TEST_LEAK" || exit 2; test -n "$PATH" || exit 3; exit 0'),
        );
        expect((await finished(sim, token, pid)).exit_code).toBe(0);
      } finally {
        delete process.env.SIMULATOR_TEST_LEAK;
      }
    }));

  it("runs in working_directory (default /)", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const dir = await mkdtemp(join(tmpdir(), "sim-cwd-"));
      try {
        const real = await realpath(dir);
        const pid = await create(sim, token, {
          ...exitWith(`test "$(pwd -P)" = "${real}" && exit 6`),
          working_directory: dir,
        });
        expect((await finished(sim, token, pid)).exit_code).toBe(6);
        const root = await create(sim, token, exitWith('test "$(pwd -P)" = / && exit 8'));
        expect((await finished(sim, token, root)).exit_code).toBe(8);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }));

  it("reports a death by signal as 128 + the signal number", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const pid = await create(sim, token, exitWith("kill -KILL $$"));
      expect((await finished(sim, token, pid)).exit_code).toBe(137);
    }));

  it("deletes with SIGTERM: 204, then the process finishes with 143", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const pid = await create(sim, token, { path: "/bin/sleep", arguments: "30" });
      const response = await guestCall(sim, token, "vm-1001", "delete", { pid });
      expect(response.status).toBe(204);
      expect(response.text).toBe("");
      expect((await finished(sim, token, pid)).exit_code).toBe(143);
      expect(isAlive(pid)).toBe(false);
      // Deleting a process that already ended changes nothing.
      expect((await guestCall(sim, token, "vm-1001", "delete", { pid })).status).toBe(204);
      expect((await finished(sim, token, pid)).exit_code).toBe(143);
    }));

  it("kills a process that ignores SIGTERM after terminateGraceMs", () =>
    withSimulator(
      async (sim) => {
        const token = await login(sim);
        const pid = await create(sim, token, exitWith('trap "" TERM; while :; do sleep 0.05; done'));
        await new Promise((resolve) => setTimeout(resolve, 100)); // let the trap be installed
        const asked = Date.now();
        expect((await guestCall(sim, token, "vm-1001", "delete", { pid })).status).toBe(204);
        const info = await finished(sim, token, pid);
        expect(info.exit_code).toBe(137);
        expect(Date.now() - asked).toBeGreaterThanOrEqual(280);
      },
      { terminateGraceMs: 300 },
    ));

  it.each(["get", "delete"])("answers %s of an unknown pid with 404 NOT_FOUND and data.pid", (action) =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const response = await guestCall(sim, token, "vm-1001", action, { pid: 4194305 });
      const envelope = expectEnvelope(response, 404, "NOT_FOUND");
      expect(envelope.data).toEqual({ pid: 4194305 });
      expect(response.text).toContain('"data":{"pid":4194305}');
    }),
  );

  it("answers a valid int64 pid beyond 2^53 with 404 and the exact pid in data", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      for (const pid of ["9007199254740993", "9223372036854775807"]) {
        const response = await guestCall(sim, token, "vm-1001", "get", { pid });
        expectEnvelope(response, 404, "NOT_FOUND");
        expect(response.text).toContain(`"data":{"pid":${pid}}`);
      }
    }));

  it("keeps a finished process's exit code for retentionSeconds, then forgets the pid", () => {
    const clock = new ManualClock();
    return withSimulator(
      async (sim) => {
        const token = await login(sim);
        const pid = await create(sim, token, exitWith("exit 3"));
        expect((await finished(sim, token, pid)).exit_code).toBe(3);
        const listed = async () =>
          ((await guestCall(sim, token, "vm-1001", "list")).json as { pid: number }[]).some(
            (p) => p.pid === pid,
          );
        expect(await listed()).toBe(true);
        clock.advance(999);
        expect((await guestCall(sim, token, "vm-1001", "get", { pid })).status).toBe(200);
        clock.advance(1);
        const gone = await guestCall(sim, token, "vm-1001", "get", { pid });
        expect(expectEnvelope(gone, 404, "NOT_FOUND").data).toEqual({ pid });
        expect(await listed()).toBe(false);
      },
      { retentionSeconds: 1, clock: clock.now },
    );
  });

  it("lists resident, running and recently finished processes, never with exit codes", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const running = await create(sim, token, { path: "/bin/sleep", arguments: "30" });
      const done = await create(sim, token, exitWith("exit 0"));
      await finished(sim, token, done);
      const response = await guestCall(sim, token, "vm-1001", "list");
      expect(response.status).toBe(200);
      expect(response.headers["content-type"]).toBe("application/json");
      const list = response.json as Record<string, unknown>[];
      expect(list.map((p) => p.pid)).toEqual([1, ...[running, done].sort((a, b) => a - b)]);
      for (const process of list) {
        expect(Object.keys(process).sort()).toEqual(["command", "name", "owner", "pid", "started"]);
      }
      expect(list[0]).toEqual({
        pid: 1,
        name: "systemd",
        owner: "root",
        command: "/sbin/init",
        started: expect.any(String),
      });
      expect(list.find((p) => p.pid === running)).toMatchObject({
        name: "sleep",
        owner: "root",
        command: '"/bin/sleep" 30',
      });
    }));

  it("shows resident processes without exit code", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const response = await guestCall(sim, token, "vm-1004", "get", { pid: 1 });
      expect(response.status).toBe(200);
      expect(response.json).toEqual({
        name: "systemd",
        owner: "root",
        command: "/sbin/init",
        started: expect.any(String),
      });
    }));

  it("keeps each VM's processes apart", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const pid = await create(sim, token, exitWith("exit 0"), "vm-1004");
      await finished(sim, token, pid, "vm-1004");
      const elsewhere = await guestCall(sim, token, "vm-1005", "get", { pid });
      expect(expectEnvelope(elsewhere, 404, "NOT_FOUND").data).toEqual({ pid });
    }));

  it("kills the processes of a VM that is powered off", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const pid = await create(sim, token, { path: "/bin/sleep", arguments: "30" });
      sim.setVmState("vm-1001", { power_state: "POWERED_OFF" });
      await eventually(async () => (isAlive(pid) ? undefined : true));
      sim.setVmState("vm-1001", { power_state: "POWERED_ON", tools_running: true });
      expect((await guestCall(sim, token, "vm-1001", "get", { pid })).status).toBe(404);
    }));

  it("close() terminates running processes, also those ignoring SIGTERM", async () => {
    const sim = await Simulator.start({ terminateGraceMs: 200 });
    let pids: number[] = [];
    try {
      const token = await login(sim);
      pids = [
        await create(sim, token, { path: "/bin/sleep", arguments: "30" }),
        await create(sim, token, exitWith('trap "" TERM; while :; do sleep 0.05; done'), "vm-1005"),
      ];
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(pids.every(isAlive)).toBe(true);
    } finally {
      await sim.close();
    }
    expect(pids.map(isAlive)).toEqual([false, false]);
  });
});

describe("simulator guest process answers", () => {
  it("answers every operation with the documented status", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const statuses: Record<string, number> = {};
      const record = (name: string, response: RawResponse) => {
        statuses[name] = response.status;
      };
      const created = await guestCall(sim, token, "vm-1001", "create", {
        spec: { path: "/bin/sleep", arguments: "30" },
      });
      record("create", created);
      const pid = created.json as number;
      record("get", await guestCall(sim, token, "vm-1001", "get", { pid }));
      record("list", await guestCall(sim, token, "vm-1001", "list"));
      record("delete", await guestCall(sim, token, "vm-1001", "delete", { pid }));
      expect(statuses).toEqual({ create: 201, get: 200, list: 200, delete: 204 });
      expect(sim.counters.requests).toMatchObject({
        "processes.create": 1,
        "processes.get": 1,
        "processes.list": 1,
        "processes.delete": 1,
      });
    }));
});
