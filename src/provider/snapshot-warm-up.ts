/**
 * Work done once while the single executable's startup snapshot is built, so that V8 compiles
 * what every provider process runs before its first answers and the snapshot keeps the compiled
 * code: the AutoMTLS certificate (DER and PEM encoding, the X.509 parser), GetMetadata and
 * GetProviderSchema end to end (schema conversion and protobuf encoding), and Node's IPv6 address
 * check, which the server's listen on 127.0.0.1 runs once (~3–7 ms the first time).
 *
 * Nothing of it may stay in the snapshot but compiled code: the certificate (and its key) is
 * thrown away, the provider is a throw-away instance with an empty environment and a logger that
 * writes nothing, and no timer, socket or environment read is left behind. The provider's own
 * logger is not touched, so it still reads its level from the environment of the process that
 * starts from the snapshot.
 */

import { X509Certificate } from "node:crypto";
import { isIPv6 } from "node:net";
import { createLogger } from "../plugin/log";
import { providerService } from "../plugin/protocol/provider-service";
import { certDerBase64NoPad, pluginServerCertificate } from "../plugin/tls/x509";
import { createProvider } from "./provider";

/** The RPCs every provider process may answer before it is configured, run once with empty requests. */
const WARM_RPCS = ["GetMetadata", "GetProviderSchema"] as const;

/** Runs the start-up paths once; resolves when done (the snapshot is taken after the event loop drains). */
export async function warmUpForSnapshot(): Promise<void> {
  const cert = pluginServerCertificate();
  certDerBase64NoPad(cert);
  new X509Certificate(cert.certPem);
  isIPv6("127.0.0.1");

  const logger = createLogger({ level: "off", write: () => undefined, env: {} });
  const service = providerService(createProvider({ env: {}, log: logger }), { logger });
  for (const method of WARM_RPCS) {
    const handler = service.methods[method];
    if (handler !== undefined) await handler(Buffer.alloc(0));
  }
}
