/**
 * cdktf constructs for the vsphereguest provider: the hand-written {@link GuestProcess} and the
 * bindings generated from the provider's schema (provider and data source classes).
 */
export * from "./gen/data-vsphereguest-process";
export * from "./gen/data-vsphereguest-processes";
export * from "./gen/provider";
export { GuestProcess, type GuestProcessGateTarget, type GuestProcessProps } from "./guest-process";
