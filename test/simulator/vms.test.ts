import { login, rawRequest, withSimulator } from "../helpers/with-simulator";
import { expectEnvelope } from "./expect-envelope";

describe("simulator VM list", () => {
  it("lists every VM of the default inventory with its summary", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const response = await rawRequest(sim, { path: "/api/vcenter/vm", token });
      expect(response.status).toBe(200);
      expect(response.headers["content-type"]).toBe("application/json");
      expect(response.json).toEqual([
        { vm: "vm-1001", name: "app-01", power_state: "POWERED_ON", cpu_count: 2, memory_size_MiB: 4096 },
        { vm: "vm-1002", name: "db-01", power_state: "POWERED_OFF", cpu_count: 4, memory_size_MiB: 16384 },
        { vm: "vm-1003", name: "web-01", power_state: "POWERED_ON", cpu_count: 2, memory_size_MiB: 2048 },
        { vm: "vm-1004", name: "twin", power_state: "POWERED_ON", cpu_count: 1, memory_size_MiB: 1024 },
        { vm: "vm-1005", name: "twin", power_state: "POWERED_ON", cpu_count: 1, memory_size_MiB: 1024 },
      ]);
    }));

  it.each([
    ["one name", "names=app-01", ["vm-1001"]],
    ["a name two VMs share", "names=twin", ["vm-1004", "vm-1005"]],
    ["repeated names", "names=app-01&names=db-01", ["vm-1001", "vm-1002"]],
    ["a name in another case (exact match only)", "names=APP-01", []],
    ["a name prefix (exact match only)", "names=app", []],
    ["a comma is part of the name, not a separator", "names=app-01,db-01", []],
    ["an encoded name", "names=%61pp-01", ["vm-1001"]],
    ["VM ids", "vms=vm-1003&vms=vm-1005", ["vm-1003", "vm-1005"]],
    ["an unknown VM id", "vms=vm-9", []],
    ["a power state", "power_states=POWERED_OFF", ["vm-1002"]],
    ["all filters together", "names=twin&vms=vm-1005&power_states=POWERED_ON", ["vm-1005"]],
  ])("filters by %s", (_name, query, expected) =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const response = await rawRequest(sim, { path: `/api/vcenter/vm?${query}`, token });
      expect(response.status).toBe(200);
      expect((response.json as { vm: string }[]).map((vm) => vm.vm)).toEqual(expected);
    }),
  );

  it("refuses an unknown power state filter with 400 INVALID_ARGUMENT", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const response = await rawRequest(sim, { path: "/api/vcenter/vm?power_states=ON", token });
      expect(expectEnvelope(response, 400, "INVALID_ARGUMENT").messages[0].default_message).toContain(
        "POWERED_ON",
      );
    }));
});

describe("simulator guest operations readiness", () => {
  it.each([
    [
      "powered on with Tools running",
      "vm-1001",
      { guest_operations_ready: true, interactive_guest_operations_ready: false },
    ],
    ["powered off", "vm-1002", { guest_operations_ready: false, interactive_guest_operations_ready: false }],
    [
      "Tools not running",
      "vm-1003",
      { guest_operations_ready: false, interactive_guest_operations_ready: false },
    ],
    [
      "a user logged in interactively",
      "vm-1005",
      { guest_operations_ready: true, interactive_guest_operations_ready: true },
    ],
  ])("reports a VM %s", (_name, vm, expected) =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const response = await rawRequest(sim, { path: `/api/vcenter/vm/${vm}/guest/operations`, token });
      expect(response.status).toBe(200);
      expect(response.headers["content-type"]).toBe("application/json");
      expect(response.json).toEqual(expected);
    }),
  );

  it("answers 404 NOT_FOUND for an unknown VM", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const response = await rawRequest(sim, { path: "/api/vcenter/vm/vm-4242/guest/operations", token });
      expect(expectEnvelope(response, 404, "NOT_FOUND").messages[0].args).toEqual(["vm-4242"]);
    }));

  it("follows setVmState: Tools starting after power-on, and power-off stopping Tools", () =>
    withSimulator(async (sim) => {
      const token = await login(sim);
      const ready = async (vm: string) =>
        (
          (await rawRequest(sim, { path: `/api/vcenter/vm/${vm}/guest/operations`, token })).json as Record<
            string,
            boolean
          >
        ).guest_operations_ready;
      expect(await ready("vm-1003")).toBe(false);
      sim.setVmState("vm-1003", { tools_running: true });
      expect(await ready("vm-1003")).toBe(true);

      sim.setVmState("vm-1001", { power_state: "POWERED_OFF" });
      expect(await ready("vm-1001")).toBe(false);
      expect(sim.describe().vms[0]).toMatchObject({ power_state: "POWERED_OFF", tools_running: false });
      sim.setVmState("vm-1001", { power_state: "POWERED_ON" });
      expect(await ready("vm-1001")).toBe(false);
      sim.setVmState("vm-1001", { tools_running: true });
      expect(await ready("vm-1001")).toBe(true);

      expect(() => sim.setVmState("vm-9", { tools_running: true })).toThrow(/no VM "vm-9"/);
    }));
});
