import { inspect } from "node:util";
import type { Simulator } from "../../src/simulator";
import {
  AbortedError,
  ApiError,
  BadResponseError,
  GuestAuthenticationError,
  InteractiveSessionError,
  InvalidArgumentError,
  LoginError,
  ProcessNotFoundError,
  RequestTimeoutError,
  SessionLostError,
  TlsError,
  TransportError,
  VCenterClient,
  type VCenterClientOptions,
  VmLookupError,
  VsphereGuestError,
  WaitTimeoutError,
} from "../../src/vcenter";
import { ManualClock } from "../helpers/manual-clock";
import { withSimulator } from "../helpers/with-simulator";

const APP = "vm-1001";
const OFF = "vm-1002";
const NO_TOOLS = "vm-1003";

function guestOf(sim: Simulator, vm = APP) {
  const d = sim.describe().vms.find((v) => v.vm === vm)!;
  return { userName: d.guest_user, password: d.guest_password };
}

function clientFor(sim: Simulator, extra: Partial<VCenterClientOptions> = {}): VCenterClient {
  return new VCenterClient({
    server: sim.server,
    user: sim.user,
    password: sim.password,
    caFile: sim.caFile,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    ...extra,
  });
}

async function using<T>(client: VCenterClient, fn: (c: VCenterClient) => Promise<T>): Promise<T> {
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

/** Every secret the simulator knows; none may appear in any error text. */
function secretsOf(sim: Simulator): string[] {
  return [sim.password, ...sim.describe().vms.map((v) => v.guest_password)];
}

function expectNoSecrets(sim: Simulator, error: unknown): void {
  const text = `${String(error)}\n${inspect(error, { depth: 8 })}\n${JSON.stringify(error)}`;
  for (const secret of secretsOf(sim)) expect(text).not.toContain(secret);
}

async function caught(promise: Promise<unknown>): Promise<VsphereGuestError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(VsphereGuestError);
    return error as VsphereGuestError;
  }
  throw new Error("expected the call to fail");
}

describe("VCenterClient operations", () => {
  it("creates, gets, lists and deletes guest processes over one session", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        const guest = guestOf(sim);
        const pid = await client.createProcess(APP, guest, { path: "/bin/sh", arguments: "-c 'sleep 30'" });
        expect(typeof pid).toBe("number");
        const running = await client.getProcess(APP, pid, guest);
        expect(running).toMatchObject({ name: "sh", owner: guest.userName });
        expect(running.command).toContain("/bin/sh");
        expect(running.exitCode).toBeUndefined();
        expect(running.finished).toBeUndefined();
        const list = await client.listProcesses(APP, guest);
        expect(list.map((p) => p.pid)).toContain(pid);
        for (const p of list) expect(p).not.toHaveProperty("exitCode");
        await client.deleteProcess(APP, pid, guest);
        const ended = await client.waitForExit(APP, pid, guest, { timeoutMs: 10_000 });
        expect(ended.exitCode).toBe(128 + 15);
        expect(client.stats.logins).toBe(1);
      });
      expect(sim.counters.logins).toBe(1);
      expect(sim.counters.logouts).toBe(1);
      expect(sim.counters.activeSessions).toBe(0);
    }));

  it("reads the exit code and finish time of a process started through the API", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        const guest = guestOf(sim);
        const pid = await client.createProcess(APP, guest, {
          path: "/bin/sh",
          arguments: '-c "exit $CODE"',
          environmentVariables: { CODE: "7" },
        });
        const info = await client.waitForExit(APP, pid, guest, { timeoutMs: 10_000 });
        expect(info.exitCode).toBe(7);
        expect(Date.parse(info.finished!)).toBeGreaterThanOrEqual(Date.parse(info.started));
        expect(await client.getProcess(APP, pid, guest)).toEqual(info);
      });
    }));

  it("has no exit code for a process not started through the API", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        const info = await client.getProcess(APP, 1, guestOf(sim));
        expect(info.exitCode).toBeUndefined();
        expect(info.finished).toBeUndefined();
      });
    }));

  it("checks readiness and looks VMs up by name", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        expect(await client.guestOperationsReady(APP)).toEqual({
          guestOperationsReady: true,
          interactiveGuestOperationsReady: expect.any(Boolean),
        });
        expect((await client.guestOperationsReady(NO_TOOLS)).guestOperationsReady).toBe(false);
        expect(await client.findVmByName("app-01")).toBe(APP);
        const none = await caught(client.findVmByName("no-such-vm"));
        expect(none).toBeInstanceOf(VmLookupError);
        expect(none.message).toContain('no VM is named "no-such-vm"');
        const twins = (await caught(client.findVmByName("twin"))) as VmLookupError;
        expect(twins.matches.sort()).toEqual(["vm-1004", "vm-1005"]);
        expect(twins.message).toContain("2 VMs are named");
        expect((await client.listVms()).length).toBeGreaterThanOrEqual(5);
      });
    }));
});

