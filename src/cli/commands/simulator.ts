/** `vsphere-guest simulator`: serve a simulated vCenter until SIGINT/SIGTERM. */

import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { quote } from "../../util/quote";
import { UsageError } from "../errors";
import { optionsHelp, parseOptions, type SubcommandSpec } from "../options";
import type { CommandIo } from "./io";

/** The options of `vsphere-guest simulator`. */
export const SIMULATOR_SPEC: SubcommandSpec = {
  summary: "serve a simulated vCenter",
  connection: false,
  options: {
    port: { type: "string", value: "N", help: "port to listen on; 0 picks a free one (default 0)" },
    host: { type: "string", value: "H", help: "address to listen on (default 127.0.0.1)" },
    inventory: {
      type: "string",
      value: "FILE",
      help: 'JSON inventory of VMs (and optional "faults") instead of the built-in one',
    },
    retention: {
      type: "string",
      value: "SECONDS",
      help: "how long a finished process's exit code stays readable (default 300)",
    },
    user: {
      type: "string",
      value: "USER",
      help: "vCenter user to accept (default administrator@vsphere.local)",
    },
    password: {
      type: "string",
      value: "PASSWORD",
      help: "vCenter password to accept (default: random, printed in the first line)",
    },
    "ca-file": {
      type: "string",
      value: "FILE",
      help: "where to write the generated CA certificate (default: a temporary file)",
    },
    "transfer-url-host": {
      type: "string",
      value: "address|*",
      help: 'host of the file transfer URLs: the listen address (default), or * ("the server you called")',
    },
  },
  description: `Serves a simulated vCenter (the guest processes and guest filesystem APIs over HTTPS, with real local
processes and files: a simulated guest's files and processes are this machine's) until
SIGINT or SIGTERM. The first line on stdout is one JSON object describing it:
  {"url", "server", "user", "password", "ca_file", "vms": [{"vm", "name", "power_state",
   "tools_running", "guest_user", "guest_password"}, ...]}`,
};

/** Help of \`vsphere-guest simulator\`. */
export const SIMULATOR_HELP = optionsHelp("simulator", SIMULATOR_SPEC);

/** Runs the simulator command; resolves with the exit code once it was stopped. */
export async function simulatorCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions("simulator", SIMULATOR_SPEC, argv);
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument ${quote(positionals[0])}`, "simulator");
  if (values.help) {
    io.stdout.write(`${SIMULATOR_HELP}\n`);
    return 0;
  }
  const port = wholeNumber(values.port, "--port", 0, 65535);
  const retention = wholeNumber(values.retention, "--retention", 1, 86_400 * 365);
  const caFile = typeof values["ca-file"] === "string" ? resolve(values["ca-file"]) : undefined;
  if (caFile !== undefined && !existsSync(dirname(caFile))) {
    throw new UsageError(
      `--ca-file ${caFile}: the directory ${dirname(caFile)} does not exist; create it or choose another path`,
      "simulator",
    );
  }
  const transferUrlHost =
    typeof values["transfer-url-host"] === "string" ? values["transfer-url-host"] : undefined;
  if (transferUrlHost !== undefined && transferUrlHost !== "address" && transferUrlHost !== "*") {
    throw new UsageError(`--transfer-url-host ${quote(transferUrlHost)} must be address or *`, "simulator");
  }
  const { Simulator } = await import("../../simulator");
  const sim = await Simulator.start({
    ...(typeof values.host === "string" ? { host: values.host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(typeof values.inventory === "string" ? { inventory: resolve(values.inventory) } : {}),
    ...(retention !== undefined ? { retentionSeconds: retention } : {}),
    ...(typeof values.user === "string" ? { user: values.user } : {}),
    ...(typeof values.password === "string" ? { password: values.password } : {}),
    ...(caFile !== undefined ? { caFile } : {}),
    ...(transferUrlHost !== undefined ? { transferUrlHost } : {}),
  });
  io.stdout.write(`${JSON.stringify(sim.describe())}\n`);
  if (io.stderr.isTTY) {
    io.stderr.write(`vCenter simulator serving at ${sim.url} (CA: ${sim.caFile}); Ctrl-C stops it\n`);
  }
  await new Promise<void>((done) => {
    if (io.signal.aborted) done();
    else io.signal.addEventListener("abort", () => done(), { once: true });
  });
  await sim.close();
  return 0;
}

function wholeNumber(
  value: string | boolean | string[] | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (typeof value !== "string") return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} ${quote(value)} must be a whole number from ${min} to ${max}`, "simulator");
  }
  return Number(value);
}
