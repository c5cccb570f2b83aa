/**
 * Provider logging: go-plugin's JSON line format, levels from the TF_LOG variables, and the
 * redaction of registered secrets everywhere in an entry.
 */

import { createLogger, type LoggerOptions, levelFromEnv, parseLogLevel } from "../../src/plugin/log";

function capture(options: LoggerOptions = {}) {
  const lines: string[] = [];
  const logger = createLogger({
    module: "provider.vsphereguest",
    level: "trace",
    now: () => Date.UTC(2024, 0, 2, 3, 4, 5, 678),
    ...options,
    write: (l) => lines.push(l),
  });
  const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, entries };
}

describe("format", () => {
  test("one JSON line per entry with @level, @message, @module, @timestamp and the fields", () => {
    const { logger, lines, entries } = capture();
    logger.info("reading guest process", { vm: "vm-42", pid: 4242 });
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith("\n")).toBe(true);
    expect(lines[0].slice(0, -1)).not.toContain("\n");
    expect(entries()[0]).toEqual({
      "@level": "info",
      "@message": "reading guest process",
      "@module": "provider.vsphereguest",
      "@timestamp": "2024-01-02T03:04:05.678000Z",
      vm: "vm-42",
      pid: 4242,
    });
  });

  test("timestamps have exactly six fractional digits (go-plugin's parse layout)", () => {
    const { logger, entries } = capture({ now: Date.now });
    logger.warn("x");
    expect(entries()[0]["@timestamp"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  test("child loggers extend @module; fields cannot overwrite the entry keys", () => {
    const { logger, entries } = capture();
    logger.child("protocol").debug("hello", { "@level": "error", "@message": "forged" });
    expect(entries()[0]).toMatchObject({
      "@level": "debug",
      "@message": "hello",
      "@module": "provider.vsphereguest.protocol",
    });
  });

  test("bytes are summarised, errors flattened, bigints stringified", () => {
    const { logger, entries } = capture();
    const err = Object.assign(new Error("boom"), { code: "E_BOOM" });
    logger.error("failed", {
      body: new Uint8Array(12),
      error: err,
      big: 2n ** 64n,
      nested: { list: [Buffer.from("x")] },
    });
    expect(entries()[0]).toMatchObject({
      body: "<12 bytes>",
      error: { name: "Error", message: "boom", code: "E_BOOM" },
      big: "18446744073709551616",
      nested: { list: ["<1 bytes>"] },
    });
  });
});

describe("levels", () => {
  test.each([
    ["TRACE", "trace"],
    ["debug", "debug"],
    ["Info", "info"],
    ["WARN", "warn"],
    ["ERROR", "error"],
    ["JSON", "trace"],
    ["off", "off"],
    ["bogus", undefined],
    ["", undefined],
  ])("TF_LOG=%s means %s", (value, level) => {
    expect(parseLogLevel(value)).toBe(level);
  });

  test("TF_LOG_PROVIDER_VSPHEREGUEST, then TF_LOG_PROVIDER, then TF_LOG, else info", () => {
    expect(levelFromEnv({})).toBe("info");
    expect(levelFromEnv({ TF_LOG: "debug" })).toBe("debug");
    expect(levelFromEnv({ TF_LOG: "debug", TF_LOG_PROVIDER: "error" })).toBe("error");
    expect(
      levelFromEnv(
        { TF_LOG: "debug", TF_LOG_PROVIDER: "error", TF_LOG_PROVIDER_VSPHEREGUEST: "trace" },
        "vsphereguest",
      ),
    ).toBe("trace");
  });

  test("the environment is read at the first entry, not when the logger is made (startup snapshot)", () => {
    // A logger made while a module loads may be built into the executable's startup snapshot:
    // the level must come from the environment of the process that runs, for children too.
    const env: NodeJS.ProcessEnv = {};
    const lines: string[] = [];
    const logger = createLogger({ module: "provider.vsphereguest", env, write: (l) => lines.push(l) });
    const child = logger.child("client");
    env.TF_LOG = "trace";
    child.trace("from the child");
    expect(logger.level).toBe("trace");
    expect(logger.enabled("trace")).toBe(true);
    logger.debug("from the root");
    expect(lines.map((l) => JSON.parse(l)["@message"])).toEqual(["from the child", "from the root"]);
    // Read once: a later change of the environment does not move it.
    env.TF_LOG = "error";
    expect(child.enabled("trace")).toBe(true);
  });

  test("entries below the level are not written", () => {
    const { logger, entries } = capture({ level: "warn" });
    logger.trace("t");
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(entries().map((e) => e["@level"])).toEqual(["warn", "error"]);
    expect(logger.enabled("info")).toBe(false);
    expect(logger.enabled("error")).toBe(true);
  });

  test("off writes nothing", () => {
    const { logger, lines } = capture({ level: "off" });
    logger.error("e");
    expect(lines).toEqual([]);
  });
});

describe("redaction", () => {
  test("a registered secret is replaced by *** in messages, fields, nested values and errors", () => {
    const { logger, lines, entries } = capture();
    logger.addSecret("s3cr3t-pw");
    logger.info("login with s3cr3t-pw failed", {
      password: "s3cr3t-pw",
      url: "https://user:s3cr3t-pw@vc.example",
      nested: { deeper: ["x s3cr3t-pw y"] },
      error: new Error("server said: bad password s3cr3t-pw"),
    });
    expect(lines.join("")).not.toContain("s3cr3t-pw");
    expect(entries()[0]).toMatchObject({
      "@message": "login with *** failed",
      password: "***",
      url: "https://user:***@vc.example",
      nested: { deeper: ["x *** y"] },
      error: { message: "server said: bad password ***" },
    });
  });

  test("secrets that need JSON escaping are redacted too", () => {
    const { logger, lines } = capture();
    const secret = 'p"w\\d\n';
    logger.addSecret(secret);
    logger.info(`value ${secret}`, { raw: secret });
    const text = lines.join("");
    expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(JSON.parse(text)).toMatchObject({ "@message": "value ***", raw: "***" });
  });

  test("overlapping secrets are fully redacted (longest first)", () => {
    const { logger, entries } = capture();
    logger.addSecret("abc");
    logger.addSecret("abcdef");
    logger.info("abcdef abc");
    expect(entries()[0]["@message"]).toBe("*** ***");
  });

  test("children share the secrets of their root, both ways", () => {
    const { logger, lines } = capture();
    const child = logger.child("datasource");
    child.addSecret("token-123");
    logger.info("root token-123");
    child.info("child token-123");
    expect(lines.join("")).not.toContain("token-123");
    expect(logger.redact("a token-123 b")).toBe("a *** b");
  });

  test("a short secret is redacted where it stands alone, not inside words (regression: a one-letter password)", () => {
    const { logger, entries } = capture();
    logger.addSecret("p");
    logger.addSecret("a.b");
    logger.info("Nothing accepts connections at https://user:p@vc.example; password p; a.b and a.bc", {
      password: "p",
    });
    expect(entries()[0]).toMatchObject({
      "@message": "Nothing accepts connections at https://user:***@vc.example; password ***; *** and a.bc",
      password: "***",
    });
  });

  test("empty secrets are ignored", () => {
    const { logger, entries } = capture();
    logger.addSecret("");
    logger.info("nothing to hide");
    expect(entries()[0]["@message"]).toBe("nothing to hide");
  });

  test("separate root loggers keep separate secrets", () => {
    const a = capture();
    const b = capture();
    a.logger.addSecret("only-a");
    b.logger.info("only-a");
    expect(b.entries()[0]["@message"]).toBe("only-a");
  });
});
