/** The simulator's guest identity and filesystem routes and its simulated ESXi host, over raw HTTPS. */
import { X509Certificate } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { connect } from "node:tls";
import { defaultInventory, type Simulator } from "../../src/simulator";
import {
  guestCredentials,
  login,
  type RawResponse,
  rawRequest,
  withSimulator,
} from "../helpers/with-simulator";
import { expectEnvelope } from "./expect-envelope";

const APP = "vm-1001";

function fsCall(
  sim: Simulator,
  token: string,
  path: string,
  body: Record<string, unknown> = {},
  vm = APP,
): Promise<RawResponse> {
  return rawRequest(sim, {
    method: "POST",
    path: `/api/vcenter/vm/${vm}/guest/filesystem${path}`,
    token,
    json: { credentials: guestCredentials(sim, vm === "vm-9999" ? APP : vm), ...body },
  });
}

/** A scratch directory under the simulator's work directory (removed with it). */
function scratch(sim: Simulator, name: string): string {
  const dir = join(sim.guestTempDir(APP), "..", name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A raw request to a transfer URL, trusting the simulator's CA. */
function transfer(
  sim: Simulator,
  url: string,
  method: "GET" | "PUT",
  body?: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; body: Buffer; peerCn: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca: sim.caPem, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      const cert = (res.socket as import("node:tls").TLSSocket).getPeerCertificate();
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const all = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          text: all.toString(),
          body: all,
          peerCn: String(cert?.subject?.CN),
        });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("simulator guest identity", () => {
  it("answers {name, family, full_name (a localizable message), host_name, ip_address}", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const answer = await rawRequest(sim, { path: `/api/vcenter/vm/${APP}/guest/identity`, token });
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({
        name: "OTHER_4X_LINUX_64",
        family: "LINUX",
        full_name: { id: expect.any(String), default_message: "Other 4.x or later Linux (64-bit)", args: [] },
        host_name: "app-01",
        ip_address: "127.0.0.1",
      });
      expectEnvelope(
        await rawRequest(sim, { path: "/api/vcenter/vm/vm-1002/guest/identity", token }),
        400,
        "NOT_ALLOWED_IN_CURRENT_STATE",
      );
      expectEnvelope(
        await rawRequest(sim, { path: "/api/vcenter/vm/vm-1003/guest/identity", token }),
        503,
        "SERVICE_UNAVAILABLE",
      );
      expect(sim.counters.requests["guest.identity"]).toBe(3);
    }));

  it("validates guest_os_family and guest_denied_paths in the inventory", async () => {
    const inventory = defaultInventory();
    (inventory.vms[0] as unknown as Record<string, unknown>).guest_os_family = "BEOS";
    (inventory.vms[1] as unknown as Record<string, unknown>).guest_denied_paths = ["relative"];
    await expect(withSimulator(async () => undefined, { inventory })).rejects.toThrow(
      /vms\[0\]\.guest_os_family: "BEOS" is not one of WINDOWS, LINUX[\s\S]*vms\[1\]\.guest_denied_paths/,
    );
  });
});