describe("VCenterClient errors", () => {
  it("explains a powered-off VM, a VM without Tools, an unknown VM and an unknown pid", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        const off = (await caught(client.getProcess(OFF, 42, guestOf(sim, OFF)))) as ApiError;
        expect(off).toBeInstanceOf(ApiError);
        expect(off).toMatchObject({
          statusCode: 400,
          errorType: "NOT_ALLOWED_IN_CURRENT_STATE",
          code: "VSG_ERR_API",
        });
        expect(off.message).toContain("VM vm-1002");
        expect(off.message).toContain("power it on");

        const tools = (await caught(client.getProcess(NO_TOOLS, 42, guestOf(sim, NO_TOOLS)))) as ApiError;
        expect(tools).toMatchObject({ statusCode: 503, errorType: "SERVICE_UNAVAILABLE" });
        expect(tools.message).toContain("VMware Tools is not running in vm-1003");

        const vm = (await caught(client.getProcess("vm-999", 42, guestOf(sim)))) as ApiError;
        expect(vm).toMatchObject({ statusCode: 404, errorType: "NOT_FOUND" });
        expect(vm.message).toContain("managed object id");

        const pid = (await caught(client.getProcess(APP, 999_999_999, guestOf(sim)))) as ProcessNotFoundError;
        expect(pid).toBeInstanceOf(ProcessNotFoundError);
        expect(pid).toMatchObject({ code: "VSG_ERR_PROCESS_NOT_FOUND", data: { pid: 999_999_999 } });
        expect(pid.message).toContain("process 999999999 in VM vm-1001");
        expect(pid.message).toContain("5 minutes");
        for (const e of [off, tools, vm, pid]) expectNoSecrets(sim, e);
      });
    }));

  it("keeps a pid beyond 2^53 exact in the path and in the error data", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        const error = (await caught(
          client.getProcess(APP, "9007199254740993", guestOf(sim)),
        )) as ProcessNotFoundError;
        expect(error.data?.pid).toBe(9007199254740993n);
        expect(error.message).toContain("9007199254740993");
      });
    }));

  it("tells refused guest credentials apart from an expired session, without logging in again", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        const error = await caught(
          client.getProcess(APP, 1, { userName: "root", password: "wrong-guest-password" }),
        );
        expect(error).toBeInstanceOf(GuestAuthenticationError);
        expect(error.message).toContain('user "root"');
        expect(error.message).not.toContain("wrong-guest-password");
        expect(client.stats.logins).toBe(1);
        expectNoSecrets(sim, error);
      });
    }));

  it("refuses a bad vCenter password with a login error that does not contain it", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim, { password: "not-the-password-123" }), async (client) => {
        const error = await caught(client.getProcess(APP, 1, guestOf(sim)));
        expect(error).toBeInstanceOf(LoginError);
        expect(error.message).toContain("check the vCenter user and password");
        expect(`${error.message}${inspect(error)}`).not.toContain("not-the-password-123");
        expectNoSecrets(sim, error);
      });
    }));

  it("rejects incomplete guest credentials before sending anything", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        const error = (await caught(client.getProcess(APP, 1, { userName: "root" }))) as InvalidArgumentError;
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect(error.field).toBe("credentials.password");
        expect(sim.counters.requests["processes.get"] ?? 0).toBe(0);
        const pid = (await caught(client.getProcess(APP, 0, guestOf(sim)))) as InvalidArgumentError;
        expect(pid.field).toBe("pid");
      });
    }));

  it("fails TLS verification without the simulator's CA, and connects with allowUnverifiedSsl", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim, { caFile: undefined }), async (client) => {
        const error = await caught(client.listVms());
        expect(error).toBeInstanceOf(TlsError);
        expect(error.message).toContain("ca_file");
        expectNoSecrets(sim, error);
      });
      await using(clientFor(sim, { caFile: undefined, allowUnverifiedSsl: true }), async (client) => {
        expect((await client.listVms()).length).toBeGreaterThan(0);
      });
    }));

  it("names an unreadable CA file", () =>
    withSimulator(async (sim) => {
      expect(() => clientFor(sim, { caFile: "/nonexistent/ca.pem" })).toThrow(/ca_file|CA bundle/);
    }));

  it("reports a refused connection as a transport error", async () => {
    const closed = await withSimulator(async (sim) => sim.server);
    await using(
      new VCenterClient({ server: closed, user: "u", password: "secret-pw-1", retries: 0 }),
      async (client) => {
        const error = (await caught(client.listVms())) as TransportError;
        expect(error).toBeInstanceOf(TransportError);
        expect(error.causeCode).toBe("ECONNREFUSED");
        expect(error.message).not.toContain("secret-pw-1");
      },
    );
  });

  it("turns an HTML page from a proxy and an oversized body into bad-response errors", () =>
    withSimulator(async (sim) => {
      sim.addFault({
        route: "processes.get",
        kind: "status",
        status: 502,
        body: "<html><body>Bad Gateway</body></html>",
        contentType: "text/html",
        count: 1,
      });
      await using(clientFor(sim), async (client) => {
        const html = (await caught(client.getProcess(APP, 1, guestOf(sim)))) as BadResponseError;
        expect(html).toBeInstanceOf(BadResponseError);
        expect(html.message).toContain("HTML page");
        expect(html.message).toContain("proxy");
        expect(html.statusCode).toBe(502);
      });
      sim.addFault({
        route: "vm.list",
        kind: "status",
        status: 200,
        body: JSON.stringify("x".repeat(5000)),
        count: 1,
      });
      await using(clientFor(sim, { maxResponseBytes: 1024 }), async (client) => {
        const big = await caught(client.listVms());
        expect(big).toBeInstanceOf(BadResponseError);
        expect(big.message).toContain("larger than 1024 bytes");
      });
    }));

  it("times out a slow answer", () =>
    withSimulator(async (sim) => {
      sim.addFault({ route: "processes.get", kind: "latency", delayMs: 1500, count: 1 });
      await using(clientFor(sim, { requestTimeoutMs: 300 }), async (client) => {
        await client.login();
        const error = (await caught(client.getProcess(APP, 1, guestOf(sim)))) as RequestTimeoutError;
        expect(error).toBeInstanceOf(RequestTimeoutError);
        expect(error.phase).toBe("headers");
      });
    }));
});

