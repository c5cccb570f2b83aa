import { quote } from "../util/quote";
import { InvalidArgumentError } from "./errors";
import type { WireCredentials } from "./wire";

/**
 * Guest operating system credentials. Give `userName` and `password`, or a `samlToken`.
 * `interactiveSession` is true only when that user is logged in to the guest's desktop.
 */
export interface GuestCredentials {
  userName?: string;
  password?: string;
  samlToken?: string;
  /** @default false */
  interactiveSession?: boolean;
}

/**
 * Turns guest credentials into the API's `Credentials` shape, checking that they are complete.
 * `field` prefixes the field names in errors (e.g. `credentials`).
 */
export function toWireCredentials(credentials: GuestCredentials, field = "credentials"): WireCredentials {
  const interactive = credentials.interactiveSession ?? false;
  if (credentials.samlToken !== undefined && credentials.samlToken !== "") {
    if (credentials.password !== undefined && credentials.password !== "") {
      throw new InvalidArgumentError(
        `${field}.saml_token`,
        "both a guest password and a SAML token were given",
        "give either user_name and password, or saml_token",
      );
    }
    return {
      interactive_session: interactive,
      type: "SAML_BEARER_TOKEN",
      saml_token: credentials.samlToken,
      ...(credentials.userName ? { user_name: credentials.userName } : {}),
    };
  }
  if (!credentials.userName) {
    throw new InvalidArgumentError(
      `${field}.user_name`,
      "no guest user name was given",
      "set the guest user (user_name, --guest-user or VSPHERE_GUEST_USER) and its password, or a SAML token",
    );
  }
  if (credentials.password === undefined || credentials.password === "") {
    throw new InvalidArgumentError(
      `${field}.password`,
      `no guest password was given for user ${quote(credentials.userName)}`,
      "set it (password, --guest-password or VSPHERE_GUEST_PASSWORD), or use a SAML token",
    );
  }
  return {
    interactive_session: interactive,
    type: "USERNAME_PASSWORD",
    user_name: credentials.userName,
    password: credentials.password,
  };
}
