/**
 * A tiny X.509 v3 certificate builder on top of `node:crypto` alone.
 *
 * Node can generate EC keys and sign, but cannot make certificates. This module carries its own
 * minimal DER encoder, assembles the TBSCertificate itself and signs it with ECDSA
 * (ecdsa-with-SHA256 for P-256 issuers, ecdsa-with-SHA384 for P-384 issuers). It exists so that
 * the provider can mint its go-plugin AutoMTLS certificate at every start-up in about a
 * millisecond, without loading a third-party X.509 library, and so that the simulator can serve
 * real, verifiable TLS.
 */

import * as crypto from "node:crypto";

/** Bits of the keyUsage extension that this builder can set (RFC 5280 §4.2.1.3). */
export type KeyUsage = "digitalSignature" | "keyEncipherment" | "keyAgreement" | "keyCertSign" | "cRLSign";

/** Purposes of the extKeyUsage extension that this builder can set (RFC 5280 §4.2.1.12). */
export type ExtKeyUsage = "serverAuth" | "clientAuth";

/** What to put in a new certificate. Only `commonName` is required. */
export interface CertificateOptions {
  /** Subject common name (encoded as a UTF8String). Must not be empty. */
  commonName: string;
  /** SAN dNSName entries (ASCII only; convert IDNs to punycode first). */
  dnsNames?: string[];
  /** SAN iPAddress entries, IPv4 dotted quads or IPv6 text (`::1`, `fe80::1`, `::ffff:1.2.3.4`). */
  ipAddresses?: string[];
  /** `true`: basicConstraints CA:TRUE; otherwise CA:FALSE. The extension is always critical. */
  isCa?: boolean;
  /** keyUsage extension (critical), only added when given and non-empty. */
  keyUsage?: KeyUsage[];
  /** extKeyUsage extension (non-critical), only added when given and non-empty. */
  extKeyUsage?: ExtKeyUsage[];
  /** notBefore is this many seconds before now, to tolerate clock skew. Default 30. */
  notBeforeSkewSeconds?: number;
  /** notAfter is this many days (fractions allowed) after now. Default 365. */
  validDays?: number;
  /** Curve of the new key. Default `prime256v1` (P-256). */
  curve?: "prime256v1" | "secp384r1";
  /** The CA that signs the new certificate. Default: the certificate is self-signed. */
  issuer?: IssuedCertificate;
}

/** A certificate made by this module, together with its private key. */
export interface IssuedCertificate {
  /** Subject common name. */
  commonName: string;
  /** Private key as PKCS#8 PEM. */
  keyPem: string;
  /** Certificate as PEM. */
  certPem: string;
  /** Certificate as DER. */
  certDer: Buffer;
  /** Private key object (ready for `crypto.sign` or `tls.createSecureContext`). */
  privateKey: crypto.KeyObject;
}

// ---------------------------------------------------------------------------------------------
// Minimal DER encoder
// ---------------------------------------------------------------------------------------------

/** DER length octets: short form below 128, long form otherwise. */
function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV with the given identifier octet; the contents are concatenated. */
function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const body = contents.length === 1 ? contents[0] : Buffer.concat(contents);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const sequence = (...items: Buffer[]): Buffer => tlv(0x30, ...items);
const set = (...items: Buffer[]): Buffer => tlv(0x31, ...items);
const octetString = (bytes: Buffer): Buffer => tlv(0x04, bytes);
const utf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, "utf8"));
const DER_TRUE = Buffer.from([0x01, 0x01, 0xff]);
/** `[n] EXPLICIT` wrapper (constructed, context-specific). */
const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 | n, inner);

/** BIT STRING with `unusedBits` padding bits at the end of `bytes`. */
function bitString(bytes: Buffer, unusedBits = 0): Buffer {
  return tlv(0x03, Buffer.from([unusedBits]), bytes);
}