describe("simulator filesystem operations", () => {
  it("checks in order: VM, body, credentials, fields, power, Tools, guest password", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const unknown = expectEnvelope(
        await fsCall(sim, token, "/files?action=createTemporary", {}, "vm-9999"),
        404,
        "NOT_FOUND",
      );
      expect(unknown.data).toBeUndefined();
      const raw = await rawRequest(sim, {
        method: "POST",
        path: `/api/vcenter/vm/${APP}/guest/filesystem/files?action=createTemporary`,
        token,
        body: "nope",
      });
      expectEnvelope(raw, 400, "INVALID_REQUEST");
      const fields = expectEnvelope(
        await fsCall(sim, token, "/files?action=createTemporary", { suffix: "" }),
        400,
        "INVALID_ARGUMENT",
      );
      expect(fields.messages[0]!.args).toEqual(["prefix"]);
      const off = await rawRequest(sim, {
        method: "POST",
        path: "/api/vcenter/vm/vm-1002/guest/filesystem/files?action=createTemporary",
        token,
        json: { credentials: guestCredentials(sim, "vm-1002"), prefix: "a", suffix: "" },
      });
      expectEnvelope(off, 400, "NOT_ALLOWED_IN_CURRENT_STATE");
      const bad = await rawRequest(sim, {
        method: "POST",
        path: `/api/vcenter/vm/${APP}/guest/filesystem/files?action=createTemporary`,
        token,
        json: { credentials: { ...guestCredentials(sim, APP), password: "x" }, prefix: "a", suffix: "" },
      });
      expectEnvelope(bad, 401, "UNAUTHENTICATED");
      expect(sim.counters.requests["files.createTemporary"]).toBe(5);
    }));

  it("creates temporary files and directories in the VM's own temporary directory, or in parent_path", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const file = await fsCall(sim, token, "/files?action=createTemporary", {
        prefix: "pre-",
        suffix: ".txt",
      });
      expect(file.status).toBe(201);
      expect(file.json).toMatch(new RegExp(`^${sim.guestTempDir(APP)}/pre-[0-9a-f]+\\.txt$`));
      expect(readFileSync(file.json as string, "utf8")).toBe("");
      const parent = scratch(sim, "parent");
      const dir = await fsCall(sim, token, "/directories?action=createTemporary", {
        prefix: "d-",
        suffix: "",
        parent_path: parent,
      });
      expect(dir.status).toBe(201);
      expect((dir.json as string).startsWith(`${parent}/d-`)).toBe(true);
      const missing = expectEnvelope(
        await fsCall(sim, token, "/files?action=createTemporary", {
          prefix: "",
          suffix: "",
          parent_path: "/no/such/dir",
        }),
        404,
        "NOT_FOUND",
      );
      expect(missing.data).toEqual({ file_path: "/no/such/dir" });
      expectEnvelope(
        await fsCall(sim, token, "/files?action=createTemporary", { prefix: "../x", suffix: "" }),
        400,
        "INVALID_ARGUMENT",
      );
    }));

  it("describes, deletes files and directories, with the path as one encoded segment", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const dir = scratch(sim, "a b");
      const file = join(dir, "f 1.txt");
      writeFileSync(file, "12345");
      symlinkSync(file, join(dir, "link"));
      const info = await fsCall(sim, token, `/files/${encodeURIComponent(file)}?action=get`);
      expect(info.status).toBe(200);
      expect(info.json).toMatchObject({
        type: "FILE",
        size: 5,
        attributes: { posix: { permissions: expect.stringMatching(/^0[0-7]{3}$/) } },
      });
      expect(
        (await fsCall(sim, token, `/files/${encodeURIComponent(join(dir, "link"))}?action=get`)).json,
      ).toMatchObject({ type: "SYMLINK" });
      expect((await fsCall(sim, token, `/files/${encodeURIComponent(dir)}?action=get`)).json).toMatchObject({
        type: "DIRECTORY",
      });
      expectEnvelope(
        await fsCall(sim, token, `/files/${encodeURIComponent(dir)}?action=delete`),
        400,
        "INVALID_ARGUMENT",
      );
      expect(
        (await fsCall(sim, token, `/files/${encodeURIComponent(join(dir, "link"))}?action=delete`)).status,
      ).toBe(204);
      expect(existsSync(file)).toBe(true);
      const notEmpty = expectEnvelope(
        await fsCall(sim, token, "/directories?action=delete", { path: dir }),
        400,
        "INVALID_ARGUMENT",
      );
      expect(notEmpty.messages[0]!.default_message).toMatch(/recursive/);
      expect(
        (await fsCall(sim, token, "/directories?action=delete", { path: dir, recursive: true })).status,
      ).toBe(204);
      expect(existsSync(dir)).toBe(false);
      expectEnvelope(
        await fsCall(sim, token, `/files/${encodeURIComponent(file)}?action=get`),
        404,
        "NOT_FOUND",
      );
      expectEnvelope(await fsCall(sim, token, "/files/relative?action=get"), 400, "INVALID_ARGUMENT");
      const wrongMethod = await rawRequest(sim, {
        path: `/api/vcenter/vm/${APP}/guest/filesystem/files/x?action=get`,
        token,
      });
      expectEnvelope(wrongMethod, 405, "OPERATION_NOT_FOUND");
      expect(wrongMethod.headers.allow).toBe("POST");
    }));

  it("denies the inventory's guest_denied_paths with 403 UNAUTHORIZED", () => {
    const inventory = defaultInventory();
    inventory.vms[0]!.guest_denied_paths = ["/etc"];
    return withSimulator(
      async (sim) => {
        const token = await login(sim);
        expectEnvelope(
          await fsCall(sim, token, `/files/${encodeURIComponent("/etc/passwd")}?action=get`),
          403,
          "UNAUTHORIZED",
        );
        expectEnvelope(
          await fsCall(sim, token, "?action=create", {
            spec: { path: "/etc/x", attributes: { size: 1, overwrite: true } },
          }),
          403,
          "UNAUTHORIZED",
        );
        expect(
          (await fsCall(sim, token, `/files/${encodeURIComponent("/etcetera")}?action=get`)).status,
        ).toBe(404);
      },
      { inventory },
    );
  });

  it("checks transfer specs: attributes, the OS's kind of attributes, existing files", () => {
    const inventory = defaultInventory();
    inventory.vms[3]!.guest_os_family = "WINDOWS";
    return withSimulator(
      async (sim) => {
        const token = await login(sim);
        const dir = scratch(sim, "specs");
        writeFileSync(join(dir, "there"), "x");
        const create = (spec: unknown, vm = APP) => fsCall(sim, token, "?action=create", { spec }, vm);
        expectEnvelope(
          await create({ path: join(dir, "new"), attributes: { overwrite: false } }),
          400,
          "INVALID_ARGUMENT",
        );
        expectEnvelope(
          await create({ path: join(dir, "new"), attributes: { size: 1 } }),
          400,
          "INVALID_ARGUMENT",
        );
        expectEnvelope(
          await create({ path: join(dir, "new"), attributes: { size: 1, overwrite: false, windows: {} } }),
          400,
          "INVALID_ARGUMENT",
        );
        expectEnvelope(
          await create(
            {
              path: join(dir, "w"),
              attributes: { size: 1, overwrite: false, posix: { permissions: "0644" } },
            },
            "vm-1004",
          ),
          400,
          "INVALID_ARGUMENT",
        );
        expect(
          (
            await create(
              { path: join(dir, "w"), attributes: { size: 1, overwrite: false, windows: { hidden: true } } },
              "vm-1004",
            )
          ).status,
        ).toBe(201);
        expectEnvelope(
          await create({ path: join(dir, "there"), attributes: { size: 1, overwrite: false } }),
          400,
          "ALREADY_EXISTS",
        );
        expectEnvelope(await create({ path: dir }), 400, "INVALID_ARGUMENT");
        expectEnvelope(await create({ path: join(dir, "absent") }), 404, "NOT_FOUND");
        expectEnvelope(
          await create({ path: "/no/dir/x", attributes: { size: 1, overwrite: false } }),
          404,
          "NOT_FOUND",
        );
      },
      { inventory },
    );
  });
});

