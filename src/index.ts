/**
 * The package's main entry: the vSphere guest-processes API client and the cdktf constructs.
 * The CLI and the provider executable do not load it (so they never load cdktf).
 */
export * from "./constructs";
export * from "./vcenter";
