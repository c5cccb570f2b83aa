import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { guestCall, guestCredentials, login, rawRequest, withSimulator } from "../helpers/with-simulator";
import { expectEnvelope } from "./expect-envelope";

const LIST = "/api/vcenter/vm/vm-1001/guest/processes?action=list";

describe("simulator guest call checks, in order", () => {
  it("answers an unknown VM with 404 NOT_FOUND before looking at the body or the pid", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      for (const path of [
        "/api/vcenter/vm/vm-9/guest/processes?action=list",
        "/api/vcenter/vm/vm-9/guest/processes/abc?action=get",
        "/api/vcenter/vm/vm-9/guest/processes?action=create",
      ]) {
        const response = await rawRequest(sim, { method: "POST", path, token, body: "not json" });
        expect(expectEnvelope(response, 404, "NOT_FOUND").messages[0].args).toEqual(["vm-9"]);
      }
    }));

  it.each(["abc", "0", "-1", "1.5", "1e3", "+5", "9223372036854775808", "99999999999999999999"])(
    "refuses the pid %p with 400 INVALID_ARGUMENT",
    (pid) =>
      withSimulator(async (sim) => {
        const token = await login(sim);
        const response = await guestCall(sim, token, "vm-1001", "get", { pid });
        expect(expectEnvelope(response, 400, "INVALID_ARGUMENT").messages[0].args).toEqual(["pid"]);
      }),
  );

  it.each([
    ["an empty body", ""],
    ["a body that is not JSON", "{credentials:"],
    ["a JSON array", "[]"],
    ["a JSON string", '"credentials"'],
  ])("refuses %s with 400 INVALID_REQUEST", (_name, body) =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const response = await rawRequest(sim, { method: "POST", path: LIST, token, body });
      expectEnvelope(response, 400, "INVALID_REQUEST");
    }),
  );

  it.each([
    ["missing credentials", {}, "credentials"],
    ["credentials that are not an object", { credentials: "root" }, "credentials"],
    [
      "a missing interactive_session",
      { credentials: { type: "USERNAME_PASSWORD", user_name: "root", password: "x" } },
      "credentials.interactive_session",
    ],
    [
      "a string interactive_session",
      {
        credentials: {
          interactive_session: "false",
          type: "USERNAME_PASSWORD",
          user_name: "root",
          password: "x",
        },
      },
      "credentials.interactive_session",
    ],
    [
      "a missing type",
      { credentials: { interactive_session: false, user_name: "root", password: "x" } },
      "credentials.type",
    ],
    [
      "an unknown type",
      { credentials: { interactive_session: false, type: "TICKET", user_name: "root", password: "x" } },
      "credentials.type",
    ],
    [
      "a missing user_name",
      { credentials: { interactive_session: false, type: "USERNAME_PASSWORD", password: "x" } },
      "credentials.user_name",
    ],
    [
      "a missing password",
      { credentials: { interactive_session: false, type: "USERNAME_PASSWORD", user_name: "root" } },
      "credentials.password",
    ],
    [
      "a missing saml_token",
      { credentials: { interactive_session: false, type: "SAML_BEARER_TOKEN" } },
      "credentials.saml_token",
    ],
  ])("refuses %s with 400 INVALID_ARGUMENT naming the field", (_name, body, field) =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const response = await rawRequest(sim, { method: "POST", path: LIST, token, json: body });
      const envelope = expectEnvelope(response, 400, "INVALID_ARGUMENT");
      expect(envelope.messages[0].args).toEqual([field]);
      expect(envelope.messages[0].default_message.startsWith(`${field}:`)).toBe(true);
    }),
  );

  it("checks the credentials' shape before the power state", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const response = await guestCall(sim, token, "vm-1002", "list", {
        body: { credentials: { type: "USERNAME_PASSWORD" } },
      });
      expectEnvelope(response, 400, "INVALID_ARGUMENT");
    }));

  it("answers a powered-off VM with 400 NOT_ALLOWED_IN_CURRENT_STATE, before checking the guest password", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const wrong = { credentials: { ...guestCredentials(sim, "vm-1002"), password: "wrong" } };
      for (const body of [undefined, wrong]) {
        const response = await guestCall(sim, token, "vm-1002", "list", { body });
        expect(
          expectEnvelope(response, 400, "NOT_ALLOWED_IN_CURRENT_STATE").messages[0].default_message,
        ).toContain("POWERED_OFF");
      }
    }));

  it("answers a VM whose Tools do not run with 503 SERVICE_UNAVAILABLE, before checking the guest password", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const wrong = { credentials: { ...guestCredentials(sim, "vm-1003"), password: "wrong" } };
      for (const body of [undefined, wrong]) {
        expectEnvelope(await guestCall(sim, token, "vm-1003", "list", { body }), 503, "SERVICE_UNAVAILABLE");
      }
      sim.setVmState("vm-1003", { tools_running: true });
      expect((await guestCall(sim, token, "vm-1003", "list")).status).toBe(200);
    }));

  it.each([
    ["a wrong password", { password: "wrong" }],
    ["a wrong user", { user_name: "admin" }],
    ["another VM's password", { password: "Guest-Pass-1004!" }],
  ])("answers %s with 401 UNAUTHENTICATED", (_name, change) =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const body = { credentials: { ...guestCredentials(sim, "vm-1001"), ...change } };
      expectEnvelope(await guestCall(sim, token, "vm-1001", "list", { body }), 401, "UNAUTHENTICATED");
      expect((await rawRequest(sim, { path: "/api/session", token })).status).toBe(200);
    }),
  );

  it("accepts the VM's SAML token and refuses any other", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const saml = (saml_token: string) => ({
        credentials: { interactive_session: false, type: "SAML_BEARER_TOKEN", saml_token },
      });
      expect(
        (await guestCall(sim, token, "vm-1001", "list", { body: saml("SIMULATED-SAML-ASSERTION-vm-1001") }))
          .status,
      ).toBe(200);
      expectEnvelope(
        await guestCall(sim, token, "vm-1001", "list", { body: saml("forged") }),
        401,
        "UNAUTHENTICATED",
      );
      // vm-1004 has no SAML token configured: every token is refused.
      expectEnvelope(
        await guestCall(sim, token, "vm-1004", "list", { body: saml("SIMULATED-SAML-ASSERTION-vm-1001") }),
        401,
        "UNAUTHENTICATED",
      );
    }));

  it("refuses interactive_session: true unless the user is logged in to the guest desktop", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const interactive = (vm: string) => ({
        credentials: { ...guestCredentials(sim, vm), interactive_session: true },
      });
      const refused = await guestCall(sim, token, "vm-1001", "list", { body: interactive("vm-1001") });
      expect(
        expectEnvelope(refused, 400, "NOT_ALLOWED_IN_CURRENT_STATE").messages[0].default_message,
      ).toContain('no interactive session for user "root"');
      expect((await guestCall(sim, token, "vm-1005", "list", { body: interactive("vm-1005") })).status).toBe(
        200,
      );
    }));

  it("checks the guest password before the interactive session", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const body = {
        credentials: { ...guestCredentials(sim, "vm-1001"), interactive_session: true, password: "x" },
      };
      expectEnvelope(await guestCall(sim, token, "vm-1001", "list", { body }), 401, "UNAUTHENTICATED");
    }));
});

