import { InvalidArgumentError, parseServerAddress } from "../../src/vcenter";

describe("parseServerAddress", () => {
  it.each([
    ["vc.example.com", "https://vc.example.com:443", "vc.example.com:443"],
    ["vc.example.com:8443", "https://vc.example.com:8443", "vc.example.com:8443"],
    ["https://vc.example.com", "https://vc.example.com:443", "vc.example.com:443"],
    ["https://vc.example.com:9443/", "https://vc.example.com:9443", "vc.example.com:9443"],
    ["127.0.0.1:4443", "https://127.0.0.1:4443", "127.0.0.1:4443"],
    ["[::1]:4443", "https://[::1]:4443", "[::1]:4443"],
  ])("accepts %s", (input, origin, display) => {
    expect(parseServerAddress(input)).toMatchObject({ origin, display });
  });

  it.each([
    ["", "is empty"],
    ["https://vc.example.com/api", "has a path or query"],
    ["https://user:pw@vc.example.com", "must not carry credentials"],
    ["ftp://vc.example.com", "uses ftp"],
    ["http://127.0.0.1:8080", "uses plain http"],
    ["vc example com", "is not a host"],
  ])("refuses %j with a message naming the problem", (input, text) => {
    expect(() => parseServerAddress(input, "vsphere_server")).toThrow(InvalidArgumentError);
    expect(() => parseServerAddress(input, "vsphere_server")).toThrow(text);
  });
});
