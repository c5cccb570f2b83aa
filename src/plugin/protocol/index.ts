/**
 * The plugin protocol 6 layer: serve a {@link ProviderServer} to tofu/terraform. Only re-exports.
 */

export {
  type MaybePromise,
  NO_MANAGED_RESOURCES,
  noManagedResources,
  type ProviderServer,
  type ReadDataSourceResult,
} from "./provider-server";
export { type PluginServer, type ServeOptions, serve } from "./server";
export type * from "./types";
