/**
 * Entry point of the provider executable (`bin/terraform-provider-vsphereguest`): serves the
 * provider to the tofu/terraform process that started it.
 */

import { serve } from "./protocol";
import { createProvider } from "./provider";

serve(createProvider()).catch((err: unknown) => {
  // A person reads this in the host's output: the message, and the stack only when debugging.
  const debug = /^(debug|trace)$/i.test(process.env.TF_LOG ?? "");
  const detail = err instanceof Error ? (debug ? err.stack : err.message) : String(err);
  process.stderr.write(`terraform-provider-vsphereguest: cannot start: ${detail}\n`);
  process.exit(1);
});

/**
 * Loads the modules configuring the provider loads (the API client and undici) without running
 * anything: the launchers call it only when they make the bundle's V8 code cache, after the
 * start-up, so that the cache holds the compiled code of configuring too.
 */
export function prepareCodeCache(): void {
  require("../vcenter/client");
}
