/**
 * The framework: a {@link ProviderServer} built from a {@link ProviderDefinition}. It decodes every
 * value against the declared schemas, fills unset inputs with null, copies inputs into states,
 * plans managed resources (computed values unknown on create and replace, replacement when an
 * input changes and the resource cannot update), registers sensitive values with the logger, and
 * answers unknown type names and calls before configure with clear diagnostics.
 */

import { parseJsonExact } from "../../util/json";
import { quote } from "../../util/quote";
import { type CtyValue, decodeCty, isUnknown, isWhollyKnown, UNKNOWN } from "../codec/cty";
import { attr, errorDiag, hasErrors } from "../diagnostics";
import type { ProviderServer } from "../protocol/provider-server";
import type {
  Diagnostic,
  DynamicValue,
  PlanResourceChangeResponse,
  ProviderSchema,
  ReadDataSourceResponse,
} from "../protocol/types";
import type { DataSource, ProviderDefinition, Resource } from "./definitions";
import {
  type BlockDef,
  type BlockValue,
  completeBlock,
  sensitiveStrings,
  toSchemaBlock,
  withoutWriteOnly,
} from "./schema";
import { blockType, encodeBlock, fromStateJson } from "./values";

/** A served provider, with the way to release what it holds. */
export interface FrameworkProvider extends ProviderServer {
  /** Releases what the provider holds (e.g. logs out); called before the process exits. */
  close(): Promise<void>;
}

/** Decodes a configuration; the host always sends one, so its absence is a bug (an exception). */
function decodeBlock(def: BlockDef, value: DynamicValue, what: string): BlockValue {
  if (value.msgpack === undefined || value.msgpack.length === 0) {
    throw new Error(`${what}: the host sent no MessagePack value`);
  }
  const decoded = decodeNullable(def, value, what);
  if (decoded === null) throw new Error(`${what}: expected an object value`);
  return decoded;
}

/** Decodes a state or plan that may be null (create, destroy). */
function decodeNullable(def: BlockDef, value: DynamicValue, what: string): BlockValue | null {
  if (value.msgpack === undefined || value.msgpack.length === 0) return null;
  const decoded = decodeCty(blockType(def), value.msgpack);
  if (decoded === null) return null;
  if (typeof decoded !== "object" || Array.isArray(decoded) || isUnknown(decoded)) {
    throw new Error(`${what}: expected an object value`);
  }
  return completeBlock(def, decoded as BlockValue);
}

function encode(def: BlockDef, value: BlockValue | null): DynamicValue {
  return { msgpack: encodeBlock(def, value) };
}

/** Value equality of decoded cty values (numbers compare by value, bigint or not). */
function sameValue(a: CtyValue | undefined, b: CtyValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if ((typeof a === "number" || typeof a === "bigint") && (typeof b === "number" || typeof b === "bigint"))
    return String(a) === String(b);
  if (isUnknown(a) || isUnknown(b)) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => sameValue(v, b[i]));
  }
  if (typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a);
    const ob = b as Record<string, CtyValue>;
    return (
      ka.length === Object.keys(ob).length &&
      ka.every((k) => sameValue((a as Record<string, CtyValue>)[k], ob[k]))
    );
  }
  return false;
}

/** The names of a block's inputs: attributes the configuration may set, and nested blocks. */
function inputNames(def: BlockDef): string[] {
  return [
    ...Object.entries(def.attributes)
      .filter(([, a]) => a.required || a.optional)
      .map(([name]) => name),
    ...Object.keys(def.blocks ?? {}),
  ];
}

