/**
 * Entry point of the provider executable (`bin/terraform-provider-vsphereguest`): serves the
 * provider to the tofu/terraform process that started it.
 */

import { startupSnapshot } from "node:v8";
import { serve } from "../plugin/protocol";
import { log } from "./log";
import { createProvider } from "./provider";
import { warmUpForSnapshot } from "./snapshot-warm-up";

/** The executable's name, as the messages it prints call it. */
const EXECUTABLE_NAME = "terraform-provider-vsphereguest";

/** What a person running the provider by hand reads on stderr. */
const NOT_A_COMMAND_MESSAGE = [
  "This is terraform-provider-vsphereguest, a plugin for OpenTofu and Terraform.",
  "It is not meant to be run by hand: tofu or terraform start it when a configuration uses the",
  "vsphereguest provider.",
  "",
  "To make it available to them, run:",
  "",
  "    vsphere-guest provider install",
  "",
  "then use the provider in a configuration and run `tofu init` / `terraform init` as usual.",
  "",
].join("\n");

/**
 * How this process started: `snapshot` when the single executable was deserialised from its V8
 * startup snapshot (module initialisation happened when the executable was built), `script` when
 * the bundle or the compiled modules ran as usual.
 */
export type StartedFrom = "snapshot" | "script";

/** Serves the provider to the host: everything that belongs to this process, not to the build. */
function main(startedFrom: StartedFrom): void {
  if (startedFrom === "snapshot") log.trace("started from the executable's startup snapshot");
  serve(createProvider(), {
    name: EXECUTABLE_NAME,
    notACommandMessage: NOT_A_COMMAND_MESSAGE,
    logger: log,
  }).catch((err: unknown) => {
    // A person reads this in the host's output: the message, and the stack only when debugging.
    const debug = /^(debug|trace)$/i.test(process.env.TF_LOG ?? "");
    const detail = err instanceof Error ? (debug ? err.stack : err.message) : String(err);
    process.stderr.write(`${EXECUTABLE_NAME}: cannot start: ${detail}\n`);
    process.exit(1);
  });
}

// When scripts/package.js builds the single executable's startup snapshot, this module runs at
// build time: the modules are initialised into the snapshot, the start-up paths are compiled
// into it (snapshot-warm-up.ts), and serving — the environment, the AutoMTLS key, timers,
// stdout — waits for the process that starts from it.
if (startupSnapshot.isBuildingSnapshot()) {
  startupSnapshot.setDeserializeMainFunction(() => main("snapshot"));
  warmUpForSnapshot().catch((err: unknown) => {
    // Only a speed-up: the snapshot is still right without it, but say so at build time.
    process.stderr.write(`${EXECUTABLE_NAME}: snapshot warm-up failed: ${String(err)}\n`);
  });
} else main("script");

/**
 * Loads the modules configuring the provider loads (the API client and undici) without running
 * anything: the launchers call it only when they make the bundle's V8 code cache, after the
 * start-up, so that the cache holds the compiled code of configuring too.
 */
export function prepareCodeCache(): void {
  require("../vcenter/client");
}
