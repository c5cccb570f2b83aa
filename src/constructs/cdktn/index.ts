/**
 * The constructs for CDK Terrain (`cdktn` 0.24, the community continuation of cdktf): the bindings
 * generated from the provider's schema by `@cdktn/provider-generator` and the hand-written constructs,
 * typed with cdktn's classes. Entry point `vsphere-guest/cdktn`.
 */
import * as cdktn from "cdktn";
import {
  defineGuestCommand,
  type GuestCommandConstructor,
  type GuestCommandOf,
  type GuestCommandPropsOf,
  type GuestCommandTypes,
} from "../guest-command";
import {
  defineGuestProcess,
  type GuestProcessConstructor,
  type GuestProcessOf,
  type GuestProcessPropsOf,
  type GuestProcessTypes,
} from "../guest-process";
import { Command, type CommandCredentials } from "./gen/command";
import {
  DataVsphereguestProcess,
  type DataVsphereguestProcessCredentials,
} from "./gen/data-vsphereguest-process";

export * from "./gen/command";
export * from "./gen/data-vsphereguest-process";
export * from "./gen/data-vsphereguest-processes";
export * from "./gen/provider";

/** cdktn's classes as the constructs' types. */
export interface CdktnTypes extends GuestProcessTypes, GuestCommandTypes {
  readonly resolvable: cdktn.IResolvable;
  readonly dependable: cdktn.ITerraformDependable;
  readonly provider: cdktn.TerraformProvider;
  readonly output: cdktn.TerraformOutput;
  readonly gateTarget: GuestProcessGateTarget;
  readonly processDataSource: DataVsphereguestProcess;
  readonly processCredentials: DataVsphereguestProcessCredentials;
  readonly commandResource: Command;
  readonly commandCredentials: CommandCredentials;
}

/** What {@link GuestProcess.gate} can make wait for the gate: anything with a `depends_on`. */
export type GuestProcessGateTarget =
  | cdktn.TerraformResource
  | cdktn.TerraformDataSource
  | cdktn.TerraformModule
  | cdktn.TerraformOutput;

/** Properties of a {@link GuestProcess}. Give exactly one of `vm` and `vmName`. */
export type GuestProcessProps = GuestProcessPropsOf<CdktnTypes>;

/**
 * One process in a vSphere guest, read at plan time through the `vsphereguest_process` data source,
 * optionally waited for and gated on its exit code (see {@link GuestProcessOf}).
 */
export type GuestProcess = GuestProcessOf<CdktnTypes>;

/**
 * The cdktn `GuestProcess` construct: `new GuestProcess(scope, id, props)`; throws
 * `InvalidArgumentError` (code `VSG_ERR_INVALID_ARGUMENT`, `field` naming the prop) for bad props.
 */
export const GuestProcess: GuestProcessConstructor<CdktnTypes> = defineGuestProcess<CdktnTypes>(
  cdktn,
  DataVsphereguestProcess,
);

/** Properties of a {@link GuestCommand}. Give exactly one of `vm` and `vmName`, and of `path` and `script`. */
export type GuestCommandProps = GuestCommandPropsOf<CdktnTypes>;

/** A command run in a vSphere guest at apply through `vsphereguest_command` (see {@link GuestCommandOf}). */
export type GuestCommand = GuestCommandOf<CdktnTypes>;

/**
 * The cdktn `GuestCommand` construct: `new GuestCommand(scope, id, props)`; throws
 * `InvalidArgumentError` (code `VSG_ERR_INVALID_ARGUMENT`, `field` naming the prop) for bad props.
 */
export const GuestCommand: GuestCommandConstructor<CdktnTypes> = defineGuestCommand<CdktnTypes>(
  cdktn,
  Command,
);
