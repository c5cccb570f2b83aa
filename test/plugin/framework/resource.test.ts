/**
 * The framework's managed-resource plumbing over real gRPC with AutoMTLS, with a tiny test-only
 * resource (`test_note`, notes kept in a Map): validate, plan (computed values unknown on create,
 * replacement when an input changes and there is no update), apply (create and delete), read
 * (including an object gone behind the provider's back), import, and state upgrade. The resource
 * author writes only the definition in `note-resource.ts`; everything else is the framework's.
 */

import type * as grpc from "@grpc/grpc-js";
import {
  type BlockValue,
  createLogger,
  createProviderServer,
  decodeBlock,
  defineDataSource,
  encodeBlock,
  isUnknown,
  type PluginServer,
  serve,
} from "../../../src/plugin";
import { tfplugin6 } from "../../../src/plugin/proto/gen/tfplugin6";
import { MAGIC_COOKIE_VALUE } from "../../../src/plugin/protocol/server";
import { pluginServerCertificate } from "../../../src/plugin/tls/x509";
import { call, connect, parseHandshake } from "../protocol/helpers";
import { memoryStore, NOTE_SCHEMA, type Note, type NoteContext, noteResource } from "./note-resource";

const PROVIDER_SCHEMA = {
  attributes: { prefix: { type: "string", optional: true, description: "Prefix of note ids." } },
} as const;

const echo = defineDataSource({
  typeName: "test_echo",
  schema: { attributes: { out: { type: "string", computed: true, description: "Out." } } } as const,
  read: async () => ({ state: { out: "x" } }),
});

const NIL = { msgpack: Uint8Array.from([0xc0]) };
const value = (v: BlockValue | null) => ({ msgpack: encodeBlock(NOTE_SCHEMA, v) });
const decoded = (v: tfplugin6.IDynamicValue | null | undefined) =>
  decodeBlock(NOTE_SCHEMA, v?.msgpack ?? Uint8Array.from([0xc0]));
const steps = (paths: tfplugin6.IAttributePath[]) =>
  paths.map((p) => (p.steps ?? []).map((s) => s.attributeName));

