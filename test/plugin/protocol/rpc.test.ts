/**
 * The RPCs against a test provider with one data source, served in-process by `serve` over real
 * gRPC with AutoMTLS: schema mapping, configuration and values passed through untouched,
 * diagnostics with attribute paths, exceptions as INTERNAL errors, Shutdown.
 */

import * as grpc from "@grpc/grpc-js";
import { type CtyValue, decodeCty, encodeCty } from "../../../src/plugin/codec/cty";
import { impliedType, type SchemaBlock } from "../../../src/plugin/codec/schema";
import { createLogger } from "../../../src/plugin/log";
import { plugin, tfplugin6 } from "../../../src/plugin/proto/gen/tfplugin6";
import type { ProviderServer } from "../../../src/plugin/protocol/provider-server";
import { MAGIC_COOKIE_VALUE, type PluginServer, serve } from "../../../src/plugin/protocol/server";
import type { ClientCapabilities, Diagnostic, DynamicValue } from "../../../src/plugin/protocol/types";
import { pluginServerCertificate } from "../../../src/plugin/tls/x509";
import { call, connect, failingCall, parseHandshake } from "./helpers";

const providerBlock: SchemaBlock = {
  description: "Test provider.",
  attributes: [
    { name: "endpoint", type: "string", description: "Where to go.", optional: true },
    { name: "password", type: "string", description: "Secret.", optional: true, sensitive: true },
  ],
  blockTypes: [],
};

const echoBlock: SchemaBlock = {
  description: "Echoes its input.",
  attributes: [
    { name: "input", type: "string", description: "What to echo.", required: true },
    { name: "tags", type: ["map", "string"], description: "Tags.", optional: true },
    { name: "upper", type: "string", description: "The input in upper case.", computed: true },
  ],
  blockTypes: [
    {
      typeName: "options",
      nesting: "list",
      maxItems: 1,
      block: {
        attributes: [{ name: "repeat", type: "number", description: "How often.", optional: true }],
        blockTypes: [],
      },
    },
  ],
};

const echoType = impliedType(echoBlock);

/** An int64 field as decoded (a number or a Long) as a number. */
const int = (value: unknown): number => Number(String(value ?? 0));
const providerType = impliedType(providerBlock);

/** What the test provider saw. */
interface Calls {
  configured?: { config: Record<string, CtyValue>; version: string; caps?: ClientCapabilities };
  stopped: number;
  schemaCalls: number;
}

function testProvider(calls: Calls): ProviderServer {
  return {
    getProviderSchema: () => {
      calls.schemaCalls++;
      return {
        provider: { version: 0, block: providerBlock },
        dataSources: { test_echo: { version: 0, block: echoBlock } },
      };
    },
    validateProviderConfig: ({ config }: { config: DynamicValue }) => {
      const value = decodeCty(providerType, config.msgpack ?? new Uint8Array()) as Record<string, CtyValue>;
      const diagnostics: Diagnostic[] =
        value.endpoint === ""
          ? [{ severity: "error", summary: "Empty endpoint", attribute: [{ attributeName: "endpoint" }] }]
          : [];
      return { diagnostics };
    },
    configureProvider: ({ config, terraformVersion, clientCapabilities }) => {
      calls.configured = {
        config: decodeCty(providerType, config.msgpack!) as Record<string, CtyValue>,
        version: terraformVersion,
        caps: clientCapabilities,
      };
      return { diagnostics: [{ severity: "warning", summary: "Configured", detail: "for the test" }] };
    },
    validateDataResourceConfig: ({ typeName, config }) => {
      const value = decodeCty(echoType, config.msgpack!) as Record<string, CtyValue>;
      if (value.input === "") {
        return {
          diagnostics: [
            {
              severity: "error",
              summary: "Empty input",
              detail: `${typeName}: input must not be empty.`,
              attribute: [{ attributeName: "options" }, { elementKeyInt: 0n }, { attributeName: "repeat" }],
            },
          ],
        };
      }
      return { diagnostics: [] };
    },
    readDataSource: ({ config }) => {
      const value = decodeCty(echoType, config.msgpack!) as Record<string, CtyValue>;
      if (value.input === "boom") throw new Error("read exploded with password hunter2");
      const state = { ...value, upper: String(value.input).toUpperCase() };
      return { state: { msgpack: encodeCty(echoType, state) }, diagnostics: [] };
    },
    stopProvider: () => {
      calls.stopped++;
      if (calls.stopped > 1) throw new Error("already stopped");
    },
  };
}

