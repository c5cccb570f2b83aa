/**
 * vCenter connection and guest credentials from flags or the environment, named like the
 * Terraform vSphere provider's settings.
 */

import { parseBoolText } from "../util/bool";
import { quote } from "../util/quote";
import type { VCenterClient, VCenterClientOptions } from "../vcenter/client";
import type { GuestCredentials } from "../vcenter/credentials";
import { vmLengthProblem } from "../vcenter/paths";
import { UsageError } from "./errors";

/** Flags shared by every command that talks to vCenter (for `util.parseArgs`). */
export const CONNECTION_FLAGS = {
  server: { type: "string" },
  user: { type: "string" },
  password: { type: "string" },
  "ca-file": { type: "string" },
  insecure: { type: "boolean" },
  "guest-user": { type: "string" },
  "guest-password": { type: "string" },
  "guest-saml-token": { type: "string" },
  interactive: { type: "boolean" },
} as const;

/** Help text for the connection flags. */
export const CONNECTION_HELP = `Connection (flag, or environment variable):
  --server HOST[:PORT]      VSPHERE_SERVER       vCenter, as host, host:port or https://host:port
  --user USER               VSPHERE_USER         vCenter SSO user
  --password PASSWORD       VSPHERE_PASSWORD     vCenter SSO password (prefer the variable)
  --ca-file FILE            VSPHERE_CA_FILE      PEM CA bundle that signed vCenter's certificate
  --insecure                VSPHERE_ALLOW_UNVERIFIED_SSL=true   skip TLS verification (labs only)
Guest credentials:
  --guest-user USER         VSPHERE_GUEST_USER
  --guest-password PASS     VSPHERE_GUEST_PASSWORD
  --guest-saml-token TOKEN  VSPHERE_GUEST_SAML_TOKEN
  --interactive             the guest user is logged in to the guest desktop`;

/** Parsed flag values as `util.parseArgs` returns them. */
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

function pick(
  values: FlagValues,
  flag: string,
  env: NodeJS.ProcessEnv,
  variable: string,
): string | undefined {
  const v = values[flag];
  if (typeof v === "string" && v !== "") return v;
  const e = env[variable];
  return e !== undefined && e !== "" ? e : undefined;
}

/** Reads a boolean environment variable the way Terraform providers do (`true`/`1`). */
export function envBool(value: string | undefined, variable: string): boolean | undefined {
  if (value === undefined || value === "") return undefined;
  const parsed = parseBoolText(value);
  if (parsed !== undefined) return parsed;
  throw new UsageError(`${variable}=${quote(value)} is not a boolean; use true or false`, "");
}

/** Client options from flags and environment; names the missing setting and where to set it. */
export function clientOptionsFrom(
  values: FlagValues,
  env: NodeJS.ProcessEnv,
  command: string,
): VCenterClientOptions {
  const server = pick(values, "server", env, "VSPHERE_SERVER");
  const user = pick(values, "user", env, "VSPHERE_USER");
  const password = pick(values, "password", env, "VSPHERE_PASSWORD");
  if (!server) throw new UsageError("no vCenter server: give --server or set VSPHERE_SERVER", command);
  if (!user) throw new UsageError("no vCenter user: give --user or set VSPHERE_USER", command);
  if (!password)
    throw new UsageError("no vCenter password: set VSPHERE_PASSWORD (or give --password)", command);
  const insecure =
    values.insecure === true ||
    envBool(env.VSPHERE_ALLOW_UNVERIFIED_SSL, "VSPHERE_ALLOW_UNVERIFIED_SSL") === true;
  return {
    server,
    user,
    password,
    caFile: pick(values, "ca-file", env, "VSPHERE_CA_FILE"),
    allowUnverifiedSsl: insecure,
  };
}

/** Guest credentials from flags and environment. */
export function guestCredentialsFrom(values: FlagValues, env: NodeJS.ProcessEnv): GuestCredentials {
  // A flag that picks one kind of guest secret overrides the environment's other kind.
  const flagPassword = typeof values["guest-password"] === "string" && values["guest-password"] !== "";
  const flagToken = typeof values["guest-saml-token"] === "string" && values["guest-saml-token"] !== "";
  return {
    userName: pick(values, "guest-user", env, "VSPHERE_GUEST_USER"),
    password:
      flagToken && !flagPassword ? undefined : pick(values, "guest-password", env, "VSPHERE_GUEST_PASSWORD"),
    samlToken:
      flagPassword && !flagToken
        ? undefined
        : pick(values, "guest-saml-token", env, "VSPHERE_GUEST_SAML_TOKEN"),
    interactiveSession: values.interactive === true,
  };
}

/** The VM a command is about: its managed object id (`--vm`) or its exact name (`--vm-name`). */
export type VmSelection = { readonly id: string } | { readonly name: string };

/**
 * Reads `--vm` / `--vm-name`: exactly one, of a length a VM id or name can have. Checked before any
 * request, so a mistake is a usage error (exit 2).
 */
export function vmSelectionFrom(values: FlagValues, command: string): VmSelection {
  const id = values.vm as string | undefined;
  const name = values["vm-name"] as string | undefined;
  if ((id === undefined) === (name === undefined)) {
    throw new UsageError("give exactly one of --vm (managed object id, like vm-42) or --vm-name", command);
  }
  const tooLong = id !== undefined ? vmLengthProblem(id, "--vm") : vmLengthProblem(name!, "--vm-name");
  if (tooLong !== undefined) throw new UsageError(tooLong, command);
  return id !== undefined ? { id } : { name: name! };
}

/** The managed object id of the selected VM, looking a name up in vCenter. */
export async function resolveVm(
  client: VCenterClient,
  selection: VmSelection,
  signal?: AbortSignal,
): Promise<string> {
  return "id" in selection ? selection.id : client.findVmByName(selection.name, signal);
}
