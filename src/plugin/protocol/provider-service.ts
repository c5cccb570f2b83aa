/**
 * The gRPC services a provider process offers: `tfplugin6.Provider` (every RPC the supported
 * hosts call) and go-plugin's `plugin.GRPCController`.
 *
 * Each RPC method reads the same: decode the request (from-proto) → call the provider → encode
 * the response (to-proto). Requests and responses cross the server (`unary-server.ts`) as raw
 * bytes, so decoding and encoding failures are ours to report like any other exception: as a gRPC
 * INTERNAL error with a message, logged at error level. Diagnostics are the user's channel and are
 * never thrown.
 */

import type { Logger } from "../log";
import * as fromProto from "./from-proto";
import { GrpcError, GrpcStatus } from "./grpc-status";
import { noManagedResources, type ProviderServer } from "./provider-server";
import * as toProto from "./to-proto";
import type { GetProviderSchemaResponse, ProviderSchema, ServerCapabilities } from "./types";
import type { UnaryHandler } from "./unary-server";

/** A gRPC service of unary methods: its full name and the handler of each method, by method name. */
export interface UnaryService {
  /** The service's full name, e.g. `tfplugin6.Provider`. */
  name: string;
  /** The handler of each method, by method name. */
  methods: Record<string, UnaryHandler>;
}

/** Options of {@link providerService}. */
export interface ProviderServiceOptions {
  /** Where RPCs are logged. */
  logger: Logger;
  /**
   * Announce `get_provider_schema_optional`, letting the host reuse a cached schema instead of
   * calling GetProviderSchema in every provider process.
   * @default true
   */
  getProviderSchemaOptional?: boolean;
}

