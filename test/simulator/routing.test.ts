import { Agent } from "node:https";
import { login, rawRequest, withSimulator } from "../helpers/with-simulator";
import { expectEnvelope } from "./expect-envelope";

describe("simulator routing", () => {
  it.each([
    ["an unknown path", "GET", "/nowhere"],
    ["the API root", "GET", "/api"],
    ["a trailing slash", "GET", "/api/vcenter/vm/"],
    ["a single VM (not served)", "GET", "/api/vcenter/vm/vm-1001"],
    ["a deeper unknown path", "POST", "/api/vcenter/vm/vm-1001/guest/processes/1/2?action=get"],
    ["an unknown action", "POST", "/api/vcenter/vm/vm-1001/guest/processes?action=frobnicate"],
    ["get without a pid", "POST", "/api/vcenter/vm/vm-1001/guest/processes?action=get"],
    ["create with a pid", "POST", "/api/vcenter/vm/vm-1001/guest/processes/5?action=create"],
  ])("answers %s with 404 OPERATION_NOT_FOUND", (_name, method, path) =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      expectEnvelope(await rawRequest(sim, { method, path, token, json: {} }), 404, "OPERATION_NOT_FOUND");
      expect(sim.counters.unmatched).toBe(1);
    }),
  );

  it.each([
    ["GET on the processes path", "GET", "/api/vcenter/vm/vm-1001/guest/processes?action=list", "POST"],
    ["GET on a pid path", "GET", "/api/vcenter/vm/vm-1001/guest/processes/1?action=get", "POST"],
    ["PUT on the session", "PUT", "/api/session", "POST, GET, DELETE"],
    ["POST on the VM list", "POST", "/api/vcenter/vm", "GET"],
  ])("answers %s with 405 OPERATION_NOT_FOUND and an Allow header", (_name, method, path, allow) =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const response = await rawRequest(sim, { method, path, token });
      expectEnvelope(response, 405, "OPERATION_NOT_FOUND");
      expect(response.headers.allow).toBe(allow);
    }),
  );

  it("answers a processes POST without ?action= with 400 INVALID_REQUEST", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const response = await rawRequest(sim, {
        method: "POST",
        path: "/api/vcenter/vm/vm-1001/guest/processes",
        token,
        json: {},
      });
      expect(expectEnvelope(response, 400, "INVALID_REQUEST").messages[0].default_message).toContain(
        "action",
      );
    }));

  it.each([
    [
      "an encoded traversal as the VM id",
      "/api/vcenter/vm/vm-1001%2F..%2F..%2Fsession",
      404,
      "OPERATION_NOT_FOUND",
    ],
    [
      "an encoded traversal inside a guest path",
      "/api/vcenter/vm/vm-1001%2F..%2F..%2F..%2Fsession%3F/guest/operations",
      404,
      "NOT_FOUND",
    ],
    ["encoded dots", "/api/vcenter/vm/%2e%2e/%2e%2e/session", 404, "OPERATION_NOT_FOUND"],
    ["raw dot segments (not normalised)", "/api/vcenter/vm/../../session", 404, "OPERATION_NOT_FOUND"],
    ["a raw '..' VM id", "/api/vcenter/vm/../guest/operations", 404, "NOT_FOUND"],
    [
      "a double-encoded id (decoded once only)",
      "/api/vcenter/vm/vm%252D1001/guest/operations",
      404,
      "NOT_FOUND",
    ],
    ["bad percent-encoding", "/api/vcenter/vm/%zz/guest/operations", 400, "INVALID_REQUEST"],
  ])("keeps %s inside its segment", (_name, path, status, errorType) =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      expectEnvelope(await rawRequest(sim, { path, token }), status, errorType);
      expect(sim.counters.requests["session.get"]).toBe(0);
    }),
  );

  it("decodes the VM segment once", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const response = await rawRequest(sim, { path: "/api/vcenter/vm/vm%2D1001/guest/operations", token });
      expect(response.status).toBe(200);
    }));

  it("refuses a body over 1 MiB with 400 INVALID_REQUEST and keeps serving", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const big = JSON.stringify({ credentials: {}, padding: "x".repeat(1024 * 1024) });
      const response = await rawRequest(sim, {
        method: "POST",
        path: "/api/vcenter/vm/vm-1001/guest/processes?action=list",
        token,
        body: big,
        headers: { "content-type": "application/json" },
      });
      expect(expectEnvelope(response, 400, "INVALID_REQUEST").messages[0].default_message).toContain("limit");
      expect((await rawRequest(sim, { path: "/api/session", token })).status).toBe(200);
    }));

  it("keeps connections alive between requests", () =>
    withSimulator(async (sim) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const token = await login(sim);
        const first = await rawRequest(sim, { path: "/api/session", token, agent });
        const second = await rawRequest(sim, { path: "/api/vcenter/vm", token, agent });
        expect([first.status, second.status]).toEqual([200, 200]);
        expect(second.reusedSocket).toBe(true);
      } finally {
        agent.destroy();
      }
    }));
});
