/**
 * The provider configuration: the `provider` block's values with their environment-variable
 * fallbacks, checked without calling vCenter, and turned into client options.
 */

import type { BlockValue } from "../plugin";
import { type CtyValue, isUnknown } from "../plugin/codec/cty";
import { attr, errorDiag, hasErrors } from "../plugin/diagnostics";
import type { Diagnostic } from "../plugin/protocol/types";
import { parseBoolText } from "../util/bool";
import { parseDuration } from "../util/duration";
import { quote } from "../util/quote";
import type { GuestCredentials } from "../vcenter/credentials";
import { InvalidArgumentError } from "../vcenter/errors";
import { parseServerAddress } from "../vcenter/server-address";

export type { BlockValue } from "../plugin";

/** Settings resolved from the provider block and the environment. */
export interface ProviderSettings {
  server: string;
  user: string;
  password: string;
  allowUnverifiedSsl: boolean;
  caFile: string | undefined;
  apiTimeoutMs: number;
  /** Guest credentials for data sources without a `credentials` block (may be incomplete). */
  guest: GuestCredentials;
}

/** A known string attribute, or undefined when null, unknown or empty. */
export function str(block: BlockValue | null | undefined, name: string): string | undefined {
  const v = block?.[name];
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** A known bool attribute, or undefined. */
export function bool(block: BlockValue | null | undefined, name: string): boolean | undefined {
  const v = block?.[name];
  return typeof v === "boolean" ? v : undefined;
}

/** A nested single block, or undefined when null or unknown. */
export function nested(block: BlockValue | null | undefined, name: string): BlockValue | undefined {
  const v = block?.[name];
  return v !== null && v !== undefined && typeof v === "object" && !isUnknown(v) && !Array.isArray(v)
    ? (v as BlockValue)
    : undefined;
}

/** Guest credentials from a credentials block, each field falling back to `fallback`. */
export function credentialsFrom(block: BlockValue | undefined, fallback: GuestCredentials): GuestCredentials {
  const ownPassword = str(block, "password");
  const ownToken = str(block, "saml_token");
  // A block that chooses one kind of secret does not inherit the other kind.
  return {
    userName: str(block, "user_name") ?? fallback.userName,
    password: ownPassword ?? (ownToken === undefined ? fallback.password : undefined),
    samlToken: ownToken ?? (ownPassword === undefined ? fallback.samlToken : undefined),
    interactiveSession: bool(block, "interactive_session") ?? fallback.interactiveSession ?? false,
  };
}

/**
 * A duration argument in milliseconds: `text`, or `fallback` when it is unset. Validation has
 * already refused a bad one, so a value that does not parse falls back too.
 */
export function durationMs(text: string | null | undefined, fallback: string): number {
  const parsed = parseDuration(text ?? fallback);
  if ("ms" in parsed) return parsed.ms;
  const byDefault = parseDuration(fallback);
  if ("ms" in byDefault) return byDefault.ms;
  throw new Error(`the default duration ${fallback} does not parse`);
}

/** Checks a duration attribute that is set and known; `undefined` when it is fine. */
export function checkDuration(
  value: CtyValue | undefined,
  path: string[],
  what: string,
): Diagnostic | undefined {
  if (typeof value !== "string") return undefined;
  const parsed = parseDuration(value);
  if ("error" in parsed) {
    return errorDiag(
      `Invalid ${path.join(".")}`,
      `${path.join(".")} ${parsed.error} (${what}).`,
      attr(...path),
    );
  }
  return undefined;
}

/** Checks the credentials block shape (both password and saml_token is an error). */
export function checkCredentials(block: BlockValue | undefined, path: string): Diagnostic[] {
  if (block === undefined) return [];
  if (str(block, "password") !== undefined && str(block, "saml_token") !== undefined) {
    return [
      errorDiag(
        "Conflicting guest credentials",
        `${path} sets both password and saml_token. Give either user_name and password, or saml_token.`,
        attr(path, "saml_token"),
      ),
    ];
  }
  return [];
}

/**
 * Checks a server address; `undefined` when it is fine. `name` is how the user set it (the
 * attribute, or the environment variable), and the diagnostic points at the attribute only when
 * the attribute was the source.
 */
export function checkServer(
  value: string,
  name: "vsphere_server" | "VSPHERE_SERVER",
): Diagnostic | undefined {
  try {
    parseServerAddress(value, name);
    return undefined;
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    return errorDiag(
      `Invalid ${name}`,
      `${error.message}.`,
      name === "vsphere_server" ? attr("vsphere_server") : undefined,
    );
  }
}

/** Validation of the provider block: formats only, never a call to vCenter. Unknown values pass. */
export function validateProviderBlock(config: BlockValue): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const server = str(config, "vsphere_server");
  const serverProblem = server === undefined ? undefined : checkServer(server, "vsphere_server");
  if (serverProblem) diags.push(serverProblem);
  const timeout = checkDuration(
    config.api_timeout,
    ["api_timeout"],
    "the time allowed for each vCenter API call",
  );
  if (timeout) diags.push(timeout);
  diags.push(...checkCredentials(nested(config, "guest_credentials"), "guest_credentials"));
  return diags;
}