describe("managed resources through the framework, over mTLS", () => {
  const hostCert = pluginServerCertificate();
  const notes = new Map<string, Note>();
  let server: PluginServer;
  let client: grpc.Client;

  const rpc = (method: string, bytes: Uint8Array) => call(client, `/tfplugin6.Provider/${method}`, bytes);
  const plan = async (prior: BlockValue | null, proposed: BlockValue | null) =>
    tfplugin6.PlanResourceChange.Response.decode(
      await rpc(
        "PlanResourceChange",
        tfplugin6.PlanResourceChange.Request.encode({
          typeName: "test_note",
          priorState: value(prior),
          proposedNewState: value(proposed),
          config: proposed === null ? NIL : value({ ...proposed, id: null, length: null }),
        }).finish(),
      ),
    );
  const apply = async (prior: BlockValue | null, planned: BlockValue | null) =>
    tfplugin6.ApplyResourceChange.Response.decode(
      await rpc(
        "ApplyResourceChange",
        tfplugin6.ApplyResourceChange.Request.encode({
          typeName: "test_note",
          priorState: value(prior),
          plannedState: value(planned),
          config: planned === null ? NIL : value({ ...planned, id: null, length: null }),
        }).finish(),
      ),
    );
  const read = async (state: BlockValue) =>
    tfplugin6.ReadResource.Response.decode(
      await rpc(
        "ReadResource",
        tfplugin6.ReadResource.Request.encode({ typeName: "test_note", currentState: value(state) }).finish(),
      ),
    );

  beforeAll(async () => {
    let stdout = "";
    const provider = createProviderServer<typeof PROVIDER_SCHEMA, NoteContext>({
      name: "test",
      schema: PROVIDER_SCHEMA,
      dataSources: [echo],
      resources: [noteResource],
      log: createLogger({ level: "off", write: () => {} }),
      configure: async ({ config }) => ({
        context: { store: memoryStore(notes), prefix: config.prefix ?? "note-" },
        diagnostics: [],
      }),
    });
    const started = await serve(provider, {
      env: { TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE, PLUGIN_CLIENT_CERT: hostCert.certPem },
      writeStdout: (text) => {
        stdout += text;
      },
      exit: () => {},
    });
    if (!started) throw new Error("serve() did not start");
    server = started;
    const handshake = parseHandshake(stdout.trimEnd());
    client = connect(handshake.address, {
      kind: "mtls",
      serverCertPem: handshake.certPem!,
      clientCert: hostCert,
    });
    const configured = tfplugin6.ConfigureProvider.Response.decode(
      await rpc(
        "ConfigureProvider",
        tfplugin6.ConfigureProvider.Request.encode({
          terraformVersion: "1.6.3",
          config: { msgpack: encodeBlock(PROVIDER_SCHEMA, {}) },
        }).finish(),
      ),
    );
    expect(configured.diagnostics).toEqual([]);
  });

  afterAll(() => {
    client?.close();
    server?.close();
  });

  beforeEach(() => notes.clear());

  test("the schema and the metadata list the resource with its version", async () => {
    const schema = tfplugin6.GetProviderSchema.Response.decode(
      await rpc("GetProviderSchema", new Uint8Array()),
    );
    expect(Object.keys(schema.resourceSchemas)).toEqual(["test_note"]);
    expect(Number(schema.resourceSchemas.test_note!.version)).toBe(1);
    expect(schema.resourceSchemas.test_note!.block!.attributes!.map((a) => a.name)).toEqual([
      "text",
      "label",
      "id",
      "length",
    ]);
    const meta = tfplugin6.GetMetadata.Response.decode(await rpc("GetMetadata", new Uint8Array()));
    expect(meta.resources.map((r) => r.typeName)).toEqual(["test_note"]);
    expect(meta.dataSources.map((d) => d.typeName)).toEqual(["test_echo"]);
  });

  test("validate runs the resource's own check, on the attribute", async () => {
    const res = tfplugin6.ValidateResourceConfig.Response.decode(
      await rpc(
        "ValidateResourceConfig",
        tfplugin6.ValidateResourceConfig.Request.encode({
          typeName: "test_note",
          config: value({ text: "" }),
        }).finish(),
      ),
    );
    expect(res.diagnostics.map((d) => [d.summary, steps([d.attribute!])])).toEqual([
      ["Empty text", [["text"]]],
    ]);
  });

  test("create: computed attributes are unknown in the plan, then filled by create; the inputs are kept", async () => {
    const planned = await plan(null, { text: "hello" });
    expect(planned.diagnostics).toEqual([]);
    expect(planned.requiresReplace).toEqual([]);
    const plannedState = decoded(planned.plannedState)!;
    expect(plannedState.text).toBe("hello");
    expect(plannedState.label).toBeNull();
    expect(isUnknown(plannedState.id!)).toBe(true);
    expect(isUnknown(plannedState.length!)).toBe(true);

    const applied = await apply(null, plannedState);
    expect(applied.diagnostics).toEqual([]);
    expect(decoded(applied.newState)).toEqual({ text: "hello", label: null, id: "note-1", length: 5 });
    expect(notes.get("note-1")).toEqual({ text: "hello", label: null });
  });

  test("plan: no change keeps the state; a changed input without update means replacement", async () => {
    const state = { text: "hello", label: null, id: "note-1", length: 5 };
    const same = await plan(state, state);
    expect(same.requiresReplace).toEqual([]);
    expect(decoded(same.plannedState)).toEqual(state);

    const changed = await plan(state, { ...state, label: "new" });
    expect(steps(changed.requiresReplace)).toEqual([["label"]]);
    const plannedState = decoded(changed.plannedState)!;
    expect(plannedState.label).toBe("new");
    expect(isUnknown(plannedState.id!)).toBe(true);

    const destroy = await plan(state, null);
    expect(destroy.diagnostics).toEqual([]);
    expect(decoded(destroy.plannedState)).toBeNull();
  });

  test("read refreshes the state, and a note gone behind the provider's back reads as null", async () => {
    notes.set("note-1", { text: "changed", label: "l" });
    const fresh = await read({ text: "hello", label: null, id: "note-1", length: 5 });
    expect(decoded(fresh.newState)).toEqual({ text: "changed", label: "l", id: "note-1", length: 7 });
    notes.clear();
    const gone = await read({ text: "hello", label: null, id: "note-1", length: 5 });
    expect(gone.diagnostics).toEqual([]);
    expect(decoded(gone.newState)).toBeNull();
  });

  test("apply with a null plan deletes", async () => {
    notes.set("note-1", { text: "hello", label: null });
    const res = await apply({ text: "hello", label: null, id: "note-1", length: 5 }, null);
    expect(res.diagnostics).toEqual([]);
    expect(decoded(res.newState)).toBeNull();
    expect(notes.size).toBe(0);
  });

  test("import finds an existing note, and says so when there is none", async () => {
    notes.set("note-7", { text: "seven", label: null });
    const found = tfplugin6.ImportResourceState.Response.decode(
      await rpc(
        "ImportResourceState",
        tfplugin6.ImportResourceState.Request.encode({ typeName: "test_note", id: "note-7" }).finish(),
      ),
    );
    expect(found.importedResources.map((r) => [r.typeName, decoded(r.state)])).toEqual([
      ["test_note", { text: "seven", label: null, id: "note-7", length: 5 }],
    ]);
    const missing = tfplugin6.ImportResourceState.Response.decode(
      await rpc(
        "ImportResourceState",
        tfplugin6.ImportResourceState.Request.encode({ typeName: "test_note", id: "note-8" }).finish(),
      ),
    );
    expect(missing.importedResources).toEqual([]);
    expect(missing.diagnostics.map((d) => d.summary)).toEqual(["Cannot import"]);
  });

  test("upgrade: the current version passes through, an older one goes through upgrade, a newer one is refused", async () => {
    const upgrade = async (version: number, json: string) =>
      tfplugin6.UpgradeResourceState.Response.decode(
        await rpc(
          "UpgradeResourceState",
          tfplugin6.UpgradeResourceState.Request.encode({
            typeName: "test_note",
            version,
            rawState: { json: Buffer.from(json) },
          }).finish(),
        ),
      );
    const current = await upgrade(1, '{"text":"a","label":null,"id":"note-1","length":1}');
    expect(decoded(current.upgradedState)).toEqual({ text: "a", label: null, id: "note-1", length: 1 });
    const old = await upgrade(0, '{"body":"abc","id":"note-2"}');
    expect(old.diagnostics).toEqual([]);
    expect(decoded(old.upgradedState)).toEqual({ text: "abc", label: null, id: "note-2", length: 3 });
    const newer = await upgrade(2, "{}");
    expect(newer.diagnostics.map((d) => d.summary)).toEqual(["State written by a newer provider"]);
  });

  test("an unknown resource type is a diagnostic naming the types there are", async () => {
    const res = tfplugin6.ReadResource.Response.decode(
      await rpc(
        "ReadResource",
        tfplugin6.ReadResource.Request.encode({ typeName: "test_nope", currentState: NIL }).finish(),
      ),
    );
    expect(res.diagnostics.map((d) => [d.summary, d.detail])).toEqual([
      ["Unknown resource type", 'The test provider has no resource type "test_nope"; it offers test_note.'],
    ]);
  });
});
