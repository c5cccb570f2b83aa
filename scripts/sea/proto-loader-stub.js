// Stands in for @grpc/proto-loader in the single executable's bundle. grpc-js loads proto-loader
// only to serve its optional channelz and ORCA services, which the provider never registers, so
// the executable carries this stub instead of proto-loader and its dependencies.

function unavailable() {
  throw new Error("@grpc/proto-loader is not part of the terraform-provider-vsphereguest executable");
}
module.exports = { loadSync: unavailable, load: unavailable, fromJSON: unavailable };
