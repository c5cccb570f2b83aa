/** The strict parsers of guest identity and filesystem answers, on answers as the transport returns them. */
import { BadResponseError, parseServerAddress } from "../../src/vcenter";
import { parseFileInfo, parseGuestPath, parseTransferUrl } from "../../src/vcenter/guest-file-responses";
import type { TransportResponse } from "../../src/vcenter/transport";

const answer = (text: string, statusCode = 201): TransportResponse => ({
  statusCode,
  contentType: "application/json",
  text,
});

describe("parseTransferUrl", () => {
  it.each([
    ["vc.example.com", "https://*/guestFile?id=1&token=a", "https://vc.example.com/guestFile?id=1&token=a"],
    ["vc.example.com:8443", "https://*:9443/guestFile?id=2", "https://vc.example.com:9443/guestFile?id=2"],
    ["[::1]:443", "https://*:9443/guestFile?id=3", "https://[::1]:9443/guestFile?id=3"],
    [
      "vc.example.com",
      "https://esx-01.example.com/guestFile?id=4",
      "https://esx-01.example.com/guestFile?id=4",
    ],
  ])("with server %s turns %s into %s", (server, url, expected) => {
    const parsed = parseTransferUrl(
      answer(JSON.stringify(url)),
      parseServerAddress(server),
      "start a download",
    );
    expect(parsed.href).toBe(expected);
  });

  it.each([
    ["42", /start a download has an invalid transfer URL: 42 is not a URL/],
    ['"http://esx/guestFile"', /is not an https:\/\/ URL/],
    ['"https://user:pw@esx/guestFile"', /is not an https:\/\/ URL with a host name/],
    ['"not a url"', /is not an absolute https:\/\/ URL/],
    ['"https://*.example.com/x"', /with a host name/],
  ])("refuses %s, naming the operation and the value", (text, message) => {
    expect(() => parseTransferUrl(answer(text), parseServerAddress("vc"), "start a download")).toThrow(
      message,
    );
    expect(() => parseTransferUrl(answer(text), parseServerAddress("vc"), "start a download")).toThrow(
      BadResponseError,
    );
  });
});

describe("parseGuestPath and parseFileInfo", () => {
  it("accepts absolute POSIX and Windows paths only", () => {
    expect(parseGuestPath(answer('"/tmp/x"'), "op")).toBe("/tmp/x");
    expect(parseGuestPath(answer('"C:\\\\Temp\\\\x"'), "op")).toBe("C:\\Temp\\x");
    expect(() => parseGuestPath(answer('"tmp/x"'), "create a temporary file")).toThrow(
      /create a temporary file has an invalid path: "tmp\/x" is not an absolute guest path/,
    );
    expect(() => parseGuestPath(answer('{"path":"/x"}'), "op")).toThrow(BadResponseError);
  });

  it("checks every field's type and never coerces", () => {
    expect(parseFileInfo(answer('{"type":"FILE","size":3}', 200))).toEqual({ type: "FILE", size: 3 });
    expect(() => parseFileInfo(answer('{"type":"FILE","size":"3"}', 200))).toThrow(
      /invalid size: "3" is not a number/,
    );
    expect(() => parseFileInfo(answer('{"type":"file","size":3}', 200))).toThrow(
      /invalid type: "file" is not one of FILE/,
    );
    expect(() => parseFileInfo(answer('{"type":"FILE","size":-1}', 200))).toThrow(
      /invalid size: -1 is not a size in bytes/,
    );
    expect(() =>
      parseFileInfo(answer('{"type":"FILE","size":1,"attributes":{"posix":{"permissions":644}}}', 200)),
    ).toThrow(/invalid attributes.posix.permissions: 644 is not a string/);
    expect(() =>
      parseFileInfo(answer('{"type":"FILE","size":1,"attributes":{"last_modified":"yesterday"}}', 200)),
    ).toThrow(/invalid attributes.last_modified: "yesterday" is not an RFC 3339 date-time/);
  });
});