describe("VCenterClient sessions and retries", () => {
  it("logs in once for many concurrent calls", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        await Promise.all(Array.from({ length: 25 }, () => client.getProcess(APP, 1, guestOf(sim))));
        expect(sim.counters.logins).toBe(1);
      });
    }));

  it("logs in again once when the session expired, and retries the call", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        await client.getProcess(APP, 1, guestOf(sim));
        sim.addFault({ route: "processes.get", kind: "expire-session", count: 1 });
        const info = await client.getProcess(APP, 1, guestOf(sim));
        expect(info.name).toBeTruthy();
        expect(sim.counters.logins).toBe(2);
        sim.expireAllSessions();
        await client.listVms();
        expect(sim.counters.logins).toBe(3);
      });
    }));

  it("does not let one caller's cancellation cancel a login others wait for", () =>
    withSimulator(async (sim) => {
      sim.addFault({ route: "session.create", kind: "latency", delayMs: 800, count: 1 });
      await using(clientFor(sim), async (client) => {
        const impatient = client.getProcess(APP, 1, guestOf(sim), AbortSignal.timeout(100));
        const patient = client.getProcess(APP, 1, guestOf(sim));
        expect(await caught(impatient)).toBeInstanceOf(AbortedError);
        expect((await patient).name).toBeTruthy();
        expect(sim.counters.logins).toBe(1);
      });
    }));

  it("retries RESOURCE_BUSY with backoff and succeeds", () =>
    withSimulator(async (sim) => {
      sim.addFault({ route: "processes.get", kind: "busy", count: 2 });
      await using(clientFor(sim, { retries: 3 }), async (client) => {
        await client.getProcess(APP, 1, guestOf(sim));
        expect(client.stats.retries).toBe(2);
        expect(sim.counters.requests["processes.get"]).toBe(3);
      });
    }));

  it("gives up on RESOURCE_BUSY after the bounded number of attempts", () =>
    withSimulator(async (sim) => {
      sim.addFault({ route: "processes.get", kind: "busy" });
      await using(clientFor(sim, { retries: 2 }), async (client) => {
        const error = (await caught(client.getProcess(APP, 1, guestOf(sim)))) as ApiError;
        expect(error.errorType).toBe("RESOURCE_BUSY");
        expect(sim.counters.requests["processes.get"]).toBe(3);
      });
    }));

  it("retries a reset connection for get, but never for create", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        await client.login();
        sim.addFault({ route: "processes.get", kind: "reset", count: 1 });
        await client.getProcess(APP, 1, guestOf(sim));
        expect(sim.counters.requests["processes.get"]).toBe(2);

        sim.addFault({ route: "processes.create", kind: "reset", count: 1 });
        const error = await caught(client.createProcess(APP, guestOf(sim), { path: "/bin/true" }));
        expect(error).toBeInstanceOf(TransportError);
        expect(sim.counters.requests["processes.create"]).toBe(1);
      });
    }));

  it("does not retry errors that are not transient", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        await caught(client.getProcess(OFF, 1, guestOf(sim, OFF)));
        await caught(client.getProcess(NO_TOOLS, 1, guestOf(sim, NO_TOOLS)));
        await caught(client.getProcess(APP, 1, { userName: "root", password: "nope" }));
        await caught(client.createProcess(APP, guestOf(sim), { path: "relative/path" }));
        expect(client.stats.retries).toBe(0);
        expect(sim.counters.requests["processes.get"]).toBe(3);
        expect(sim.counters.requests["processes.create"]).toBe(1);
      });
    }));

  it("keeps a VM id with path segments inside its own path segment", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        await client.login();
        sim.counters.reset();
        for (const vm of [".", ".."]) {
          expect(await caught(client.getProcess(vm, 1, guestOf(sim)))).toBeInstanceOf(InvalidArgumentError);
        }
        for (const vm of [
          "vm-1001/../../session",
          "../session",
          "vm-1001?action=delete",
          "vm-1001/guest/processes/1",
        ]) {
          const error = (await caught(client.getProcess(vm, 1, guestOf(sim)))) as ApiError;
          expect(error.statusCode).toBe(404);
        }
        expect(sim.counters.requests["session.get"] ?? 0).toBe(0);
        expect(sim.counters.requests["session.delete"] ?? 0).toBe(0);
        expect(sim.counters.requests["processes.delete"] ?? 0).toBe(0);
        expect(sim.counters.requests["processes.get"]).toBe(4);
      });
    }));
});

