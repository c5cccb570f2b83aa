/**
 * The provider's schemas: the `provider "vsphereguest"` block and the guest credentials block the
 * data sources share. Data source schemas live beside their read functions in `data-sources/`.
 * Descriptions are the documentation: `npm run docs` writes them into `docs/`.
 */
import type { BlockDef, NestedBlockDef } from "../plugin";

/** The attributes of a guest credentials block. */
const CREDENTIALS_ATTRIBUTES = {
  user_name: {
    type: "string",
    optional: true,
    description: "The guest operating system user. Falls back to `VSPHERE_GUEST_USER`.",
  },
  password: {
    type: "string",
    optional: true,
    sensitive: true,
    description: "That user's password. Falls back to `VSPHERE_GUEST_PASSWORD`.",
  },
  saml_token: {
    type: "string",
    optional: true,
    sensitive: true,
    description:
      "A SAML bearer token to use instead of a password. It is sent as given. Falls back to `VSPHERE_GUEST_SAML_TOKEN`. Setting both `password` and `saml_token` in one block is an error (`Conflicting guest credentials`).",
  },
  interactive_session: {
    type: "bool",
    optional: true,
    description:
      "`true` only when the user is logged in to the guest's desktop and the process must run in that session. Defaults to `false`. There is no environment variable for it.",
  },
} as const satisfies BlockDef["attributes"];

/** A guest credentials block (`guest_credentials` of the provider, `credentials` of a data source). */
export function credentialsBlock<const D extends string>(description: D) {
  return {
    nesting: "single",
    block: { description, attributes: CREDENTIALS_ATTRIBUTES },
  } as const satisfies NestedBlockDef;
}

/** The `credentials` block of a data source. */
export const DATA_SOURCE_CREDENTIALS = credentialsBlock(
  "The guest account for this data source. It has the same fields as the provider's [`guest_credentials`](../index.md#guest_credentials) block: `user_name`, `password` (sensitive), `saml_token` (sensitive) and `interactive_session`. Each field left unset falls back to the provider's `guest_credentials`, and then to the `VSPHERE_GUEST_*` environment variables. This block is stored in the state, including the password (see [Authentication](../index.md#authentication)). Prefer the provider-level settings.",
);

/** Schema of the `provider "vsphereguest"` block; every setting may come from the environment instead. */
export const PROVIDER_SCHEMA = {
  description:
    "Reads processes inside vSphere guests through VMware Tools (vSphere Automation API, 7.0.2 or later). Every setting falls back to an environment variable, so an empty provider block works.",
  attributes: {
    vsphere_server: {
      type: "string",
      optional: true,
      description:
        "The vCenter address, written as `host`, `host:port` or `https://host:port`. The provider adds `/api` itself, so an address with a path is refused (`Invalid vsphere_server`, pointing at the argument). Plain `http://` is refused too: it would send the vCenter password in clear text, and vCenter serves its API over HTTPS only. Falls back to `VSPHERE_SERVER`.",
    },
    user: {
      type: "string",
      optional: true,
      description:
        "The vCenter SSO user, for example `automation@vsphere.local`. Falls back to `VSPHERE_USER`.",
    },
    password: {
      type: "string",
      optional: true,
      sensitive: true,
      description: "The password of that user. Falls back to `VSPHERE_PASSWORD`.",
    },
    allow_unverified_ssl: {
      type: "bool",
      optional: true,
      description:
        "When `true`, vCenter's TLS certificate is not checked. Only use this in a lab. Defaults to `false`. Falls back to `VSPHERE_ALLOW_UNVERIFIED_SSL`, which accepts `true`/`false`, `1`/`0`, `t`/`f` and `yes`/`no`; any other value is an error.",
    },
    ca_file: {
      type: "string",
      optional: true,
      description:
        "The path of a PEM file with the CA certificate or certificates that signed vCenter's certificate. They are trusted _instead of_ the default trust store (see [TLS](#tls)). Falls back to `VSPHERE_CA_FILE`.",
    },
    api_timeout: {
      type: "string",
      optional: true,
      description:
        'How long each vCenter API call may take to answer, written as a duration such as `90s`, `5m` or `1h30m` (units `ms`, `s`, `m`, `h`). Defaults to `"5m"`. It may be from `1ms` to `596h31m23s` (about 24 days); anything longer is refused at validate. Opening a connection has its own limit of 10 seconds. This does not limit how long a data source waits for a process to exit: that is the data source\'s `timeout`. Falls back to `VSPHERE_API_TIMEOUT`.',
    },
  },
  blocks: {
    guest_credentials: credentialsBlock(
      "The guest account used by every data source that has no `credentials` block of its own, so guest secrets can stay out of the state. The data sources' `credentials` block has the same fields.",
    ),
  },
} as const satisfies BlockDef;
