/**
 * The package's main entry: the vSphere guest-processes API client and the cdktf constructs.
 * The CLI and the provider executable do not load it (so they never load cdktf).
 */
export * from "./constructs";
// Both export a `GuestCommand`: the main entry's is the construct; the client's command type
// (a string or an argv) stays available from `vsphere-guest/vcenter`.
export { GuestCommand } from "./constructs";
export * from "./vcenter";