/** Serves `def` over the protocol: build it once per provider process and hand it to `serve`. */
export function createProviderServer<P extends BlockDef, Ctx>(
  def: ProviderDefinition<P, Ctx>,
): FrameworkProvider {
  const { log } = def;
  const dataSources = new Map(def.dataSources.map((d) => [d.typeName, d]));
  const resources = new Map((def.resources ?? []).map((r) => [r.typeName, r]));
  let context: Ctx | undefined;
  let configureError: Diagnostic | undefined;
  // Whether the host stores write-only attributes as null (it says so in its client capabilities,
  // sent with ConfigureProvider, ValidateResourceConfig and PlanResourceChange; the last word wins).
  let writeOnlyAllowed = false;
  const noteCapabilities = (caps: { writeOnlyAttributesAllowed: boolean } | undefined): void => {
    if (caps) writeOnlyAllowed = caps.writeOnlyAttributesAllowed;
  };
  /** What a plan or state may hold of `value` on this host. */
  const storable = (block: BlockDef, value: BlockValue): BlockValue =>
    writeOnlyAllowed ? withoutWriteOnly(block, value) : value;

  const schema: ProviderSchema = {
    provider: { version: 0, block: toSchemaBlock(def.schema) },
    dataSources: Object.fromEntries(
      def.dataSources.map((d) => [d.typeName, { version: 0, block: toSchemaBlock(d.schema) }]),
    ),
    resources: Object.fromEntries(
      (def.resources ?? []).map((r) => [r.typeName, { version: r.version, block: toSchemaBlock(r.schema) }]),
    ),
  };

  const offered = (names: string[]): string =>
    names.length === 0
      ? "none"
      : names.length === 1
        ? names[0]!
        : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  const unknownDataSource = (typeName: string): Diagnostic =>
    errorDiag(
      "Unknown data source",
      `The ${def.name} provider has no data source ${quote(typeName)}; it offers ${offered([...dataSources.keys()])}.`,
    );
  const unknownResource = (typeName: string): Diagnostic =>
    errorDiag(
      "Unknown resource type",
      `The ${def.name} provider has no resource type ${quote(typeName)}; it offers ${offered([...resources.keys()])}.`,
    );
  const notConfigured = (what: string): Diagnostic =>
    configureError ??
    errorDiag("Provider not configured", `The ${def.name} provider was not configured before this ${what}.`);
  const registerSecrets = (block: BlockDef, value: CtyValue): void => {
    for (const secret of sensitiveStrings(block, value)) log.addSecret(secret);
  };

  const server: FrameworkProvider = {
    getProviderSchema: () => schema,

    validateProviderConfig(req) {
      const config = decodeBlock(def.schema, req.config, "provider configuration");
      return { diagnostics: def.validate?.({ config: config as never }) ?? [] };
    },

    async configureProvider(req) {
      const config = decodeBlock(def.schema, req.config, "provider configuration");
      registerSecrets(def.schema, config);
      noteCapabilities(req.clientCapabilities);
      const res = await def.configure({
        config: config as never,
        terraformVersion: req.terraformVersion,
        ...(req.clientCapabilities ? { clientCapabilities: req.clientCapabilities } : {}),
      });
      if (res.context === undefined) {
        configureError = res.diagnostics.find((d) => d.severity === "error");
      } else {
        context = res.context;
        configureError = undefined;
      }
      return { diagnostics: res.diagnostics };
    },

    validateDataResourceConfig(req) {
      const dataSource = dataSources.get(req.typeName);
      if (!dataSource) return { diagnostics: [unknownDataSource(req.typeName)] };
      return { diagnostics: dataSource.validate(decodeBlock(dataSource.schema, req.config, req.typeName)) };
    },

    async readDataSource(req): Promise<ReadDataSourceResponse> {
      const dataSource: DataSource<Ctx> | undefined = dataSources.get(req.typeName);
      if (!dataSource) return { diagnostics: [unknownDataSource(req.typeName)] };
      if (context === undefined) return { diagnostics: [notConfigured("read")] };
      const config = decodeBlock(dataSource.schema, req.config, req.typeName);
      registerSecrets(dataSource.schema, config);
      const started = Date.now();
      const result = await dataSource.read(config, context);
      log.debug("read data source", {
        type: req.typeName,
        duration_ms: Date.now() - started,
        ok: result.state !== undefined,
      });
      if (!result.state) return { diagnostics: result.diagnostics };
      return {
        state: encode(dataSource.schema, { ...config, ...result.state }),
        diagnostics: result.diagnostics,
      };
    },

    stopProvider() {
      log.info("stop requested; cancelling calls in flight");
      def.stop?.();
    },

    async close() {
      await def.close?.();
    },
  };

  if (resources.size > 0) Object.assign(server, resourceRpcs());
  return server;

  /** The managed-resource RPCs, present only when the provider has resources. */
  function resourceRpcs(): Pick<
    ProviderServer,
    | "validateResourceConfig"
    | "upgradeResourceState"
    | "readResource"
    | "planResourceChange"
    | "applyResourceChange"
    | "importResourceState"
  > {
    const withContext = <T extends { diagnostics: Diagnostic[] }>(
      what: string,
      fallback: Omit<T, "diagnostics">,
      run: (ctx: Ctx) => Promise<T>,
    ): Promise<T> =>
      context === undefined
        ? Promise.resolve({ ...fallback, diagnostics: [notConfigured(what)] } as T)
        : run(context);

    /** The state a create or update produced: planned values overlaid with the hook's, all known. */
    const finalState = (
      resource: Resource<Ctx>,
      planned: BlockValue,
      computed: BlockValue,
      what: string,
    ): { state?: BlockValue; diagnostics: Diagnostic[] } => {
      const state = completeBlock(resource.schema, { ...planned, ...computed });
      const unknown = Object.keys(state).filter((k) => !isWhollyKnown(state[k]!));
      if (unknown.length > 0) {
        return {
          diagnostics: [
            errorDiag(
              "Provider produced an incomplete state",
              `${what} of ${resource.typeName} left ${unknown.join(", ")} unknown. This is a bug in the ${def.name} provider.`,
            ),
          ],
        };
      }
      return { state, diagnostics: [] };
    };

    return {
      validateResourceConfig(req) {
        const resource = resources.get(req.typeName);
        if (!resource) return { diagnostics: [unknownResource(req.typeName)] };
        noteCapabilities(req.clientCapabilities);
        return { diagnostics: resource.validate(decodeBlock(resource.schema, req.config, req.typeName)) };
      },

      upgradeResourceState(req) {
        const resource = resources.get(req.typeName);
        if (!resource) return { diagnostics: [unknownResource(req.typeName)] };
        if (req.rawState.json === undefined) {
          return {
            diagnostics: [
              errorDiag(
                "Unsupported state format",
                `The stored state of ${req.typeName} is in the legacy flat-map format, which the ${def.name} provider does not read. Remove it from the state and import or create it again.`,
              ),
            ],
          };
        }
        const parsed = parseJsonExact(Buffer.from(req.rawState.json).toString("utf8"));
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
          throw new Error(`UpgradeResourceState: the stored state of ${req.typeName} is not a JSON object`);
        }
        // At the current version the stored JSON is read against the schema (dynamic values are
        // stored wrapped with their type); an older one is the upgrade hook's to read.
        let state =
          req.version === resource.version
            ? (fromStateJson(blockType(resource.schema), parsed) as BlockValue)
            : (parsed as BlockValue);
        const diagnostics: Diagnostic[] = [];
        if (req.version > resource.version) {
          return {
            diagnostics: [
              errorDiag(
                "State written by a newer provider",
                `The stored state of ${req.typeName} has schema version ${req.version}; this version of the ${def.name} provider knows version ${resource.version} at most. Use the newer provider version again.`,
              ),
            ],
          };
        }
        if (req.version < resource.version) {
          if (!resource.upgrade) {
            throw new Error(
              `${req.typeName}: no upgrade from schema version ${req.version} to ${resource.version} is declared`,
            );
          }
          const upgraded = resource.upgrade({ version: req.version, state });
          diagnostics.push(...(upgraded.diagnostics ?? []));
          if (!upgraded.state) return { diagnostics };
          state = upgraded.state;
        }
        return { upgradedState: encode(resource.schema, state), diagnostics };
      },

      readResource(req) {
        const resource = resources.get(req.typeName);
        if (!resource) return { diagnostics: [unknownResource(req.typeName)] };
        return withContext("read", {}, async (ctx) => {
          const current = decodeNullable(resource.schema, req.currentState, req.typeName);
          if (current === null) return { newState: encode(resource.schema, null), diagnostics: [] };
          registerSecrets(resource.schema, current);
          const res = await resource.read({ state: current }, ctx);
          const diagnostics = res.diagnostics ?? [];
          if (res.state === undefined) return { diagnostics };
          return {
            newState: encode(resource.schema, res.state),
            ...(req.private.length > 0 ? { private: req.private } : {}),
            diagnostics,
          };
        });
      },

      async planResourceChange(req): Promise<PlanResourceChangeResponse> {
        const resource = resources.get(req.typeName);
        if (!resource) return { requiresReplace: [], diagnostics: [unknownResource(req.typeName)] };
        noteCapabilities(req.clientCapabilities);
        const prior = decodeNullable(resource.schema, req.priorState, req.typeName);
        const proposedValue = decodeNullable(resource.schema, req.proposedNewState, req.typeName);
        const proposed = proposedValue === null ? null : storable(resource.schema, proposedValue);
        const keepPrivate = req.priorPrivate.length > 0 ? { plannedPrivate: req.priorPrivate } : {};
        if (proposed === null) {
          // A destroy: nothing to plan.
          return {
            plannedState: encode(resource.schema, null),
            requiresReplace: [],
            ...keepPrivate,
            diagnostics: [],
          };
        }
        const config = decodeBlock(resource.schema, req.config, req.typeName);
        // A write-only value a host before 1.11 stored is no change once the host stores none.
        const priorStored = prior === null ? null : storable(resource.schema, prior);
        const changed =
          priorStored === null
            ? []
            : inputNames(resource.schema).filter((n) => !sameValue(priorStored[n], proposed[n]));
        const requiresReplace = new Set(resource.updatable ? [] : changed);
        const unknownComputed = (planned: BlockValue): BlockValue => {
          const out = { ...planned };
          for (const [name, a] of Object.entries(resource.schema.attributes)) {
            if (a.computed && (config[name] === null || config[name] === undefined)) out[name] = UNKNOWN;
          }
          return out;
        };
        let planned: BlockValue =
          prior === null || requiresReplace.size > 0 || (changed.length > 0 && resource.updatable)
            ? unknownComputed(proposed)
            : proposed;
        const diagnostics: Diagnostic[] = [];
        if (resource.plan) {
          if (context === undefined) return { requiresReplace: [], diagnostics: [notConfigured("plan")] };
          const res = await resource.plan({ config, prior, planned }, context);
          diagnostics.push(...(res.diagnostics ?? []));
          for (const name of res.requiresReplace ?? []) requiresReplace.add(name);
          if (res.planned) planned = { ...planned, ...res.planned };
          if (requiresReplace.size > 0 && prior !== null)
            planned = { ...unknownComputed(planned), ...res.planned };
        }
        if (hasErrors(diagnostics)) return { requiresReplace: [], diagnostics };
        return {
          plannedState: encode(resource.schema, storable(resource.schema, planned)),
          requiresReplace: [...requiresReplace].map((name) => attr(name)),
          ...keepPrivate,
          diagnostics,
        };
      },

      applyResourceChange(req) {
        const resource = resources.get(req.typeName);
        if (!resource) return { diagnostics: [unknownResource(req.typeName)] };
        return withContext("apply", {}, async (ctx) => {
          const prior = decodeNullable(resource.schema, req.priorState, req.typeName);
          const planned = decodeNullable(resource.schema, req.plannedState, req.typeName);
          const keepPrivate = req.plannedPrivate.length > 0 ? { private: req.plannedPrivate } : {};
          if (planned === null) {
            if (prior === null) return { newState: encode(resource.schema, null), diagnostics: [] };
            registerSecrets(resource.schema, prior);
            const res = await resource.delete({ state: prior }, ctx);
            const diagnostics = res.diagnostics ?? [];
            // A failed delete keeps the object in the state, so the next apply tries again.
            return hasErrors(diagnostics)
              ? { newState: encode(resource.schema, prior), diagnostics }
              : { newState: encode(resource.schema, null), diagnostics };
          }
          const config = decodeBlock(resource.schema, req.config, req.typeName);
          registerSecrets(resource.schema, config);
          let res: { state?: BlockValue; diagnostics?: Diagnostic[] };
          if (prior === null) res = await resource.create({ config, planned }, ctx);
          else if (resource.update) res = await resource.update({ config, prior, planned }, ctx);
          else
            throw new Error(`${req.typeName}: asked to update in place, but the resource declares no update`);
          const diagnostics = res.diagnostics ?? [];
          if (res.state === undefined) {
            // Nothing was created (or changed): the prior state stands.
            return prior === null
              ? { diagnostics }
              : { newState: encode(resource.schema, prior), ...keepPrivate, diagnostics };
          }
          const final = finalState(resource, planned, res.state, prior === null ? "create" : "update");
          if (!final.state) return { diagnostics: [...diagnostics, ...final.diagnostics] };
          return {
            newState: encode(resource.schema, storable(resource.schema, final.state)),
            ...keepPrivate,
            diagnostics,
          };
        });
      },

      importResourceState(req) {
        const resource = resources.get(req.typeName);
        if (!resource) return { importedResources: [], diagnostics: [unknownResource(req.typeName)] };
        const importer = resource.import;
        if (!importer) {
          return {
            importedResources: [],
            diagnostics: [
              errorDiag(
                "Resource import not supported",
                `${req.typeName} cannot be imported: create it with a resource block instead.`,
              ),
            ],
          };
        }
        return withContext("import", { importedResources: [] }, async (ctx) => {
          const res = await importer({ id: req.id }, ctx);
          const diagnostics = res.diagnostics ?? [];
          if (!res.state) return { importedResources: [], diagnostics };
          return {
            importedResources: [{ typeName: req.typeName, state: encode(resource.schema, res.state) }],
            diagnostics,
          };
        });
      },
    };
  }
}
