import * as pkg from "../../src";
import * as cdktfEntry from "../../src/constructs/cdktf";
import * as cdktnEntry from "../../src/constructs/cdktn";

describe("package entries", () => {
  test("the main entry exports the API client, the construct and the cdktf bindings", () => {
    // GIVEN / WHEN the main entry / THEN it carries the client and the cdktf classes
    expect(pkg.VCenterClient).toBeDefined();
    expect(pkg.GuestProcess).toBe(cdktfEntry.GuestProcess);
    expect(pkg.VsphereguestProvider).toBe(cdktfEntry.VsphereguestProvider);
    expect(pkg.VsphereguestProvider.tfResourceType).toBe("vsphereguest");
    expect(pkg.DataVsphereguestProcess.tfResourceType).toBe("vsphereguest_process");
    expect(pkg.DataVsphereguestProcesses.tfResourceType).toBe("vsphereguest_processes");
  });

  test.each([
    ["cdktf", cdktfEntry],
    ["cdktn", cdktnEntry],
  ])("vsphere-guest/%s exports the same names: the constructs and the bindings", (_core, entry) => {
    // GIVEN / WHEN one core's entry / THEN it has every name the cdktf entry has, as its own classes
    expect(Object.keys(entry).sort()).toEqual(Object.keys(cdktfEntry).sort());
    expect(entry.GuestProcess).toBeDefined();
    expect(entry.DataVsphereguestProcess.tfResourceType).toBe("vsphereguest_process");
  });

  test("the two cores' entries do not share classes", () => {
    expect(cdktnEntry.GuestProcess).not.toBe(cdktfEntry.GuestProcess);
    expect(cdktnEntry.DataVsphereguestProcess).not.toBe(cdktfEntry.DataVsphereguestProcess);
  });
});
