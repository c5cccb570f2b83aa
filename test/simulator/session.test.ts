import { Simulator } from "../../src/simulator";
import { ManualClock } from "../helpers/manual-clock";
import { login, rawRequest, withSimulator } from "../helpers/with-simulator";
import { expectEnvelope } from "./expect-envelope";

describe("simulator sessions", () => {
  it("logs in with Basic auth: 201 and the token as a JSON string", () =>
    withSimulator(async (sim) => {
      const response = await rawRequest(sim, {
        method: "POST",
        path: "/api/session",
        basic: { user: sim.user, password: sim.password },
      });
      expect(response.status).toBe(201);
      expect(response.headers["content-type"]).toBe("application/json");
      expect(response.text).toMatch(/^"[0-9a-f]{32}"$/);
      expect(sim.counters.logins).toBe(1);
      expect(sim.counters.activeSessions).toBe(1);
    }));

  it.each([
    ["no Authorization header", undefined],
    ["a wrong password", "Basic " + Buffer.from("administrator@vsphere.local:wrong").toString("base64")],
    ["a wrong user", "Basic " + Buffer.from("root:wrong").toString("base64")],
    ["a malformed Basic value", "Basic bm8tY29sb24="],
    ["another scheme", "Bearer abc"],
  ])("refuses a login with %s: 401 UNAUTHENTICATED", (_name, authorization) =>
    withSimulator(async (sim) => {
      const response = await rawRequest(sim, {
        method: "POST",
        path: "/api/session",
        headers: authorization === undefined ? {} : { authorization },
      });
      expectEnvelope(response, 401, "UNAUTHENTICATED");
      expect(response.headers["www-authenticate"]).toMatch(/^Basic /);
      expect(sim.counters.failedLogins).toBe(1);
      expect(sim.counters.logins).toBe(0);
    }),
  );

  it("reads the session: user, created and last accessed time (updated by each call)", () => {
    const clock = new ManualClock();
    return withSimulator(
      async (sim) => {
        const token = await login(sim);
        const first = await rawRequest(sim, { path: "/api/session", token });
        expect(first.status).toBe(200);
        expect(first.headers["content-type"]).toBe("application/json");
        const info = first.json as Record<string, string>;
        expect(info).toEqual({
          user: sim.user,
          created_time: expect.any(String),
          last_accessed_time: expect.any(String),
        });
        expect(new Date(info.created_time).toISOString()).toBe(info.created_time);
        clock.advance(5);
        const second = (await rawRequest(sim, { path: "/api/session", token })).json as Record<
          string,
          string
        >;
        expect(second.created_time).toBe(info.created_time);
        expect(Date.parse(second.last_accessed_time)).toBeGreaterThan(Date.parse(info.last_accessed_time));
        expect(Date.parse(second.last_accessed_time) - Date.parse(info.last_accessed_time)).toBe(5);
      },
      { clock: clock.now },
    );
  });

  it("logs out with 204; the token is then refused everywhere", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const logout = await rawRequest(sim, { method: "DELETE", path: "/api/session", token });
      expect(logout.status).toBe(204);
      expect(logout.text).toBe("");
      expect(sim.counters.logouts).toBe(1);
      expect(sim.counters.activeSessions).toBe(0);
      expectEnvelope(await rawRequest(sim, { path: "/api/session", token }), 401, "UNAUTHENTICATED");
      expectEnvelope(
        await rawRequest(sim, { method: "DELETE", path: "/api/session", token }),
        401,
        "UNAUTHENTICATED",
      );
      expectEnvelope(await rawRequest(sim, { path: "/api/vcenter/vm", token }), 401, "UNAUTHENTICATED");
      expect(sim.counters.logouts).toBe(1);
    }));

  it.each([
    ["GET /api/session", "GET", "/api/session"],
    ["DELETE /api/session", "DELETE", "/api/session"],
    ["GET /api/vcenter/vm", "GET", "/api/vcenter/vm"],
    ["GET guest/operations", "GET", "/api/vcenter/vm/vm-1001/guest/operations"],
    ["POST processes?action=list", "POST", "/api/vcenter/vm/vm-1001/guest/processes?action=list"],
    [
      "POST processes/1?action=get of an unknown VM",
      "POST",
      "/api/vcenter/vm/vm-9/guest/processes/1?action=get",
    ],
  ])("answers %s without a session with 401 UNAUTHENTICATED", (_name, method, path) =>
    withSimulator(async (sim) => {
      expectEnvelope(await rawRequest(sim, { method, path, json: {} }), 401, "UNAUTHENTICATED");
      expectEnvelope(
        await rawRequest(sim, { method, path, json: {}, token: "not-a-token" }),
        401,
        "UNAUTHENTICATED",
      );
    }),
  );

  it("expires a session left idle longer than sessionIdleSeconds, but not one in use", () => {
    const clock = new ManualClock();
    return withSimulator(
      async (sim) => {
        const idle = await login(sim);
        const busy = await login(sim);
        // 2.5 s in steps of 50 ms, the busy session used at every step.
        for (let elapsed = 0; elapsed < 2500; elapsed += 50) {
          expect((await rawRequest(sim, { path: "/api/session", token: busy })).status).toBe(200);
          clock.advance(50);
        }
        expectEnvelope(await rawRequest(sim, { path: "/api/session", token: idle }), 401, "UNAUTHENTICATED");
        expect((await rawRequest(sim, { path: "/api/session", token: busy })).status).toBe(200);
        expect(sim.counters.activeSessions).toBe(1);
      },
      { sessionIdleSeconds: 1.5, clock: clock.now },
    );
  });

  it("keeps an idle session up to sessionIdleSeconds exactly, and not a millisecond longer", () => {
    const clock = new ManualClock();
    return withSimulator(
      async (sim) => {
        const edge = await login(sim);
        const late = await login(sim);
        clock.advance(1500);
        expect((await rawRequest(sim, { path: "/api/session", token: edge })).status).toBe(200);
        clock.advance(1);
        expectEnvelope(await rawRequest(sim, { path: "/api/session", token: late }), 401, "UNAUTHENTICATED");
      },
      { sessionIdleSeconds: 1.5, clock: clock.now },
    );
  });

  it("expireAllSessions() makes every token invalid, as if idled out", () =>
    withSimulator(async (sim) => {
      const a = await login(sim);
      const b = await login(sim);
      expect(sim.counters.activeSessions).toBe(2);
      sim.expireAllSessions();
      expect(sim.counters.activeSessions).toBe(0);
      expectEnvelope(await rawRequest(sim, { path: "/api/session", token: a }), 401, "UNAUTHENTICATED");
      expectEnvelope(await rawRequest(sim, { path: "/api/session", token: b }), 401, "UNAUTHENTICATED");
    }));

  it("uses the given user and password, or a random password", async () => {
    await withSimulator(
      async (sim) => {
        expect(sim.user).toBe("ops@example.test");
        expect(sim.password).toBe("s3cret!");
        const response = await rawRequest(sim, {
          method: "POST",
          path: "/api/session",
          basic: { user: "ops@example.test", password: "s3cret!" },
        });
        expect(response.status).toBe(201);
      },
      { user: "ops@example.test", password: "s3cret!" },
    );
    const a = await Simulator.start({ tls: false });
    const b = await Simulator.start({ tls: false });
    try {
      expect(a.user).toBe("administrator@vsphere.local");
      expect(a.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(a.password).not.toBe(b.password);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe("simulator counters", () => {
  it("counts logins, logouts, failures and requests per route, and resets", () =>
    withSimulator(async (sim) => {
      await rawRequest(sim, { method: "POST", path: "/api/session", basic: { user: "x", password: "y" } });
      const token = await login(sim);
      await rawRequest(sim, { path: "/api/vcenter/vm", token });
      await rawRequest(sim, { path: "/api/vcenter/vm", token });
      await rawRequest(sim, { path: "/api/session", token });
      await rawRequest(sim, { path: "/nowhere" });
      await rawRequest(sim, { method: "DELETE", path: "/api/session", token });
      expect(sim.counters).toMatchObject({
        logins: 1,
        logouts: 1,
        failedLogins: 1,
        activeSessions: 0,
        unmatched: 1,
      });
      expect(sim.counters.requests).toEqual({
        "session.create": 2,
        "session.get": 1,
        "session.delete": 1,
        "vm.list": 2,
        "guest.operations": 0,
        "processes.create": 0,
        "processes.list": 0,
        "processes.get": 0,
        "processes.delete": 0,
        "guest.identity": 0,
        "files.createTemporary": 0,
        "files.get": 0,
        "files.delete": 0,
        "directories.createTemporary": 0,
        "directories.delete": 0,
        "transfers.create": 0,
        "transfers.download": 0,
        "transfers.upload": 0,
      });
      const live = await login(sim);
      sim.counters.reset();
      expect(sim.counters).toMatchObject({
        logins: 0,
        logouts: 0,
        failedLogins: 0,
        unmatched: 0,
        activeSessions: 1,
      });
      expect(Object.values(sim.counters.requests).every((count) => count === 0)).toBe(true);
      expect((await rawRequest(sim, { path: "/api/session", token: live })).status).toBe(200);
      expect(sim.counters.requests["session.get"]).toBe(1);
    }));
});
