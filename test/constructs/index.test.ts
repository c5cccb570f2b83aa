import * as pkg from "../../src";

describe("package entry", () => {
  test("exports the API client, the construct and the generated bindings", () => {
    // GIVEN / WHEN the main entry / THEN it carries the client and the cdktf classes
    expect(pkg.VCenterClient).toBeDefined();
    expect(pkg.GuestProcess).toBeDefined();
    expect(pkg.VsphereguestProvider.tfResourceType).toBe("vsphereguest");
    expect(pkg.DataVsphereguestProcess.tfResourceType).toBe("vsphereguest_process");
    expect(pkg.DataVsphereguestProcesses.tfResourceType).toBe("vsphereguest_processes");
  });
});