describe("simulated ESXi host", () => {
  it("presents its own certificate, signed by the simulator's CA, on a listener of its own", () =>
    withSimulator(async (sim) => {
      const [host, port] = sim.esxiServer.split(":");
      expect(sim.esxiServer).not.toBe(sim.server);
      const cert = await new Promise<X509Certificate>((resolve, reject) => {
        const socket = connect({ host, port: Number(port), ca: sim.caPem, servername: "localhost" }, () => {
          resolve(new X509Certificate(socket.getPeerCertificate(true).raw));
          socket.end();
        });
        socket.on("error", reject);
      });
      expect(cert.subject).toContain("CN=esx-01.simulator.local");
      expect(cert.checkIssued(new X509Certificate(sim.caPem!))).toBe(true);
      const vcenterCert = await new Promise<X509Certificate>((resolve, reject) => {
        const socket = connect(
          { host, port: Number(sim.server.split(":")[1]), ca: sim.caPem, servername: "localhost" },
          () => {
            resolve(new X509Certificate(socket.getPeerCertificate(true).raw));
            socket.end();
          },
        );
        socket.on("error", reject);
      });
      expect(cert.fingerprint256).not.toBe(vcenterCert.fingerprint256);
    }));

  it("serves a download once, with the * host when configured, counted and faultable per VM", () =>
    withSimulator(
      async (sim) => {
        const token = await login(sim);
        const file = join(scratch(sim, "dl"), "data");
        writeFileSync(file, "payload");
        const created = await fsCall(sim, token, "?action=create", { spec: { path: file } });
        expect(created.status).toBe(201);
        const url = created.json as string;
        expect(url).toMatch(/^https:\/\/\*:\d+\/guestFile\?id=\d+&token=[0-9a-f]+$/);
        const real = url.replace("*", "127.0.0.1");
        expect((await transfer(sim, real, "PUT", Buffer.from("x"))).status).toBe(405);
        sim.addFault({ route: "transfers.download", vm: "vm-1004", kind: "busy" });
        const first = await transfer(sim, real, "GET");
        expect(first).toMatchObject({ status: 200, text: "payload", peerCn: "esx-01.simulator.local" });
        const second = await transfer(sim, real, "GET");
        expect(second.status).toBe(404);
        expect(second.text).toMatch(/already used/);
        sim.addFault({
          route: "transfers.download",
          vm: APP,
          kind: "status",
          status: 503,
          body: "host busy",
        });
        const again = (await fsCall(sim, token, "?action=create", { spec: { path: file } })).json as string;
        expect(await transfer(sim, again.replace("*", "127.0.0.1"), "GET")).toMatchObject({
          status: 503,
          text: "host busy",
        });
        expect(sim.counters.requests["transfers.download"]).toBe(3);
        expect(sim.counters.requests["transfers.upload"]).toBe(1);
        expect((await transfer(sim, real.replace("/guestFile", "/other"), "GET")).status).toBe(404);
      },
      { transferUrlHost: "*" },
    ));

  it("receives an upload of exactly the announced size, or leaves nothing", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const dir = scratch(sim, "up");
      const target = join(dir, "up.bin");
      const url = async () =>
        (
          await fsCall(sim, token, "?action=create", {
            spec: { path: target, attributes: { size: 4, overwrite: true, posix: { permissions: "0700" } } },
          })
        ).json as string;
      const short = await transfer(sim, await url(), "PUT", Buffer.from("abc"));
      expect(short.status).toBe(400);
      expect(short.text).toMatch(/announced 4 bytes but sends 3/);
      expect(existsSync(target)).toBe(false);
      const ok = await transfer(sim, await url(), "PUT", Buffer.from("abcd"));
      expect(ok.status).toBe(200);
      expect(readFileSync(target, "utf8")).toBe("abcd");
      expect(statSync(target).mode & 0o777).toBe(0o700);
      expect(readdirSync(dir)).toEqual(["up.bin"]);
    }));
});
