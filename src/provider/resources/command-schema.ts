/**
 * Schema of `vsphereguest_command`, declared once: the resource, the docs generator and the
 * bindings read it.
 */
import type { BlockDef, NestedBlockDef } from "../../plugin";

/** Default of `timeout`. */
export const DEFAULT_COMMAND_TIMEOUT = "10m";

/** Default of `max_output_bytes`: 1 MiB each of stdout and stderr. */
export const DEFAULT_COMMAND_MAX_OUTPUT_BYTES = 1024 * 1024;

/** The `credentials` block of the resource: the password and token are write-only where the host allows. */
const COMMAND_CREDENTIALS = {
  nesting: "single",
  block: {
    description:
      "The guest account for this command, for the rare case it differs from the provider's [`guest_credentials`](../index.md#guest_credentials). Each field left unset falls back to the provider's `guest_credentials`, then to the `VSPHERE_GUEST_*` environment variables. On Terraform and OpenTofu 1.11 and later, `password` and `saml_token` are write-only: they reach the provider when the command runs and are never stored in the plan or the state. On older hosts they are stored in the state (marked sensitive). Prefer the provider-level settings, which are never stored.",
    attributes: {
      user_name: {
        type: "string",
        optional: true,
        description:
          "The guest operating system user. Falls back to the provider's, then `VSPHERE_GUEST_USER`.",
      },
      password: {
        type: "string",
        optional: true,
        sensitive: true,
        writeOnly: true,
        description:
          "That user's password. Write-only on Terraform/OpenTofu 1.11 and later (never stored); stored in the state, marked sensitive, on older hosts. Falls back to the provider's, then `VSPHERE_GUEST_PASSWORD`.",
      },
      saml_token: {
        type: "string",
        optional: true,
        sensitive: true,
        writeOnly: true,
        description:
          "A SAML bearer token to use instead of a password; write-only like `password`. Setting both `password` and `saml_token` is an error.",
      },
      interactive_session: {
        type: "bool",
        optional: true,
        description:
          "`true` only when the user is logged in to the guest's desktop and the command must run in that session. Defaults to `false`.",
      },
    },
  },
} as const satisfies NestedBlockDef;

