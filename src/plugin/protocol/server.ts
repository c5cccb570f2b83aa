/**
 * Serving a provider to tofu/terraform: the go-plugin handshake, AutoMTLS and the process
 * lifecycle around the gRPC server.
 *
 * The host runs the provider executable with a magic cookie and, by default, its own one-time
 * client certificate in the environment. We start a gRPC server on 127.0.0.1 (a random port),
 * require that exact client certificate when it is given, and print the handshake line
 * `1|6|tcp|127.0.0.1:PORT|grpc|CERT` as the first and only output on stdout. The host then calls
 * the provider RPCs and finally `plugin.GRPCController/Shutdown`, after which we exit. The gRPC
 * server is our own unary-only one on `node:http2` (`unary-server.ts`); what else go-plugin's hosts
 * call on connect (`plugin.GRPCBroker/StartStream`, `plugin.GRPCStdio/StreamStdio`) answers
 * UNIMPLEMENTED, as it did with grpc-js, and the hosts carry on.
 */

import { X509Certificate } from "node:crypto";
import { createLogger, type Logger } from "../log";
import { certDerBase64NoPad, pluginServerCertificate } from "../tls/x509";
import type { ProviderServer } from "./provider-server";
import { controllerService, methodsByPath, providerService } from "./provider-service";
import { settleV8ForShortLife } from "./short-lived-v8";
import { listenUnary, type UnaryServer, type UnaryServerTls } from "./unary-server";

/** Name of the environment variable carrying go-plugin's magic cookie for Terraform providers. */
export const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";

/** The magic cookie value every Terraform/OpenTofu host sets. */
export const MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/** The plugin protocol version this provider speaks. */
export const PROTOCOL_VERSION = 6;

/** What a person running a provider by hand reads on stderr, unless {@link ServeOptions.notACommandMessage} says otherwise. */
export function defaultNotACommandMessage(name: string): string {
  return [
    `This is ${name}, a plugin for OpenTofu and Terraform.`,
    "It is not meant to be run by hand: tofu or terraform start it when a configuration uses it.",
    "",
  ].join("\n");
}

/** Options of {@link serve}. Defaults are right for the real provider process. */
export interface ServeOptions {
  /** The executable's name, used in the messages it prints. @default "terraform-provider" */
  name?: string;
  /** What a person running the executable by hand reads on stderr. @default {@link defaultNotACommandMessage} */
  notACommandMessage?: string;
  /** Environment holding the handshake variables. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Where the handshake line goes. @default process.stdout */
  writeStdout?: (text: string) => void;
  /** Where the by-hand explanation goes. @default process.stderr */
  writeStderr?: (text: string) => void;
  /**
   * Ends the process: called with 1 when the handshake cannot start, with 0 after the host's
   * Shutdown call.
   * @default process.exit
   */
  exit?: (code: number) => void;
  /** Logger for the server and its RPCs. @default a logger with `@module` `provider` */
  logger?: Logger;
  /**
   * Take over the process: ignore SIGINT (the host handles Ctrl-C and calls StopProvider), treat
   * SIGTERM as StopProvider followed by a shutdown, exit when the parent process is gone or
   * stderr breaks, and send anything written to stdout after the handshake into the log instead.
   * @default true when `exit` is not given
   */
  manageProcess?: boolean;
  /** @see ProviderServiceOptions.getProviderSchemaOptional @default true */
  getProviderSchemaOptional?: boolean;
  /**
   * Longest wait after Shutdown — for the provider's close (logout) and then for calls in flight —
   * before exiting anyway, in milliseconds.
   * @default 1000
   */
  shutdownGraceMs?: number;
}

/** A running provider server. */
export interface PluginServer {
  /** `127.0.0.1:PORT`. */
  address: string;
  /** The TCP port the server listens on. */
  port: number;
  /** The handshake line that was printed, without the newline. */
  handshake: string;
  /** Whether the server requires the host's client certificate (AutoMTLS). */
  tls: boolean;
  /** Stops the server at once (for tests; the host uses Shutdown). */
  close(): void;
}

