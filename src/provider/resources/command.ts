/**
 * Resource `vsphereguest_command`: runs a command in a guest when created, waits for it, captures
 * its output and records the result. Read keeps the record (a process long gone is not drift),
 * delete forgets it, import is refused. Every input forces replacement (no `update` hook).
 */

import {
  attr,
  type CtyValue,
  type Diagnostic,
  defineResource,
  errorDiag,
  isUnknown,
  warningDiag,
} from "../../plugin";
import { escapeText, quote } from "../../util/quote";
import { WaitTimeoutError } from "../../vcenter/errors";
import { cmdEscape, posixQuote, windowsQuoteArgument } from "../../vcenter/guest-command";
import type { CapturedResult } from "../../vcenter/guest-file-types";
import { checkDuration, durationMs } from "../config";
import type { ProviderContext } from "../context";
import {
  credentialsOf,
  readFailure,
  resolveVm,
  validateCredentials,
  validateVmTarget,
} from "../data-sources/arguments";
import { COMMAND_SCHEMA, DEFAULT_COMMAND_MAX_OUTPUT_BYTES, DEFAULT_COMMAND_TIMEOUT } from "./command-schema";

/** How many lines of stderr a failed run's diagnostic shows. */
export const STDERR_TAIL_LINES = 10;

const isSet = (v: CtyValue | undefined): boolean => v !== null && v !== undefined;

/** The last `n` lines of `text`, each escaped for a terminal. */
export function tailLines(text: string, n: number): string[] {
  const lines = text.replace(/\r?\n$/, "").split(/\r?\n/);
  return (lines.length === 1 && lines[0] === "" ? [] : lines.slice(-n)).map((l) => escapeText(l));
}

function validateWholeNumber(value: CtyValue, field: string, min: number, what: string): Diagnostic[] {
  if (value === null || isUnknown(value)) return [];
  const ok =
    (typeof value === "number" && Number.isInteger(value) && value >= min) ||
    (typeof value === "bigint" && value >= BigInt(min));
  return ok
    ? []
    : [errorDiag(`Invalid ${field}`, `${field} ${quote(String(value))} is not ${what}.`, attr(field))];
}

