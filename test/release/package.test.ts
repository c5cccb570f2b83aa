/**
 * `scripts/package.js`: refuses a wrong target or Node.js binary before doing any work, refuses a
 * pinned Node.js tarball whose sha512 is not the pinned one, and the executable `npm run package`
 * built embeds the pinned Node.js and runs its bundle as a script; one built with `--snapshot`
 * really starts from its startup snapshot, with the environment and AutoMTLS key of its own process.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { platformDir } from "../../src/cli/commands/provider";
import { tfplugin6 } from "../../src/plugin/proto/gen/tfplugin6";
import { pluginServerCertificate } from "../../src/plugin/tls/x509";
import { runCommand } from "../helpers/run-command";
import { requireSingleExecutable } from "../helpers/run-tofu";
import {
  call,
  connect,
  handshakeOf,
  hostEnv,
  parseHandshake,
  spawnProvider,
  within,
} from "../plugin/protocol/helpers";

const ROOT = join(__dirname, "..", "..");
const SCRIPT = join(ROOT, "scripts", "package.js");

interface Pins {
  targets: Record<string, { package?: string; version: string }>;
  integrity: Record<string, string>;
}
const PINS = JSON.parse(readFileSync(join(ROOT, "scripts", "sea", "node.json"), "utf8")) as Pins;

const run = (args: string[], extraEnv: Record<string, string> = {}) =>
  runCommand(process.execPath, [SCRIPT, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...extraEnv },
    timeoutMs: 60_000,
  });

test.each([
  [["--os", "plan9"], "--os plan9: use linux, darwin or windows"],
  [["--arch", "mips"], "--arch mips: use amd64 or arm64"],
  [["--os", "darwin", "--arch", "arm64"], "give that platform's Node.js v"],
  [["--os", "windows", "--arch", "amd64", "--node", process.execPath], "binary, not windows_amd64"],
  [["--node", "/nonexistent/node"], "--node /nonexistent/node: no such file"],
  [["--bogus"], "Unknown option '--bogus'"],
])("refuses %j with a message naming the option", async (args, message) => {
  const r = await run(args);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(message);
  expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
});

test("pins an official Node.js package and its npm sha512 integrity for every platform with one", () => {
  for (const [target, pin] of Object.entries(PINS.targets)) {
    expect(pin.version).toMatch(/^\d+\.\d+\.\d+$/);
    if (pin.package === undefined) continue;
    expect(`${target} ${pin.package}`).toMatch(/^\w+ node-(linux|darwin|win)-(x64|arm64)$/);
    expect(PINS.integrity[`${pin.package}@${pin.version}`]).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
  }
});

describe("a cached Node.js tarball that is not the pinned one", () => {
  const pin = PINS.targets.linux_amd64;
  const spec = `${pin.package}@${pin.version}`;
  let cache: string;
  let tarball: string;
  const tampered = Buffer.from("not the official node tarball\n");
  const actual = `sha512-${createHash("sha512").update(tampered).digest("base64")}`;

  beforeAll(() => {
    cache = mkdtempSync(join(tmpdir(), "vsphere-guest-node-"));
    const dir = join(cache, `v${pin.version}`, String(pin.package));
    mkdirSync(dir, { recursive: true });
    tarball = join(dir, `${pin.package}-${pin.version}.tgz`);
    writeFileSync(tarball, tampered);
  });
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  test("is refused before any use, naming the file, both hashes and the fix", async () => {
    // linux_amd64 explicitly, so the test means the same on every machine; no download happens
    // because the (tampered) file is already in the cache.
    const r = await run(["--os", "linux", "--arch", "amd64"], { VSPHERE_GUEST_NODE_DIR: cache });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(tarball);
    expect(r.stderr).toContain(spec);
    expect(r.stderr).toContain(`expected ${PINS.integrity[spec]}`);
    expect(r.stderr).toContain(`actual ${actual}`);
    expect(r.stderr).toContain("delete it and run again");
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(r.stderr).not.toContain("downloading");
    // Nothing was extracted from it.
    expect(() => readFileSync(join(cache, `v${pin.version}`, String(pin.package), "node"))).toThrow();
  });
});

test("without a cached tarball and without the registry, says what the first build needs", async () => {
  const cache = mkdtempSync(join(tmpdir(), "vsphere-guest-node-"));
  try {
    // A registry nobody listens on (port 9, discard), no retries: npm fails at once.
    const r = await run(["--os", "linux", "--arch", "amd64"], {
      VSPHERE_GUEST_NODE_DIR: cache,
      npm_config_registry: "http://127.0.0.1:9/",
      npm_config_fetch_retries: "0",
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `downloading ${PINS.targets.linux_amd64.package}@${PINS.targets.linux_amd64.version}`,
    );
    expect(r.stderr).toContain("The first build needs the npm registry");
    expect(r.stderr).toContain("--node PATH");
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

describe("the executable npm run package built for this machine", () => {
  const pin = PINS.targets[platformDir()];
  let record: { node: string; nodeSource: string; start: string; codeCache: boolean; sha256: string };

  beforeAll(() => {
    requireSingleExecutable();
    record = JSON.parse(readFileSync(join(ROOT, "dist", platformDir(), "build.json"), "utf8"));
  });

  test("records the pinned Node.js in build.json", () => {
    expect(pin).toBeDefined();
    expect(record.node).toBe(`v${pin.version}`);
    expect(record.nodeSource).toBe(`${pin.package}@${pin.version}`);
    // The default build runs the bundle through its code cache (--snapshot is the alternative).
    expect(record.start).toBe("script");
    expect(record.codeCache).toBe(true);
  });

  test("runs the bundle as a script: it does not say it started from a snapshot", async () => {
    const provider = spawnProvider(hostEnv({ TF_LOG: "trace" }), {
      command: requireSingleExecutable(),
      args: [],
    });
    try {
      await handshakeOf(provider, 30_000);
      await within(
        (async () => {
          while (!provider.stderr().includes("provider server started"))
            await new Promise((resolve) => setTimeout(resolve, 10));
        })(),
        10_000,
        "the server's trace line on stderr",
      );
      expect(provider.stderr()).not.toContain("startup snapshot");
    } finally {
      provider.child.kill("SIGKILL");
      await provider.exited;
    }
  });

  test("runs on the pinned Node.js (what the process reports)", async () => {
    // The executable honours NODE_OPTIONS like node does: a preloaded file reports the version.
    const dir = mkdtempSync(join(tmpdir(), "vsphere-guest-version-"));
    try {
      const probe = join(dir, "report-version.js");
      writeFileSync(probe, 'process.stderr.write("node-version=" + process.version + "\\n");\n');
      const r = await runCommand(requireSingleExecutable(), [], {
        env: { PATH: "/nonexistent", NODE_OPTIONS: `--require ${probe}` },
        timeoutMs: 30_000,
      });
      expect(r.stderr).toContain(`node-version=v${pin.version}\n`);
      // Run by hand, the provider explains itself and exits with 1.
      expect(r.stderr).toContain("This is terraform-provider-vsphereguest");
      expect(r.code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("an executable built with --snapshot", () => {
  let dir: string;
  let snapshotExe: string;
  let built: { stderr: string; code: number | null };

  beforeAll(async () => {
    requireSingleExecutable(); // npm run package has run: lib/ is built, the pinned Node.js cached
    dir = mkdtempSync(join(tmpdir(), "vsphere-guest-snapshot-"));
    snapshotExe = join(dir, "terraform-provider-vsphereguest");
    built = await runCommand(process.execPath, [SCRIPT, "--snapshot", "--out", dir], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      timeoutMs: 300_000,
    });
  }, 310_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("records in build.json that it starts from a startup snapshot", () => {
    expect(built.stderr).toContain("startup snapshot");
    expect(built.code).toBe(0);
    const record = JSON.parse(readFileSync(join(dir, "build.json"), "utf8"));
    expect(record).toMatchObject({
      start: "snapshot",
      codeCache: false,
      node: `v${PINS.targets[platformDir()].version}`,
    });
    expect(record.snapshotFailure).toBeUndefined();
  });

  test("starts from its startup snapshot, with this process's environment and a fresh AutoMTLS key", async () => {
    const start = async (): Promise<{ handshake: string; stderr: string; attributes: string[] }> => {
      const hostCert = pluginServerCertificate();
      const provider = spawnProvider(
        // TF_LOG is read after deserialisation: a level captured at build time would hide the line.
        hostEnv({ PLUGIN_CLIENT_CERT: hostCert.certPem, TF_LOG: "trace" }),
        { command: snapshotExe, args: [] },
      );
      try {
        const handshake = await handshakeOf(provider, 30_000);
        // It serves: GetProviderSchema over AutoMTLS, the schema the snapshot was warmed up with.
        const { address, certPem } = parseHandshake(handshake);
        const client = connect(address, { kind: "mtls", serverCertPem: certPem ?? "", clientCert: hostCert });
        let attributes: string[];
        try {
          const schema = tfplugin6.GetProviderSchema.Response.decode(
            await call(client, "/tfplugin6.Provider/GetProviderSchema", new Uint8Array(0)),
          );
          attributes = (schema.provider?.block?.attributes ?? []).map((a) => a.name ?? "");
        } finally {
          client.close();
        }
        // The log line comes before the handshake, but stderr may be read after stdout.
        await within(
          (async () => {
            while (!provider.stderr().includes("startup snapshot"))
              await new Promise((resolve) => setTimeout(resolve, 10));
          })(),
          10_000,
          "the trace line on stderr",
        );
        return { handshake, stderr: provider.stderr(), attributes };
      } finally {
        provider.child.kill("SIGKILL");
        await provider.exited;
      }
    };
    const first = await start();
    const second = await start();
    for (const { handshake, stderr, attributes } of [first, second]) {
      expect(attributes).toEqual(expect.arrayContaining(["vsphere_server", "user", "password"]));
      expect(handshake).toMatch(/^1\|6\|tcp\|127\.0\.0\.1:\d+\|grpc\|[A-Za-z0-9+/]+$/);
      expect(stderr).toContain(`"@message":"started from the executable's startup snapshot"`);
    }
    // The server certificate (and its key) is made by each process, not kept in the snapshot.
    expect(first.handshake.split("|")[5]).not.toBe(second.handshake.split("|")[5]);
  });
});
