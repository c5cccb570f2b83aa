/**
 * The vsphereguest provider: its configuration schema, its data sources, and the one vCenter
 * client (one session) every read of this provider process shares.
 *
 * Start-up matters (the host starts a provider process for schema loading, for validate and for
 * plan): the API client and its HTTP stack are loaded only when the provider is configured.
 */
import { quote } from "../util/quote";
import type { VCenterClient } from "../vcenter/client";
import { type CtyType, decodeCty, encodeCty } from "../plugin/codec/cty";
import { impliedType, type SchemaBlock } from "../plugin/codec/schema";
import { type BlockValue, nested, resolveProviderSettings, str, validateProviderBlock } from "./config";
import type { DataSource, ProviderContext } from "./data-sources/data-source";
import { processDataSource } from "./data-sources/process";
import { processesDataSource } from "./data-sources/processes";
import { errorDiag } from "../plugin/diagnostics";
import { errorToDiagnostic } from "./error-diagnostics";
import { log as defaultLog, type Logger } from "../plugin/log";
import { OutageReport } from "./outage";
import type { ProviderServer } from "../plugin/protocol/provider-server";
import type { Diagnostic, DynamicValue, ProviderSchema } from "../plugin/protocol/types";
import { PROVIDER_SCHEMA } from "./schemas";

/** Every data source of the provider. */
export const DATA_SOURCES: readonly DataSource[] = [processDataSource, processesDataSource];

/** The provider attribute behind each client option an invalid-argument error can name. */
const CLIENT_FIELD_ATTRIBUTES: Readonly<Record<string, string>> = {
  server: "vsphere_server",
  user: "user",
  password: "password",
  ca_file: "ca_file",
};

/** The provider and a way to release its vCenter session. */
export interface VsphereGuestProvider extends ProviderServer {
  /** Logs out of vCenter and closes connections; called before the process exits. */
  close(): Promise<void>;
}

/** Options for tests; the executable uses the defaults. */
export interface ProviderOptions {
  env?: NodeJS.ProcessEnv;
  log?: Logger;
}

function decodeBlock(block: SchemaBlock, value: DynamicValue, what: string): BlockValue {
  if (value.msgpack === undefined || value.msgpack.length === 0) {
    throw new Error(`${what}: the host sent no MessagePack value`);
  }
  const decoded = decodeCty(impliedType(block), value.msgpack);
  if (decoded === null || typeof decoded !== "object" || Array.isArray(decoded)) {
    throw new Error(`${what}: expected an object value`);
  }
  return decoded as BlockValue;
}

/** Creates the provider served by the executable. */
export function createProvider(options: ProviderOptions = {}): VsphereGuestProvider {
  const env = options.env ?? process.env;
  const log = options.log ?? defaultLog;
  const dataSources = new Map(DATA_SOURCES.map((d) => [d.typeName, d]));
  const stop = new AbortController();
  let context: ProviderContext | undefined;
  let client: VCenterClient | undefined;
  let configureError: Diagnostic | undefined;

  const schema: ProviderSchema = {
    provider: { version: 0, block: PROVIDER_SCHEMA },
    dataSources: Object.fromEntries(DATA_SOURCES.map((d) => [d.typeName, { version: 0, block: d.schema }])),
  };

  const unknownDataSource = (typeName: string): Diagnostic =>
    errorDiag(
      "Unknown data source",
      `The vsphereguest provider has no data source ${quote(typeName)}; it offers ${DATA_SOURCES.map((d) => d.typeName).join(" and ")}.`,
    );

  return {
    getProviderSchema: () => schema,

    validateProviderConfig(config) {
      return validateProviderBlock(decodeBlock(PROVIDER_SCHEMA, config, "provider configuration"));
    },

    async configureProvider(config) {
      const block = decodeBlock(PROVIDER_SCHEMA, config, "provider configuration");
      const { settings, diagnostics } = resolveProviderSettings(block, env);
      if (!settings) {
        configureError = diagnostics.find((d) => d.severity === "error");
        return diagnostics;
      }
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
        configureError = errorToDiagnostic(error, {
          vmAttribute: "vm",
          ownCredentials: false,
          doing: "configuring the vsphereguest provider",
          redact: (t) => log.redact(t),
          fieldAttributes: CLIENT_FIELD_ATTRIBUTES,
        });
        if (configureError.summary.startsWith("Invalid ") && configureError.attribute === undefined) {
          configureError.summary = "Invalid provider configuration";
        }
        return [...diagnostics, configureError];
      }
      context = { client, settings, stopSignal: stop.signal, log, outage: new OutageReport() };
      return diagnostics;
    },

    validateDataResourceConfig(typeName, config) {
      const dataSource = dataSources.get(typeName);
      if (!dataSource) return [unknownDataSource(typeName)];
      return dataSource.validate(decodeBlock(dataSource.schema, config, typeName));
    },

    async readDataSource(typeName, config) {
      const dataSource = dataSources.get(typeName);
      if (!dataSource) return { diagnostics: [unknownDataSource(typeName)] };
      if (!context) {
        return {
          diagnostics: [
            configureError ??
              errorDiag(
                "Provider not configured",
                "The vsphereguest provider was not configured before this read.",
              ),
          ],
        };
      }
      const block = decodeBlock(dataSource.schema, config, typeName);
      const credentials = nested(block, "credentials");
      for (const secret of [str(credentials, "password"), str(credentials, "saml_token")]) {
        if (secret) log.addSecret(secret);
      }
      const started = Date.now();
      const result = await dataSource.read(block, context);
      log.debug("read data source", {
        type: typeName,
        duration_ms: Date.now() - started,
        ok: result.state !== undefined,
      });
      if (!result.state) return { diagnostics: result.diagnostics };
      const type: CtyType = impliedType(dataSource.schema);
      return { state: { msgpack: encodeCty(type, result.state) }, diagnostics: result.diagnostics };
    },

    stopProvider() {
      log.info("stop requested; cancelling reads in flight");
      stop.abort(new Error("the provider was asked to stop"));
    },

    async close() {
      await client?.close();
    },
  };
}