/** Longest wait for the provider's close and in-flight calls after Shutdown before exiting anyway. */
const SHUTDOWN_GRACE_MS = 1000;
/**
 * After SIGTERM, how long the host has to call Shutdown (it usually does within milliseconds,
 * once the cancelled reads have answered) before the provider logs out and exits by itself.
 */
const SIGTERM_GRACE_MS = 3000;
/** How often to check that the host is still our parent. */
const PARENT_POLL_MS = 2000;

/**
 * The go-plugin handshake line: core protocol 1, app protocol 6, TCP address, gRPC, and the
 * server certificate's DER in unpadded standard base64 (empty without AutoMTLS).
 */
export function handshakeLine(address: string, certBase64NoPad: string): string {
  return `1|${PROTOCOL_VERSION}|tcp|${address}|grpc|${certBase64NoPad}`;
}

/** Whether a `PLUGIN_PROTOCOL_VERSIONS` value (e.g. `5,6`) lets us speak protocol 6; unset means yes. */
export function offersProtocol6(versions: string | undefined): boolean {
  if (versions === undefined || versions.trim() === "") return true;
  return versions.split(",").some((v) => Number(v.trim()) === PROTOCOL_VERSION);
}

/**
 * Serves `provider` to the host that started this process. Resolves once the handshake line has
 * been printed; resolves `undefined` (after calling `exit(1)`) when the process was not started
 * by a compatible host.
 */
