/**
 * What a provider author writes: a provider definition, data source definitions and resource
 * definitions, each with its schema declared once (see `./schema.ts`) and typed hooks. The
 * framework (`./provider-server.ts`) does the protocol work around them: decoding and encoding
 * values, filling unset inputs with null, planning, registering sensitive values as secrets.
 */
import type { CtyUnknown } from "../codec/cty";
import type { Logger } from "../log";
import type { MaybePromise } from "../protocol/provider-server";
import type { ClientCapabilities, Diagnostic } from "../protocol/types";
import type { BlockDef, BlockValue, ComputedOf, ConfigOf, StateOf, ValidateConfigOf } from "./schema";

/** Validation of a configuration whose values may be unknown; never calls out. */
export interface ValidateRequest<S extends BlockDef> {
  /** The configuration, every attribute present (null when unset, maybe unknown). */
  config: ValidateConfigOf<S>;
}

/** What a read of a data source gets. */
export interface DataSourceReadRequest<S extends BlockDef> {
  /** The configuration, fully known, every attribute present (null when unset). */
  config: ConfigOf<S>;
}

/** What a read of a data source returns: every computed attribute, or diagnostics saying why not. */
export interface DataSourceReadResponse<S extends BlockDef> {
  /** The computed attributes; inputs are copied from the configuration by the framework. */
  state?: ComputedOf<S>;
  /** Errors and warnings for the user. */
  diagnostics?: Diagnostic[];
}

/** A data source type as its author declares it. */
export interface DataSourceDefinition<S extends BlockDef, Ctx> {
  /** `<provider>_<name>`. */
  typeName: string;
  /** The schema, declared `as const`. */
  schema: S;
  /** Checks the configuration without calling out; values may be unknown. */
  validate?(req: ValidateRequest<S>): Diagnostic[];
  /** Reads; `ctx` is what the provider's configure returned. */
  read(req: DataSourceReadRequest<S>, ctx: Ctx): Promise<DataSourceReadResponse<S>>;
}

/** A data source type as the framework handles it (schema types erased). */
export interface DataSource<Ctx> {
  /** `<provider>_<name>`. */
  readonly typeName: string;
  /** The schema. */
  readonly schema: BlockDef;
  /** @see DataSourceDefinition.validate */
  validate(config: BlockValue): Diagnostic[];
  /** @see DataSourceDefinition.read */
  read(config: BlockValue, ctx: Ctx): Promise<{ state?: BlockValue; diagnostics: Diagnostic[] }>;
}

/** Declares a data source: type-checks the hooks against the schema, then erases the types. */
export function defineDataSource<const S extends BlockDef, Ctx>(
  def: DataSourceDefinition<S, Ctx>,
): DataSource<Ctx> {
  return {
    typeName: def.typeName,
    schema: def.schema,
    validate: (config) => def.validate?.({ config: config as ValidateConfigOf<S> }) ?? [],
    async read(config, ctx) {
      const res = await def.read({ config: config as ConfigOf<S> }, ctx);
      return {
        ...(res.state !== undefined ? { state: res.state as BlockValue } : {}),
        diagnostics: res.diagnostics ?? [],
      };
    },
  };
}

/** A state during planning: values the apply will decide may be unknown. */
export type PlannedOf<S extends BlockDef> = { [K in keyof StateOf<S>]: StateOf<S>[K] | CtyUnknown };

/** What a resource's plan hook gets (never called for destroys). */
export interface ResourcePlanRequest<S extends BlockDef> {
  /** The configuration; values may be unknown. */
  config: ValidateConfigOf<S>;
  /** The current state; null when creating. */
  prior: StateOf<S> | null;
  /**
   * The framework's plan: the configuration with computed attributes kept from `prior`, or unknown
   * when creating or replacing.
   */
  planned: PlannedOf<S>;
}

/** What a resource's plan hook may change. */
export interface ResourcePlanResponse<S extends BlockDef> {
  /** Attribute values to plan differently (e.g. a computed value known ahead, or unknown again). */
  planned?: Partial<PlannedOf<S>>;
  /** Attributes whose change requires destroying and creating the object again. */
  requiresReplace?: Extract<keyof S["attributes"], string>[];
  /** Errors and warnings for the user. */
  diagnostics?: Diagnostic[];
}

/** What a resource's create, update and import return. */
export interface ResourceStateResponse<T> {
  /**
   * The new values. Usually absent when `diagnostics` has an error; a create that did something
   * and then failed returns both, and the host records the state with the error (tainted).
   */
  state?: T;
  /** Errors and warnings for the user. */
  diagnostics?: Diagnostic[];
}

/** A managed resource type as its author declares it. */
export interface ResourceDefinition<S extends BlockDef, Ctx> {
  /** `<provider>_<name>`. */
  typeName: string;
  /** The schema, declared `as const`. */
  schema: S;
  /** Schema version; bump it (and handle the old one in `upgrade`) when the state changes shape. @default 0 */
  version?: number;
  /** Checks the configuration without calling out; values may be unknown. */
  validate?(req: ValidateRequest<S>): Diagnostic[];
  /**
   * Adjusts the framework's plan. Without an `update` hook, a change of any input already requires
   * replacement; without this hook the framework's plan stands.
   */
  plan?(req: ResourcePlanRequest<S>, ctx: Ctx): MaybePromise<ResourcePlanResponse<S>>;
  /** Creates the object; returns every computed attribute. */
  create(
    req: { config: ConfigOf<S>; planned: PlannedOf<S> },
    ctx: Ctx,
  ): Promise<ResourceStateResponse<ComputedOf<S>>>;
  /** Refreshes the state; `state: null` means the object is gone (the host then plans to create it). */
  read(req: { state: StateOf<S> }, ctx: Ctx): Promise<ResourceStateResponse<StateOf<S> | null>>;
  /** Updates in place; without it every input change is a replacement. */
  update?(
    req: { config: ConfigOf<S>; prior: StateOf<S>; planned: PlannedOf<S> },
    ctx: Ctx,
  ): Promise<ResourceStateResponse<ComputedOf<S>>>;
  /** Deletes the object. */
  delete(req: { state: StateOf<S> }, ctx: Ctx): Promise<{ diagnostics?: Diagnostic[] }>;
  /**
   * Brings a state stored with an older schema `version` (decoded from JSON, untyped) to the
   * current one. Without it, an older state is an error.
   */
  upgrade?(req: { version: number; state: BlockValue }): ResourceStateResponse<StateOf<S>>;
  /** Finds an existing object by the id the user gave. Without it, the type cannot be imported. */
  import?(req: { id: string }, ctx: Ctx): Promise<ResourceStateResponse<StateOf<S>>>;
}