interface UnaryRpc<Req> {
  decode(bytes: Uint8Array): Req;
  handle(req: Req): Promise<Uint8Array>;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The handlers of `services` by path (`/<service>/<method>`), as the unary server takes them. */
export function methodsByPath(services: readonly UnaryService[]): Map<string, UnaryHandler> {
  const out = new Map<string, UnaryHandler>();
  for (const service of services)
    for (const [method, handler] of Object.entries(service.methods))
      out.set(`/${service.name}/${method}`, handler);
  return out;
}

/** Builds a service whose unary methods take and return raw protobuf bytes. */
function unaryService(
  serviceName: string,
  rpcs: Record<string, UnaryRpc<unknown>>,
  logger: Logger,
): UnaryService {
  const methods: Record<string, UnaryHandler> = {};
  for (const [method, rpc] of Object.entries(rpcs)) {
    methods[method] = async (request: Buffer): Promise<Uint8Array> => {
      const started = Date.now();
      if (logger.enabled("debug")) logger.debug("received RPC", { tf_rpc: method });
      try {
        const bytes = await rpc.handle(rpc.decode(request));
        if (logger.enabled("debug"))
          logger.debug("served RPC", { tf_rpc: method, duration_ms: Date.now() - started });
        return bytes;
      } catch (err) {
        const details = logger.redact(`${method}: ${errorMessage(err)}`);
        logger.error("RPC failed with an exception", {
          tf_rpc: method,
          error: err,
          stack: err instanceof Error ? err.stack : undefined,
        });
        throw new GrpcError(GrpcStatus.INTERNAL, details);
      }
    };
  }
  return { name: serviceName, methods };
}

function rpc<Req>(
  decode: (bytes: Uint8Array) => Req,
  handle: (req: Req) => Promise<Uint8Array>,
): UnaryRpc<unknown> {
  return { decode, handle } as UnaryRpc<unknown>;
}

/**
 * The `tfplugin6.Provider` service for `provider`. Managed-resource RPCs the provider does not
 * implement answer with an error diagnostic (never UNIMPLEMENTED, which OpenTofu 1.6 turns into a
 * hard error); GetResourceIdentitySchemas and GetFunctions answer empty.
 */
export function providerService(provider: ProviderServer, options: ProviderServiceOptions): UnaryService {
  const capabilities: ServerCapabilities = {
    planDestroy: false,
    getProviderSchemaOptional: options.getProviderSchemaOptional ?? true,
    moveResourceState: false,
  };

  let schemaPromise: Promise<ProviderSchema> | undefined;
  const providerSchema = (): Promise<ProviderSchema> => {
    if (!schemaPromise) {
      schemaPromise = Promise.resolve(provider.getProviderSchema());
      // A failure is not cached: the next call asks the provider again.
      schemaPromise.catch(() => {
        schemaPromise = undefined;
      });
    }
    return schemaPromise;
  };

  const noDiagnostics = { diagnostics: [] };
  const withoutResources = (typeName: string) => ({ diagnostics: [noManagedResources(typeName)] });

  return unaryService(
    "tfplugin6.Provider",
    {
      GetMetadata: rpc(fromProto.getMetadataRequest, async () => {
        const schema = await providerSchema();
        return toProto.getMetadataResponse({
          serverCapabilities: capabilities,
          diagnostics: schema.diagnostics ?? [],
          dataSources: Object.keys(schema.dataSources),
          resources: Object.keys(schema.resources ?? {}),
        });
      }),

      GetProviderSchema: rpc(fromProto.getProviderSchemaRequest, async () => {
        const schema = await providerSchema();
        const res: GetProviderSchemaResponse = {
          provider: schema.provider,
          resourceSchemas: schema.resources ?? {},
          dataSourceSchemas: schema.dataSources,
          diagnostics: schema.diagnostics ?? [],
          serverCapabilities: capabilities,
        };
        if (schema.providerMeta) res.providerMeta = schema.providerMeta;
        return toProto.getProviderSchemaResponse(res);
      }),

      ValidateProviderConfig: rpc(fromProto.validateProviderConfigRequest, async (req) =>
        toProto.validateProviderConfigResponse(
          (await provider.validateProviderConfig?.(req)) ?? noDiagnostics,
        ),
      ),

      ValidateDataResourceConfig: rpc(fromProto.validateDataResourceConfigRequest, async (req) =>
        toProto.validateDataResourceConfigResponse(
          (await provider.validateDataResourceConfig?.(req)) ?? noDiagnostics,
        ),
      ),

      ConfigureProvider: rpc(fromProto.configureProviderRequest, async (req) =>
        toProto.configureProviderResponse(await provider.configureProvider(req)),
      ),

      ReadDataSource: rpc(fromProto.readDataSourceRequest, async (req) =>
        toProto.readDataSourceResponse(await provider.readDataSource(req)),
      ),

      StopProvider: rpc(fromProto.stopProviderRequest, async () => {
        try {
          await provider.stopProvider?.();
          return toProto.stopProviderResponse({});
        } catch (err) {
          // The protocol has its own channel for this one: the response's Error text.
          options.logger.error("stopping the provider failed", { error: err });
          return toProto.stopProviderResponse({ error: options.logger.redact(errorMessage(err)) });
        }
      }),

      GetResourceIdentitySchemas: rpc(fromProto.getResourceIdentitySchemasRequest, async () =>
        toProto.getResourceIdentitySchemasResponse({ diagnostics: [] }),
      ),

      GetFunctions: rpc(fromProto.getFunctionsRequest, async () =>
        toProto.getFunctionsResponse({ diagnostics: [] }),
      ),

      // Managed resources: a provider without them answers every call with one clear diagnostic
      // (never UNIMPLEMENTED, which OpenTofu 1.6 turns into a hard error).
      ValidateResourceConfig: rpc(fromProto.validateResourceConfigRequest, async (req) =>
        toProto.validateResourceConfigResponse(
          provider.validateResourceConfig
            ? await provider.validateResourceConfig(req)
            : withoutResources(req.typeName),
        ),
      ),
      UpgradeResourceState: rpc(fromProto.upgradeResourceStateRequest, async (req) =>
        toProto.upgradeResourceStateResponse(
          provider.upgradeResourceState
            ? await provider.upgradeResourceState(req)
            : withoutResources(req.typeName),
        ),
      ),
      ReadResource: rpc(fromProto.readResourceRequest, async (req) =>
        toProto.readResourceResponse(
          provider.readResource ? await provider.readResource(req) : withoutResources(req.typeName),
        ),
      ),
      PlanResourceChange: rpc(fromProto.planResourceChangeRequest, async (req) =>
        toProto.planResourceChangeResponse(
          provider.planResourceChange
            ? await provider.planResourceChange(req)
            : { requiresReplace: [], ...withoutResources(req.typeName) },
        ),
      ),
      ApplyResourceChange: rpc(fromProto.applyResourceChangeRequest, async (req) =>
        toProto.applyResourceChangeResponse(
          provider.applyResourceChange
            ? await provider.applyResourceChange(req)
            : withoutResources(req.typeName),
        ),
      ),
      ImportResourceState: rpc(fromProto.importResourceStateRequest, async (req) =>
        toProto.importResourceStateResponse(
          provider.importResourceState
            ? await provider.importResourceState(req)
            : { importedResources: [], ...withoutResources(req.typeName) },
        ),
      ),
    },
    options.logger,
  );
}

/**
 * go-plugin's `plugin.GRPCController` service: `Shutdown` answers, then calls `onShutdown` once the
 * answer has been handed to the transport.
 */
export function controllerService(onShutdown: () => void, logger: Logger): UnaryService {
  return unaryService(
    "plugin.GRPCController",
    {
      Shutdown: rpc(fromProto.emptyRequest, async () => {
        logger.debug("the host asked the provider to shut down");
        // Let the response go out first; onShutdown then drains the server and exits.
        setImmediate(onShutdown);
        return toProto.emptyResponse();
      }),
    },
    logger,
  );
}
