/**
 * Any duration works, or is refused up front: the client's timeouts and `waitForExit` with
 * durations at and beyond what a Node.js timer holds (2^31-1 ms), against the simulator.
 */
import { Simulator } from "../../src/simulator";
import {
  AbortedError,
  InvalidArgumentError,
  VCenterClient,
  type VCenterClientOptions,
  VsphereGuestError,
} from "../../src/vcenter";
import { MAX_TIMER_MS, sleep } from "../../src/vcenter/timing";

const APP = "vm-1001";
let sim: Simulator;
let guest: { userName: string; password: string };

beforeAll(async () => {
  sim = await Simulator.start();
  const d = sim.describe().vms.find((v) => v.vm === APP)!;
  guest = { userName: d.guest_user, password: d.guest_password };
});
afterAll(() => sim.close());

function clientFor(extra: Partial<VCenterClientOptions> = {}): VCenterClient {
  return new VCenterClient({
    server: sim.server,
    user: sim.user,
    password: sim.password,
    caFile: sim.caFile,
    ...extra,
  });
}

/** Collects process warnings (a TimeoutOverflowWarning would show here) while `fn` runs. */
async function warningsDuring(fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const onWarning = (w: Error): void => {
    seen.push(`${w.name}: ${w.message}`);
  };
  process.on("warning", onWarning);
  try {
    await fn();
    // Warnings are emitted on the next tick.
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off("warning", onWarning);
  }
  return seen;
}

describe("the client's own timeouts", () => {
  it.each([
    ["requestTimeoutMs", 2 ** 31],
    ["requestTimeoutMs", 1e15],
    ["requestTimeoutMs", Number.POSITIVE_INFINITY],
    ["requestTimeoutMs", Number.NaN],
    ["requestTimeoutMs", 0],
    ["requestTimeoutMs", -1],
    ["connectTimeoutMs", 2 ** 31],
    ["connectTimeoutMs", 0],
  ] as const)("refuses %s = %d when the client is created, naming it and the range", (field, value) => {
    let error: unknown;
    try {
      clientFor({ [field]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).field).toBe(field);
    expect((error as Error).message).toContain(
      `${field} ${value} is not a duration from 1 ms to 2147483647 ms`,
    );
  });

  it("accepts the largest timer value", async () => {
    const client = clientFor({ requestTimeoutMs: MAX_TIMER_MS, connectTimeoutMs: MAX_TIMER_MS });
    try {
      expect(await client.guestOperationsReady(APP)).toMatchObject({ guestOperationsReady: true });
    } finally {
      await client.close();
    }
  });
});

describe("waitForExit with any timeout", () => {
  it.each([1, 50, MAX_TIMER_MS, MAX_TIMER_MS + 1, 2 ** 40, 1e15])(
    "returns a process that has already exited at once with timeoutMs %d, without a timer warning",
    async (timeoutMs) => {
      const client = clientFor();
      try {
        const pid = await client.createProcess(APP, guest, { path: "/bin/sh", arguments: "-c 'exit 9'" });
        await client.waitForExit(APP, pid, guest, { timeoutMs: 10_000 });
        const gets = sim.counters.requests["processes.get"];
        let exitCode: number | bigint | undefined;
        const warnings = await warningsDuring(async () => {
          exitCode = (await client.waitForExit(APP, pid, guest, { timeoutMs })).exitCode;
        });
        expect(exitCode).toBe(9);
        expect(sim.counters.requests["processes.get"]).toBe(gets + 1);
        expect(warnings).toEqual([]);
      } finally {
        await client.close();
      }
    },
  );

  it.each([MAX_TIMER_MS + 1, 2 ** 40])(
    "keeps polling a running process with timeoutMs %d (no immediate timeout), until cancelled",
    async (timeoutMs) => {
      const client = clientFor();
      try {
        const pid = await client.createProcess(APP, guest, { path: "/bin/sleep", arguments: "30" });
        const controller = new AbortController();
        let polls = 0;
        let error: unknown;
        const warnings = await warningsDuring(async () => {
          try {
            await client.waitForExit(APP, pid, guest, {
              timeoutMs,
              signal: controller.signal,
              initialDelayMs: 1,
              maxDelayMs: 5,
              onPoll: (e) => {
                polls = e.polls;
                if (polls >= 3) controller.abort();
              },
            });
          } catch (e) {
            error = e;
          }
        });
        expect(error).toBeInstanceOf(AbortedError);
        expect(polls).toBe(3);
        expect(warnings).toEqual([]);
      } finally {
        await client.close();
      }
    },
  );

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    "refuses timeoutMs %d naming timeout",
    async (timeoutMs) => {
      const client = clientFor();
      try {
        const error = await client.waitForExit(APP, 1, guest, { timeoutMs }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(VsphereGuestError);
        expect((error as InvalidArgumentError).field).toBe("timeout");
      } finally {
        await client.close();
      }
    },
  );
});

describe("sleep beyond a timer's reach", () => {
  afterEach(() => jest.useRealTimers());

  it("waits the whole duration in chunks instead of firing at once", async () => {
    jest.useFakeTimers({ now: 0 });
    let done = false;
    const slept = sleep(MAX_TIMER_MS * 2 + 10).then(() => {
      done = true;
    });
    await jest.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(done).toBe(false);
    await jest.advanceTimersByTimeAsync(10);
    await slept;
    expect(done).toBe(true);
  });

  it("is cancelled by its signal between chunks", async () => {
    jest.useFakeTimers({ now: 0 });
    const controller = new AbortController();
    const slept = sleep(MAX_TIMER_MS * 3, controller.signal).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(MAX_TIMER_MS + 5);
    controller.abort(new Error("stop"));
    expect(await slept).toEqual(new Error("stop"));
  });
});
