import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import {
  certDerBase64NoPad,
  createCaAndServerCertificate,
  createCertificate,
  type IssuedCertificate,
  pluginServerCertificate,
} from "../../../src/plugin/tls/x509";

const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
/** DER of the OBJECT IDENTIFIER ecdsa-with-SHA384. */
const ECDSA_SHA384_OID = Buffer.from("06082a8648ce3d040303", "hex");

const x509 = (cert: IssuedCertificate): crypto.X509Certificate => new crypto.X509Certificate(cert.certPem);

/** SHA-1 of the EC public point, i.e. the key identifier RFC 5280 method 1 gives. */
function expectedKeyId(cert: IssuedCertificate): Buffer {
  const jwk = crypto.createPublicKey(cert.privateKey).export({ format: "jwk" });
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x as string, "base64url"),
    Buffer.from(jwk.y as string, "base64url"),
  ]);
  return crypto.createHash("sha1").update(point).digest();
}

describe("pluginServerCertificate", () => {
  const cert = pluginServerCertificate();
  const parsed = x509(cert);

  it("matches go-plugin's AutoMTLS template", () => {
    expect(parsed.subject).toBe("CN=localhost");
    expect(parsed.issuer).toBe("CN=localhost");
    expect(parsed.subjectAltName).toBe("DNS:localhost");
    expect(parsed.ca).toBe(true);
    expect(parsed.keyUsage).toEqual([SERVER_AUTH, CLIENT_AUTH]);
    expect(parsed.publicKey.asymmetricKeyType).toBe("ec");
    expect(parsed.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(cert.commonName).toBe("localhost");
  });

  it("is self-signed and carries its own private key", () => {
    expect(parsed.verify(parsed.publicKey)).toBe(true);
    expect(parsed.checkIssued(parsed)).toBe(true);
    expect(parsed.checkPrivateKey(cert.privateKey)).toBe(true);
    expect(parsed.checkPrivateKey(crypto.createPrivateKey(cert.keyPem))).toBe(true);
    expect(cert.certDer.equals(Buffer.from(parsed.raw))).toBe(true);
    expect(cert.certDer.includes(expectedKeyId(cert))).toBe(true); // subjectKeyIdentifier
  });

  it("is valid from 30 s ago for decades (GeneralizedTime past 2049)", () => {
    const from = Date.parse(parsed.validFrom);
    const to = Date.parse(parsed.validTo);
    const now = Date.now();
    expect(now - from).toBeGreaterThanOrEqual(29_000);
    expect(now - from).toBeLessThanOrEqual(35_000);
    expect(to - now).toBeGreaterThan(365 * 86_400_000);
    expect(new Date(to).getUTCFullYear()).toBeGreaterThanOrEqual(2050);
    expect(to - from).toBeCloseTo(262_980 * 3_600_000 + 30_000, -4);
  });

  it("has a random positive 16-byte serial and a fresh key each time", () => {
    const other = x509(pluginServerCertificate());
    for (const c of [parsed, other]) {
      expect(c.serialNumber).toMatch(/^[0-7][0-9A-F]{31}$/);
      expect(c.serialNumber.startsWith("00")).toBe(false);
    }
    expect(other.serialNumber).not.toBe(parsed.serialNumber);
    expect(other.publicKey.equals(parsed.publicKey)).toBe(false);
  });

  it("renders the DER as unpadded standard base64", () => {
    const b64 = certDerBase64NoPad(cert);
    expect(b64).toMatch(/^[A-Za-z0-9+/]+$/);
    expect(Buffer.from(b64, "base64").equals(cert.certDer)).toBe(true);
    expect(b64).toBe(cert.certDer.toString("base64").replace(/=+$/, ""));
  });
});

describe("createCaAndServerCertificate", () => {
  const { ca, server } = createCaAndServerCertificate({
    dnsNames: ["localhost", "vcsim.example"],
    ipAddresses: ["127.0.0.1", "::1"],
    caCommonName: "Test CA",
  });
  const caCert = x509(ca);
  const serverCert = x509(server);

  it("makes a CA", () => {
    expect(caCert.subject).toBe("CN=Test CA");
    expect(caCert.issuer).toBe("CN=Test CA");
    expect(caCert.ca).toBe(true);
    expect(caCert.keyUsage).toBeUndefined(); // no extKeyUsage on the CA
    expect(caCert.verify(caCert.publicKey)).toBe(true);
    expect(caCert.subjectAltName).toBeUndefined();
  });

  it("makes a server certificate issued by the CA", () => {
    expect(serverCert.subject).toBe("CN=localhost");
    expect(serverCert.issuer).toBe(caCert.subject);
    expect(serverCert.ca).toBe(false);
    expect(serverCert.keyUsage).toEqual([SERVER_AUTH]);
    expect(serverCert.checkIssued(caCert)).toBe(true);
    expect(serverCert.verify(caCert.publicKey)).toBe(true);
    expect(serverCert.verify(serverCert.publicKey)).toBe(false);
    expect(serverCert.subjectAltName).toBe(
      "DNS:localhost, DNS:vcsim.example, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1",
    );
    expect(serverCert.checkHost("vcsim.example")).toBe("vcsim.example");
    expect(serverCert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(serverCert.checkIP("::1")).toBe("::1");
    expect(serverCert.checkHost("other.example")).toBeUndefined();
  });

  it("links the server to the CA by key identifier", () => {
    const caKeyId = expectedKeyId(ca);
    expect(ca.certDer.includes(caKeyId)).toBe(true); // CA subjectKeyIdentifier
    expect(server.certDer.includes(caKeyId)).toBe(true); // server authorityKeyIdentifier
    expect(server.certDer.includes(expectedKeyId(server))).toBe(true);
  });

  it("defaults the names when none are given", () => {
    const pair = createCaAndServerCertificate({ dnsNames: [], ipAddresses: ["10.1.2.3"] });
    expect(x509(pair.server).subject).toBe("CN=10.1.2.3");
    expect(x509(pair.server).subjectAltName).toBe("IP Address:10.1.2.3");
    expect(x509(pair.ca).subject).toMatch(/^CN=.+CA$/);
  });
});

describe("createCertificate", () => {
  it("encodes IPv6 forms", () => {
    const cert = x509(
      createCertificate({
        commonName: "v6",
        ipAddresses: ["2001:db8::", "fe80::1:2", "1:2:3:4:5:6:7:8", "::ffff:192.0.2.1", "::"],
      }),
    );
    expect(cert.subjectAltName).toBe(
      [
        "IP Address:2001:DB8:0:0:0:0:0:0",
        "IP Address:FE80:0:0:0:0:0:1:2",
        "IP Address:1:2:3:4:5:6:7:8",
        "IP Address:0:0:0:0:0:FFFF:C000:201",
        "IP Address:0:0:0:0:0:0:0:0",
      ].join(", "),
    );
  });

  it("signs with ecdsa-with-SHA384 under a P-384 CA and honours curve, dates and UTF-8 names", () => {
    const ca = createCertificate({ commonName: "Zertifizierungsstelle Ä", curve: "secp384r1", isCa: true });
    const leaf = createCertificate({
      commonName: "leaf",
      issuer: ca,
      validDays: 2,
      notBeforeSkewSeconds: 0,
    });
    const caCert = x509(ca);
    const leafCert = x509(leaf);
    expect(caCert.publicKey.asymmetricKeyDetails?.namedCurve).toBe("secp384r1");
    expect(leafCert.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(leafCert.issuer).toBe("CN=Zertifizierungsstelle Ä");
    expect(leafCert.verify(caCert.publicKey)).toBe(true);
    expect(leaf.certDer.includes(ECDSA_SHA384_OID)).toBe(true);
    expect(ca.certDer.includes(ECDSA_SHA384_OID)).toBe(true);
    const from = Date.parse(leafCert.validFrom);
    const to = Date.parse(leafCert.validTo);
    expect(Math.abs(Date.now() - from)).toBeLessThan(5_000);
    expect(to - from).toBe(2 * 86_400_000);
    expect(leafCert.ca).toBe(false);
    expect(leafCert.keyUsage).toBeUndefined();
    expect(leafCert.subjectAltName).toBeUndefined();
  });

  it("rejects bad input", () => {
    expect(() => createCertificate({ commonName: "" })).toThrow(TypeError);
    for (const ip of [
      "1.2.3.256",
      "01.2.3.4",
      "1.2.3",
      "1::2::3",
      "12345::",
      "1:2:3:4:5:6:7:8:9",
      "::g",
      "host",
    ]) {
      expect(() => createCertificate({ commonName: "x", ipAddresses: [ip] })).toThrow(/not an IP address/);
    }
    expect(() => createCertificate({ commonName: "x", dnsNames: ["bücher.example"] })).toThrow(TypeError);
    expect(() => createCertificate({ commonName: "x", validDays: -1 })).toThrow(RangeError);
    expect(() => createCertificate({ commonName: "x", notBeforeSkewSeconds: Number.NaN })).toThrow(
      RangeError,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Real TLS over loopback
// ---------------------------------------------------------------------------------------------

interface Outcome {
  ok: boolean;
  authorized?: boolean;
  data?: string;
  code?: string;
}

async function withServer<T>(
  options: tls.TlsOptions,
  body: (port: number, server: tls.Server) => Promise<T>,
): Promise<T> {
  const server = tls.createServer(options, (socket) => {
    socket.on("error", () => {});
    socket.end("hello");
  });
  server.on("tlsClientError", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    return await body((server.address() as AddressInfo).port, server);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Connects, reads until the server closes, and reports what happened. */
function talk(options: tls.ConnectionOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    let data = "";
    let authorized: boolean | undefined;
    const socket = tls.connect(options, () => {
      authorized = socket.authorized;
    });
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      data += chunk;
    });
    socket.on("error", (err: NodeJS.ErrnoException) => resolve({ ok: false, code: err.code, data }));
    socket.on("close", () => resolve({ ok: data === "hello", authorized, data }));
  });
}

describe("TLS with a CA-issued server certificate", () => {
  const { ca, server } = createCaAndServerCertificate({
    dnsNames: ["localhost"],
    ipAddresses: ["127.0.0.1", "::1"],
  });
  const serverOptions = { key: server.keyPem, cert: server.certPem };

  it("verifies by DNS name", async () => {
    await withServer(serverOptions, async (port) => {
      const outcome = await talk({ host: "127.0.0.1", port, ca: [ca.certPem], servername: "localhost" });
      expect(outcome).toEqual({ ok: true, authorized: true, data: "hello" });
    });
  });

  it("verifies by IP address SAN", async () => {
    await withServer(serverOptions, async (port) => {
      const outcome = await talk({ host: "127.0.0.1", port, ca: [ca.certPem] });
      expect(outcome).toEqual({ ok: true, authorized: true, data: "hello" });
    });
  });

  it("fails without the CA", async () => {
    await withServer(serverOptions, async (port) => {
      const outcome = await talk({ host: "127.0.0.1", port, servername: "localhost" });
      expect(outcome.ok).toBe(false);
      expect(outcome.code).toMatch(/UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT)|SELF_SIGNED/);
    });
  });

  it("fails for a name the certificate does not hold", async () => {
    await withServer(serverOptions, async (port) => {
      const outcome = await talk({
        host: "127.0.0.1",
        port,
        ca: [ca.certPem],
        servername: "elsewhere.example",
      });
      expect(outcome.ok).toBe(false);
      expect(outcome.code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    });
  });
});

describe("mutual TLS like go-plugin AutoMTLS", () => {
  const serverCert = pluginServerCertificate();
  const clientCert = pluginServerCertificate();
  const serverOptions: tls.TlsOptions = {
    key: serverCert.keyPem,
    cert: serverCert.certPem,
    ca: [clientCert.certPem],
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: "TLSv1.2",
  };

  it("accepts the client that presents the expected certificate", async () => {
    await withServer(serverOptions, async (port, server) => {
      const peers: string[] = [];
      server.on("secureConnection", (socket) => {
        peers.push(socket.getPeerX509Certificate()?.fingerprint256 ?? "none");
      });
      const outcome = await talk({
        host: "127.0.0.1",
        port,
        servername: "localhost",
        key: clientCert.keyPem,
        cert: clientCert.certPem,
        ca: [serverCert.certPem],
      });
      expect(outcome).toEqual({ ok: true, authorized: true, data: "hello" });
      expect(peers).toEqual([x509(clientCert).fingerprint256]);
    });
  });

  it("refuses a client without a certificate", async () => {
    await withServer(serverOptions, async (port, server) => {
      const refusals: string[] = [];
      server.on("tlsClientError", (err: NodeJS.ErrnoException) => refusals.push(err.code ?? err.message));
      const outcome = await talk({
        host: "127.0.0.1",
        port,
        servername: "localhost",
        ca: [serverCert.certPem],
      });
      expect(outcome.ok).toBe(false);
      expect(outcome.data).toBe("");
      expect(refusals.length).toBe(1);
    });
  });

  it("refuses a client with a certificate the server does not trust", async () => {
    const stranger = pluginServerCertificate();
    await withServer(serverOptions, async (port) => {
      const outcome = await talk({
        host: "127.0.0.1",
        port,
        servername: "localhost",
        key: stranger.keyPem,
        cert: stranger.certPem,
        ca: [serverCert.certPem],
      });
      expect(outcome.ok).toBe(false);
      expect(outcome.data).toBe("");
    });
  });
});

// ---------------------------------------------------------------------------------------------
// OpenSSL, when installed
// ---------------------------------------------------------------------------------------------

const hasOpenssl = spawnSync("openssl", ["version"], { stdio: "ignore" }).status === 0;

(hasOpenssl ? it : it.skip)("openssl parses and verifies the certificates", () => {
  const openssl = (args: string[], input: string): string => {
    const result = spawnSync("openssl", args, { input, encoding: "utf8" });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    return result.stdout;
  };
  const plugin = pluginServerCertificate();
  const pluginText = openssl(["x509", "-noout", "-text"], plugin.certPem);
  expect(pluginText).toMatch(/Version: 3 \(0x2\)/);
  expect(pluginText).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
  expect(pluginText).toMatch(
    /Key Usage: critical\s+Digital Signature, Key Encipherment, Key Agreement, Certificate Sign/,
  );
  expect(pluginText).toMatch(/TLS Web Server Authentication, TLS Web Client Authentication/);
  expect(pluginText).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
  expect(pluginText).toMatch(/DNS:localhost/);

  const ca = createCertificate({
    commonName: "P-384 CA",
    curve: "secp384r1",
    isCa: true,
    keyUsage: ["keyCertSign"],
  });
  const pair = createCaAndServerCertificate({
    dnsNames: ["localhost"],
    ipAddresses: ["127.0.0.1", "fe80::1"],
  });
  const leaf = createCertificate({ commonName: "leaf", dnsNames: ["leaf.example"], issuer: ca });
  const leafText = openssl(["x509", "-noout", "-text"], leaf.certPem);
  expect(leafText).toMatch(/Signature Algorithm: ecdsa-with-SHA384/);
  expect(leafText).toMatch(/Authority Key Identifier/);
  const serverText = openssl(["x509", "-noout", "-text"], pair.server.certPem);
  expect(serverText).toMatch(/IP Address:127\.0\.0\.1, IP Address:FE80:0:0:0:0:0:0:1/);
  expect(serverText).toMatch(/Basic Constraints: critical\s+CA:FALSE/);

  // Chain verification by OpenSSL itself.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "x509-test-"));
  try {
    const write = (name: string, pem: string): string => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, pem);
      return file;
    };
    const verify = (caPem: string, certPem: string): string =>
      openssl(["verify", "-CAfile", write("ca.pem", caPem), write("cert.pem", certPem)], "");
    expect(verify(pair.ca.certPem, pair.server.certPem)).toMatch(/: OK/);
    expect(verify(ca.certPem, leaf.certPem)).toMatch(/: OK/);
    expect(verify(plugin.certPem, plugin.certPem)).toMatch(/: OK/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // Strict DER: re-encoding through OpenSSL gives back the same bytes.
  const reencoded = spawnSync("openssl", ["x509", "-outform", "DER"], { input: pair.server.certPem });
  expect(Buffer.from(reencoded.stdout).equals(pair.server.certDer)).toBe(true);
});
