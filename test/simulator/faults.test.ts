import { eventually, guestCall, login, rawRequest, withSimulator } from "../helpers/with-simulator";
import { expectEnvelope } from "./expect-envelope";

describe("simulator fault injection", () => {
  it("busy: 500 RESOURCE_BUSY for `count` requests, then normal answers", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      sim.addFault({ route: "processes.list", kind: "busy", count: 2 });
      expectEnvelope(await guestCall(sim, token, "vm-1001", "list"), 500, "RESOURCE_BUSY");
      expectEnvelope(await guestCall(sim, token, "vm-1001", "list"), 500, "RESOURCE_BUSY");
      expect((await guestCall(sim, token, "vm-1001", "list")).status).toBe(200);
      expect(sim.counters.requests["processes.list"]).toBe(3);
      expect((await rawRequest(sim, { path: "/api/vcenter/vm", token })).status).toBe(200);
    }));

  it("after: lets the first matching requests through", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      sim.addFault({ route: ["vm.list", "session.get"], kind: "busy", after: 1, count: 1 });
      const statuses = [];
      for (let i = 0; i < 3; i += 1)
        statuses.push((await rawRequest(sim, { path: "/api/vcenter/vm", token })).status);
      expect(statuses).toEqual([200, 500, 200]);
    }));

  it("vm: hits only calls for that VM", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      sim.addFault({ vm: "vm-1004", kind: "busy" });
      expectEnvelope(await guestCall(sim, token, "vm-1004", "list"), 500, "RESOURCE_BUSY");
      expectEnvelope(
        await rawRequest(sim, { path: "/api/vcenter/vm/vm-1004/guest/operations", token }),
        500,
        "RESOURCE_BUSY",
      );
      expect((await guestCall(sim, token, "vm-1005", "list")).status).toBe(200);
      expect((await rawRequest(sim, { path: "/api/session", token })).status).toBe(200);
    }));

  it("latency: delays the answer by delayMs, then answers normally", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      sim.addFault({ route: "session.get", kind: "latency", delayMs: 1500, count: 1 });
      const started = Date.now();
      expect((await rawRequest(sim, { path: "/api/session", token })).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1490);
      const again = Date.now();
      expect((await rawRequest(sim, { path: "/api/session", token })).status).toBe(200);
      // Only the first request was delayed (a generous bound: a loaded machine is slow, not 1.5 s slow).
      expect(Date.now() - again).toBeLessThan(1400);
    }));

  it("latency adds up with an answering fault", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      sim.addFault({ kind: "latency", delayMs: 150, count: 1 });
      sim.addFault({ kind: "unavailable", count: 1 });
      const started = Date.now();
      expectEnvelope(await guestCall(sim, token, "vm-1001", "list"), 503, "SERVICE_UNAVAILABLE");
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    }));

  it("close() does not wait for a pending latency", async () => {
    const { Simulator } = await import("../../src/simulator");
    const sim = await Simulator.start();
    sim.addFault({ kind: "latency", delayMs: 30_000 });
    const pending = rawRequest(sim, { path: "/api/session" }).catch((error: Error) => error);
    // The request is in the latency once the simulator has counted it.
    await eventually(async () => (sim.counters.requests["session.get"] >= 1 ? true : undefined));
    const started = Date.now();
    await sim.close();
    // Far below the 30 s latency, generous for a loaded machine.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await pending).toMatchObject({ code: "ECONNRESET" });
  });

  it("reset: drops the connection without an answer", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      sim.addFault({ route: "processes.get", kind: "reset", count: 1 });
      await expect(guestCall(sim, token, "vm-1001", "get", { pid: 1 })).rejects.toMatchObject({
        code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/),
      });
      expect((await guestCall(sim, token, "vm-1001", "get", { pid: 1 })).status).toBe(200);
      expect(sim.counters.requests["processes.get"]).toBe(2);
    }));

  it("expire-session: the call gets 401 and so does a later GET /api/session", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      sim.addFault({ route: "processes.get", kind: "expire-session", count: 1 });
      expectEnvelope(await guestCall(sim, token, "vm-1001", "get", { pid: 1 }), 401, "UNAUTHENTICATED");
      expectEnvelope(await rawRequest(sim, { path: "/api/session", token }), 401, "UNAUTHENTICATED");
      const fresh = await login(sim);
      expect((await guestCall(sim, fresh, "vm-1001", "get", { pid: 1 })).status).toBe(200);
    }));

  it("unavailable: 503 SERVICE_UNAVAILABLE", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      sim.addFault({ route: "processes.create", kind: "unavailable", count: 1 });
      const response = await guestCall(sim, token, "vm-1001", "create", { spec: { path: "/bin/true" } });
      expectEnvelope(response, 503, "SERVICE_UNAVAILABLE");
    }));

  it("status: any body and content type, e.g. a proxy's 502 HTML page", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
      sim.addFault({
        route: "processes.get",
        kind: "status",
        status: 502,
        body: html,
        contentType: "text/html",
        count: 1,
      });
      const response = await guestCall(sim, token, "vm-1001", "get", { pid: 1 });
      expect(response.status).toBe(502);
      expect(response.headers["content-type"]).toBe("text/html");
      expect(response.text).toBe(html);
    }));

  it("status: a 200 with a body that is not JSON, and an oversized body", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      sim.addFault({ route: "vm.list", kind: "status", status: 200, body: "not json", count: 1 });
      sim.addFault({
        route: "vm.list",
        kind: "status",
        status: 200,
        body: "x".repeat(3 * 1024 * 1024),
        contentType: "application/json",
        count: 1,
      });
      const first = await rawRequest(sim, { path: "/api/vcenter/vm", token });
      expect([first.status, first.headers["content-type"], first.text]).toEqual([
        200,
        "text/plain; charset=utf-8",
        "not json",
      ]);
      const second = await rawRequest(sim, { path: "/api/vcenter/vm", token });
      expect(second.text.length).toBe(3 * 1024 * 1024);
    }));

  it("status: the envelope of errorType, with its usual status or the one given", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      sim.addFault({ kind: "status", errorType: "TIMED_OUT", count: 1 });
      sim.addFault({ kind: "status", errorType: "NOT_FOUND", status: 410, count: 1 });
      sim.addFault({ kind: "status", status: 500, count: 1 });
      expectEnvelope(await rawRequest(sim, { path: "/api/session", token }), 504, "TIMED_OUT");
      expectEnvelope(await rawRequest(sim, { path: "/api/session", token }), 410, "NOT_FOUND");
      expectEnvelope(await rawRequest(sim, { path: "/api/session", token }), 500, "ERROR");
      expect((await rawRequest(sim, { path: "/api/session", token })).status).toBe(200);
    }));

  it("answers faults before checking the session, and counts every faulted request", () =>
    withSimulator(async (sim) => {
      sim.addFault({ route: "vm.list", kind: "busy", count: 1 });
      expectEnvelope(await rawRequest(sim, { path: "/api/vcenter/vm" }), 500, "RESOURCE_BUSY");
      expectEnvelope(await rawRequest(sim, { path: "/api/vcenter/vm" }), 401, "UNAUTHENTICATED");
      expect(sim.counters.requests["vm.list"]).toBe(2);
    }));

  it("clearFaults() removes every rule", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      sim.addFault({ kind: "busy" });
      expect((await rawRequest(sim, { path: "/api/session", token })).status).toBe(500);
      sim.clearFaults();
      expect((await rawRequest(sim, { path: "/api/session", token })).status).toBe(200);
    }));

  it.each([
    ["an unknown kind", { kind: "explode" }, /kind: "explode" is not one of latency, busy/],
    ["an unknown route", { kind: "busy", route: "processes.run" }, /route: "processes.run" is not one of/],
    ["latency without delayMs", { kind: "latency" }, /delayMs: missing/],
    ["a negative count", { kind: "busy", count: -1 }, /count: -1 is not a whole number/],
    ["status without status or errorType", { kind: "status" }, /needs "status", "errorType"/],
    ["an unknown error type", { kind: "status", errorType: "OOPS" }, /errorType: "OOPS"/],
    ["an unknown field", { kind: "busy", times: 2 }, /unknown field "times"/],
  ])("refuses a rule with %s", (_name, rule, message) =>
    withSimulator(
      async (sim) => {
        expect(() => sim.addFault(rule as never)).toThrow(message);
      },
      { tls: false },
    ),
  );
});