/** A resource type as the framework handles it (schema types erased). */
export interface Resource<Ctx> {
  /** `<provider>_<name>`. */
  readonly typeName: string;
  /** The schema. */
  readonly schema: BlockDef;
  /** Schema version. */
  readonly version: number;
  /** Whether an input change can be applied in place. */
  readonly updatable: boolean;
  /** @see ResourceDefinition.validate */
  validate(config: BlockValue): Diagnostic[];
  /** @see ResourceDefinition.plan */
  plan?(
    req: { config: BlockValue; prior: BlockValue | null; planned: BlockValue },
    ctx: Ctx,
  ): MaybePromise<{ planned?: BlockValue; requiresReplace?: string[]; diagnostics?: Diagnostic[] }>;
  /** @see ResourceDefinition.create */
  create(
    req: { config: BlockValue; planned: BlockValue },
    ctx: Ctx,
  ): Promise<ResourceStateResponse<BlockValue>>;
  /** @see ResourceDefinition.read */
  read(req: { state: BlockValue }, ctx: Ctx): Promise<ResourceStateResponse<BlockValue | null>>;
  /** @see ResourceDefinition.update */
  update?(
    req: { config: BlockValue; prior: BlockValue; planned: BlockValue },
    ctx: Ctx,
  ): Promise<ResourceStateResponse<BlockValue>>;
  /** @see ResourceDefinition.delete */
  delete(req: { state: BlockValue }, ctx: Ctx): Promise<{ diagnostics?: Diagnostic[] }>;
  /** @see ResourceDefinition.upgrade */
  upgrade?(req: { version: number; state: BlockValue }): ResourceStateResponse<BlockValue>;
  /** @see ResourceDefinition.import */
  import?(req: { id: string }, ctx: Ctx): Promise<ResourceStateResponse<BlockValue>>;
}

/** Declares a managed resource: type-checks the hooks against the schema, then erases the types. */
export function defineResource<const S extends BlockDef, Ctx>(
  def: ResourceDefinition<S, Ctx>,
): Resource<Ctx> {
  // The hooks are typed against S; the framework hands them values decoded against the same
  // schema, so the erasure below is where the two meet.
  const erased = def as unknown as Resource<Ctx> & ResourceDefinition<BlockDef, Ctx>;
  return {
    typeName: def.typeName,
    schema: def.schema,
    version: def.version ?? 0,
    updatable: def.update !== undefined,
    validate: (config) => def.validate?.({ config: config as ValidateConfigOf<S> }) ?? [],
    ...(def.plan ? { plan: (req, ctx) => erased.plan!(req as never, ctx) as never } : {}),
    create: (req, ctx) => erased.create(req as never, ctx) as never,
    read: (req, ctx) => erased.read(req as never, ctx) as never,
    ...(def.update ? { update: (req, ctx) => erased.update!(req as never, ctx) as never } : {}),
    delete: (req, ctx) => erased.delete(req as never, ctx),
    ...(def.upgrade ? { upgrade: (req) => erased.upgrade!(req) as never } : {}),
    ...(def.import ? { import: (req, ctx) => erased.import!(req, ctx) as never } : {}),
  };
}

/** What a provider's configure gets. */
export interface ConfigureRequest<P extends BlockDef> {
  /** The provider block, fully known, every attribute present (null when unset). */
  config: ConfigOf<P>;
  /** The host's version, e.g. `1.6.3`. */
  terraformVersion: string;
  /** Features of the host, when it says. */
  clientCapabilities?: ClientCapabilities;
}

/** What a provider's configure returns: the context every data source and resource gets, or why not. */
export interface ConfigureResponse<Ctx> {
  /** Handed to every read, create, update, delete and import; absent when configuring failed. */
  context?: Ctx;
  /** Errors and warnings for the user. */
  diagnostics: Diagnostic[];
}

/** A provider as its author declares it. */
export interface ProviderDefinition<P extends BlockDef, Ctx> {
  /** The provider's type name, the `NAME` of `NAME_thing` types (used in messages). */
  name: string;
  /** The `provider` block's schema, declared `as const`. */
  schema: P;
  /** Every data source (the one registry: the schema printer reads it too). */
  dataSources: readonly DataSource<Ctx>[];
  /** Every managed resource. With none, every resource RPC answers "no managed resources". */
  resources?: readonly Resource<Ctx>[];
  /** Where calls are logged and secrets registered. */
  log: Logger;
  /** Checks the provider block without calling out; values may be unknown. */
  validate?(req: ValidateRequest<P>): Diagnostic[];
  /** Configures the provider. */
  configure(req: ConfigureRequest<P>): Promise<ConfigureResponse<Ctx>>;
  /** Cancels what is in flight (Ctrl-C, SIGTERM). */
  stop?(): void;
  /** Releases what the provider holds before the process exits. */
  close?(): Promise<void>;
}
