/**
 * vCenter's answers are validated, never coerced: every field of every answer the client parses,
 * against every malformed shape, served by the simulator's `status` fault over real HTTPS.
 */
import { Simulator } from "../../src/simulator";
import type { RouteName } from "../../src/simulator/router";
import { parseJsonExact } from "../../src/util/json";
import { BadResponseError, VCenterClient, type VsphereGuestError } from "../../src/vcenter";
import { isDateTime, showValue } from "../../src/vcenter/answer";
import { withSimulator } from "../helpers/with-simulator";

const APP = "vm-1001";

/** A field's value as raw JSON text, or `undefined` to leave the field out. */
type Raw = string | undefined;

/** Malformed values per API type (raw JSON text). */
const BAD: Record<"int64" | "pid" | "string" | "dateTime" | "boolean" | "powerState", Raw[]> = {
  int64: [
    '""',
    "true",
    "false",
    "[]",
    "{}",
    '{"value":0}',
    "1.5",
    '"abc"',
    '"7"',
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999",
    "1e300",
    "1e17",
  ],
  pid: [
    undefined,
    "null",
    '""',
    "true",
    "false",
    "[]",
    "{}",
    "1.5",
    '"abc"',
    '"42"',
    "0",
    "-5",
    "9223372036854775808",
    "1e300",
  ],
  string: [undefined, "null", "1", "true", "[]", "{}"],
  dateTime: [
    undefined,
    "null",
    '""',
    '"abc"',
    '"yesterday"',
    "1700000000",
    "true",
    "[]",
    '"2024-13-01T00:00:00Z"',
    '"2024-02-30T00:00:00Z"',
    '"2024-01-01T25:00:00Z"',
    '"2024-01-01"',
    '"2024-01-01T00:00:00"',
  ],
  boolean: [undefined, "null", '"true"', "1", "0", "[]", "{}"],
  powerState: [undefined, "null", '"RUNNING"', '""', "1", "true"],
};

