/**
 * Test helpers for the protocol layer: spawning the provider executable like a go-plugin host,
 * parsing the handshake line, and calling RPCs with a grpc-js client over loopback.
 */

import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import type { IssuedCertificate } from "../../../src/plugin/tls/x509";

/** go-plugin's magic cookie for Terraform providers. */
export const COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/** The repository root. */
export const ROOT = path.resolve(__dirname, "../../..");

/** The provider executable tofu/terraform run. */
export const EXECUTABLE = path.join(ROOT, "bin", "terraform-provider-vsphereguest");

/** Fails with a clear message when the compiled provider the executable loads is missing. */
export function requireBuild(): void {
  for (const file of ["lib/provider/main.js", "lib/plugin/proto/gen/tfplugin6.js"]) {
    if (!fs.existsSync(path.join(ROOT, file))) {
      throw new Error(`${file} is missing: run \`npm run build\` before these tests`);
    }
  }
}

/** The environment a host gives the provider, plus `extra` (undefined values are removed). */
export function hostEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_PLUGIN_MAGIC_COOKIE: COOKIE,
    PLUGIN_PROTOCOL_VERSIONS: "5,6",
  };
  delete env.PLUGIN_CLIENT_CERT;
  delete env.TF_LOG;
  delete env.TF_LOG_PROVIDER;
  // The provider reads its settings from VSPHERE_* variables: a developer's own must not leak in.
  for (const key of Object.keys(env)) if (key.startsWith("VSPHERE_")) delete env[key];
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** A spawned provider process. */
export interface SpawnedProvider {
  child: ChildProcess;
  /** Everything read from stdout so far. */
  stdout(): string;
  /** Everything read from stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the provider executable (the launcher unless told otherwise) with `env`. */
export function spawnProvider(env: NodeJS.ProcessEnv, executable = EXECUTABLE): SpawnedProvider {
  const child = spawn(executable, [], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits for the first stdout line (the handshake) of a spawned provider. */
export async function handshakeOf(provider: SpawnedProvider, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = provider.stdout();
    const newline = out.indexOf("\n");
    if (newline >= 0) return out.slice(0, newline);
    if (provider.child.exitCode !== null || provider.child.signalCode !== null) {
      throw new Error(`the provider exited before the handshake; stderr:\n${provider.stderr()}`);
    }
    if (Date.now() > deadline)
      throw new Error(`no handshake after ${timeoutMs} ms; stderr:\n${provider.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A handshake line taken apart. */
export interface Handshake {
  fields: string[];
  address: string;
  /** The server certificate (PEM) when the last field is set. */
  certPem?: string;
  certDer?: Buffer;
}

/** Splits a handshake line; adds the PEM form of the certificate when there is one. */
export function parseHandshake(line: string): Handshake {
  const fields = line.split("|");
  const cert = fields[5] ?? "";
  const out: Handshake = { fields, address: fields[3] ?? "" };
  if (cert !== "") {
    const der = Buffer.from(cert, "base64");
    const b64 = der.toString("base64");
    out.certDer = der;
    out.certPem = `-----BEGIN CERTIFICATE-----\n${b64.replace(/.{64}/g, "$&\n")}\n-----END CERTIFICATE-----\n`;
  }
  return out;
}

/** How a test client connects. */
export type ClientAuth =
  | { kind: "mtls"; serverCertPem: string; clientCert: IssuedCertificate }
  | { kind: "tls-no-client-cert"; serverCertPem: string }
  | { kind: "plaintext" };

/** A grpc-js client for `address`, dialling with server name `localhost` like go-plugin does. */
export function connect(address: string, auth: ClientAuth): grpc.Client {
  let creds: grpc.ChannelCredentials;
  switch (auth.kind) {
    case "mtls":
      creds = grpc.credentials.createSsl(
        Buffer.from(auth.serverCertPem),
        Buffer.from(auth.clientCert.keyPem),
        Buffer.from(auth.clientCert.certPem),
      );
      break;
    case "tls-no-client-cert":
      creds = grpc.credentials.createSsl(Buffer.from(auth.serverCertPem));
      break;
    case "plaintext":
      creds = grpc.credentials.createInsecure();
      break;
  }
  return new grpc.Client(address, creds, {
    "grpc.ssl_target_name_override": "localhost",
    "grpc.default_authority": "localhost",
  });
}

/** Calls a unary method with raw protobuf bytes and resolves with the raw response. */
export function call(
  client: grpc.Client,
  method: string,
  request: Uint8Array,
  timeoutMs = 5000,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      method,
      (bytes: Buffer) => bytes,
      (bytes: Buffer) => bytes,
      Buffer.from(request),
      new grpc.Metadata(),
      { deadline: Date.now() + timeoutMs },
      (err: grpc.ServiceError | null, response?: Buffer) =>
        err ? reject(err) : resolve(response ?? Buffer.alloc(0)),
    );
  });
}

/** Resolves with the status code of a call that is expected to fail. */
export async function failingCall(
  client: grpc.Client,
  method: string,
  request: Uint8Array,
): Promise<grpc.ServiceError> {
  try {
    await call(client, method, request, 3000);
  } catch (err) {
    return err as grpc.ServiceError;
  }
  throw new Error(`${method} unexpectedly succeeded`);
}

/** Resolves within `ms` milliseconds with the promise's value, or rejects. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