/** The `vsphereguest_command` resource. */
export const commandResource = defineResource({
  typeName: "vsphereguest_command",
  schema: COMMAND_SCHEMA,

  validate({ config }) {
    const diags = [...validateVmTarget(config), ...validateCredentials(config)];
    const hasPath = isSet(config.path);
    const hasScript = isSet(config.script);
    if (hasPath === hasScript) {
      diags.push(
        errorDiag(
          hasPath ? "Conflicting path and script" : "Missing path or script",
          "Set exactly one of path (a program, with arguments) and script (content run with interpreter).",
          attr(hasPath ? "script" : "path"),
        ),
      );
    }
    if (typeof config.path === "string" && config.path.trim() === "") {
      diags.push(
        errorDiag(
          "Empty path",
          "path is an empty string. Give the program to run, like /usr/bin/env.",
          attr("path"),
        ),
      );
    }
    if (isSet(config.interpreter) && !hasScript && hasPath) {
      diags.push(
        errorDiag(
          "interpreter without script",
          "interpreter runs a script; with path, leave it out.",
          attr("interpreter"),
        ),
      );
    }
    const interpreter = config.interpreter;
    if (Array.isArray(interpreter)) {
      if (interpreter.length === 0 || (typeof interpreter[0] === "string" && interpreter[0].trim() === "")) {
        diags.push(
          errorDiag(
            "Empty interpreter",
            'interpreter needs a program first, like ["/bin/bash"]; leave it out for the default ["/bin/sh"].',
            attr("interpreter"),
          ),
        );
      }
    }
    const timeout = checkDuration(config.timeout, ["timeout"], "how long the command may run");
    if (timeout) diags.push(timeout);
    const codes = config.allowed_exit_codes;
    if (Array.isArray(codes)) {
      if (codes.length === 0) {
        diags.push(
          errorDiag(
            "Empty allowed_exit_codes",
            "allowed_exit_codes is empty, so every run would fail. Leave it out for [0], or list the codes that mean success.",
            attr("allowed_exit_codes"),
          ),
        );
      }
      for (const code of codes)
        diags.push(
          ...validateWholeNumber(code, "allowed_exit_codes", Number.MIN_SAFE_INTEGER, "a whole number"),
        );
    }
    diags.push(
      ...validateWholeNumber(config.max_output_bytes, "max_output_bytes", 0, "a whole number of bytes >= 0"),
    );
    return diags;
  },

  plan({ config }) {
    // Which output attributes stay null is known from the configuration: plan them as null, not
    // "known after apply" (a kept run has them null already).
    const sensitive = config.sensitive_output;
    const capture = config.capture_output;
    if (isUnknown(sensitive) || isUnknown(capture)) return {};
    const captured = capture !== false;
    return {
      planned: {
        ...(sensitive === true || !captured ? { stdout: null, stderr: null } : {}),
        ...(sensitive !== true || !captured ? { sensitive_stdout: null, sensitive_stderr: null } : {}),
      },
    };
  },

  async create({ config }, ctx: ProviderContext) {
    const signal = ctx.stopSignal;
    const capture = config.capture_output !== false;
    let vm: string;
    let result: CapturedResult;
    try {
      vm = await resolveVm(config, ctx);
      const credentials = credentialsOf(config, ctx);
      const options = {
        timeoutMs: durationMs(config.timeout, DEFAULT_COMMAND_TIMEOUT),
        maxOutputBytes: Number(config.max_output_bytes ?? DEFAULT_COMMAND_MAX_OUTPUT_BYTES),
        discardOutput: !capture,
        ...(config.working_directory !== null ? { cwd: config.working_directory } : {}),
        ...(config.environment !== null ? { env: config.environment } : {}),
        signal,
      };
      const args = config.arguments ?? [];
      ctx.log.info("running guest command", { vm, kind: config.script !== null ? "script" : "path" });
      if (config.script !== null) {
        const { family } = await ctx.client.guestIdentity(vm, signal);
        const interpreter =
          config.interpreter === null
            ? undefined
            : family === "WINDOWS"
              ? config.interpreter.map((a) => cmdEscape(windowsQuoteArgument(a))).join(" ")
              : config.interpreter.map(posixQuote).join(" ");
        result = await ctx.client.runScript(vm, credentials, config.script, {
          ...options,
          family,
          ...(interpreter !== undefined ? { interpreter } : {}),
          args,
        });
      } else {
        result = await ctx.client.runCaptured(vm, credentials, [config.path!, ...args], options);
      }
    } catch (error) {
      if (error instanceof WaitTimeoutError) {
        return {
          diagnostics: [
            errorDiag(
              "Guest command timed out",
              `${ctx.log.redact(error.message)}. The guest process was terminated and nothing was recorded, so the next apply runs it again. Raise timeout if the command needs longer.`,
              attr("timeout"),
            ),
          ],
        };
      }
      return readFailure(error, config, ctx, "running guest command");
    }

    const sensitive = config.sensitive_output === true;
    const state = {
      vm,
      id: `${vm}/${String(result.pid)}`,
      pid: typeof result.pid === "string" ? BigInt(result.pid) : result.pid,
      exit_code: result.exitCode,
      stdout: capture && !sensitive ? result.stdout : null,
      stderr: capture && !sensitive ? result.stderr : null,
      sensitive_stdout: capture && sensitive ? result.stdout : null,
      sensitive_stderr: capture && sensitive ? result.stderr : null,
      output_truncated: capture && result.truncated,
      started: result.started,
      finished: result.finished,
    };
    if (sensitive)
      for (const out of [result.stdout, result.stderr]) if (out.trim() !== "") ctx.log.addSecret(out);
    const diagnostics: Diagnostic[] = result.warnings.map((w) =>
      warningDiag("Guest clean-up incomplete", ctx.log.redact(w)),
    );
    const allowed = (config.allowed_exit_codes ?? [0]).map(String);
    if (result.exitCode === null || !allowed.includes(String(result.exitCode))) {
      const code = result.exitCode === null ? "no exit code" : `exit code ${String(result.exitCode)}`;
      const tail = !capture
        ? "stderr was not captured (capture_output = false)."
        : sensitive
          ? "stderr is not shown (sensitive_output = true); it is in sensitive_stderr."
          : result.stderr.trim() === ""
            ? "stderr was empty."
            : `Last lines of stderr:\n${tailLines(ctx.log.redact(result.stderr), STDERR_TAIL_LINES).join("\n")}`;
      diagnostics.push(
        errorDiag(
          "Guest command failed",
          `The command (pid ${String(result.pid)} in VM ${vm}) ended with ${code}; allowed_exit_codes is [${allowed.join(", ")}]. ${tail}\nThe run is recorded and the resource is tainted, so the next apply runs it again.`,
        ),
      );
    }
    // The state goes back with the error: the host records it and marks the resource tainted.
    return { state, diagnostics };
  },

  async read({ state }) {
    // The record of a run is the run's result; a process long gone is not drift.
    return { state };
  },

  async delete() {
    // Forgetting a run undoes nothing in the guest.
    return {};
  },

  async import({ id }) {
    return {
      diagnostics: [
        errorDiag(
          "vsphereguest_command cannot be imported",
          `There is nothing to import as ${quote(id)}: a command's run is recorded only by the apply that ran it. vCenter keeps no output of a guest process, and its exit code only for about 5 minutes. Declare the resource and let apply run the command, or read an existing process with the vsphereguest_process data source.`,
        ),
      ],
    };
  },
});
