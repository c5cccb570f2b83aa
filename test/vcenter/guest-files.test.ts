import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import type { InventoryDocument, Simulator, SimulatorOptions } from "../../src/simulator";
import { defaultInventory } from "../../src/simulator";
import {
  AbortedError,
  ApiError,
  BadResponseError,
  GuestAuthenticationError,
  GuestFileNotFoundError,
  InvalidArgumentError,
  TlsError,
  TransferError,
  TransferLimitError,
  TransportError,
  VCenterClient,
  type VCenterClientOptions,
  VsphereGuestError,
  WaitTimeoutError,
} from "../../src/vcenter";
import { FileTransfers } from "../../src/vcenter/file-transfer";
import { eventually, withSimulator } from "../helpers/with-simulator";

const APP = "vm-1001";

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

/** Starts a simulator and a client, runs `fn`, closes both. */
function withClient<T>(
  fn: (sim: Simulator, client: VCenterClient) => Promise<T>,
  options?: SimulatorOptions,
  clientOptions?: Partial<VCenterClientOptions>,
): Promise<T> {
  return withSimulator(async (sim) => {
    const client = clientFor(sim, clientOptions);
    try {
      return await fn(sim, client);
    } finally {
      await client.close();
    }
  }, options);
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

/** Whether a local process (a simulated guest's process is one) still exists. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** What is left in a VM's temporary directory (the client's temporary files go there). */
function leftovers(sim: Simulator, vm = APP): string[] {
  const dir = sim.guestTempDir(vm);
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** A private local directory, inside the VM's temporary directory's parent (removed with the simulator). */
function scratch(sim: Simulator): string {
  const dir = join(sim.guestTempDir(APP), "..", `scratch-${randomBytes(3).toString("hex")}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function inventoryWith(patch: Partial<InventoryDocument["vms"][number]>, vm = APP): InventoryDocument {
  const doc = defaultInventory();
  doc.vms = doc.vms.map((v) => (v.vm === vm ? { ...v, ...patch } : v));
  return doc;
}

describe("guest identity", () => {
  it("reads the family and names of the guest, LINUX by default", () =>
    withClient(async (_sim, client) => {
      expect(await client.guestIdentity(APP)).toEqual({
        name: "OTHER_4X_LINUX_64",
        family: "LINUX",
        fullName: "Other 4.x or later Linux (64-bit)",
        hostName: "app-01",
        ipAddress: "127.0.0.1",
      });
    }));

  it("reports the family the inventory gives", () =>
    withClient(
      async (_sim, client) => {
        expect((await client.guestIdentity(APP)).family).toBe("WINDOWS");
      },
      { inventory: inventoryWith({ guest_os_family: "WINDOWS" }) },
    ));

  it("is 503 while Tools is not running and 400 while the VM is off, saying what to do like every guest call", () =>
    withClient(async (_sim, client) => {
      const tools = await caught(client.guestIdentity("vm-1003"));
      expect(tools).toBeInstanceOf(ApiError);
      expect((tools as ApiError).errorType).toBe("SERVICE_UNAVAILABLE");
      expect(tools.message).toContain("wait for it to start and retry");
      const off = await caught(client.guestIdentity("vm-1002"));
      expect((off as ApiError).errorType).toBe("NOT_ALLOWED_IN_CURRENT_STATE");
      expect(off.message).toContain("power it on first");
    }));

  it.each([
    [
      "family",
      '{"name":"x","family":"linux","full_name":{"id":"","default_message":"x","args":[]},"host_name":"h"}',
      /invalid family: "linux" is not one of WINDOWS, LINUX/,
    ],
    [
      "full_name",
      '{"name":"x","family":"LINUX","full_name":"Linux","host_name":"h"}',
      /invalid full_name: "Linux" is not an object/,
    ],
    [
      "host_name",
      '{"name":"x","family":"LINUX","full_name":{"default_message":"x"},"host_name":7}',
      /invalid host_name: 7 is not a string/,
    ],
  ])("refuses an identity with a malformed %s, naming the field and value", (_field, body, message) =>
    withClient(async (sim, client) => {
      sim.addFault({
        route: "guest.identity",
        kind: "status",
        status: 200,
        body,
        contentType: "application/json",
      });
      const error = await caught(client.guestIdentity(APP));
      expect(error).toBeInstanceOf(BadResponseError);
      expect(error.message).toMatch(/guest identity/);
      expect(error.message).toMatch(message);
    }),
  );
});

describe("upload and download", () => {
  it("round-trips binary, empty and up-to-the-limit files, with * host substitution", () =>
    withClient(
      async (sim, client) => {
        const guest = guestOf(sim);
        const dir = scratch(sim);
        for (const [name, data] of [
          ["binary", randomBytes(300_000)],
          ["empty", Buffer.alloc(0)],
          ["all-bytes", Buffer.from(Array.from({ length: 256 }, (_, i) => i))],
        ] as const) {
          const path = join(dir, name);
          await client.uploadFile(APP, guest, path, data);
          expect(readFileSync(path).equals(data)).toBe(true);
          const back = await client.downloadFile(APP, guest, path, { maxBytes: data.length });
          expect(back.truncated).toBe(false);
          expect(back.data.equals(data)).toBe(true);
        }
        expect(sim.counters.requests["transfers.upload"]).toBe(3);
        expect(sim.counters.requests["transfers.download"]).toBe(3);
        expect(client.stats.transfers).toBe(6);
      },
      { transferUrlHost: "*" },
    ));

  it("streams a download into a writable and counts its bytes", () =>
    withClient(async (sim, client) => {
      const path = join(scratch(sim), "big");
      const data = randomBytes(3 * 1024 * 1024 + 17);
      writeFileSync(path, data);
      const chunks: Buffer[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _e, done) {
          chunks.push(chunk);
          done();
        },
      });
      expect(await client.downloadFileTo(APP, guestOf(sim), path, sink)).toBe(data.length);
      expect(Buffer.concat(chunks).equals(data)).toBe(true);
    }));

  it("uploads from a stream with its size, with the permissions asked for", () =>
    withClient(async (sim, client) => {
      const path = join(scratch(sim), "script.sh");
      const stream = new PassThrough();
      stream.end("#!/bin/sh\necho hi\n");
      await client.uploadFile(APP, guestOf(sim), path, { stream, size: 18 }, { mode: "0750" });
      expect(readFileSync(path, "utf8")).toBe("#!/bin/sh\necho hi\n");
      const info = await client.getFile(APP, guestOf(sim), path);
      expect(info).toMatchObject({ type: "FILE", size: 18, permissions: "0750" });
    }));

  it("refuses a download over the limit before reading it, or truncates when asked", () =>
    withClient(async (sim, client) => {
      const path = join(scratch(sim), "over");
      writeFileSync(path, Buffer.alloc(1000, 0x61));
      const error = await caught(client.downloadFile(APP, guestOf(sim), path, { maxBytes: 999 }));
      expect(error).toBeInstanceOf(TransferLimitError);
      expect(error.code).toBe("VSG_ERR_TRANSFER_LIMIT");
      expect(error.message).toContain(path);
      expect(error.message).toContain("999 bytes");
      const cut = await client.downloadFile(APP, guestOf(sim), path, { maxBytes: 10, onLimit: "truncate" });
      expect(cut).toEqual({ data: Buffer.from("aaaaaaaaaa"), truncated: true });
      const sinkError = await caught(
        client.downloadFileTo(APP, guestOf(sim), path, new PassThrough(), { maxBytes: 5 }),
      );
      expect(sinkError).toBeInstanceOf(TransferLimitError);
    }));

  it("refuses an existing file without overwrite (ALREADY_EXISTS), replaces it with overwrite", () =>
    withClient(async (sim, client) => {
      const path = join(scratch(sim), "exists");
      writeFileSync(path, "old");
      const error = await caught(client.uploadFile(APP, guestOf(sim), path, Buffer.from("new")));
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).errorType).toBe("ALREADY_EXISTS");
      expect(error.message).toContain(path);
      expect(error.message).toMatch(/overwrite/);
      expect(readFileSync(path, "utf8")).toBe("old");
      await client.uploadFile(APP, guestOf(sim), path, Buffer.from("new"), { overwrite: true });
      expect(readFileSync(path, "utf8")).toBe("new");
    }));

  it("explains no space (UNABLE_TO_ALLOCATE_RESOURCE), denied paths (UNAUTHORIZED) and missing files", () =>
    withClient(
      async (sim, client) => {
        const guest = guestOf(sim);
        const path = join(scratch(sim), "large");
        const full = await caught(client.uploadFile(APP, guest, path, Buffer.alloc(2048)));
        expect((full as ApiError).errorType).toBe("UNABLE_TO_ALLOCATE_RESOURCE");
        expect(full.message).toMatch(/free space/);
        const denied = await caught(client.downloadFile(APP, guest, "/etc/hostname"));
        expect((denied as ApiError).errorType).toBe("UNAUTHORIZED");
        expect(denied.message).toContain('"/etc/hostname" in VM vm-1001');
        expect(denied.message).toMatch(/may not read or write/);
        const missing = await caught(client.getFile(APP, guest, "/nonexistent/x y"));
        expect(missing).toBeInstanceOf(GuestFileNotFoundError);
        expect(missing.code).toBe("VSG_ERR_GUEST_FILE_NOT_FOUND");
        expect(missing.message).toContain('"/nonexistent/x y"');
        const directory = await caught(
          client.downloadFile(APP, guest, sim.guestTempDir(APP).replace(/\/tmp$/, "")),
        );
        expect((directory as ApiError).errorType).toBe("INVALID_ARGUMENT");
        expect(directory.message).toMatch(/regular file/);
      },
      { maxUploadBytes: 1024, inventory: inventoryWith({ guest_denied_paths: ["/etc"] }) },
    ));

  it("checks arguments before any request", () =>
    withClient(async (sim, client) => {
      const guest = guestOf(sim);
      await expect(client.getFile(APP, guest, "relative/path")).rejects.toThrow(InvalidArgumentError);
      await expect(client.uploadFile(APP, guest, "/tmp/x", Buffer.alloc(1), { mode: "rwx" })).rejects.toThrow(
        /mode "rwx"/,
      );
      await expect(client.downloadFile(APP, guest, "/tmp/x", { maxBytes: -1 })).rejects.toThrow(/byte limit/);
      expect(sim.counters.requests["transfers.create"]).toBe(0);
    }));

  it("refuses wrong guest credentials as such", () =>
    withClient(async (_sim, client) => {
      const error = await caught(
        client.createTemporaryFile(APP, { userName: "root", password: "Not-The-Password-93" }),
      );
      expect(error).toBeInstanceOf(GuestAuthenticationError);
      expect(error.message).not.toContain("Not-The-Password-93");
    }));
});

describe("transfer URLs", () => {
  it("work once", () =>
    withClient(async (sim, client) => {
      const path = join(scratch(sim), "once");
      writeFileSync(path, "data");
      const url = await client.createDownloadUrl(APP, guestOf(sim), path);
      expect(url.host).toBe(sim.esxiServer);
      const first = await fetchText(sim, url);
      expect(first).toEqual({ status: 200, text: "data" });
      const second = await fetchText(sim, url);
      expect(second.status).toBe(404);
      expect(second.text).toMatch(/already used/);
    }));

  it("after the transfers were closed, a transfer is an AbortedError saying so", () =>
    withClient(async (sim, client) => {
      const path = join(scratch(sim), "closed");
      writeFileSync(path, "data");
      const transfers = new FileTransfers({
        ca: sim.caPem,
        allowUnverifiedSsl: false,
        connectTimeoutMs: 5000,
        requestTimeoutMs: 5000,
        userAgent: "test",
      });
      const target = { vm: APP, path };
      const limit = { maxBytes: 1024, onLimit: "error" as const };
      const first = await transfers.read(
        await client.createDownloadUrl(APP, guestOf(sim), path),
        target,
        limit,
      );
      expect(first.data.toString()).toBe("data");
      await transfers.close();
      const url = await client.createDownloadUrl(APP, guestOf(sim), path);
      const err = await caught(transfers.read(url, target, limit));
      expect(err).toBeInstanceOf(AbortedError);
      expect(err.message).toMatch(/the download of .*closed.* in VM vm-1001 \(the client was closed\)/);
    }));

  it("replace the * host by the server called", () =>
    withClient(
      async (sim, client) => {
        const path = join(scratch(sim), "star");
        writeFileSync(path, "x");
        const url = await client.createDownloadUrl(APP, guestOf(sim), path);
        expect(url.hostname).toBe("127.0.0.1");
        expect(url.port).toBe(sim.esxiServer.split(":")[1]);
      },
      { transferUrlHost: "*" },
    ));

  it("expire after 10 minutes on the simulator's clock", () => {
    let now = Date.now();
    return withClient(
      async (sim, client) => {
        const path = join(scratch(sim), "expiring");
        writeFileSync(path, "x");
        const url = await client.createDownloadUrl(APP, guestOf(sim), path);
        now += 10 * 60_000;
        const answer = await fetchText(sim, url);
        expect(answer.status).toBe(404);
        expect(answer.text).toMatch(/expired/);
        const fresh = await client.createDownloadUrl(APP, guestOf(sim), path);
        now += 9 * 60_000;
        expect((await fetchText(sim, fresh)).status).toBe(200);
      },
      { clock: () => new Date(now) },
    );
  });

  it("die when the VM is powered off", () =>
    withClient(async (sim, client) => {
      const path = join(scratch(sim), "off");
      writeFileSync(path, "x");
      const url = await client.createDownloadUrl(APP, guestOf(sim), path);
      sim.setVmState(APP, { power_state: "POWERED_OFF" });
      sim.setVmState(APP, { power_state: "POWERED_ON", tools_running: true });
      const answer = await fetchText(sim, url);
      expect(answer.status).toBe(404);
      expect(answer.text).toMatch(/stopped running/);
    }));

  it("a refused transfer is a TransferError naming the path and what to do", () =>
    withClient(async (sim, client) => {
      const path = join(scratch(sim), "refused");
      writeFileSync(path, "x");
      sim.addFault({ route: "transfers.download", kind: "status", status: 404, body: "gone", count: 1 });
      const error = await caught(client.downloadFile(APP, guestOf(sim), path));
      expect(error).toBeInstanceOf(TransferError);
      expect(error.code).toBe("VSG_ERR_TRANSFER");
      expect(error.message).toContain(path);
      expect(error.message).toMatch(/HTTP 404/);
      expect(error.message).toMatch(/works once and for 10 minutes/);
    }));

  it("are never retried: Transfers.create and createTemporary after a reset, nor the GET itself", () =>
    withClient(async (sim, client) => {
      const guest = guestOf(sim);
      const path = join(scratch(sim), "reset");
      writeFileSync(path, "x");
      sim.addFault({ route: "transfers.create", kind: "reset", count: 1 });
      expect(await caught(client.downloadFile(APP, guest, path))).toBeInstanceOf(TransportError);
      expect(sim.counters.requests["transfers.create"]).toBe(1);
      sim.addFault({ route: "files.createTemporary", kind: "reset", count: 1 });
      expect(await caught(client.createTemporaryFile(APP, guest))).toBeInstanceOf(TransportError);
      expect(sim.counters.requests["files.createTemporary"]).toBe(1);
      sim.addFault({ route: "transfers.download", kind: "reset", count: 1 });
      expect(await caught(client.downloadFile(APP, guest, path))).toBeInstanceOf(TransportError);
      expect(sim.counters.requests["transfers.download"]).toBe(1);
      // Idempotent calls are retried as before.
      sim.addFault({ route: "files.get", kind: "reset", count: 1 });
      expect((await client.getFile(APP, guest, path)).size).toBe(1);
      expect(sim.counters.requests["files.get"]).toBe(2);
    }));

  it("refuses a malformed transfer URL, naming it", () =>
    withClient(async (sim, client) => {
      sim.addFault({
        route: "transfers.create",
        kind: "status",
        status: 201,
        body: '"ftp://esx/x"',
        contentType: "application/json",
      });
      const error = await caught(client.createDownloadUrl(APP, guestOf(sim), "/tmp/x"));
      expect(error).toBeInstanceOf(BadResponseError);
      expect(error.message).toMatch(
        /start a download has an invalid transfer URL: "ftp:\/\/esx\/x" is not an https/,
      );
      sim.addFault({
        route: "files.createTemporary",
        kind: "status",
        status: 201,
        body: "42",
        contentType: "application/json",
      });
      const path = await caught(client.createTemporaryFile(APP, guestOf(sim)));
      expect(path.message).toMatch(/create a temporary file has an invalid path: 42 is not a guest path/);
    }));
});

describe("TLS of the ESXi host", () => {
  it("is verified with the client's CA option: a host certificate from another CA is refused", () =>
    withClient(
      async (sim, client) => {
        const path = join(scratch(sim), "tls");
        writeFileSync(path, "secret");
        const error = await caught(client.downloadFile(APP, guestOf(sim), path));
        expect(error).toBeInstanceOf(TlsError);
        expect(error.message).toMatch(/ESXi host/);
        expect(sim.counters.requests["transfers.download"]).toBe(0);
      },
      { transferCertificate: "untrusted-ca" },
    ));

  it("allowUnverifiedSsl covers the transfer too", () =>
    withSimulator(
      async (sim) => {
        const client = clientFor(sim, { caFile: undefined, allowUnverifiedSsl: true });
        try {
          const path = join(scratch(sim), "insecure");
          writeFileSync(path, "lab");
          expect((await client.downloadFile(APP, guestOf(sim), path)).data.toString()).toBe("lab");
        } finally {
          await client.close();
        }
      },
      { transferCertificate: "untrusted-ca" },
    ));
});

describe("runCaptured", () => {
  it("with discardOutput, runs the same command line with its output sent to /dev/null: no temporary files, no transfers", () =>
    withClient(async (sim, client) => {
      const marker = join(scratch(sim), "ran");
      sim.counters.reset();
      const result = await client.runCaptured(
        APP,
        guestOf(sim),
        `echo out; echo err >&2; echo done > ${marker}; exit 3`,
        { discardOutput: true },
      );
      expect(result).toMatchObject({ exitCode: 3, stdout: "", stderr: "", truncated: false, warnings: [] });
      expect(readFileSync(marker, "utf8")).toBe("done\n");
      expect(sim.counters.requests["processes.create"]).toBe(1);
      expect(sim.counters.requests["directories.createTemporary"]).toBe(0);
      expect(sim.counters.requests["transfers.create"]).toBe(0);
      expect(sim.counters.requests["directories.delete"]).toBe(0);
      expect(leftovers(sim)).toEqual([]);
    }));

  it("captures stdout and stderr separately, with the exit code, and leaves nothing behind", () =>
    withClient(async (sim, client) => {
      const result = await client.runCaptured(APP, guestOf(sim), "echo out; echo err >&2; exit 4");
      expect(result).toMatchObject({
        exitCode: 4,
        stdout: "out\n",
        stderr: "err\n",
        truncated: false,
        warnings: [],
      });
      expect(Date.parse(result.finished)).toBeGreaterThanOrEqual(Date.parse(result.started));
      expect(leftovers(sim)).toEqual([]);
    }));

  it("runs an argv with working directory and environment", () =>
    withClient(async (sim, client) => {
      const result = await client.runCaptured(
        APP,
        guestOf(sim),
        ["/bin/sh", "-c", 'printf "%s|%s|%s" "$1" "$GREETING" "$(pwd)"', "sh", "it's $HOME"],
        {
          cwd: "/tmp",
          env: { GREETING: "hello world" },
        },
      );
      expect(result.stdout).toBe("it's $HOME|hello world|/tmp");
    }));

  it("decodes invalid UTF-8 with replacement characters and keeps the raw bytes", () =>
    withClient(async (sim, client) => {
      const result = await client.runCaptured(APP, guestOf(sim), "printf 'ok \\377\\376 end'");
      expect(result.stdout).toBe("ok \uFFFD\uFFFD end");
      expect(
        result.raw.stdout.equals(Buffer.from([0x6f, 0x6b, 0x20, 0xff, 0xfe, 0x20, 0x65, 0x6e, 0x64])),
      ).toBe(true);
    }));

  it("bounds each stream by maxOutputBytes and says so", () =>
    withClient(async (sim, client) => {
      const result = await client.runCaptured(
        APP,
        guestOf(sim),
        "head -c 5000 /dev/zero | tr '\\0' x; echo short >&2",
        {
          maxOutputBytes: 100,
        },
      );
      expect(result.stdout).toBe("x".repeat(100));
      expect(result.stderr).toBe("short\n");
      expect(result.truncated).toBe(true);
      expect(leftovers(sim)).toEqual([]);
    }));

  it("terminates the guest process on timeout and cleans up", () =>
    withClient(
      async (sim, client) => {
        const error = await caught(client.runCaptured(APP, guestOf(sim), "sleep 60", { timeoutMs: 300 }));
        expect(error).toBeInstanceOf(WaitTimeoutError);
        expect(sim.counters.requests["processes.delete"]).toBe(1);
        expect(leftovers(sim)).toEqual([]);
        // The guest process is the local one: it must be gone (SIGTERM, then SIGKILL after the grace).
        await eventually(
          async () => (isRunning(Number((error as WaitTimeoutError).pid)) ? undefined : true),
          {
            timeoutMs: 20_000,
            intervalMs: 50,
          },
        );
      },
      { terminateGraceMs: 200 },
    ));

  it("terminates and cleans up when cancelled", () =>
    withClient(async (sim, client) => {
      const controller = new AbortController();
      const run = client.runCaptured(APP, guestOf(sim), "sleep 60", { signal: controller.signal });
      // Cancel while it waits (the pid is known then).
      await eventually(async () => (sim.counters.requests["processes.get"] > 0 ? true : undefined), {
        timeoutMs: 20_000,
      });
      controller.abort(new Error("stop"));
      expect(await caught(run)).toBeInstanceOf(AbortedError);
      expect(sim.counters.requests["processes.delete"]).toBe(1);
      expect(leftovers(sim)).toEqual([]);
    }));

  it.each([
    ["the process cannot start", "processes.create" as const],
    ["waiting fails", "processes.get" as const],
    ["a download fails", "transfers.create" as const],
    ["a transfer GET fails", "transfers.download" as const],
  ])("cleans up when %s", (_what, route) =>
    withClient(async (sim, client) => {
      sim.addFault({ route, kind: "status", errorType: "INTERNAL_SERVER_ERROR", count: 1 });
      await caught(client.runCaptured(APP, guestOf(sim), "echo hi", { family: "LINUX" }));
      expect(sim.counters.requests["directories.delete"]).toBe(1);
      expect(leftovers(sim)).toEqual([]);
    }),
  );

  it("reports (does not hide the result behind) a clean-up that failed", () =>
    withClient(async (sim, client) => {
      sim.addFault({ route: "directories.delete", kind: "busy" });
      const result = await client.runCaptured(APP, guestOf(sim), "echo fine", { family: "LINUX" });
      expect(result.stdout).toBe("fine\n");
      expect(result.warnings).toHaveLength(1);
      expect(result.warnings[0]).toMatch(/deleting the temporary directory .* in VM vm-1001 failed/);
    }));

  it("wraps with cmd.exe for a WINDOWS guest (which the simulator refuses to run) and still cleans up", () =>
    withClient(
      async (sim, client) => {
        const error = await caught(client.runCaptured(APP, guestOf(sim), ["ipconfig", "/all"]));
        expect((error as ApiError).errorType).toBe("INVALID_ARGUMENT");
        expect(error.message).toMatch(/Windows program/);
        expect(sim.counters.requests["guest.identity"]).toBe(1);
        expect(leftovers(sim)).toEqual([]);
      },
      { inventory: inventoryWith({ guest_os_family: "WINDOWS" }) },
    ));
});

describe("runScript", () => {
  it("uploads, runs with the interpreter, captures and deletes the script", () =>
    withClient(async (sim, client) => {
      const result = await client.runScript(
        APP,
        guestOf(sim),
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion
        'echo "args: $#"; echo "shell: ${BASH_VERSION:+bash}"\n',
        {
          interpreter: "/bin/bash",
        },
      );
      expect(result.stdout).toBe("args: 0\nshell: bash\n");
      expect(result.exitCode).toBe(0);
      expect(leftovers(sim)).toEqual([]);
      expect(sim.counters.requests["files.delete"]).toBe(1);
    }));

  it("deletes the script when the upload fails", () =>
    withClient(async (sim, client) => {
      sim.addFault({ route: "transfers.upload", kind: "status", status: 500, body: "disk error", count: 1 });
      await caught(client.runScript(APP, guestOf(sim), "exit 0\n", { family: "LINUX" }));
      expect(leftovers(sim)).toEqual([]);
    }));
});

/** One GET of a transfer URL, trusting the simulator's CA (as a second, independent client would). */
async function fetchText(sim: Simulator, url: URL): Promise<{ status: number; text: string }> {
  const { request } = await import("node:https");
  return new Promise((resolve, reject) => {
    const req = request(url, { ca: sim.caPem, method: "GET" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