/** INTEGER from unsigned big-endian magnitude, minimally encoded and kept positive. */
function unsignedInteger(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  let body = magnitude.subarray(start);
  if (body.length === 0) body = Buffer.from([0]);
  if (body[0] & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return tlv(0x02, body);
}

const oidCache = new Map<string, Buffer>();

/** OBJECT IDENTIFIER from dotted text (encoded once, then reused). */
function oid(dotted: string): Buffer {
  let der = oidCache.get(dotted);
  if (!der) {
    der = encodeOid(dotted);
    oidCache.set(dotted, der);
  }
  return der;
}

function encodeOid(dotted: string): Buffer {
  const arcs = dotted.split(".").map(Number);
  const bytes: number[] = [arcs[0] * 40 + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const base128: number[] = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) base128.unshift(0x80 | (n & 0x7f));
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

const pad2 = (n: number): string => (n < 10 ? "0" : "") + n;

/** RFC 5280 Time: UTCTime for 1950–2049, GeneralizedTime otherwise; whole seconds, always UTC. */
function derTime(date: Date): Buffer {
  const year = date.getUTCFullYear();
  const rest =
    pad2(date.getUTCMonth() + 1) +
    pad2(date.getUTCDate()) +
    pad2(date.getUTCHours()) +
    pad2(date.getUTCMinutes()) +
    pad2(date.getUTCSeconds()) +
    "Z";
  if (year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(pad2(year % 100) + rest, "ascii"));
  if (year < 0 || year > 9999) throw new RangeError(`x509: year ${year} cannot be encoded`);
  return tlv(0x18, Buffer.from(String(year).padStart(4, "0") + rest, "ascii"));
}

// ---------------------------------------------------------------------------------------------
// Minimal DER reader (only what is needed to take certificates and SPKIs apart)
// ---------------------------------------------------------------------------------------------

interface Tlv {
  tag: number;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the first content octet. */
  contentStart: number;
  /** Offset just past the contents. */
  end: number;
}

function readTlv(der: Buffer, offset: number): Tlv {
  if (offset + 2 > der.length) throw new Error("x509: truncated DER");
  const tag = der[offset];
  let length = der[offset + 1];
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Error("x509: unsupported DER length");
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[contentStart + i];
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > der.length) throw new Error("x509: truncated DER");
  return { tag, start: offset, contentStart, end };
}

function children(der: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = parent.contentStart; offset < parent.end; ) {
    const child = readTlv(der, offset);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** The DER of the subject Name of a certificate, byte for byte. */
function subjectNameDer(certDer: Buffer): Buffer {
  const cert = readTlv(certDer, 0);
  const tbs = children(certDer, cert)[0];
  const fields = children(certDer, tbs);
  // version [0] is optional; then serial, signature, issuer, validity, subject.
  const subject = fields[fields[0].tag === 0xa0 ? 5 : 4];
  if (subject?.tag !== 0x30) throw new Error("x509: cannot find the subject of the issuer");
  return certDer.subarray(subject.start, subject.end);
}

/** RFC 5280 method 1 key identifier: SHA-1 of the subjectPublicKey BIT STRING value. */
function keyIdentifier(spkiDer: Buffer): Buffer {
  const spki = readTlv(spkiDer, 0);
  const bits = children(spkiDer, spki)[1];
  if (bits?.tag !== 0x03) throw new Error("x509: malformed SubjectPublicKeyInfo");
  return crypto
    .createHash("sha1")
    .update(spkiDer.subarray(bits.contentStart + 1, bits.end))
    .digest();
}

// ---------------------------------------------------------------------------------------------
// Certificate pieces
// ---------------------------------------------------------------------------------------------

const OID = {
  commonName: "2.5.4.3",
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  ecdsaWithSha384: "1.2.840.10045.4.3.3",
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyIdentifier: "2.5.29.35",
  extKeyUsage: "2.5.29.37",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
} as const;

const KEY_USAGE_BIT: Record<KeyUsage, number> = {
  digitalSignature: 0,
  keyEncipherment: 2,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
};

/** Name with a single RDN holding the common name. */
function nameDer(commonName: string): Buffer {
  return sequence(set(sequence(oid(OID.commonName), utf8String(commonName))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? sequence(oid(id), DER_TRUE, octetString(value)) : sequence(oid(id), octetString(value));
}

/** keyUsage as a DER named BIT STRING: trailing zero bits are dropped. */
function keyUsageValue(usages: KeyUsage[]): Buffer {
  let mask = 0; // bit 0 is the most significant bit of the first octet
  for (const usage of usages) {
    const bit = KEY_USAGE_BIT[usage];
    if (bit === undefined) throw new TypeError(`x509: unknown key usage ${String(usage)}`);
    mask |= 0x80 >> bit;
  }
  let unused = 0;
  while (unused < 7 && !(mask & (1 << unused))) unused++;
  return bitString(Buffer.from([mask]), unused);
}

/** Parses an IPv4 or IPv6 address into its 4 or 16 network-order octets. */
function ipBytes(address: string): Buffer {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.every((o, i) => o <= 255 && String(o) === v4[i + 1])) return Buffer.from(octets);
  } else if (address.includes(":")) {
    const bytes = ipv6Bytes(address);
    if (bytes) return bytes;
  }
  throw new TypeError(`x509: not an IP address: ${JSON.stringify(address)}`);
}

function ipv6Bytes(address: string): Buffer | undefined {
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const groups = (text: string): number[] | undefined => {
    if (text === "") return [];
    const out: number[] = [];
    const parts = text.split(":");
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (i === parts.length - 1 && part.includes(".")) {
        const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(part);
        if (!v4) return undefined;
        const o = v4.slice(1).map(Number);
        if (o.some((n, j) => n > 255 || String(n) !== v4[j + 1])) return undefined;
        out.push((o[0] << 8) | o[1], (o[2] << 8) | o[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined;
        out.push(Number.parseInt(part, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  let all: number[];
  if (halves.length === 2) {
    if (head.length + tail.length > 7) return undefined;
    all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    all = head;
  }
  const bytes = Buffer.alloc(16);
  for (let i = 0; i < 8; i++) bytes.writeUInt16BE(all[i], i * 2);
  return bytes;
}

/** 16 random bytes, positive (top bit clear) and with a non-zero first octet. */
function randomSerial(): Buffer {
  const serial = crypto.randomBytes(16);
  serial[0] &= 0x7f;
  if (serial[0] === 0) serial[0] = 0x01;
  return serial;
}

function toPem(der: Buffer): string {
  const b64 = der.toString("base64");
  let out = "-----BEGIN CERTIFICATE-----\n";
  for (let i = 0; i < b64.length; i += 64) out += b64.slice(i, i + 64) + "\n";
  return out + "-----END CERTIFICATE-----\n";
}

function signatureAlgorithm(signingKey: crypto.KeyObject): { hash: "sha256" | "sha384"; algId: Buffer } {
  const curve = signingKey.asymmetricKeyDetails?.namedCurve;
  if (signingKey.asymmetricKeyType !== "ec" || (curve !== "prime256v1" && curve !== "secp384r1")) {
    throw new TypeError("x509: the signing key must be an EC key on prime256v1 or secp384r1");
  }
  return curve === "secp384r1"
    ? { hash: "sha384", algId: sequence(oid(OID.ecdsaWithSha384)) }
    : { hash: "sha256", algId: sequence(oid(OID.ecdsaWithSha256)) };
}

function nonNegativeFinite(value: number, what: string): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`x509: ${what} must be a finite number ≥ 0`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/**
 * Creates an X.509 v3 certificate with a fresh EC key.
 *
 * The certificate carries basicConstraints (critical), subjectKeyIdentifier, and, when requested,
 * keyUsage (critical), extKeyUsage and subjectAltName; certificates issued by a CA also carry
 * authorityKeyIdentifier and name the CA's subject as issuer. Self-signed certificates are signed
 * with their own key.
 *
 * @throws TypeError for an empty common name, a non-ASCII DNS name, a malformed IP address or an
 *   issuer whose key is not P-256/P-384; RangeError for negative or non-finite durations.
 */
export function createCertificate(options: CertificateOptions): IssuedCertificate {
  const { commonName, issuer } = options;
  if (typeof commonName !== "string" || commonName === "") {
    throw new TypeError("x509: commonName must be a non-empty string");
  }
  const skewMs = nonNegativeFinite(options.notBeforeSkewSeconds ?? 30, "notBeforeSkewSeconds") * 1000;
  const validMs = nonNegativeFinite(options.validDays ?? 365, "validDays") * 86_400_000;
  const dnsNames = options.dnsNames ?? [];
  for (const name of dnsNames) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: IA5String is 7-bit ASCII
    if (name === "" || !/^[\x00-\x7f]*$/.test(name)) {
      throw new TypeError(`x509: DNS name must be non-empty ASCII: ${JSON.stringify(name)}`);
    }
  }
  const ips = (options.ipAddresses ?? []).map(ipBytes);

  const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", {
    namedCurve: options.curve ?? "prime256v1",
  });
  const spki = publicKey.export({ type: "spki", format: "der" });

  const signingKey = issuer ? issuer.privateKey : privateKey;
  const { hash, algId } = signatureAlgorithm(signingKey);
  const issuerName = issuer ? subjectNameDer(issuer.certDer) : nameDer(commonName);

  const now = Date.now();
  const validity = sequence(derTime(new Date(now - skewMs)), derTime(new Date(now + validMs)));

  const extensions: Buffer[] = [];
  if (options.keyUsage && options.keyUsage.length > 0) {
    extensions.push(extension(OID.keyUsage, true, keyUsageValue(options.keyUsage)));
  }
  if (options.extKeyUsage && options.extKeyUsage.length > 0) {
    const purposes = options.extKeyUsage.map((usage) => {
      const id = usage === "serverAuth" ? OID.serverAuth : usage === "clientAuth" ? OID.clientAuth : "";
      if (!id) throw new TypeError(`x509: unknown extended key usage ${String(usage)}`);
      return oid(id);
    });
    extensions.push(extension(OID.extKeyUsage, false, sequence(...purposes)));
  }
  extensions.push(
    extension(OID.basicConstraints, true, options.isCa ? sequence(DER_TRUE) : sequence()),
    extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spki))),
  );
  if (issuer) {
    const issuerSpki = crypto.createPublicKey(issuer.privateKey).export({ type: "spki", format: "der" });
    // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING, ... }
    extensions.push(
      extension(OID.authorityKeyIdentifier, false, sequence(tlv(0x80, keyIdentifier(issuerSpki)))),
    );
  }
  if (dnsNames.length > 0 || ips.length > 0) {
    const generalNames = [
      ...dnsNames.map((name) => tlv(0x82, Buffer.from(name, "ascii"))), // [2] dNSName
      ...ips.map((bytes) => tlv(0x87, bytes)), // [7] iPAddress
    ];
    extensions.push(extension(OID.subjectAltName, false, sequence(...generalNames)));
  }

  const tbs = sequence(
    explicit(0, tlv(0x02, Buffer.from([2]))), // version v3
    unsignedInteger(randomSerial()),
    algId,
    issuerName,
    validity,
    nameDer(commonName),
    spki,
    explicit(3, sequence(...extensions)),
  );
  const signature = crypto.sign(hash, tbs, { key: signingKey, dsaEncoding: "der" });
  const certDer = sequence(tbs, algId, bitString(signature));

  return {
    commonName,
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    certPem: toPem(certDer),
    certDer,
    privateKey,
  };
}

/** go-plugin's AutoMTLS validity: 262980 hours (about 30 years), in days. */
const PLUGIN_VALID_DAYS = 262_980 / 24;

/**
 * The certificate a go-plugin server presents under AutoMTLS, matching go-plugin's own template:
 * self-signed ECDSA P-256, CN=localhost, SAN DNS:localhost, CA:TRUE, key usage digitalSignature,
 * keyEncipherment, keyAgreement and keyCertSign, extended key usage serverAuth and clientAuth,
 * valid from 30 s ago for 262980 hours, random positive serial. Fresh key on every call.
 */
export function pluginServerCertificate(): IssuedCertificate {
  return createCertificate({
    commonName: "localhost",
    dnsNames: ["localhost"],
    isCa: true,
    keyUsage: ["digitalSignature", "keyEncipherment", "keyAgreement", "keyCertSign"],
    extKeyUsage: ["serverAuth", "clientAuth"],
    notBeforeSkewSeconds: 30,
    validDays: PLUGIN_VALID_DAYS,
  });
}

/**
 * A throw-away CA (CA:TRUE, keyCertSign + cRLSign, 10 years) and a server certificate issued by it
 * (CA:FALSE, digitalSignature, serverAuth, 1 year) for the given DNS names and IP addresses. The
 * server's common name is the first DNS name, else the first IP address, else `localhost`.
 */
export function createCaAndServerCertificate(opts: {
  dnsNames: string[];
  ipAddresses: string[];
  caCommonName?: string;
}): { ca: IssuedCertificate; server: IssuedCertificate } {
  const ca = createCertificate({
    commonName: opts.caCommonName ?? "local test CA",
    isCa: true,
    keyUsage: ["keyCertSign", "cRLSign"],
    validDays: 3650,
  });
  const server = createCertificate({
    commonName: opts.dnsNames[0] ?? opts.ipAddresses[0] ?? "localhost",
    dnsNames: opts.dnsNames,
    ipAddresses: opts.ipAddresses,
    keyUsage: ["digitalSignature"],
    extKeyUsage: ["serverAuth"],
    issuer: ca,
  });
  return { ca, server };
}

/**
 * The certificate's DER in standard base64 without `=` padding, the form go-plugin puts in the
 * handshake line (Go's `base64.RawStdEncoding`).
 */
export function certDerBase64NoPad(cert: IssuedCertificate): string {
  return cert.certDer.toString("base64").replace(/=+$/, "");
}
