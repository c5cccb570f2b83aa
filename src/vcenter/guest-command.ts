/**
 * Wrapping a command for the guest's shell so its output lands in files: POSIX `/bin/sh -c` with
 * single quotes, Windows `cmd.exe /d /s /c` with CommandLineToArgvW quoting and `^` escapes for
 * cmd's metacharacters. Pure functions: what they build is what the guest runs.
 */
import { quote } from "../util/quote";
import { InvalidArgumentError } from "./errors";
import type { GuestOsFamily } from "./guest-file-types";
import type { ProcessSpec } from "./types";

/** The program that runs captured commands in POSIX guests. */
export const POSIX_SHELL = "/bin/sh";

/** The program that runs captured commands in Windows guests. */
export const WINDOWS_SHELL = "C:\\Windows\\System32\\cmd.exe";

/** A command: one command line in the guest shell's own syntax, or a program and its arguments (argv). */
export type GuestCommandLine = string | readonly string[];

/** Quotes one word for a POSIX shell (single quotes; plain words as they are). */
export function posixQuote(word: string): string {
  if (word !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Quotes one argument so that `CommandLineToArgvW` (and the C runtime) reads it back unchanged:
 * quotes around it when it is empty or holds whitespace or `"`; a `"` becomes `\"`; backslashes
 * are doubled only where they precede a `"` (including the closing one).
 */
export function windowsQuoteArgument(arg: string): string {
  if (arg !== "" && !/[\s"]/.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === "\\") {
      backslashes++;
      continue;
    }
    if (ch === '"') {
      out += "\\".repeat(backslashes * 2 + 1);
      out += '"';
    } else {
      out += "\\".repeat(backslashes);
      out += ch;
    }
    backslashes = 0;
  }
  out += "\\".repeat(backslashes * 2);
  return `${out}"`;
}

/** The characters cmd.exe treats specially on a command line; each is escaped with `^`. */
const CMD_METACHARACTERS = /[()%!^"<>&|]/g;

/** Escapes cmd.exe's metacharacters with `^`, so cmd passes the text on literally. */
export function cmdEscape(text: string): string {
  return text.replace(CMD_METACHARACTERS, "^$&");
}

function checkCommand(command: GuestCommandLine): void {
  const empty =
    typeof command === "string" ? command.trim() === "" : command.length === 0 || command[0] === "";
  if (empty) {
    throw new InvalidArgumentError(
      "command",
      "the command is empty",
      "give a command line, or a program and its arguments",
    );
  }
  const words = typeof command === "string" ? [command] : command;
  if (words.some((word) => word.includes("\0"))) {
    throw new InvalidArgumentError("command", "the command contains a NUL character", "remove it");
  }
}

/**
 * The command line a POSIX shell runs: a string as it is, argv quoted word by word.
 */
export function posixCommandLine(command: GuestCommandLine): string {
  checkCommand(command);
  return typeof command === "string" ? command : command.map(posixQuote).join(" ");
}

/**
 * The command line cmd.exe runs: a string as it is (cmd syntax, written by the caller); argv
 * quoted for CommandLineToArgvW and then escaped for cmd, so no argument is ever interpreted by cmd.
 */
export function windowsCommandLine(command: GuestCommandLine): string {
  checkCommand(command);
  if (typeof command === "string") return command;
  const [program, ...args] = command;
  // The program name follows cmd's own rule: quoted only when it holds spaces, never with `\"`.
  const head = /[\s]/.test(program!) ? `"${program}"` : program!;
  return cmdEscape([head, ...args.map(windowsQuoteArgument)].join(" "));
}

/** Where the wrapped command writes its output. */
export interface CaptureFiles {
  stdout: string;
  stderr: string;
}

/**
 * The process spec that runs `command` in a POSIX guest with stdout and stderr redirected to
 * `files` and stdin from `/dev/null`: `/bin/sh -c 'exec >OUT 2>ERR </dev/null; <command line>'`.
 * The `exec` redirects the whole script, so `a; b` and pipelines are captured entirely; the exit
 * code is the command line's.
 */
export function wrapPosix(command: GuestCommandLine, files: CaptureFiles): ProcessSpec {
  const line = posixCommandLine(command);
  const script = `exec >${posixQuote(files.stdout)} 2>${posixQuote(files.stderr)} </dev/null\n${line}`;
  return { path: POSIX_SHELL, arguments: `-c ${posixQuote(script)}` };
}

/**
 * The process spec that runs `command` in a Windows guest with stdout and stderr redirected to
 * `files`: `cmd.exe /d /s /c "(<command line>) 1>"OUT" 2>"ERR" <NUL"`. `/s` makes cmd strip exactly
 * the outer quotes; the parentheses redirect every command of an `&` chain. In a command line
 * given as a string, a `)` outside double quotes must be written `^)`.
 */
export function wrapWindows(command: GuestCommandLine, files: CaptureFiles): ProcessSpec {
  const line = windowsCommandLine(command);
  for (const [name, path] of Object.entries(files)) {
    if (/["\r\n]/.test(path)) {
      throw new InvalidArgumentError(
        name,
        `the guest path ${quote(path)} contains a quote or a line break`,
        "use another temporary directory",
      );
    }
  }
  return {
    path: WINDOWS_SHELL,
    arguments: `/d /s /c "(${line}) 1>"${files.stdout}" 2>"${files.stderr}" <NUL"`,
  };
}

/** Wraps `command` for the guest family: `cmd.exe` for Windows, `/bin/sh` for every other family. */
export function wrapForFamily(
  family: GuestOsFamily,
  command: GuestCommandLine,
  files: CaptureFiles,
): ProcessSpec {
  return family === "WINDOWS" ? wrapWindows(command, files) : wrapPosix(command, files);
}

/** Joins a guest directory and a file name with the separator the directory already uses. */
export function guestJoin(directory: string, name: string): string {
  const windows =
    /^[A-Za-z]:\\|^\\\\/.test(directory) || (directory.includes("\\") && !directory.includes("/"));
  const sep = windows ? "\\" : "/";
  return directory.endsWith(sep) ? `${directory}${name}` : `${directory}${sep}${name}`;
}