describe("simulator create spec checks", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sim-spec-"));
    await writeFile(join(dir, "not-executable.sh"), "#!/bin/sh\nexit 0\n");
    await chmod(join(dir, "not-executable.sh"), 0o644);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ["a missing spec", undefined, 400, "INVALID_ARGUMENT", "spec"],
    ["a spec without path", {}, 400, "INVALID_ARGUMENT", "spec.path"],
    [
      "a non-string arguments",
      { path: "/bin/true", arguments: ["a"] },
      400,
      "INVALID_ARGUMENT",
      "spec.arguments",
    ],
    [
      "an environment that is not an object",
      { path: "/bin/true", environment_variables: ["A=1"] },
      400,
      "INVALID_ARGUMENT",
      "spec.environment_variables",
    ],
    [
      "a non-string environment value",
      { path: "/bin/true", environment_variables: { A: 1 } },
      400,
      "INVALID_ARGUMENT",
      "spec.environment_variables.A",
    ],
    ["a relative path", { path: "bin/true" }, 400, "INVALID_ARGUMENT", "path"],
    ["a path that does not exist", { path: "/no/such/program" }, 400, "INVALID_ARGUMENT", "path"],
    ["a directory as path", { path: "/bin" }, 400, "INVALID_ARGUMENT", "path"],
    [
      "a missing working directory",
      { path: "/bin/true", working_directory: "/no/such/dir" },
      400,
      "INVALID_ARGUMENT",
      "working_directory",
    ],
    [
      "start_minimized on Linux",
      { path: "/bin/true", start_minimized: true },
      400,
      "INVALID_ARGUMENT",
      "start_minimized",
    ],
  ])("refuses %s", (_name, spec, status, errorType, field) =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const body = spec === undefined ? { credentials: guestCredentials(sim, "vm-1001") } : undefined;
      const response = await guestCall(sim, token, "vm-1001", "create", { spec, body });
      expect(expectEnvelope(response, status, errorType).messages[0].args).toEqual([field]);
    }),
  );

  it("refuses a program that is not executable with 403 UNAUTHORIZED", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const path = join(dir, "not-executable.sh");
      const response = await guestCall(sim, token, "vm-1001", "create", { spec: { path } });
      expect(expectEnvelope(response, 403, "UNAUTHORIZED").messages[0].default_message).toContain(
        "not executable",
      );
    }));

  it("checks the spec's shape before the power state, and the program only after authentication", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      expectEnvelope(
        await guestCall(sim, token, "vm-1002", "create", { spec: { path: 5 } }),
        400,
        "INVALID_ARGUMENT",
      );
      expectEnvelope(
        await guestCall(sim, token, "vm-1002", "create", { spec: { path: "/no/such" } }),
        400,
        "NOT_ALLOWED_IN_CURRENT_STATE",
      );
      const body = {
        credentials: { ...guestCredentials(sim, "vm-1001"), password: "x" },
        spec: { path: "/no/such" },
      };
      expectEnvelope(await guestCall(sim, token, "vm-1001", "create", { body }), 401, "UNAUTHENTICATED");
    }));
});