/** Schema of `vsphereguest_command`. */
export const COMMAND_SCHEMA = {
  description:
    "Runs a command in a vSphere guest when the resource is created, waits for it, captures its output and records the result; an exit code outside `allowed_exit_codes` fails the apply. `plan` never runs anything. Every argument that defines the run forces replacement (a new run); there is no in-place update. Destroying the resource only forgets the recorded run: it undoes nothing in the guest. It cannot be imported: a run is recorded only by the apply that made it.",
  attributes: {
    vm: {
      type: "string",
      optional: true,
      computed: true,
      description:
        "The VM's managed object id, like `vm-42` (the Terraform vSphere provider exports it as `moid`). When `vm_name` is given instead, this reports the id the name resolved to. Set exactly one of `vm` and `vm_name`.",
    },
    vm_name: {
      type: "string",
      optional: true,
      description:
        "The VM's exact name, looked up when the command runs; an error when no VM, or more than one, has that name.",
    },
    path: {
      type: "string",
      optional: true,
      description: "The program to run, like `/usr/bin/env`. Set exactly one of `path` and `script`.",
    },
    arguments: {
      type: ["list", "string"],
      optional: true,
      description:
        "The arguments of `path`, one string each, quoted for the guest's family (POSIX shell or Windows `cmd.exe`), so spaces and quotes arrive as written. With `script`, they are passed to the script.",
    },
    script: {
      type: "string",
      optional: true,
      description:
        "The content of a script: uploaded to a temporary file in the guest, run with `interpreter`, and deleted afterwards. Set exactly one of `path` and `script`.",
    },
    interpreter: {
      type: ["list", "string"],
      optional: true,
      description:
        'The program (and its first arguments) that runs `script`, given the script\'s guest path after them, like `["/bin/bash", "-e"]` or `["powershell.exe", "-File"]`. Defaults to `["/bin/sh"]` on POSIX guests; on Windows guests the script runs as a `.cmd` batch file.',
    },
    working_directory: {
      type: "string",
      optional: true,
      description: "The directory the command starts in. Defaults to the guest user's default.",
    },
    environment: {
      type: ["map", "string"],
      optional: true,
      description:
        "Environment variables of the command. As with the vSphere API, a set environment replaces the guest's default one.",
    },
    timeout: {
      type: "string",
      optional: true,
      description: `How long the command may run, as a duration like \`90s\`, \`10m\` or \`1h30m\`. Defaults to \`"${DEFAULT_COMMAND_TIMEOUT}"\`. On timeout the guest process is terminated and the apply fails saying so; nothing is recorded, so the next apply runs it again.`,
    },
    allowed_exit_codes: {
      type: ["list", "number"],
      optional: true,
      description:
        "Exit codes that count as success. Defaults to `[0]`. Any other code fails the apply with the code and the last lines of stderr; the result is recorded and the resource is tainted, so the next apply runs the command again.",
    },
    capture_output: {
      type: "bool",
      optional: true,
      description:
        "Record stdout and stderr. Defaults to `true`. With `false`, `stdout` and `stderr` are null and the command's output goes to the guest's null device (`/dev/null`, `NUL`): no temporary files in the guest.",
    },
    max_output_bytes: {
      type: "number",
      optional: true,
      description: `Keep at most this many bytes of stdout, and as many of stderr; the rest is dropped and \`output_truncated\` is \`true\`. Defaults to ${DEFAULT_COMMAND_MAX_OUTPUT_BYTES} (1 MiB).`,
    },
    sensitive_output: {
      type: "bool",
      optional: true,
      description:
        "When `true`, the output is recorded in `sensitive_stdout` and `sensitive_stderr` (marked sensitive: hidden in plans and in `output` unless marked) and `stdout`/`stderr` are null. Defaults to `false`. Sensitivity is a property of an attribute, not of a value, so the two kinds of output live in different attributes.",
    },
    triggers_replace: {
      type: "dynamic",
      optional: true,
      description:
        "Any value, like `terraform_data`'s `triggers_replace`: a change runs the command again (replacing the resource).",
    },
    id: { type: "string", computed: true, description: "`VM/PID` of the run, like `vm-42/4242`." },
    pid: { type: "number", computed: true, description: "The guest process id of the run." },
    exit_code: {
      type: "number",
      computed: true,
      description: "The exit code of the run (null when the guest reported none).",
    },
    stdout: {
      type: "string",
      computed: true,
      description:
        "Standard output, decoded as UTF-8. Null when `capture_output` is `false` or `sensitive_output` is `true`.",
    },
    stderr: {
      type: "string",
      computed: true,
      description:
        "Standard error, decoded as UTF-8. Null when `capture_output` is `false` or `sensitive_output` is `true`.",
    },
    sensitive_stdout: {
      type: "string",
      computed: true,
      sensitive: true,
      description: "Standard output when `sensitive_output` is `true`; null otherwise.",
    },
    sensitive_stderr: {
      type: "string",
      computed: true,
      sensitive: true,
      description: "Standard error when `sensitive_output` is `true`; null otherwise.",
    },
    output_truncated: {
      type: "bool",
      computed: true,
      description: "Whether stdout or stderr was longer than `max_output_bytes` and was cut.",
    },
    started: {
      type: "string",
      computed: true,
      description: "When the run started (RFC 3339, from the guest).",
    },
    finished: {
      type: "string",
      computed: true,
      description: "When the run ended (RFC 3339, from the guest).",
    },
  },
  blocks: { credentials: COMMAND_CREDENTIALS },
} as const satisfies BlockDef;