/** An answer with fields in order; the one under test replaced (or left out). */
function objectText(fields: Array<[string, string]>, field?: string, raw?: Raw): string {
  const parts = fields
    .map(([k, v]): [string, Raw] => [k, k === field ? raw : v])
    .filter((kv): kv is [string, string] => kv[1] !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}:${v}`);
  return `{${parts.join(",")}}`;
}

const INFO: Array<[string, string]> = [
  ["name", '"sh"'],
  ["owner", '"app"'],
  ["command", '"/bin/sh -c true"'],
  ["started", '"2026-01-01T10:00:00.000Z"'],
  ["finished", '"2026-01-01T10:00:01.000Z"'],
  ["exit_code", "3"],
];
const SUMMARY: Array<[string, string]> = [
  ["pid", "42"],
  ["name", '"sh"'],
  ["owner", '"app"'],
  ["command", '"/bin/sh"'],
  ["started", '"2026-01-01T10:00:00Z"'],
];
const VM: Array<[string, string]> = [
  ["vm", '"vm-1001"'],
  ["name", '"app"'],
  ["power_state", '"POWERED_ON"'],
];
const READY: Array<[string, string]> = [
  ["guest_operations_ready", "true"],
  ["interactive_guest_operations_ready", "false"],
];

/** One parser of the client: which route it calls, how, and what its messages call it. */
interface Parser {
  route: RouteName;
  status: number;
  operation: string;
  call: (client: VCenterClient, sim: Simulator) => Promise<unknown>;
  /** Every field: its name in messages, its type, and the answer text with a value in its place. */
  fields: Array<{ field: string; type: keyof typeof BAD; body: (raw: Raw) => string }>;
}

function guestOf(sim: Simulator) {
  const d = sim.describe().vms.find((v) => v.vm === APP)!;
  return { userName: d.guest_user, password: d.guest_password };
}

const PARSERS: Parser[] = [
  {
    route: "processes.get",
    status: 200,
    operation: `get process 42 in VM ${APP}`,
    call: (c, sim) => c.getProcess(APP, 42, guestOf(sim)),
    fields: [
      { field: "name", type: "string", body: (raw) => objectText(INFO, "name", raw) },
      { field: "owner", type: "string", body: (raw) => objectText(INFO, "owner", raw) },
      { field: "command", type: "string", body: (raw) => objectText(INFO, "command", raw) },
      { field: "started", type: "dateTime", body: (raw) => objectText(INFO, "started", raw) },
      // Optional fields: absent and null are allowed, so only the other shapes are bad.
      { field: "finished", type: "dateTime", body: (raw) => objectText(INFO, "finished", raw) },
      { field: "exit_code", type: "int64", body: (raw) => objectText(INFO, "exit_code", raw) },
    ],
  },
  {
    route: "processes.list",
    status: 200,
    operation: `list processes of VM ${APP}`,
    call: (c, sim) => c.listProcesses(APP, guestOf(sim)),
    fields: ["pid", "name", "owner", "command", "started"].map((name) => ({
      field: `[0].${name}`,
      type: name === "pid" ? "pid" : name === "started" ? "dateTime" : "string",
      body: (raw: Raw) => `[${objectText(SUMMARY, name, raw)}]`,
    })),
  },
  {
    route: "processes.create",
    status: 201,
    operation: `create in VM ${APP}`,
    call: (c, sim) => c.createProcess(APP, guestOf(sim), { path: "/bin/true" }),
    fields: [{ field: "pid", type: "pid", body: (raw) => raw ?? "" }],
  },
  {
    route: "vm.list",
    status: 200,
    operation: "list VMs",
    call: (c) => c.listVms(),
    fields: [
      { field: "[0].vm", type: "string", body: (raw) => `[${objectText(VM, "vm", raw)}]` },
      { field: "[0].name", type: "string", body: (raw) => `[${objectText(VM, "name", raw)}]` },
      {
        field: "[0].power_state",
        type: "powerState",
        body: (raw) => `[${objectText(VM, "power_state", raw)}]`,
      },
    ],
  },
  {
    route: "guest.operations",
    status: 200,
    operation: `check guest operations of VM ${APP}`,
    call: (c) => c.guestOperationsReady(APP),
    fields: ["guest_operations_ready", "interactive_guest_operations_ready"].map((name) => ({
      field: name,
      type: "boolean" as const,
      body: (raw: Raw) => objectText(READY, name, raw),
    })),
  },
];

const OPTIONAL = new Set(["finished", "exit_code"]);

/** Every (parser, field, bad value) case. */
const CASES = PARSERS.flatMap((parser) =>
  parser.fields.flatMap((f) =>
    BAD[f.type]
      .filter((raw) => !(OPTIONAL.has(f.field) && (raw === undefined || raw === "null")))
      // A create answer is the bare pid: "no pid" is an empty body, which has its own message.
      .filter((raw) => !(parser.route === "processes.create" && raw === undefined))
      .map((raw) => ({ parser, field: f.field, raw, body: f.body(raw) })),
  ),
);

async function caught(promise: Promise<unknown>): Promise<VsphereGuestError> {
  try {
    await promise;
  } catch (error) {
    return error as VsphereGuestError;
  }
  throw new Error("expected the call to fail");
}

function clientFor(sim: Simulator): VCenterClient {
  return new VCenterClient({
    server: sim.server,
    user: sim.user,
    password: sim.password,
    caFile: sim.caFile,
  });
}

describe("vCenter's answers are validated, never coerced", () => {
  let sim: Simulator;
  let client: VCenterClient;
  beforeAll(async () => {
    sim = await Simulator.start();
    client = clientFor(sim);
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });
  afterEach(() => sim.clearFaults());

  it(`covers every field with every malformed shape (${CASES.length} cases)`, () => {
    expect(CASES.length).toBeGreaterThan(100);
  });

  it.each(CASES.map((c) => [c.parser.operation, c.field, c.raw ?? "(missing)", c] as const))(
    "%s: %s = %s is a BadResponseError naming the operation, the field and the value",
    async (_op, _field, _shown, c) => {
      sim.addFault({
        route: c.parser.route,
        kind: "status",
        status: c.parser.status,
        body: c.body,
        count: 1,
      });
      const error = await caught(c.parser.call(client, sim));
      expect(error).toBeInstanceOf(BadResponseError);
      expect(error.code).toBe("VSG_ERR_BAD_RESPONSE");
      expect(error.message).toContain(`vCenter's answer to ${c.parser.operation}`);
      expect(error.message).toContain(c.field);
      if (c.raw === undefined || c.raw === "null") {
        expect(error.message).toContain(`has no ${c.field}`);
      } else {
        expect(error.message).toContain(`invalid ${c.field}: ${showValue(parseJsonExact(c.raw))} `);
      }
    },
  );

  it("names the exact problem for the exit codes that used to become 0 or NaN", async () => {
    const expected: Array<[string, string]> = [
      ['""', 'invalid exit_code: "" is not a number'],
      ["false", "invalid exit_code: false is not a number"],
      ["[]", "invalid exit_code: [] is not a number"],
      ['"abc"', 'invalid exit_code: "abc" is not a number'],
      ["1.5", "invalid exit_code: 1.5 is not a whole number"],
      ["9223372036854775808", "invalid exit_code: 9223372036854775808 is beyond the int64 range"],
    ];
    for (const [raw, text] of expected) {
      sim.addFault({
        route: "processes.get",
        kind: "status",
        status: 200,
        body: objectText(INFO, "exit_code", raw),
        count: 1,
      });
      const error = await caught(client.getProcess(APP, 42, guestOf(sim)));
      expect(error.message).toContain(text);
    }
  });

  it("keeps valid edge values exact: int64 bounds, integers beyond 2^53, null optional fields", async () => {
    const read = async (raw: string) => {
      sim.addFault({
        route: "processes.get",
        kind: "status",
        status: 200,
        body: objectText(INFO, "exit_code", raw),
        count: 1,
      });
      return (await client.getProcess(APP, 42, guestOf(sim))).exitCode;
    };
    expect(await read("9007199254740993")).toBe(9007199254740993n);
    expect(await read("9223372036854775807")).toBe(9223372036854775807n);
    expect(await read("-9223372036854775808")).toBe(-9223372036854775808n);
    expect(await read("-1")).toBe(-1);
    expect(await read("0")).toBe(0);
    expect(await read("null")).toBeUndefined();
    sim.addFault({
      route: "processes.get",
      kind: "status",
      status: 200,
      body: objectText(INFO.filter(([k]) => k !== "finished" && k !== "exit_code")),
      count: 1,
    });
    const running = await client.getProcess(APP, 42, guestOf(sim));
    expect(running.finished).toBeUndefined();
    expect(running.exitCode).toBeUndefined();
    sim.addFault({
      route: "processes.create",
      kind: "status",
      status: 201,
      body: "9223372036854775807",
      count: 1,
    });
    expect(await client.createProcess(APP, guestOf(sim), { path: "/bin/true" })).toBe(9223372036854775807n);
  });

  it("refuses a malformed element anywhere in a list, naming its index", async () => {
    const good = objectText(SUMMARY);
    sim.addFault({
      route: "processes.list",
      kind: "status",
      status: 200,
      body: `[${good},${good},${objectText(SUMMARY, "pid", '"7"')}]`,
      count: 1,
    });
    const error = await caught(client.listProcesses(APP, guestOf(sim)));
    expect(error.message).toContain('invalid [2].pid: "7" is not a number');
    sim.addFault({ route: "processes.list", kind: "status", status: 200, body: `[${good}, 5]`, count: 1 });
    expect((await caught(client.listProcesses(APP, guestOf(sim)))).message).toContain(
      "invalid [1]: 5 is not an object",
    );
    sim.addFault({ route: "processes.get", kind: "status", status: 200, body: "[]", count: 1 });
    expect((await caught(client.getProcess(APP, 42, guestOf(sim)))).message).toContain(
      "invalid body: [] is not an object",
    );
    sim.addFault({ route: "vm.list", kind: "status", status: 200, body: "{}", count: 1 });
    expect((await caught(client.listVms())).message).toContain("invalid body: {} is not an array");
  });
});

