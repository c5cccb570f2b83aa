import { classifyFailure } from "../../src/vcenter/transport";

/** An error shaped like what undici or a socket throws. */
function failure(code: string | undefined, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`boom ${code ?? ""}`.trim()), code === undefined ? {} : { code }, extra);
}

describe("classifyFailure", () => {
  it.each([
    ["UND_ERR_ABORTED", "aborted"],
    ["UND_ERR_DESTROYED", "closed"],
    ["UND_ERR_CLOSED", "closed"],
    ["UND_ERR_CONNECT_TIMEOUT", "connect-timeout"],
    ["UND_ERR_HEADERS_TIMEOUT", "headers-timeout"],
    ["UND_ERR_BODY_TIMEOUT", "body-timeout"],
    ["UND_ERR_REQ_CONTENT_LENGTH_MISMATCH", "content-length"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "tls"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "tls"],
    ["ERR_SSL_WRONG_VERSION_NUMBER", "tls"],
    ["ECONNRESET", "reset"],
    ["EPIPE", "reset"],
    ["UND_ERR_SOCKET", "reset"],
    ["ECONNREFUSED", "refused"],
    ["ENOTFOUND", "dns"],
    ["EAI_AGAIN", "dns"],
    ["EHOSTUNREACH", "other"],
  ])("%s is %s", (code, kind) => {
    const classified = classifyFailure(failure(code));
    expect(classified.kind).toBe(kind);
    expect(classified.code).toBe(code);
    expect(classified.detail).toBe(`${code}: boom ${code}`);
  });

  it("reads the code of the cause when the error has none", () => {
    const classified = classifyFailure(failure(undefined, { cause: { code: "ECONNREFUSED" } }));
    expect(classified).toMatchObject({ kind: "refused", code: "ECONNREFUSED" });
  });

  it("calls anything aborted by its signal or named AbortError aborted, whatever its code", () => {
    const controller = new AbortController();
    controller.abort();
    expect(classifyFailure(failure("ECONNRESET"), controller.signal).kind).toBe("aborted");
    expect(classifyFailure(failure(undefined, { name: "AbortError" })).kind).toBe("aborted");
  });

  it("names an error without a code by its name", () => {
    const classified = classifyFailure(new TypeError("bad"));
    expect(classified).toMatchObject({ kind: "other", code: undefined, detail: "TypeError: bad" });
  });
});
