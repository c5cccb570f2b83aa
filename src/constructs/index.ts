/**
 * The cdktf constructs (entry point `vsphere-guest/constructs`, kept for existing imports): the same as
 * `vsphere-guest/cdktf`. CDK Terrain users import `vsphere-guest/cdktn`.
 */
export * from "./cdktf";