/** Resolves the provider block with its environment fallbacks; diagnostics say what is missing and where to set it. */
export function resolveProviderSettings(
  config: BlockValue,
  env: NodeJS.ProcessEnv,
): { settings?: ProviderSettings; diagnostics: Diagnostic[] } {
  const diagnostics = validateProviderBlock(config);
  for (const name of [
    "vsphere_server",
    "user",
    "password",
    "ca_file",
    "api_timeout",
    "allow_unverified_ssl",
  ]) {
    const value = config[name];
    if (value !== null && value !== undefined && isUnknown(value)) {
      diagnostics.push(
        errorDiag(
          `${name} is not known yet`,
          `${name} depends on a value that is only known after apply, but the provider reads guest processes at plan time. Set ${name} from values known when planning (variables, locals), or from its environment variable.`,
          attr(name),
        ),
      );
    }
  }
  if (hasErrors(diagnostics)) return { diagnostics };
  const fromEnv = (name: string): string | undefined =>
    env[name] !== undefined && env[name] !== "" ? env[name] : undefined;
  const server = str(config, "vsphere_server") ?? fromEnv("VSPHERE_SERVER");
  const user = str(config, "user") ?? fromEnv("VSPHERE_USER");
  const password = str(config, "password") ?? fromEnv("VSPHERE_PASSWORD");
  const missing = (name: string, variable: string): Diagnostic =>
    errorDiag(
      `Missing ${name}`,
      `The provider needs ${name} to reach vCenter. Set ${name} in the provider "vsphereguest" block or the ${variable} environment variable.`,
      attr(name),
    );
  if (!server) diagnostics.push(missing("vsphere_server", "VSPHERE_SERVER"));
  else if (str(config, "vsphere_server") === undefined) {
    const serverProblem = checkServer(server, "VSPHERE_SERVER");
    if (serverProblem) diagnostics.push(serverProblem);
  }
  if (!user) diagnostics.push(missing("user", "VSPHERE_USER"));
  if (!password) diagnostics.push(missing("password", "VSPHERE_PASSWORD"));

  let allowUnverifiedSsl = bool(config, "allow_unverified_ssl");
  if (allowUnverifiedSsl === undefined && fromEnv("VSPHERE_ALLOW_UNVERIFIED_SSL") !== undefined) {
    allowUnverifiedSsl = parseBoolText(env.VSPHERE_ALLOW_UNVERIFIED_SSL!);
    if (allowUnverifiedSsl === undefined) {
      diagnostics.push(
        errorDiag(
          "Invalid VSPHERE_ALLOW_UNVERIFIED_SSL",
          `VSPHERE_ALLOW_UNVERIFIED_SSL=${quote(env.VSPHERE_ALLOW_UNVERIFIED_SSL)} is not a boolean. Use true or false.`,
        ),
      );
    }
  }
  let apiTimeoutMs = 300_000;
  const timeoutText = str(config, "api_timeout") ?? fromEnv("VSPHERE_API_TIMEOUT");
  if (timeoutText !== undefined) {
    const parsed = parseDuration(timeoutText);
    if ("ms" in parsed) apiTimeoutMs = parsed.ms;
    else if (str(config, "api_timeout") === undefined) {
      diagnostics.push(errorDiag("Invalid VSPHERE_API_TIMEOUT", `VSPHERE_API_TIMEOUT ${parsed.error}.`));
    }
  }
  const guestBlock = nested(config, "guest_credentials");
  const guest = credentialsFrom(guestBlock, {
    userName: fromEnv("VSPHERE_GUEST_USER"),
    password: fromEnv("VSPHERE_GUEST_PASSWORD"),
    samlToken: fromEnv("VSPHERE_GUEST_SAML_TOKEN"),
  });
  if (hasErrors(diagnostics)) return { diagnostics };
  return {
    settings: {
      server: server!,
      user: user!,
      password: password!,
      allowUnverifiedSsl: allowUnverifiedSsl ?? false,
      caFile: str(config, "ca_file") ?? fromEnv("VSPHERE_CA_FILE"),
      apiTimeoutMs,
      guest,
    },
    diagnostics,
  };
}