export async function serve(
  provider: ProviderServer,
  options: ServeOptions = {},
): Promise<PluginServer | undefined> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger();
  const name = options.name ?? "terraform-provider";
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const manageProcess = options.manageProcess ?? options.exit === undefined;
  const writeStderr = options.writeStderr ?? ((text: string) => void process.stderr.write(text));
  let writeStdout = options.writeStdout;
  if (!writeStdout) {
    const realWrite = process.stdout.write.bind(process.stdout);
    writeStdout = (text: string) => void realWrite(text);
    // Nothing but the handshake may reach the host's end of stdout: divert stray writes (a
    // console.log anywhere in the process) to the log.
    if (manageProcess) divertStdout(logger);
  }

  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    writeStderr(options.notACommandMessage ?? defaultNotACommandMessage(name));
    exit(1);
    return undefined;
  }
  const versions = env.PLUGIN_PROTOCOL_VERSIONS;
  if (!offersProtocol6(versions)) {
    writeStderr(
      `${name} speaks plugin protocol ${PROTOCOL_VERSION} only, and the host offers ` +
        `${JSON.stringify(versions)}. Use OpenTofu 1.6 or later, or Terraform 1.0 or later.\n`,
    );
    exit(1);
    return undefined;
  }

  const cleanup: Array<() => void> = [];
  const stopTimers = (): void => {
    for (const undo of cleanup.splice(0)) undo();
  };
  if (manageProcess) {
    const onSigint = (): void =>
      logger.debug("ignoring SIGINT: the host handles Ctrl-C and calls StopProvider");
    process.on("SIGINT", onSigint);
    cleanup.push(() => process.off("SIGINT", onSigint));
    // Stdin is the host's own stdin (go-plugin passes it through), so its end says nothing about
    // the host; a changed parent pid does: an orphaned provider must not linger.
    const parent = process.ppid;
    const parentTimer = setInterval(() => {
      if (process.ppid !== parent) {
        logger.warn("the host process is gone; exiting");
        exit(0);
      }
    }, PARENT_POLL_MS);
    parentTimer.unref();
    cleanup.push(() => clearInterval(parentTimer));
    const onStderrError = (): void => exit(0);
    process.stderr.on("error", onStderrError);
    cleanup.push(() => process.stderr.off("error", onStderrError));
  }

  let certField = "";
  let tls: UnaryServerTls | undefined;
  const clientCertPem = env.PLUGIN_CLIENT_CERT;
  if (clientCertPem) {
    try {
      new X509Certificate(clientCertPem);
    } catch (err) {
      writeStderr(
        `${name}: PLUGIN_CLIENT_CERT is not a PEM certificate (${String(err)}); ` +
          "it is set by tofu/terraform, do not set it by hand.\n",
      );
      exit(1);
      return undefined;
    }
    const cert = pluginServerCertificate();
    // Trust exactly the host's one-time certificate and require it: no other local process may
    // talk to the provider (it may hold credentials once configured).
    tls = { keyPem: cert.keyPem, certPem: cert.certPem, clientCertPem };
    certField = certDerBase64NoPad(cert);
  } else {
    logger.warn("PLUGIN_CLIENT_CERT is not set: serving without TLS (TF_DISABLE_PLUGIN_TLS?)");
  }

  let server: UnaryServer | undefined;
  let shuttingDown = false;
  const shutdown = (): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    stopTimers();
    const graceMs = options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS;
    let exited = false;
    const finish = (): void => {
      if (exited) return;
      exited = true;
      clearTimeout(fallback);
      exit(0);
    };
    const fallback = setTimeout(() => {
      logger.warn("in-flight calls did not finish after Shutdown; exiting anyway");
      server?.close();
      finish();
    }, graceMs);
    fallback.unref();
    const started = Date.now();
    // Release what the provider holds (sessions, connections) before the server goes away, then
    // take no new calls and let the ones in flight finish within what is left of the grace period.
    Promise.resolve()
      .then(() => provider.close?.())
      .catch((err: unknown) => logger.warn("provider close failed", { error: String(err) }))
      .then(() => server?.drain(Math.max(0, graceMs - (Date.now() - started))))
      .then((finished) => {
        if (finished === false && !exited)
          logger.warn("in-flight calls did not finish after Shutdown; exiting anyway");
        finish();
      });
  };

  if (manageProcess) {
    // SIGTERM (GNU timeout, CI runners and container stops signal the whole process group, the
    // host included) is handled like StopProvider: waits are cancelled at once, so calls in flight
    // answer with their error and the host reports a clean interruption. The host then calls
    // Shutdown, which closes the provider and exits; should it not, we do the same ourselves.
    const onSigterm = (): void => {
      if (shuttingDown) return;
      logger.info("SIGTERM received: cancelling calls in flight, then shutting down");
      Promise.resolve()
        .then(() => provider.stopProvider?.())
        .catch((err: unknown) => logger.warn("stopping the provider failed", { error: String(err) }));
      const fallback = setTimeout(() => {
        logger.info("the host did not shut the provider down after SIGTERM; exiting");
        shutdown();
      }, SIGTERM_GRACE_MS);
      fallback.unref();
      cleanup.push(() => clearTimeout(fallback));
    };
    // Never removed: a second SIGTERM during shutdown must not kill the logout half-way.
    process.on("SIGTERM", onSigterm);
  }

  const methods = methodsByPath([
    providerService(provider, { logger, getProviderSchemaOptional: options.getProviderSchemaOptional }),
    controllerService(shutdown, logger),
  ]);

  let port: number;
  try {
    server = await listenUnary(methods, { tls, logger });
    port = server.port;
  } catch (err) {
    logger.error("cannot start the gRPC server", { error: err });
    writeStderr(`${name}: cannot start the gRPC server: ${String(err)}\n`);
    exit(1);
    return undefined;
  }

  const address = `127.0.0.1:${port}`;
  const handshake = handshakeLine(address, certField);
  writeStdout(`${handshake}\n`);
  logger.debug("provider server started", { address, tls: certField !== "" });
  // The process now lives for one host command; start-up has loaded everything through its code
  // caches, so V8's flags can change without costing them.
  if (manageProcess) settleV8ForShortLife();

  return {
    address,
    port,
    handshake,
    tls: certField !== "",
    close: () => {
      shuttingDown = true;
      stopTimers();
      server?.close();
    },
  };
}

/** Replaces `process.stdout.write` so that stray output is logged instead of corrupting the handshake. */
function divertStdout(logger: Logger): void {
  const divert = (chunk: unknown, encodingOrCallback?: unknown, callback?: unknown): boolean => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
    logger.warn("unexpected output on stdout (moved to the log)", { text: text.replace(/\n$/, "") });
    const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
    if (typeof done === "function") process.nextTick(done as () => void);
    return true;
  };
  process.stdout.write = divert as typeof process.stdout.write;
}