describe("serve() with a test provider over mTLS", () => {
  const hostCert = pluginServerCertificate();
  // Every test gets its own server, provider, log and counters: no test depends on another
  // having run before it (or at all), so each one can run alone (`-t`) and in any order.
  let calls: Calls;
  let logLines: string[];
  let exits: number[];
  let exited: Promise<number>;
  let stdout: string;
  let server: PluginServer;
  let client: grpc.Client;

  beforeEach(async () => {
    calls = { stopped: 0, schemaCalls: 0 };
    const lines: string[] = [];
    logLines = lines;
    const exitCodes: number[] = [];
    exits = exitCodes;
    let onExit: (code: number) => void = () => {};
    exited = new Promise((resolve) => {
      onExit = resolve;
    });
    stdout = "";
    const logger = createLogger({ level: "debug", write: (line) => lines.push(line) });
    logger.addSecret("hunter2");
    const started = await serve(testProvider(calls), {
      env: {
        TF_PLUGIN_MAGIC_COOKIE: MAGIC_COOKIE_VALUE,
        PLUGIN_PROTOCOL_VERSIONS: "6,5",
        PLUGIN_CLIENT_CERT: hostCert.certPem,
      },
      writeStdout: (text) => {
        stdout += text;
      },
      exit: (code) => {
        exitCodes.push(code);
        onExit(code);
      },
      logger,
    });
    if (!started) throw new Error("serve() did not start");
    server = started;
    const handshake = parseHandshake(stdout.trimEnd());
    client = connect(handshake.address, {
      kind: "mtls",
      serverCertPem: handshake.certPem!,
      clientCert: hostCert,
    });
  });

  afterEach(() => {
    client?.close();
    server?.close();
  });

  const configure = async (): Promise<Uint8Array> => {
    const config = { msgpack: encodeCty(providerType, { endpoint: "https://vc", password: "pw" }) };
    return call(
      client,
      "/tfplugin6.Provider/ConfigureProvider",
      tfplugin6.ConfigureProvider.Request.encode({
        terraformVersion: "1.6.3",
        config,
        clientCapabilities: { deferralAllowed: true },
      }).finish(),
    );
  };

  test("prints the handshake line it reports", () => {
    expect(stdout).toBe(`${server.handshake}\n`);
    expect(server.tls).toBe(true);
    expect(server.address).toBe(`127.0.0.1:${server.port}`);
  });

  test("GetProviderSchema maps blocks, attributes, type JSON and nesting", async () => {
    const res = tfplugin6.GetProviderSchema.Response.decode(
      await call(client, "/tfplugin6.Provider/GetProviderSchema", new Uint8Array()),
    );
    const provider = res.provider!.block!;
    expect(provider.description).toBe("Test provider.");
    expect(provider.attributes!.map((a) => [a.name, a.optional, a.sensitive])).toEqual([
      ["endpoint", true, false],
      ["password", true, true],
    ]);
    const echo = res.dataSourceSchemas.test_echo;
    expect(int(echo.version)).toBe(0);
    const attrs = Object.fromEntries(echo.block!.attributes!.map((a) => [a.name, a]));
    expect(Buffer.from(attrs.input.type!).toString()).toBe('"string"');
    expect(Buffer.from(attrs.tags.type!).toString()).toBe('["map","string"]');
    expect([attrs.input.required, attrs.upper.computed, attrs.upper.optional]).toEqual([true, true, false]);
    expect(attrs.input.description).toBe("What to echo.");
    const options = echo.block!.blockTypes![0];
    expect(options.typeName).toBe("options");
    expect(options.nesting).toBe(tfplugin6.Schema.NestedBlock.NestingMode.LIST);
    expect(int(options.maxItems)).toBe(1);
    expect(Buffer.from(options.block!.attributes![0].type!).toString()).toBe('"number"');
    expect(res.resourceSchemas).toEqual({});
    expect(res.serverCapabilities?.getProviderSchemaOptional).toBe(true);
  });

  test("GetMetadata lists the data source; the schema is built once per process", async () => {
    await call(client, "/tfplugin6.Provider/GetProviderSchema", new Uint8Array());
    await call(client, "/tfplugin6.Provider/GetMetadata", new Uint8Array());
    const res = tfplugin6.GetMetadata.Response.decode(
      await call(client, "/tfplugin6.Provider/GetMetadata", new Uint8Array()),
    );
    expect(res.dataSources.map((d) => d.typeName)).toEqual(["test_echo"]);
    expect(res.resources).toEqual([]);
    expect(calls.schemaCalls).toBe(1);
  });

  test("ValidateProviderConfig passes the config and returns diagnostics with a path", async () => {
    const config = { msgpack: encodeCty(providerType, { endpoint: "", password: null }) };
    const res = tfplugin6.ValidateProviderConfig.Response.decode(
      await call(
        client,
        "/tfplugin6.Provider/ValidateProviderConfig",
        tfplugin6.ValidateProviderConfig.Request.encode({ config }).finish(),
      ),
    );
    expect(res.diagnostics).toHaveLength(1);
    expect(res.diagnostics[0].summary).toBe("Empty endpoint");
    expect(res.diagnostics[0].attribute!.steps!.map((s) => s.attributeName)).toEqual(["endpoint"]);
  });

  test("ConfigureProvider passes config, version and client capabilities; warnings come back", async () => {
    const res = tfplugin6.ConfigureProvider.Response.decode(await configure());
    expect(calls.configured).toEqual({
      config: { endpoint: "https://vc", password: "pw" },
      version: "1.6.3",
      caps: { deferralAllowed: true, writeOnlyAttributesAllowed: false },
    });
    expect(res.diagnostics.map((d) => [d.severity, d.summary, d.detail])).toEqual([
      [tfplugin6.Diagnostic.Severity.WARNING, "Configured", "for the test"],
    ]);
  });

  test("ValidateDataResourceConfig maps attribute paths with integer element keys", async () => {
    const config = { msgpack: encodeCty(echoType, { input: "", tags: null, upper: null, options: [] }) };
    const res = tfplugin6.ValidateDataResourceConfig.Response.decode(
      await call(
        client,
        "/tfplugin6.Provider/ValidateDataResourceConfig",
        tfplugin6.ValidateDataResourceConfig.Request.encode({ typeName: "test_echo", config }).finish(),
      ),
    );
    expect(res.diagnostics).toHaveLength(1);
    const d = res.diagnostics[0];
    expect([d.severity, d.summary, d.detail]).toEqual([
      tfplugin6.Diagnostic.Severity.ERROR,
      "Empty input",
      "test_echo: input must not be empty.",
    ]);
    const steps = d.attribute!.steps!;
    expect(steps.map((s) => s.attributeName ?? int(s.elementKeyInt))).toEqual(["options", 0, "repeat"]);
    expect(steps[1].selector).toBe("elementKeyInt");
  });

  test("ReadDataSource returns the provider's state bytes", async () => {
    const value = { input: "hello", tags: { env: "test" }, upper: null, options: [{ repeat: 2 }] };
    const res = tfplugin6.ReadDataSource.Response.decode(
      await call(
        client,
        "/tfplugin6.Provider/ReadDataSource",
        tfplugin6.ReadDataSource.Request.encode({
          typeName: "test_echo",
          config: { msgpack: encodeCty(echoType, value) },
        }).finish(),
      ),
    );
    expect(res.diagnostics).toEqual([]);
    expect(decodeCty(echoType, res.state!.msgpack!)).toEqual({ ...value, upper: "HELLO" });
  });

  test("an exception in the provider is an INTERNAL error with a redacted message, and is logged", async () => {
    const config = { msgpack: encodeCty(echoType, { input: "boom", tags: null, upper: null, options: [] }) };
    const err = await failingCall(
      client,
      "/tfplugin6.Provider/ReadDataSource",
      tfplugin6.ReadDataSource.Request.encode({ typeName: "test_echo", config }).finish(),
    );
    expect(err.code).toBe(grpc.status.INTERNAL);
    expect(err.details).toBe("ReadDataSource: read exploded with password ***");
    const logged = logLines.map((line) => JSON.parse(line)).find((e) => e["@level"] === "error");
    expect(logged).toMatchObject({ "@message": "RPC failed with an exception", tf_rpc: "ReadDataSource" });
    expect(logLines.join("")).not.toContain("hunter2");
  });

  test("malformed request bytes are an INTERNAL error too", async () => {
    const err = await failingCall(
      client,
      "/tfplugin6.Provider/ReadDataSource",
      Uint8Array.from([0x0a, 0xff]),
    );
    expect(err.code).toBe(grpc.status.INTERNAL);
    expect(err.details).toMatch(/^ReadDataSource: /);
  });

  test("StopProvider calls the provider; a failure becomes the response's Error text", async () => {
    const first = tfplugin6.StopProvider.Response.decode(
      await call(client, "/tfplugin6.Provider/StopProvider", new Uint8Array()),
    );
    expect(first.Error ?? "").toBe("");
    const second = tfplugin6.StopProvider.Response.decode(
      await call(client, "/tfplugin6.Provider/StopProvider", new Uint8Array()),
    );
    expect(second.Error).toBe("already stopped");
    expect(calls.stopped).toBe(2);
  });

  test("every managed-resource RPC answers with the no-managed-resources error", async () => {
    const rpcs: Array<
      [string, Uint8Array, (b: Buffer) => { diagnostics?: tfplugin6.Diagnostic.$Properties[] | null }]
    > = [
      [
        "ValidateResourceConfig",
        tfplugin6.ValidateResourceConfig.Request.encode({ typeName: "test_x" }).finish(),
        (b) => tfplugin6.ValidateResourceConfig.Response.decode(b),
      ],
      [
        "UpgradeResourceState",
        tfplugin6.UpgradeResourceState.Request.encode({ typeName: "test_x", version: 3 }).finish(),
        (b) => tfplugin6.UpgradeResourceState.Response.decode(b),
      ],
      [
        "PlanResourceChange",
        tfplugin6.PlanResourceChange.Request.encode({ typeName: "test_x" }).finish(),
        (b) => tfplugin6.PlanResourceChange.Response.decode(b),
      ],
      [
        "ApplyResourceChange",
        tfplugin6.ApplyResourceChange.Request.encode({ typeName: "test_x" }).finish(),
        (b) => tfplugin6.ApplyResourceChange.Response.decode(b),
      ],
      [
        "ImportResourceState",
        tfplugin6.ImportResourceState.Request.encode({ typeName: "test_x", id: "1" }).finish(),
        (b) => tfplugin6.ImportResourceState.Response.decode(b),
      ],
    ];
    for (const [name, request, decode] of rpcs) {
      const res = decode(await call(client, `/tfplugin6.Provider/${name}`, request));
      expect([name, (res.diagnostics ?? []).map((d) => d.summary)]).toEqual([
        name,
        ["This provider has no managed resources"],
      ]);
    }
  });

  test("RPCs are logged at debug level without their bodies", async () => {
    await configure();
    const entries = logLines.map((line) => JSON.parse(line));
    expect(entries).toContainEqual(
      expect.objectContaining({ "@message": "served RPC", tf_rpc: "ConfigureProvider" }),
    );
    // The provider password travelled in ConfigureProvider and must appear nowhere in the log.
    expect(logLines.join("")).not.toContain('"pw"');
  });

  test("Shutdown answers, then exits 0", async () => {
    const res = await call(client, "/plugin.GRPCController/Shutdown", plugin.Empty.encode({}).finish());
    expect(res.length).toBe(0);
    // Waits for the exit itself rather than for a guessed time (the suite timeout bounds it).
    expect(await exited).toBe(0);
    expect(exits).toEqual([0]);
  });
});

