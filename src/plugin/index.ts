/**
 * A Terraform/OpenTofu plugin framework (protocol 6): declare a provider, its data sources and
 * its resources with typed schemas, and serve it over gRPC with AutoMTLS. It knows nothing of any
 * particular provider; only re-exports.
 *
 * - `framework/`: definitions (`defineDataSource`, `defineResource`, `ProviderDefinition`), the
 *   typed schema model and `createProviderServer`, which does the protocol work around them.
 * - `protocol/`: the go-plugin handshake, AutoMTLS, the gRPC services and the request/response
 *   types, one pair per RPC (for providers that want the raw `ProviderServer`).
 * - `codec/`: cty values in MessagePack; `log.ts`: hclog-shaped JSON logging with secret
 *   redaction; `diagnostics.ts`: building diagnostics; `tls/`: the X.509 builder AutoMTLS needs.
 */

export * from "./codec/cty";
export type { NestingMode, SchemaAttribute, SchemaBlock, SchemaNestedBlock } from "./codec/schema";
export { impliedType } from "./codec/schema";
export { attr, errorDiag, hasErrors, warningDiag } from "./diagnostics";
export * from "./framework/definitions";
export { createProviderServer, type FrameworkProvider } from "./framework/provider-server";
export * from "./framework/schema";
export * from "./framework/values";
export { createLogger, type Logger, type LoggerOptions, type LogLevel } from "./log";
export * from "./protocol";
