/**
 * The provider's schemas: the `provider "vsphereguest"` block and the shared `credentials`
 * block. Data source schemas live beside their read functions in `data-sources/`.
 */
import type { SchemaBlock, SchemaNestedBlock } from "../plugin/codec/schema";

/** The guest credentials block, used as `guest_credentials` (provider) and `credentials` (data sources). */
export function credentialsBlock(typeName: string, description: string): SchemaNestedBlock {
  return {
    typeName,
    nesting: "single",
    block: {
      description,
      attributes: [
        {
          name: "user_name",
          type: "string",
          optional: true,
          description: "Guest operating system user. Falls back to `VSPHERE_GUEST_USER`.",
        },
        {
          name: "password",
          type: "string",
          optional: true,
          sensitive: true,
          description: "Password of the guest user. Falls back to `VSPHERE_GUEST_PASSWORD`.",
        },
        {
          name: "saml_token",
          type: "string",
          optional: true,
          sensitive: true,
          description:
            "SAML bearer token for the guest, instead of a password. Falls back to `VSPHERE_GUEST_SAML_TOKEN`.",
        },
        {
          name: "interactive_session",
          type: "bool",
          optional: true,
          description:
            "Set to true only when the guest user is logged in to the guest's desktop and the process must run in that session. Defaults to false.",
        },
      ],
      blockTypes: [],
    },
  };
}

/** Schema of the `provider "vsphereguest"` block; every setting may come from the environment instead. */
export const PROVIDER_SCHEMA: SchemaBlock = {
  description:
    "Reads processes inside vSphere guests through VMware Tools (vSphere Automation API, 7.0.2 or later). Every setting falls back to an environment variable, so an empty provider block works.",
  attributes: [
    {
      name: "vsphere_server",
      type: "string",
      optional: true,
      description:
        "vCenter server, as `host`, `host:port` or `https://host:port`. Falls back to `VSPHERE_SERVER`.",
    },
    {
      name: "user",
      type: "string",
      optional: true,
      description: "vCenter SSO user. Falls back to `VSPHERE_USER`.",
    },
    {
      name: "password",
      type: "string",
      optional: true,
      sensitive: true,
      description: "Password of the vCenter user. Falls back to `VSPHERE_PASSWORD`.",
    },
    {
      name: "allow_unverified_ssl",
      type: "bool",
      optional: true,
      description:
        "Skip verification of vCenter's TLS certificate (labs only). Falls back to `VSPHERE_ALLOW_UNVERIFIED_SSL`. Defaults to false.",
    },
    {
      name: "ca_file",
      type: "string",
      optional: true,
      description:
        "Path of a PEM CA bundle that signed vCenter's certificate, trusted instead of the system roots. Falls back to `VSPHERE_CA_FILE`.",
    },
    {
      name: "api_timeout",
      type: "string",
      optional: true,
      description:
        'Time allowed for each vCenter API call, as a duration like `90s` or `5m`. Falls back to `VSPHERE_API_TIMEOUT`. Defaults to `"5m"`.',
    },
  ],
  blockTypes: [
    credentialsBlock(
      "guest_credentials",
      "Guest credentials used by every data source that has no `credentials` block of its own, so guest secrets can stay out of the state.",
    ),
  ],
};
