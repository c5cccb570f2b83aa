/**
 * The two provider package hashes a `.terraform.lock.hcl` records, computed independently of the
 * hosts: `zh:` (SHA-256 of the release zip) and `h1:` (Go's dirhash "Hash1" over the files the zip
 * unpacks to: SHA-256 of the sorted lines `<sha256 hex>  <name>\n`, base64).
 */
import { createHash } from "node:crypto";

const sha256 = (data: Buffer | string): Buffer => createHash("sha256").update(data).digest();

/** `zh:<hex>` of a zip archive. */
export function zhHash(zip: Buffer): string {
  return `zh:${sha256(zip).toString("hex")}`;
}

/** `h1:<base64>` of a package made of `files` (names as in the zip, `/`-separated). */
export function h1Hash(files: { name: string; data: Buffer }[]): string {
  const summary = [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => `${sha256(f.data).toString("hex")}  ${f.name}\n`)
    .join("");
  return `h1:${sha256(summary).toString("base64")}`;
}

/** The hashes recorded for `provider` (e.g. `registry.opentofu.org/vsphere-guest/vsphereguest`). */
export function lockedHashes(lockFile: string, provider: string): string[] {
  const start = lockFile.indexOf(`provider "${provider}"`);
  if (start === -1) return [];
  const block = lockFile.slice(start, lockFile.indexOf("\n}", start));
  return [...block.matchAll(/"((?:h1|zh):[^"]+)"/g)].map((m) => m[1]);
}