describe("serve() refusing to start", () => {
  test("without the magic cookie: explanation on stderr, exit(1), nothing on stdout", async () => {
    let stdout = "";
    let stderr = "";
    const exits: number[] = [];
    const result = await serve(testProvider({ stopped: 0, schemaCalls: 0 }), {
      env: {},
      notACommandMessage: "A plugin: to make it available, run vsphere-guest provider install\n",
      writeStdout: (text) => {
        stdout += text;
      },
      writeStderr: (text) => {
        stderr += text;
      },
      exit: (code) => exits.push(code),
    });
    expect(result).toBeUndefined();
    expect(exits).toEqual([1]);
    expect(stdout).toBe("");
    expect(stderr).toContain("vsphere-guest provider install");
  });

  test("without the magic cookie and without a message of its own: the default names the executable", async () => {
    let stderr = "";
    const exits: number[] = [];
    await serve(testProvider({ stopped: 0, schemaCalls: 0 }), {
      env: {},
      name: "terraform-provider-test",
      writeStdout: () => {},
      writeStderr: (text) => {
        stderr += text;
      },
      exit: (code) => exits.push(code),
    });
    expect(exits).toEqual([1]);
    expect(stderr).toContain("This is terraform-provider-test, a plugin for OpenTofu and Terraform.");
  });
});