describe("the session token of a login answer", () => {
  it.each([
    ['""', "is empty"],
    ["123", "is a number, not a string"],
    ["null", "is null, not a string"],
    ['{"value":"abc"}', "is an object, not a string"],
    ['"a b"', "is not a header-safe token"],
    ['"abc\\r\\nx-injected: 1"', "is not a header-safe token"],
    [JSON.stringify("x".repeat(5000)), "is not a header-safe token"],
  ])("refuses %s (%s)", (raw, problem) =>
    withSimulator(async (sim) => {
      sim.addFault({ route: "session.create", kind: "status", status: 201, body: raw, count: 1 });
      const client = clientFor(sim);
      try {
        const error = await caught(client.login());
        expect(error).toBeInstanceOf(BadResponseError);
        expect(error.message).toContain("vCenter's answer to login has an invalid session token");
        expect(error.message).toContain(problem);
        expect(error.message.length).toBeLessThan(600);
        expect(error.message).not.toContain("\r");
        expect(error.message).not.toContain(sim.password);
        // The token may be a working credential: never echoed.
        expect(error.message).toContain("its value is not shown");
        for (const part of ["abc", "a b", "xxxxxxxx"]) expect(error.message).not.toContain(part);
      } finally {
        await client.close();
      }
    }),
  );
});

describe("showValue and isDateTime", () => {
  it("escapes control and bidi characters and truncates long values", () => {
    expect(showValue("a\u202eb")).toBe('"a\\u202eb"');
    expect(showValue("a\nb\u0085")).toBe('"a\\nb\\u0085"');
    expect(showValue("x".repeat(500)).length).toBeLessThanOrEqual(61);
    expect(showValue(9007199254740993n)).toBe("9007199254740993");
    expect(showValue(undefined)).toBe("missing");
  });

  it.each([
    ["2026-01-01T10:00:00Z", true],
    ["2026-01-01T10:00:00.123456+02:00", true],
    ["2024-02-29T00:00:00Z", true],
    ["2023-02-29T00:00:00Z", false],
    ["2026-01-01", false],
    ["2026-01-01T10:00:00", false],
    ["2026-1-1T10:00:00Z", false],
    ["", false],
  ])("%s is a date-time: %s", (text, ok) => {
    expect(isDateTime(text)).toBe(ok);
  });
});
