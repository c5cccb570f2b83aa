import { UNKNOWN } from "../../src/provider/codec/cty";
import { credentialsFrom, resolveProviderSettings } from "../../src/provider/config";

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
