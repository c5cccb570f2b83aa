import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  defaultInventory,
  type InventoryDocument,
  InventoryError,
  loadInventory,
  Simulator,
  validateInventory,
} from "../../src/simulator";
import { guestCall, login, rawRequest, withSimulator } from "../helpers/with-simulator";
import { expectEnvelope } from "./expect-envelope";

function problemsOf(value: unknown): string[] {
  try {
    validateInventory(value);
  } catch (error) {
    expect(error).toBeInstanceOf(InventoryError);
    return (error as InventoryError).problems;
  }
  throw new Error("the inventory was accepted");
}

function withVm(change: Record<string, unknown>, index = 0): unknown {
  const document = defaultInventory() as unknown as { vms: Record<string, unknown>[] };
  document.vms[index] = { ...document.vms[index], ...change };
  return document;
}

describe("simulator inventory", () => {
  it("has a deterministic default inventory", () => {
    const vms = defaultInventory().vms.map((vm) => [
      vm.vm,
      vm.name,
      vm.power_state,
      vm.tools_running,
      vm.guest_user,
      vm.guest_password,
    ]);
    expect(vms).toEqual([
      ["vm-1001", "app-01", "POWERED_ON", true, "root", "Guest-Pass-1001!"],
      ["vm-1002", "db-01", "POWERED_OFF", false, "root", "Guest-Pass-1002!"],
      ["vm-1003", "web-01", "POWERED_ON", false, "root", "Guest-Pass-1003!"],
      ["vm-1004", "twin", "POWERED_ON", true, "root", "Guest-Pass-1004!"],
      ["vm-1005", "twin", "POWERED_ON", true, "root", "Guest-Pass-1005!"],
    ]);
    expect(validateInventory(defaultInventory())).toEqual(defaultInventory());
  });

  it("fills in defaults and copies the document", () => {
    const input = {
      vms: [
        {
          vm: "vm-1",
          name: "a",
          power_state: "POWERED_ON",
          tools_running: true,
          guest_user: "u",
          guest_password: "p",
        },
      ],
    };
    const result = validateInventory(input);
    expect(result.vms[0]).toEqual({
      ...input.vms[0],
      interactive_users: [],
      cpu_count: 2,
      memory_size_MiB: 4096,
      processes: [],
    });
    expect(input.vms[0]).not.toHaveProperty("cpu_count");
  });

  it.each([
    [
      "a power state that does not exist",
      withVm({ power_state: "ON" }, 2),
      'inventory.vms[2].power_state: "ON" is not one of POWERED_ON, POWERED_OFF, SUSPENDED',
    ],
    [
      "a missing VM id",
      withVm({ vm: undefined }),
      'inventory.vms[0].vm: missing is not a non-empty string; set it, e.g. "vm-42"',
    ],
    [
      "a duplicate VM id",
      withVm({ vm: "vm-1001" }, 1),
      'inventory.vms[1].vm: "vm-1001" is used twice; VM ids must be unique',
    ],
    [
      "a string tools_running",
      withVm({ tools_running: "yes" }),
      'inventory.vms[0].tools_running: "yes" is not true or false',
    ],
    [
      "a typo in a field name",
      withVm({ powerstate: "POWERED_ON" }),
      'inventory.vms[0]: unknown field "powerstate"',
    ],
    [
      "a zero cpu_count",
      withVm({ cpu_count: 0 }),
      "inventory.vms[0].cpu_count: 0 is not a positive integer; set it, e.g. 2, or leave it out",
    ],
    [
      "interactive users that are not a list",
      withVm({ interactive_users: "root" }),
      'inventory.vms[0].interactive_users: "root" is not a list of user names',
    ],
    [
      "a resident process without pid",
      withVm({ processes: [{ name: "x", owner: "root", command: "x" }] }),
      "inventory.vms[0].processes[0].pid: missing is not a positive integer",
    ],
    [
      "two resident processes with one pid",
      withVm({
        processes: [
          { pid: 1, name: "a", owner: "r", command: "" },
          { pid: 1, name: "b", owner: "r", command: "" },
        ],
      }),
      "inventory.vms[0].processes[1].pid: 1 is used twice",
    ],
    [
      "a bad start time",
      withVm({ processes: [{ pid: 1, name: "a", owner: "r", command: "", started: "yesterday" }] }),
      'inventory.vms[0].processes[0].started: "yesterday" is not an ISO 8601 date-time',
    ],
    ["vms that are not a list", { vms: {} }, "inventory.vms: {} is not a list"],
    ["a document that is not an object", [], "inventory: [] is not an object"],
    ["an unknown top-level key", { vms: [], hosts: [] }, 'inventory: unknown field "hosts"'],
    [
      "a bad fault rule",
      { vms: [], faults: [{ kind: "busy", route: "nope" }] },
      'inventory.faults[0].route: "nope" is not one of',
    ],
  ])("refuses %s, naming the field and the value", (_name, document, message) => {
    expect(problemsOf(document).join("\n")).toContain(message);
  });

  it("lists every problem at once", () => {
    const problems = problemsOf({
      vms: [{ vm: "", name: "", power_state: "on", tools_running: 1, guest_user: "", guest_password: 5 }],
    });
    expect(problems).toHaveLength(6);
  });

  describe("from a JSON file", () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "sim-inventory-"));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    const custom: InventoryDocument = {
      vms: [
        {
          vm: "vm-7",
          name: "build-agent",
          power_state: "POWERED_ON",
          tools_running: true,
          guest_user: "builder",
          guest_password: "pw",
          interactive_users: ["builder"],
          processes: [
            {
              pid: 321,
              name: "agent",
              owner: "builder",
              command: "/opt/agent/run",
              started: "2024-01-31T08:00:00.000Z",
            },
          ],
        },
      ],
      faults: [{ route: "processes.list", kind: "busy", count: 1 }],
    };

    it("loads a file, and the simulator serves it with its faults", async () => {
      const file = join(dir, "custom.json");
      await writeFile(file, JSON.stringify(custom));
      expect((await loadInventory(file)).vms[0].cpu_count).toBe(2);
      await withSimulator(
        async (sim) => {
          const token = await login(sim);
          const list = await rawRequest(sim, { path: "/api/vcenter/vm", token });
          expect(list.json).toEqual([
            {
              vm: "vm-7",
              name: "build-agent",
              power_state: "POWERED_ON",
              cpu_count: 2,
              memory_size_MiB: 4096,
            },
          ]);
          expectEnvelope(await guestCall(sim, token, "vm-7", "list"), 500, "RESOURCE_BUSY");
          const processes = await guestCall(sim, token, "vm-7", "list");
          expect(processes.json).toEqual([
            {
              pid: 321,
              name: "agent",
              owner: "builder",
              command: "/opt/agent/run",
              started: "2024-01-31T08:00:00.000Z",
            },
          ]);
          const body = {
            credentials: {
              interactive_session: true,
              type: "USERNAME_PASSWORD",
              user_name: "builder",
              password: "pw",
            },
          };
          expect((await guestCall(sim, token, "vm-7", "get", { pid: 321, body })).json).toEqual({
            name: "agent",
            owner: "builder",
            command: "/opt/agent/run",
            started: "2024-01-31T08:00:00.000Z",
          });
        },
        { inventory: file },
      );
    });

    it("accepts an inventory object directly", () =>
      withSimulator(
        async (sim) => {
          expect(sim.describe().vms.map((vm) => vm.vm)).toEqual(["vm-7"]);
        },
        { inventory: custom, tls: false },
      ));

    it("says which file is missing", async () => {
      const file = join(dir, "missing.json");
      await expect(loadInventory(file)).rejects.toThrow(
        `invalid inventory (${file}):\n  cannot read the inventory file`,
      );
    });

    it("says which file is not JSON", async () => {
      const file = join(dir, "broken.json");
      await writeFile(file, "{ vms: [");
      await expect(loadInventory(file)).rejects.toThrow(/broken\.json\):\n {2}the file is not valid JSON/);
    });

    it("refuses to start with an invalid inventory file, naming the field", async () => {
      const file = join(dir, "invalid.json");
      await writeFile(file, JSON.stringify(withVm({ power_state: "ON" }, 2)));
      await expect(Simulator.start({ inventory: file })).rejects.toThrow(
        'inventory.vms[2].power_state: "ON" is not one of POWERED_ON, POWERED_OFF, SUSPENDED',
      );
    });
  });
});
