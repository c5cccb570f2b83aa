/**
 * What a provider implements to be served over plugin protocol 6: one method per RPC, each taking
 * the RPC's request object and returning its response object (as terraform-plugin-go's
 * `ProviderServer`). Values cross as {@link DynamicValue}s (cty MessagePack); the typed layer in
 * `../framework` decodes them against the schemas, so most providers never implement this
 * interface by hand.
 *
 * Two error channels, as in terraform-plugin-go: problems the user can act on are returned as
 * diagnostics; a thrown exception means a bug or a transport fault and reaches the host as a gRPC
 * INTERNAL error.
 */

import type {
  ApplyResourceChangeRequest,
  ApplyResourceChangeResponse,
  ConfigureProviderRequest,
  ConfigureProviderResponse,
  Diagnostic,
  ImportResourceStateRequest,
  ImportResourceStateResponse,
  PlanResourceChangeRequest,
  PlanResourceChangeResponse,
  ProviderSchema,
  ReadDataSourceRequest,
  ReadDataSourceResponse,
  ReadResourceRequest,
  ReadResourceResponse,
  UpgradeResourceStateRequest,
  UpgradeResourceStateResponse,
  ValidateDataResourceConfigRequest,
  ValidateDataResourceConfigResponse,
  ValidateProviderConfigRequest,
  ValidateProviderConfigResponse,
  ValidateResourceConfigRequest,
  ValidateResourceConfigResponse,
} from "./types";

/** A value or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * The provider as the protocol layer sees it. Optional methods have the default the protocol layer
 * gives them: validation without diagnostics, and for a provider without managed resources every
 * resource RPC answers {@link noManagedResources}.
 */
export interface ProviderServer {
  /**
   * The schemas of the provider block, every data source and every resource. Called at most once
   * per process: the result is cached by the protocol layer (schemas never change while a process runs).
   */
  getProviderSchema(): MaybePromise<ProviderSchema>;

  /** Checks the provider block, which may contain unknown values. */
  validateProviderConfig?(req: ValidateProviderConfigRequest): MaybePromise<ValidateProviderConfigResponse>;

  /**
   * Configures the provider before any data source or resource is used: every attribute of the
   * provider block is present (null where unset) and known.
   */
  configureProvider(req: ConfigureProviderRequest): MaybePromise<ConfigureProviderResponse>;

  /** Checks one data block, which may contain unknown values. */
  validateDataResourceConfig?(
    req: ValidateDataResourceConfigRequest,
  ): MaybePromise<ValidateDataResourceConfigResponse>;

  /** Reads one data source whose configuration is fully known. */
  readDataSource(req: ReadDataSourceRequest): MaybePromise<ReadDataSourceResponse>;

  /** Checks one resource block, which may contain unknown values. */
  validateResourceConfig?(req: ValidateResourceConfigRequest): MaybePromise<ValidateResourceConfigResponse>;

  /** Brings a stored resource state to the current schema version. */
  upgradeResourceState?(req: UpgradeResourceStateRequest): MaybePromise<UpgradeResourceStateResponse>;

  /** Refreshes a resource's state. */
  readResource?(req: ReadResourceRequest): MaybePromise<ReadResourceResponse>;

  /** Plans a create, update or destroy of a resource. */
  planResourceChange?(req: PlanResourceChangeRequest): MaybePromise<PlanResourceChangeResponse>;

  /** Applies a planned create, update or destroy. */
  applyResourceChange?(req: ApplyResourceChangeRequest): MaybePromise<ApplyResourceChangeResponse>;

  /** Imports existing objects by id. */
  importResourceState?(req: ImportResourceStateRequest): MaybePromise<ImportResourceStateResponse>;

  /**
   * The user pressed Ctrl-C: cancel what is in flight (pending calls should then finish soon, with
   * an error diagnostic). A throw is reported to the host as the StopProvider error text.
   */
  stopProvider?(): MaybePromise<void>;

  /**
   * The host called Shutdown: release what the provider holds (sessions, connections) before the
   * process exits. Bounded by the shutdown grace period.
   */
  close?(): MaybePromise<void>;
}

/** The summary of the diagnostic every managed-resource RPC answers with when a provider has none. */
export const NO_MANAGED_RESOURCES = "This provider has no managed resources";

/** The error diagnostic for a managed-resource RPC on a data-source-only provider. */
export function noManagedResources(typeName: string): Diagnostic {
  return {
    severity: "error",
    summary: NO_MANAGED_RESOURCES,
    detail:
      `${JSON.stringify(typeName)} was used as a managed resource ("resource" block), but this provider ` +
      `offers data sources only. Use a "data" block instead, or remove the resource from the ` +
      `configuration and the state ("tofu state rm" / "terraform state rm").`,
  };
}
