/** The provider's logger. */
import { createLogger, type Logger } from "../plugin/log";

/** The provider's name: `@module` `provider.vsphereguest`, level from `TF_LOG_PROVIDER_VSPHEREGUEST`. */
export const PROVIDER_NAME = "vsphereguest";

/**
 * The provider's logger: `@module` `provider.vsphereguest`, level from the environment, output on
 * stderr. Register credentials with `log.addSecret(password)` as soon as they are known.
 */
export const log: Logger = createLogger({ module: `provider.${PROVIDER_NAME}` });