describe("waitForExit", () => {
  it("waits for a running process and stops at its exit code", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        const pid = await client.createProcess(APP, guestOf(sim), {
          path: "/bin/sh",
          arguments: "-c 'sleep 0.5; exit 4'",
        });
        const polls: number[] = [];
        const info = await client.waitForExit(APP, pid, guestOf(sim), {
          timeoutMs: 10_000,
          onPoll: (e) => polls.push(e.polls),
        });
        expect(info.exitCode).toBe(4);
        expect(polls.length).toBeGreaterThan(1);
      });
    }));

  it("times out with the last state", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        const pid = await client.createProcess(APP, guestOf(sim), { path: "/bin/sleep", arguments: "30" });
        const error = (await caught(
          client.waitForExit(APP, pid, guestOf(sim), { timeoutMs: 400 }),
        )) as WaitTimeoutError;
        expect(error).toBeInstanceOf(WaitTimeoutError);
        expect(error.message).toContain(`process ${pid} in VM vm-1001 did not exit within 400ms`);
        expect(error.lastInfo?.name).toBe("sleep");
      });
    }));

  it("stops when aborted", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        const pid = await client.createProcess(APP, guestOf(sim), { path: "/bin/sleep", arguments: "30" });
        const controller = new AbortController();
        let polls = 0;
        // Abort once the wait has really polled (not after a guessed delay).
        const onPoll = () => {
          polls++;
          controller.abort();
        };
        const error = await caught(
          client.waitForExit(APP, pid, guestOf(sim), {
            timeoutMs: 20_000,
            signal: controller.signal,
            onPoll,
          }),
        );
        expect(error).toBeInstanceOf(AbortedError);
        expect(polls).toBe(1);
      });
    }));

  it("treats Tools restarting (503) as not yet", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        const pid = await client.createProcess(APP, guestOf(sim), {
          path: "/bin/sh",
          arguments: "-c 'exit 5'",
        });
        sim.addFault({ route: "processes.get", kind: "unavailable", count: 3 });
        const info = await client.waitForExit(APP, pid, guestOf(sim), { timeoutMs: 10_000 });
        expect(info.exitCode).toBe(5);
        expect(sim.counters.requests["processes.get"]).toBeGreaterThanOrEqual(4);
      });
    }));

  it("explains the retention window when the exit code is already gone", () => {
    const clock = new ManualClock();
    return withSimulator(
      async (sim) => {
        await using(clientFor(sim), async (client) => {
          const pid = await client.createProcess(APP, guestOf(sim), { path: "/bin/true" });
          await client.waitForExit(APP, pid, guestOf(sim), { timeoutMs: 5000 });
          clock.advance(3000);
          const error = await caught(client.waitForExit(APP, pid, guestOf(sim), { timeoutMs: 5000 }));
          expect(error).toBeInstanceOf(ProcessNotFoundError);
          expect(error.message).toContain("about 5 minutes");
        });
      },
      { retentionSeconds: 1, clock: clock.now },
    );
  });
});

