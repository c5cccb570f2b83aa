/** A throw-away gpg home with one signing key, for the tests that sign and verify releases. */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";

/** Whether gpg is installed (the tests that need it are skipped, visibly, when it is not). */
export const hasGpg = spawnSync("gpg", ["--version"], { stdio: "ignore" }).status === 0;

/** A gpg home and its key. */
export interface GpgKey {
  /** The GNUPGHOME folder. */
  gnupghome: string;
  /** The key's fingerprint (40 hex digits). */
  fingerprint: string;
  /** Runs gpg in batch mode in that home; returns its stdout. */
  gpg(...args: string[]): string;
  /** Stops the gpg agent of that home. */
  kill(): void;
}

/** Makes `gnupghome` (mode 0700) and a passphrase-less key that never expires for `uid`. */
export function throwAwayGpgKey(gnupghome: string, uid: string): GpgKey {
  mkdirSync(gnupghome, { mode: 0o700 });
  const env = { ...process.env, GNUPGHOME: gnupghome };
  const gpg = (...args: string[]): string =>
    execFileSync("gpg", ["--batch", ...args], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  gpg("--passphrase", "", "--quick-gen-key", uid, "default", "default", "never");
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(gpg("--with-colons", "--list-secret-keys"))?.[1] ?? "";
  return { gnupghome, fingerprint, gpg, kill: () => void spawnSync("gpgconf", ["--kill", "all"], { env }) };
}
