/**
 * What a provider implements to be served over plugin protocol 6: the calls a data-source-only
 * provider needs. The protocol layer answers everything else itself (managed-resource RPCs with an
 * error diagnostic, identity schemas and functions with empty answers).
 *
 * Two error channels, as in terraform-plugin-go: problems the user can act on (bad configuration,
 * an unreachable vCenter, a failed guest process) are returned as diagnostics; a thrown exception
 * means a bug or a transport fault and reaches the host as a gRPC INTERNAL error.
 */

import type { ClientCapabilities, Diagnostic, DynamicValue, ProviderSchema } from "./types";

/** A value or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/** What {@link ProviderServer.readDataSource} returns. */
export interface ReadDataSourceResult {
  /**
   * The data source's state, cty MessagePack against the data source's schema: not null, fully
   * known, every attribute present. Leave it out when `diagnostics` has an error.
   */
  state?: DynamicValue;
  /** Errors and warnings for the user. */
  diagnostics: Diagnostic[];
}

/**
 * The provider as the protocol layer sees it. Values arrive and leave as {@link DynamicValue}s
 * (cty MessagePack); decoding them against the schema is the provider's business.
 */
export interface ProviderServer {
  /**
   * The schemas of the provider block and of every data source. Called at most once per process:
   * the result is cached by the protocol layer (schemas never change while a process runs).
   */
  getProviderSchema(): MaybePromise<ProviderSchema>;

  /**
   * Checks the provider block, which may contain unknown values.
   * @default no diagnostics
   */
  validateProviderConfig?(config: DynamicValue): MaybePromise<Diagnostic[]>;

  /**
   * Configures the provider before any data source is read: every attribute of the provider block
   * is present (null where unset) and known.
   * @param terraformVersion the host's version, e.g. `1.6.3`
   * @param clientCapabilities what the host supports, when it says
   */
  configureProvider(
    config: DynamicValue,
    terraformVersion: string,
    clientCapabilities?: ClientCapabilities,
  ): MaybePromise<Diagnostic[]>;

  /**
   * Checks one data block, which may contain unknown values.
   * @default no diagnostics
   */
  validateDataResourceConfig?(typeName: string, config: DynamicValue): MaybePromise<Diagnostic[]>;

  /**
   * Reads one data source whose configuration is fully known.
   * @param providerMeta the module's `provider_meta` block, when the schema declares one
   */
  readDataSource(
    typeName: string,
    config: DynamicValue,
    providerMeta?: DynamicValue,
  ): MaybePromise<ReadDataSourceResult>;

  /**
   * The user pressed Ctrl-C: cancel what is in flight (pending reads should then finish soon,
   * with an error diagnostic). A throw is reported to the host as the StopProvider error text.
   * @default nothing to cancel
   */
  stopProvider?(): MaybePromise<void>;

  /**
   * The host called Shutdown: release what the provider holds (e.g. log out of vCenter) before
   * the process exits. Bounded by the shutdown grace period.
   * @default nothing to release
   */
  close?(): MaybePromise<void>;
}

/** The summary of the diagnostic every managed-resource RPC answers with. */
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
