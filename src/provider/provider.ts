/**
 * The vsphereguest provider: its configuration, its data sources (from the registry), and the one
 * vCenter client (one session) every read of this provider process shares. The plugin framework
 * (`src/plugin`) does the protocol work around it.
 *
 * Start-up matters (the host starts a provider process for schema loading, for validate and for
 * plan): the API client and its HTTP stack are loaded only when the provider is configured.
 */
import { createProviderServer, type FrameworkProvider, type Logger } from "../plugin";
import type { VCenterClient } from "../vcenter/client";
import { resolveProviderSettings, validateProviderBlock } from "./config";
import type { ProviderContext } from "./context";
import { errorToDiagnostic } from "./error-diagnostics";
import { log as defaultLog, PROVIDER_NAME } from "./log";
import { OutageReport } from "./outage";
import { DATA_SOURCES, RESOURCES } from "./registry";
import { PROVIDER_SCHEMA } from "./schemas";

/** The provider attribute behind each client option an invalid-argument error can name. */
const CLIENT_FIELD_ATTRIBUTES: Readonly<Record<string, string>> = {
  server: "vsphere_server",
  user: "user",
  password: "password",
  ca_file: "ca_file",
};

/** The provider and a way to release its vCenter session. */
export type VsphereGuestProvider = FrameworkProvider;

/** Options for tests; the executable uses the defaults. */
export interface ProviderOptions {
  /** Environment the settings fall back to. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Logger. @default the provider's `log` */
  log?: Logger;
}

/** Creates the provider served by the executable. */
export function createProvider(options: ProviderOptions = {}): VsphereGuestProvider {
  const env = options.env ?? process.env;
  const log = options.log ?? defaultLog;
  const stop = new AbortController();
  let client: VCenterClient | undefined;

  return createProviderServer<typeof PROVIDER_SCHEMA, ProviderContext>({
    name: PROVIDER_NAME,
    schema: PROVIDER_SCHEMA,
    dataSources: DATA_SOURCES,
    resources: RESOURCES,
    log,

    validate: ({ config }) => validateProviderBlock(config),

    async configure({ config }) {
      const { settings, diagnostics } = resolveProviderSettings(config, env);
      if (!settings) return { diagnostics };
      // Values from the environment are secrets too (the framework registered the block's).
      for (const secret of [settings.password, settings.guest.password, settings.guest.samlToken]) {
        if (secret) log.addSecret(secret);
      }
      try {
        const { VCenterClient } = await import("../vcenter/client");
        client = new VCenterClient({
          server: settings.server,
          user: settings.user,
          password: settings.password,
          caFile: settings.caFile,
          allowUnverifiedSsl: settings.allowUnverifiedSsl,
          requestTimeoutMs: settings.apiTimeoutMs,
          logger: (level, message, fields) => log[level](message, fields),
        });
        // Log in now: a wrong address, CA or password is one clear diagnostic here rather than
        // one per data source.
        await client.login(stop.signal);
        log.info("logged in to vCenter", { server: client.address.display });
      } catch (error) {
        const failure = errorToDiagnostic(error, {
          vmAttribute: "vm",
          ownCredentials: false,
          doing: "configuring the vsphereguest provider",
          redact: (t) => log.redact(t),
          fieldAttributes: CLIENT_FIELD_ATTRIBUTES,
        });
        if (failure.summary.startsWith("Invalid ") && failure.attribute === undefined) {
          failure.summary = "Invalid provider configuration";
        }
        return { diagnostics: [...diagnostics, failure] };
      }
      return {
        context: { client, settings, stopSignal: stop.signal, log, outage: new OutageReport() },
        diagnostics,
      };
    },

    stop() {
      stop.abort(new Error("the provider was asked to stop"));
    },

    async close() {
      await client?.close();
    },
  });
}
