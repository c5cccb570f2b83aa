/**
 * The plugin protocol 6 layer: serve a {@link ProviderServer} to tofu/terraform. Only re-exports.
 */

export {
  type MaybePromise,
  NO_MANAGED_RESOURCES,
  noManagedResources,
  type ProviderServer,
} from "./provider-server";
export { defaultNotACommandMessage, type PluginServer, type ServeOptions, serve } from "./server";
export type * from "./types";
