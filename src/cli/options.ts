/**
 * Option tables: each subcommand declares the options it takes, once. Parsing accepts exactly
 * those (an option of another subcommand is a usage error naming it and where it belongs), and
 * the subcommand's `--help` is generated from the same table.
 */

import { parseArgs } from "node:util";
import { CONNECTION_FLAGS, CONNECTION_HELP, type FlagValues } from "./connection";
import { UsageError } from "./errors";

/** One option of a subcommand. */
export interface OptionSpec {
  /** A flag (`boolean`) or an option with a value (`string`). */
  type: "string" | "boolean";
  /** The option may be given several times. */
  multiple?: boolean;
  /** One-letter alias. */
  short?: string;
  /** The value's placeholder in the help, e.g. `PID`. */
  value?: string;
  /** One line of help. */
  help: string;
}

/** A subcommand: its options, its arguments and its help. */
export interface SubcommandSpec {
  /** One line for the command's list of subcommands. */
  summary: string;
  /** What follows the options in the usage line, e.g. `-- PATH [ARGS...]`. */
  args?: string;
  /** The options, by long name (without `--`). */
  options: Readonly<Record<string, OptionSpec>>;
  /** Paragraphs after the usage line. */
  description: string;
  /** Whether it talks to vCenter (then the connection flags apply too). @default true */
  connection?: boolean;
}

/** A command with subcommands, e.g. `process`. */
export interface CommandSpec {
  /** `process`, `file`, … */
  name: string;
  /** Paragraph after the list of subcommands. */
  note?: string;
  /** The subcommands by name. */
  subcommands: Readonly<Record<string, SubcommandSpec>>;
}

/** The parsed command line of one subcommand. */
export interface ParsedCommandLine {
  /** Option values by long name. */
  values: FlagValues;
  /** Arguments that are not options. */
  positionals: string[];
}

const HELP_OPTION = { help: { type: "boolean", short: "h" } } as const;

function optionsFor(
  sub: SubcommandSpec,
): Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }> {
  const out: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }> = {
    ...(sub.connection === false ? {} : CONNECTION_FLAGS),
    ...HELP_OPTION,
  };
  for (const [name, o] of Object.entries(sub.options)) {
    out[name] = {
      type: o.type,
      ...(o.multiple ? { multiple: true } : {}),
      ...(o.short ? { short: o.short } : {}),
    };
  }
  return out;
}

/** The options that select a VM (read by `vmSelectionFrom`), for the tables of the commands that act in a guest. */
export const VM_OPTIONS = {
  vm: { type: "string", value: "VM", help: "the VM's managed object id, like vm-42" },
  "vm-name": {
    type: "string",
    value: "NAME",
    help: "the VM's exact name, looked up in vCenter (instead of --vm)",
  },
} as const satisfies Record<string, OptionSpec>;

/** The help of a command: its subcommands. */
export function commandHelp(spec: CommandSpec, extra = ""): string {
  const names = Object.keys(spec.subcommands);
  const width = Math.max(...names.map((n) => n.length)) + 3;
  const lines = names.map((n) => `  ${n.padEnd(width)}${spec.subcommands[n]!.summary}`);
  return [
    `Usage: vsphere-guest ${spec.name} <${names.join("|")}> [options]`,
    "",
    "Commands:",
    ...lines,
    "",
    ...(spec.note ? [spec.note] : []),
    `Run 'vsphere-guest ${spec.name} <command> --help' for its options.`,
    ...(extra ? ["", extra] : []),
  ].join("\n");
}

/** The help of a subcommand, generated from its table. */
export function subcommandHelp(spec: CommandSpec, name: string): string {
  return optionsHelp(`${spec.name} ${name}`, spec.subcommands[name]!);
}

/** The help of a command without subcommands (`vsphere-guest simulator`), generated from its table. */
export function optionsHelp(command: string, sub: SubcommandSpec): string {
  const rows = Object.entries(sub.options).map(([option, o]) => {
    const left = `--${option}${o.value ? ` ${o.value}` : ""}${o.short ? `, -${o.short}` : ""}`;
    return [left, `${o.help}${o.multiple ? " (repeatable)" : ""}`] as const;
  });
  const width = Math.max(0, ...rows.map(([left]) => left.length)) + 2;
  return [
    `Usage: vsphere-guest ${command}${rows.length > 0 ? " [options]" : ""}${sub.args ? ` ${sub.args}` : ""}`,
    "",
    sub.description,
    ...(rows.length > 0
      ? ["", "Options:", ...rows.map(([left, help]) => `  ${left.padEnd(width)}${help}`)]
      : []),
    ...(sub.connection === false ? [] : ["", CONNECTION_HELP]),
  ].join("\n");
}

/**
 * Parses the options of `spec`'s subcommand `name`: exactly the ones in its table (and the
 * connection flags when it talks to vCenter). An unknown option is a usage error naming it and,
 * when another subcommand takes it, that subcommand.
 */
export function parseCommandLine(spec: CommandSpec, name: string, argv: string[]): ParsedCommandLine {
  return parseOptions(`${spec.name} ${name}`, spec.subcommands[name]!, argv, spec);
}

/** A subcommand's command line, read by {@link readSubcommand}. */
export interface SubcommandLine extends ParsedCommandLine {
  /** The subcommand's name, e.g. `get`. */
  sub: string;
  /** The command as a user types it, e.g. `process get`, for messages. */
  command: string;
}

/**
 * Reads `<spec.name> <sub> [options]`: the subcommand and its options, or the help to print
 * instead — the command's (exit 2 when no subcommand was given, 0 when help was asked for) or the
 * subcommand's (`--help`, exit 0). An unknown subcommand is a usage error.
 */
export function readSubcommand(
  spec: CommandSpec,
  argv: string[],
  help: string,
): SubcommandLine | { help: string; exitCode: number } {
  const sub = argv[0];
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
    return { help, exitCode: sub === undefined ? 2 : 0 };
  }
  if (!Object.hasOwn(spec.subcommands, sub)) {
    throw new UsageError(`unknown command '${spec.name} ${sub}'`, spec.name);
  }
  const parsed = parseCommandLine(spec, sub, argv.slice(1));
  if (parsed.values.help) return { help: subcommandHelp(spec, sub), exitCode: 0 };
  return { ...parsed, sub, command: `${spec.name} ${sub}` };
}

/**
 * Parses the options of one table (`command` names it in messages); with `family`, an option of a
 * sibling subcommand is named as belonging there.
 */
export function parseOptions(
  command: string,
  sub: SubcommandSpec,
  argv: string[],
  family?: CommandSpec,
): ParsedCommandLine {
  try {
    const parsed = parseArgs({ args: argv, options: optionsFor(sub), allowPositionals: true, strict: true });
    return { values: parsed.values as FlagValues, positionals: parsed.positionals };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const unknown = /^Unknown option '([^']*)'/.exec((error as Error).message)?.[1];
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown !== undefined) {
      const long = unknown.replace(/^--?/, "");
      const elsewhere = Object.entries(family?.subcommands ?? {})
        .filter(([other, s]) => `${family?.name} ${other}` !== command && long in s.options)
        .map(([other]) => `'${family?.name} ${other}'`);
      const where =
        elsewhere.length > 0
          ? `: --${long} is for ${elsewhere.join(" and ")}`
          : `; its options are ${
              Object.keys(sub.options)
                .map((o) => `--${o}`)
                .join(", ") || "none"
            }${sub.connection === false ? "" : " and the connection flags"}`;
      throw new UsageError(`Unknown option '${unknown}' for '${command}'${where}`, command);
    }
    throw new UsageError((error as Error).message, command);
  }
}
