import { UNKNOWN } from "../../src/plugin/codec/cty";
import { credentialsFrom, resolveProviderSettings, validateProviderBlock } from "../../src/provider/config";

describe("credentialsFrom", () => {
  const provider = { userName: "deploy", password: "provider-pw", samlToken: undefined };

  it("falls back field by field to the provider's credentials", () => {
    expect(
      credentialsFrom(
        { user_name: "root", password: null, saml_token: null, interactive_session: null },
        provider,
      ),
    ).toEqual({
      userName: "root",
      password: "provider-pw",
      samlToken: undefined,
      interactiveSession: false,
    });
  });

  it("does not mix a data source's SAML token with an inherited password, nor the reverse", () => {
    expect(credentialsFrom({ saml_token: "tok" }, provider)).toMatchObject({
      samlToken: "tok",
      password: undefined,
    });
    expect(credentialsFrom({ password: "own" }, { ...provider, samlToken: "inherited" })).toMatchObject({
      password: "own",
      samlToken: undefined,
    });
  });
});

describe("resolveProviderSettings", () => {
  const empty = {
    vsphere_server: null,
    user: null,
    password: null,
    allow_unverified_ssl: null,
    ca_file: null,
    api_timeout: null,
    guest_credentials: null,
  };

  it("takes every setting from the environment when the block is empty", () => {
    const { settings, diagnostics } = resolveProviderSettings(empty, {
      VSPHERE_SERVER: "vc.example.com",
      VSPHERE_USER: "u",
      VSPHERE_PASSWORD: "p",
      VSPHERE_ALLOW_UNVERIFIED_SSL: "true",
      VSPHERE_API_TIMEOUT: "90s",
      VSPHERE_GUEST_USER: "root",
      VSPHERE_GUEST_PASSWORD: "g",
    });
    expect(diagnostics).toEqual([]);
    expect(settings).toMatchObject({
      server: "vc.example.com",
      allowUnverifiedSsl: true,
      apiTimeoutMs: 90_000,
      guest: { userName: "root", password: "g" },
    });
  });

  it("prefers the block over the environment and checks formats", () => {
    const { settings } = resolveProviderSettings(
      { ...empty, vsphere_server: "a", user: "b", password: "c", api_timeout: "2m" },
      { VSPHERE_SERVER: "env", VSPHERE_API_TIMEOUT: "1s" },
    );
    expect(settings).toMatchObject({ server: "a", apiTimeoutMs: 120_000, allowUnverifiedSsl: false });
    const bad = resolveProviderSettings(
      { ...empty, vsphere_server: "a", user: "b", password: "c", api_timeout: "soon" },
      {},
    );
    expect(bad.settings).toBeUndefined();
    expect(bad.diagnostics[0]).toMatchObject({
      summary: "Invalid api_timeout",
      attribute: [{ attributeName: "api_timeout" }],
    });
    const badEnv = resolveProviderSettings(
      { ...empty, vsphere_server: "a", user: "b", password: "c" },
      { VSPHERE_ALLOW_UNVERIFIED_SSL: "maybe" },
    );
    expect(badEnv.diagnostics[0]?.detail).toContain('VSPHERE_ALLOW_UNVERIFIED_SSL="maybe" is not a boolean');
  });

  it("says a setting is not known yet instead of calling it missing", () => {
    const { settings, diagnostics } = resolveProviderSettings(
      { ...empty, vsphere_server: UNKNOWN },
      { VSPHERE_USER: "u", VSPHERE_PASSWORD: "p" },
    );
    expect(settings).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      summary: "vsphere_server is not known yet",
      attribute: [{ attributeName: "vsphere_server" }],
    });
  });
});

