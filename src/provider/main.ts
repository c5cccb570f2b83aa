/**
 * Entry point of the provider executable (`bin/terraform-provider-vsphereguest`): serves the
 * provider to the tofu/terraform process that started it.
 */

import { serve } from "./protocol";
import { createProvider } from "./provider";

serve(createProvider()).catch((err: unknown) => {
  process.stderr.write(
    `terraform-provider-vsphereguest: ${err instanceof Error ? err.stack : String(err)}\n`,
  );
  process.exit(1);
});
