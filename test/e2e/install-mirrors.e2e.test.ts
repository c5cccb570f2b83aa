/**
 * Installing the released provider the way a plain-HCL user does, on every host: `init` from a
 * packed filesystem mirror (the release zip under HOST/NAMESPACE/TYPE/), from a provider network
 * mirror served over HTTPS on 127.0.0.1 (trusted through SSL_CERT_FILE), and from a provider
 * registry on localhost serving the signed release (a throw-away GPG key), with no `node` on the
 * host's PATH. The lock file must carry hashes that match the artifacts, and a tampered zip must
 * be refused. (The hosts check a mirror's zh: hashes but lock only the h1: hash of what they
 * installed: zh: hashes enter a lock file only from a registry's signed SHA256SUMS.)
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { platformDir } from "../../src/cli/commands/provider";
import { createCaAndServerCertificate } from "../../src/plugin/tls/x509";
import { zip } from "../../src/util/zip";
import { hasGpg, throwAwayGpgKey } from "../helpers/gpg";
import { type Host, host } from "../helpers/hosts";
import { h1Hash, lockedHashes, zhHash } from "../helpers/provider-hashes";
import { requireSingleExecutable, Workspace } from "../helpers/run-tofu";

const ROOT = join(__dirname, "..", "..");
jest.setTimeout(180_000); // each test runs up to four host commands that unpack a ~104 MiB provider
const V = "0.1.0";
const INNER = `terraform-provider-vsphereguest_v${V}`;
const ZIP = `terraform-provider-vsphereguest_${V}_${platformDir()}.zip`;
const SUMS = `terraform-provider-vsphereguest_${V}_SHA256SUMS`;
const CONFIG = `terraform {
  required_providers {
    vsphereguest = { source = "vsphere-guest/vsphereguest" }
  }
}
provider "vsphereguest" {}
data "vsphereguest_process" "p" {
  vm  = "vm-1001"
  pid = 1
}
`;

/** Release artifacts and the hashes they must produce, made once for the whole file. */
let tmp: string;
let released: Buffer;
let tampered: Buffer;
let expected: { zh: string; h1: string };
/** The packed filesystem mirror: HOST/vsphere-guest/vsphereguest/<zip>. */
let mirror: string;
/** The network mirror. */
let server: Server;
let mirrorUrl: string;
let caFile: string;
let serveTampered = false;
let serveBadSignature = false;
const requests: string[] = [];
/** The registry's host name (`localhost:PORT`) and signing key, when gpg is there to sign. */
let registryHost: string;
let signingKey: { keyId: string; armor: string } | undefined;
if (!hasGpg)
  process.stderr.write("install-mirrors: gpg is not installed: skipping the signed-registry tests\n");