describe("provider configuration, table-driven", () => {
  const empty = {
    vsphere_server: null,
    user: null,
    password: null,
    allow_unverified_ssl: null,
    ca_file: null,
    api_timeout: null,
    guest_credentials: null,
  };
  const complete = { ...empty, vsphere_server: "vc.example.com", user: "u", password: "p" };
  const at = (...names: string[]) => names.map((attributeName) => ({ attributeName }));

  test.each([
    { name: "a complete block", block: complete, env: {}, diagnostics: [] },
    {
      name: "a server with a path points at vsphere_server",
      block: { ...complete, vsphere_server: "https://vc.example.com/api" },
      env: {},
      diagnostics: [
        {
          summary: "Invalid vsphere_server",
          detail:
            'vsphere_server "https://vc.example.com/api" has a path or query: give only the host (and port): the client adds /api itself.',
          attribute: at("vsphere_server"),
        },
      ],
    },
    {
      name: "plain http is refused, pointing at vsphere_server",
      block: { ...complete, vsphere_server: "http://vc.example.com" },
      env: {},
      diagnostics: [
        {
          summary: "Invalid vsphere_server",
          detail: expect.stringContaining(
            "uses plain http, which would send the vCenter password in clear text",
          ),
          attribute: at("vsphere_server"),
        },
      ],
    },
    {
      name: "credentials in the server address",
      block: { ...complete, vsphere_server: "https://admin:pw@vc.example.com" },
      env: {},
      diagnostics: [
        {
          summary: "Invalid vsphere_server",
          detail: expect.stringContaining("must not carry credentials"),
          attribute: at("vsphere_server"),
        },
      ],
    },
    {
      name: "a bad server from the environment names the variable, with no attribute",
      block: { ...empty, user: "u", password: "p" },
      env: { VSPHERE_SERVER: "vc.example.com/sdk" },
      diagnostics: [
        {
          summary: "Invalid VSPHERE_SERVER",
          detail: expect.stringContaining('VSPHERE_SERVER "vc.example.com/sdk" has a path'),
        },
      ],
    },
    {
      name: "control characters in the server are escaped in the message",
      block: { ...complete, vsphere_server: "vc\u202e.example.com/x\n" },
      env: {},
      diagnostics: [
        {
          summary: "Invalid vsphere_server",
          detail: expect.stringContaining('"vc\\u202e.example.com/x\\n"'),
          attribute: at("vsphere_server"),
        },
      ],
    },
    {
      name: "missing everything",
      block: empty,
      env: {},
      diagnostics: ["vsphere_server", "user", "password"].map((name) => ({
        summary: `Missing ${name}`,
        detail: expect.stringContaining(`Set ${name} in the provider "vsphereguest" block`),
        attribute: at(name),
      })),
    },
    {
      name: "a bad api_timeout",
      block: { ...complete, api_timeout: "ten minutes" },
      env: {},
      diagnostics: [
        {
          summary: "Invalid api_timeout",
          detail: expect.stringContaining('"ten minutes" is not a duration'),
          attribute: at("api_timeout"),
        },
      ],
    },
    {
      name: "a bad VSPHERE_API_TIMEOUT",
      block: complete,
      env: { VSPHERE_API_TIMEOUT: "0s" },
      diagnostics: [
        {
          summary: "Invalid VSPHERE_API_TIMEOUT",
          detail: expect.stringContaining("must be longer than zero"),
        },
      ],
    },
    {
      name: "both password and saml_token in guest_credentials",
      block: {
        ...complete,
        guest_credentials: { user_name: "root", password: "a", saml_token: "b", interactive_session: null },
      },
      env: {},
      diagnostics: [
        {
          summary: "Conflicting guest credentials",
          detail: expect.any(String),
          attribute: at("guest_credentials", "saml_token"),
        },
      ],
    },
    {
      name: "an unknown server",
      block: { ...complete, vsphere_server: UNKNOWN },
      env: {},
      diagnostics: [
        {
          summary: "vsphere_server is not known yet",
          detail: expect.any(String),
          attribute: at("vsphere_server"),
        },
      ],
    },
  ])("$name", ({ block, env, diagnostics }) => {
    const result = resolveProviderSettings(block as never, env);
    expect(result.diagnostics).toEqual(diagnostics.map((d) => ({ severity: "error", ...d })));
    expect(result.settings === undefined).toBe(diagnostics.length > 0);
  });

  test.each([
    ["vsphere_server", { ...empty, vsphere_server: "vc/x" }, "Invalid vsphere_server"],
    ["api_timeout", { ...empty, api_timeout: "soon" }, "Invalid api_timeout"],
  ])("validate (no environment, no vCenter) already finds a bad %s", (attribute, block, summary) => {
    expect(validateProviderBlock(block as never)).toEqual([
      expect.objectContaining({ summary, attribute: at(attribute) }),
    ]);
  });

  test("validate passes unknown values and an empty block", () => {
    expect(validateProviderBlock(empty as never)).toEqual([]);
    expect(
      validateProviderBlock({ ...empty, vsphere_server: UNKNOWN, api_timeout: UNKNOWN } as never),
    ).toEqual([]);
  });
});