describe("errors that tell the truth", () => {
  it("tells a guest user who is not logged in to the desktop from a VM that is not running", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        const interactive = { ...guestOf(sim), interactiveSession: true };
        // vm-1001 runs with Tools up, but nobody is logged in to its desktop.
        const noDesktop = await caught(client.listProcesses(APP, interactive));
        expect(noDesktop).toBeInstanceOf(InteractiveSessionError);
        expect(noDesktop.code).toBe("VSG_ERR_NO_INTERACTIVE_SESSION");
        expect(noDesktop.message).toBe(
          'list processes of VM vm-1001 failed with 400 NOT_ALLOWED_IN_CURRENT_STATE (vCenter said: no interactive session for user "root" in vm-1001; send interactive_session: false): interactive_session is true but guest user "root" is not logged in to the desktop of vm-1001: log that user in to the guest desktop, or set interactive_session to false',
        );
        expect(noDesktop.message).not.toContain("power it on");
        // The same answer for a powered-off VM stays "not running" (readiness says not ready).
        const off = await caught(
          client.listProcesses(OFF, { ...guestOf(sim, OFF), interactiveSession: true }),
        );
        expect(off).toBeInstanceOf(ApiError);
        expect(off).not.toBeInstanceOf(InteractiveSessionError);
        expect(off.message).toContain("vm-1002 is not running (powered off or suspended)");
        // Without interactive_session, a powered-off VM reads as before.
        const plainOff = await caught(client.listProcesses(OFF, guestOf(sim, OFF)));
        expect(plainOff.message).toContain("power it on and retry once VMware Tools is up");
        // vm-1005's root is logged in to the desktop: the interactive call works.
        const twin = await client.listProcesses("vm-1005", {
          ...guestOf(sim, "vm-1005"),
          interactiveSession: true,
        });
        expect(twin.length).toBeGreaterThan(0);
      });
    }));

  it("tells the interactive-session problem apart for guest file operations too", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        const interactive = { ...guestOf(sim), interactiveSession: true };
        const noDesktop = await caught(client.createTemporaryDirectory(APP, interactive));
        expect(noDesktop).toBeInstanceOf(InteractiveSessionError);
        expect(noDesktop.message).toContain('guest user "root" is not logged in to the desktop of vm-1001');
        const off = await caught(
          client.createTemporaryFile(OFF, { ...guestOf(sim, OFF), interactiveSession: true }),
        );
        expect(off).not.toBeInstanceOf(InteractiveSessionError);
        expect(off.message).toContain("vm-1002 is not running");
      });
    }));

  it("calls a session that is gone again right after the one re-login a session problem", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        await client.login();
        sim.addFault({ route: "processes.get", kind: "expire-session", count: 2 });
        const error = await caught(client.getProcess(APP, 1, guestOf(sim)));
        expect(error).toBeInstanceOf(SessionLostError);
        expect(error).not.toBeInstanceOf(GuestAuthenticationError);
        expect(error.code).toBe("VSG_ERR_SESSION");
        expect(error.message).toContain("get process 1 in VM vm-1001 failed with 401 UNAUTHENTICATED");
        expect(error.message).toContain(
          "vCenter ended the session again right after the client logged in again",
        );
        expect(error.message).not.toContain("guest credentials");
        expect(client.stats.logins).toBe(2);
        expectNoSecrets(sim, error);
        // One expiry is still recovered from by the one re-login.
        sim.addFault({ route: "processes.get", kind: "expire-session", count: 1 });
        expect((await client.getProcess(APP, 1, guestOf(sim))).name).toBeTruthy();
        // And refused guest credentials with a valid session are still that.
        const wrong = await caught(client.getProcess(APP, 1, { userName: "root", password: "wrong" }));
        expect(wrong).toBeInstanceOf(GuestAuthenticationError);
      });
    }));

  it.each([
    ["vm", (c: VCenterClient, sim: Simulator, v: string) => c.getProcess(v, 1, guestOf(sim))],
    [
      "vm",
      (c: VCenterClient, sim: Simulator, v: string) =>
        c.createProcess(v, guestOf(sim), { path: "/bin/true" }),
    ],
    ["vm_name", (c: VCenterClient, _sim: Simulator, v: string) => c.findVmByName(v)],
    ["vm_name", (c: VCenterClient, _sim: Simulator, v: string) => c.listVms({ names: [v] })],
  ])("refuses an overlong %s before sending anything", (field, run) =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        const error = (await caught(run(client, sim, "x".repeat(20_000)))) as InvalidArgumentError;
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect(error.field).toBe(field);
        expect(error.message).toContain(`${field} is 20000 characters long`);
        expect(error.message).not.toContain("431");
        // Not even a login: the value never left the client.
        expect(Object.values(sim.counters.requests).reduce((a, b) => a + b, 0)).toBe(0);
      });
    }),
  );

  it("words a create refused for a bad program path as starting a process", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        const error = await caught(client.createProcess(APP, guestOf(sim), { path: "/no/such/program" }));
        expect(error).toBeInstanceOf(ApiError);
        expect(error.message).toMatch(
          /^starting a process in VM vm-1001 failed with 400 INVALID_ARGUMENT \(vCenter said: spec\.path: "\/no\/such\/program" does not exist in the guest\)/,
        );
        expect(error.message).not.toContain("create VM");
      });
    }));

  it("escapes control and bidi characters of values it echoes", () =>
    withSimulator(async (sim) => {
      await using(clientFor(sim), async (client) => {
        const name = "web\n\u001b[31mred\u202eexe.txt";
        const error = await caught(client.findVmByName(name));
        expect(error.message).toContain('no VM is named "web\\n\\u001b[31mred\\u202eexe.txt"');
        const vm = "vm-\u202e1001\r";
        const notFound = await caught(client.getProcess(vm, 1, guestOf(sim)));
        expect(notFound.message).toContain("VM vm-\\u202e1001\\r failed");
        for (const text of [error.message, notFound.message]) {
          expect(text).not.toContain("\u202e");
          expect(text).not.toContain("\u001b");
          expect(text).not.toContain("\n");
          expect(text).not.toContain("\r");
        }
      });
    }));
});
