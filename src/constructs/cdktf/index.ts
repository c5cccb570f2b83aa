/**
 * The constructs for cdktf (CDK for Terraform, `cdktf` 0.21): the bindings generated from the
 * provider's schema by `@cdktf/provider-generator` and the hand-written constructs, typed with cdktf's
 * classes. Entry point `vsphere-guest/cdktf` (and the package's main entry).
 */
import * as cdktf from "cdktf";
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

/** cdktf's classes as the constructs' types. */
export interface CdktfTypes extends GuestProcessTypes, GuestCommandTypes {
  readonly resolvable: cdktf.IResolvable;
  readonly dependable: cdktf.ITerraformDependable;
  readonly provider: cdktf.TerraformProvider;
  readonly output: cdktf.TerraformOutput;
  readonly gateTarget: GuestProcessGateTarget;
  readonly processDataSource: DataVsphereguestProcess;
  readonly processCredentials: DataVsphereguestProcessCredentials;
  readonly commandResource: Command;
  readonly commandCredentials: CommandCredentials;
}

/** What {@link GuestProcess.gate} can make wait for the gate: anything with a `depends_on`. */
export type GuestProcessGateTarget =
  | cdktf.TerraformResource
  | cdktf.TerraformDataSource
  | cdktf.TerraformModule
  | cdktf.TerraformOutput;

/** Properties of a {@link GuestProcess}. Give exactly one of `vm` and `vmName`. */
export type GuestProcessProps = GuestProcessPropsOf<CdktfTypes>;

/**
 * One process in a vSphere guest, read at plan time through the `vsphereguest_process` data source,
 * optionally waited for and gated on its exit code (see {@link GuestProcessOf}).
 */
export type GuestProcess = GuestProcessOf<CdktfTypes>;

/**
 * The cdktf `GuestProcess` construct: `new GuestProcess(scope, id, props)`; throws
 * `InvalidArgumentError` (code `VSG_ERR_INVALID_ARGUMENT`, `field` naming the prop) for bad props.
 */
export const GuestProcess: GuestProcessConstructor<CdktfTypes> = defineGuestProcess<CdktfTypes>(
  cdktf,
  DataVsphereguestProcess,
);

/** Properties of a {@link GuestCommand}. Give exactly one of `vm` and `vmName`, and of `path` and `script`. */
export type GuestCommandProps = GuestCommandPropsOf<CdktfTypes>;

/** A command run in a vSphere guest at apply through `vsphereguest_command` (see {@link GuestCommandOf}). */
export type GuestCommand = GuestCommandOf<CdktfTypes>;

/**
 * The cdktf `GuestCommand` construct: `new GuestCommand(scope, id, props)`; throws
 * `InvalidArgumentError` (code `VSG_ERR_INVALID_ARGUMENT`, `field` naming the prop) for bad props.
 */
export const GuestCommand: GuestCommandConstructor<CdktfTypes> = defineGuestCommand<CdktfTypes>(
  cdktf,
  Command,
);