beforeAll(async () => {
  const executable = readFileSync(requireSingleExecutable());
  tmp = mkdtempSync(join(tmpdir(), "vsg-mirrors-"));
  // What `npm run release` makes from the executable `npm run package` made, signed with a
  // throw-away key when gpg is there.
  const releaseEnv: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME };
  const key = hasGpg
    ? throwAwayGpgKey(join(tmp, "g"), "vsphere-guest test <test@example.invalid>")
    : undefined;
  if (key) {
    signingKey = {
      keyId: key.fingerprint.slice(-16),
      armor: key.gpg("--armor", "--export", key.fingerprint),
    };
    Object.assign(releaseEnv, { GNUPGHOME: key.gnupghome, RELEASE_GPG_KEY_ID: key.fingerprint });
  }
  try {
    execFileSync(process.execPath, [join(ROOT, "scripts", "release.js"), "--out", join(tmp, "release")], {
      env: releaseEnv,
      stdio: "ignore",
    });
  } finally {
    key?.kill();
  }
  released = readFileSync(join(tmp, "release", ZIP));
  expected = { zh: zhHash(released), h1: h1Hash([{ name: INNER, data: executable }]) };
  // A well-formed zip of the same name whose executable differs in one byte.
  const altered = Buffer.from(executable);
  altered[altered.length - 100] ^= 0xff;
  tampered = zip([{ name: INNER, data: altered, mode: 0o755 }]);

  mirror = join(tmp, "mirror");
  for (const registry of ["registry.opentofu.org", "registry.terraform.io"]) {
    mkdirSync(join(mirror, registry, "vsphere-guest", "vsphereguest"), { recursive: true });
    copyFileSync(join(tmp, "release", ZIP), join(mirror, registry, "vsphere-guest", "vsphereguest", ZIP));
  }

  const { ca, server: cert } = createCaAndServerCertificate({
    dnsNames: ["localhost"],
    ipAddresses: ["127.0.0.1"],
    caCommonName: "vsphere-guest test mirror CA",
  });
  caFile = join(tmp, "mirror-ca.pem");
  writeFileSync(caFile, ca.certPem);
  server = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    const url = req.url ?? "";
    requests.push(url);
    const m = /^\/v1\/providers\/([^/]+)\/vsphere-guest\/vsphereguest\/([^/]+)$/.exec(url);
    const json = (body: unknown) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const file = /^\/registry\/files\/([\w.-]+)$/.exec(url)?.[1];
    const [os, arch] = platformDir().split("_");
    if (url === "/.well-known/terraform.json") json({ "providers.v1": "/registry/v1/providers/" });
    else if (url === "/registry/v1/providers/vsphere-guest/vsphereguest/versions")
      json({ versions: [{ version: V, protocols: ["6.0"], platforms: [{ os, arch }] }] });
    else if (url === `/registry/v1/providers/vsphere-guest/vsphereguest/${V}/download/${os}/${arch}`)
      json({
        protocols: ["6.0"],
        os,
        arch,
        filename: ZIP,
        download_url: `https://${registryHost}/registry/files/${ZIP}`,
        shasums_url: `https://${registryHost}/registry/files/${SUMS}`,
        shasums_signature_url: `https://${registryHost}/registry/files/${SUMS}.sig`,
        shasum: expected.zh.slice(3),
        signing_keys: { gpg_public_keys: [{ key_id: signingKey?.keyId, ascii_armor: signingKey?.armor }] },
      });
    else if (file !== undefined && [ZIP, SUMS, `${SUMS}.sig`].includes(file)) {
      const body = readFileSync(join(tmp, "release", file));
      if (file.endsWith(".sig") && serveBadSignature) body[body.length - 1] ^= 0x01;
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(body);
    } else if (m?.[2] === "index.json") json({ versions: { [V]: {} } });
    else if (m?.[2] === `${V}.json`)
      json({ archives: { [platformDir()]: { url: ZIP, hashes: [expected.zh] } } });
    else if (m?.[2] === ZIP) {
      res.writeHead(200, { "content-type": "application/zip" });
      res.end(serveTampered ? tampered : released);
    } else {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found\n");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  mirrorUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1/providers/`;
  registryHost = `localhost:${(server.address() as AddressInfo).port}`;
}, 180_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const fsMirrorConfig = () => `provider_installation {
  filesystem_mirror {
    path = "${mirror}"
  }
}
`;
const networkMirrorConfig = () => `provider_installation {
  network_mirror {
    url = "${mirrorUrl}"
  }
}
`;

/** The install tests for one host. */
function mirrorSuite(getHost: () => Host): void {
  let h: Host;
  const workspaces: Workspace[] = [];
  const workspace = (config: string): Workspace => {
    const ws = Workspace.withCliConfig(h, config);
    workspaces.push(ws);
    ws.write(CONFIG);
    return ws;
  };
  const init = (ws: Workspace) => ws.run(["init", "-input=false", "-no-color"], { SSL_CERT_FILE: caFile });
  const hashes = (ws: Workspace) =>
    lockedHashes(
      readFileSync(join(ws.dir, ".terraform.lock.hcl"), "utf8"),
      `${h.registry}/vsphere-guest/vsphereguest`,
    );

  beforeAll(() => {
    h = getHost();
  });
  afterAll(() => {
    for (const ws of workspaces) ws.dispose();
  });

  it("installs from a packed filesystem mirror, locks the package's hash, and refuses a tampered zip", async () => {
    const ws = workspace(fsMirrorConfig());
    const first = await init(ws);
    expect(first.output).toContain("Installing vsphere-guest/vsphereguest v0.1.0");
    expect(first.code).toBe(0);
    const locked = hashes(ws);
    expect(locked).toContain(expected.h1);
    // A host may also record the zip's own hash; if it does, it must be this zip's.
    for (const zh of locked.filter((x) => x.startsWith("zh:"))) expect(zh).toBe(expected.zh);
    // The installed executable runs without Node.js: validate starts it.
    const validate = await ws.run(["validate", "-no-color"]);
    expect(validate.output).toContain("The configuration is valid");

    // Someone swaps the zip in the mirror: init must refuse it against the lock file.
    const zipPath = join(mirror, h.registry, "vsphere-guest", "vsphereguest", ZIP);
    writeFileSync(zipPath, tampered);
    try {
      rmSync(join(ws.dir, ".terraform"), { recursive: true, force: true });
      const again = await init(ws);
      expect(again.code).toBe(1);
      expect(again.output.replace(/\s+/g, " ")).toMatch(
        /doesn't match any of the checksums previously recorded in the dependency lock file/,
      );
    } finally {
      writeFileSync(zipPath, released);
    }
  });

  it("installs from a network mirror over HTTPS with the mirror's zh: hash, and refuses a tampered zip", async () => {
    const ws = workspace(networkMirrorConfig());
    requests.length = 0;
    const first = await init(ws);
    expect(first.output).toContain("Installing vsphere-guest/vsphereguest v0.1.0");
    expect(first.code).toBe(0);
    expect(requests).toEqual(
      expect.arrayContaining([
        `/v1/providers/${h.registry}/vsphere-guest/vsphereguest/index.json`,
        `/v1/providers/${h.registry}/vsphere-guest/vsphereguest/${V}.json`,
        `/v1/providers/${h.registry}/vsphere-guest/vsphereguest/${ZIP}`,
      ]),
    );
    // The hosts lock the h1: hash of what they installed after checking the zip against the
    // mirror's zh: hash; a zh: in the lock file, when a host records one, must be this zip's.
    const locked = hashes(ws);
    expect(locked).toContain(expected.h1);
    for (const zh of locked.filter((x) => x.startsWith("zh:"))) expect(zh).toBe(expected.zh);
    // `providers lock` checks the zip against the mirror's zh: hash too, and says so.
    const lock = await ws.run(
      ["providers", "lock", "-no-color", `-net-mirror=${mirrorUrl}`, `-platform=${platformDir()}`],
      {
        SSL_CERT_FILE: caFile,
      },
    );
    expect(lock.output).toContain(`for ${platformDir()} (verified checksum)`);
    expect(lock.code).toBe(0);

    // The mirror serves a different zip than its version document's hash: init must refuse it.
    const fresh = workspace(networkMirrorConfig());
    serveTampered = true;
    try {
      const bad = await init(fresh);
      expect(bad.code).toBe(1);
      expect(bad.output.replace(/\s+/g, " ")).toContain(
        `provider package doesn't match the expected checksum "${expected.zh}"`,
      );
      expect(bad.output).not.toContain("Terraform has been successfully initialized");
      expect(bad.output).not.toContain("OpenTofu has been successfully initialized");
    } finally {
      serveTampered = false;
    }
  });

  (hasGpg ? it : it.skip)(
    "installs from a registry serving the signed release: the lock file gets the zh: hashes of the signed SHA256SUMS, and a bad signature is refused",
    async () => {
      const ws = Workspace.withCliConfig(h, "");
      workspaces.push(ws);
      ws.write(
        CONFIG.replace(
          'source = "vsphere-guest/vsphereguest"',
          `source = "${registryHost}/vsphere-guest/vsphereguest"`,
        ),
      );
      const first = await init(ws);
      expect(first.output).toContain(`key ID ${signingKey?.keyId}`);
      expect(first.code).toBe(0);
      const sums = readFileSync(join(tmp, "release", SUMS), "utf8");
      // The hosts record a zh: for every line of the signed SHA256SUMS (the manifest's too).
      const signedHashes = [...sums.matchAll(/^([0-9a-f]{64}) {2}\S+$/gm)].map((x) => `zh:${x[1]}`);
      expect(signedHashes).toContain(expected.zh);
      const locked = lockedHashes(
        readFileSync(join(ws.dir, ".terraform.lock.hcl"), "utf8"),
        `${registryHost}/vsphere-guest/vsphereguest`,
      );
      expect(locked.sort()).toEqual([expected.h1, ...signedHashes].sort());

      const fresh = Workspace.withCliConfig(h, "");
      workspaces.push(fresh);
      fresh.write(
        CONFIG.replace(
          'source = "vsphere-guest/vsphereguest"',
          `source = "${registryHost}/vsphere-guest/vsphereguest"`,
        ),
      );
      serveBadSignature = true;
      try {
        const bad = await init(fresh);
        expect(bad.code).toBe(1);
        expect(bad.output.replace(/\s+/g, " ")).toContain(
          "error checking signature: openpgp: invalid signature",
        );
      } finally {
        serveBadSignature = false;
      }
    },
  );
}

describe.each(["tofu-1.6.3", "tofu-1.12.6", "terraform-1.5.7"] as const)(
  "install from mirrors: %s",
  (name) => {
    mirrorSuite(() => host(name));
  },
);

/** Terraform 1.11.4 as installed on the machine, when it is. */
const SYSTEM_TERRAFORM = "/usr/local/bin/terraform";
const systemTerraform = ((): Host | undefined => {
  try {
    const out = execFileSync(SYSTEM_TERRAFORM, ["version", "-json"], {
      encoding: "utf8",
      env: { PATH: process.env.PATH, TF_CLI_CONFIG_FILE: "/dev/null", CHECKPOINT_DISABLE: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const version = (JSON.parse(out) as { terraform_version: string }).terraform_version;
    return {
      name: `terraform-${version}`,
      kind: "terraform",
      version,
      bin: SYSTEM_TERRAFORM,
      registry: "registry.terraform.io",
    };
  } catch {
    return undefined;
  }
})();
if (!systemTerraform)
  process.stderr.write(`install-mirrors: ${SYSTEM_TERRAFORM} is not installed: skipping its install tests\n`);
(systemTerraform ? describe : describe.skip)(
  `install from mirrors: ${systemTerraform?.name ?? "terraform at /usr/local/bin (not installed)"}`,
  () => {
    mirrorSuite(() => systemTerraform as Host);
  },
);
