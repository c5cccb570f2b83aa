import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  cmdEscape,
  InvalidArgumentError,
  windowsCommandLine,
  windowsQuoteArgument,
  wrapForFamily,
  wrapPosix,
  wrapWindows,
} from "../../src/vcenter";
import { guestJoin } from "../../src/vcenter/guest-command";

/**
 * How a program's C runtime (CommandLineToArgvW, post-2008 rules) splits a command line:
 * 2n backslashes + `"` → n backslashes and a quote toggle; 2n+1 backslashes + `"` → n backslashes
 * and a literal `"`; `""` inside quotes → a literal `"`; other backslashes are literal.
 */
function commandLineToArgv(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === " " || line[i] === "\t") i++;
    if (i >= line.length) break;
    let arg = "";
    let quoted = false;
    while (i < line.length) {
      const c = line[i]!;
      if ((c === " " || c === "\t") && !quoted) break;
      if (c === "\\") {
        let n = 0;
        while (line[i] === "\\") {
          n++;
          i++;
        }
        if (line[i] === '"') {
          arg += "\\".repeat(Math.floor(n / 2));
          if (n % 2 === 1) {
            arg += '"';
            i++;
          }
        } else arg += "\\".repeat(n);
        continue;
      }
      if (c === '"') {
        if (quoted && line[i + 1] === '"') {
          arg += '"';
          i += 2;
          continue;
        }
        quoted = !quoted;
        i++;
        continue;
      }
      arg += c;
      i++;
    }
    args.push(arg);
  }
  return args;
}

/**
 * What cmd.exe does with `/d /s /c "<body>"`: strips the outer quotes (`/s`), then reads the body.
 * Returns the text of the leading `( … )` group as cmd hands it on (carets removed), and the rest,
 * and fails when the group holds an operator, a `%` or a quote cmd would act on.
 */
function cmdGroup(argumentsText: string): { group: string; rest: string } {
  const prefix = '/d /s /c "';
  expect(argumentsText.startsWith(prefix)).toBe(true);
  expect(argumentsText.endsWith('"')).toBe(true);
  const body = argumentsText.slice(prefix.length, -1);
  expect(body[0]).toBe("(");
  let group = "";
  let i = 1;
  let quoted = false;
  for (; i < body.length; i++) {
    const c = body[i]!;
    if (!quoted && c === "^") {
      group += body[i + 1] ?? "";
      i++;
      continue;
    }
    if (c === '"') {
      quoted = !quoted;
      group += c;
      continue;
    }
    if (!quoted && c === ")") break;
    if (!quoted && "&|<>(%".includes(c)) throw new Error(`cmd would act on ${JSON.stringify(c)} at ${i}`);
    group += c;
  }
  expect(body[i]).toBe(")");
  return { group, rest: body.slice(i + 1) };
}

const TRICKY = [
  "plain",
  "two words",
  'he said "hi"',
  "C:\\Program Files\\App\\",
  "ends with two\\\\",
  'back\\"slash-quote',
  "&|<>()^",
  "%PATH% and %%",
  "!bang!",
  "",
  "\\\\server\\share\\x",
  "tab\there",
  "semi;colon,comma=eq",
];

const FILES = {
  stdout: "C:\\Users\\me\\AppData\\Local\\Temp\\vsg-1\\stdout",
  stderr: "C:\\Users\\me\\AppData\\Local\\Temp\\vsg-1\\stderr",
};

describe("Windows wrapping (cmd.exe /d /s /c)", () => {
  it("wraps a plain argv exactly", () => {
    expect(wrapWindows(["ipconfig", "/all"], FILES)).toEqual({
      path: "C:\\Windows\\System32\\cmd.exe",
      arguments: `/d /s /c "(ipconfig /all) 1>"${FILES.stdout}" 2>"${FILES.stderr}" <NUL"`,
    });
  });

  it("passes a command line given as a string through unchanged", () => {
    const spec = wrapWindows("dir C:\\ & echo done", FILES);
    expect(spec.arguments).toBe(
      `/d /s /c "(dir C:\\ & echo done) 1>"${FILES.stdout}" 2>"${FILES.stderr}" <NUL"`,
    );
  });

  it.each(TRICKY)("argument %j reaches the program unchanged through cmd and CommandLineToArgvW", (arg) => {
    const spec = wrapWindows(["C:\\Tools\\prog.exe", arg, "after"], FILES);
    const { group, rest } = cmdGroup(spec.arguments!);
    expect(rest).toBe(` 1>"${FILES.stdout}" 2>"${FILES.stderr}" <NUL`);
    expect(commandLineToArgv(group)).toEqual(["C:\\Tools\\prog.exe", arg, "after"]);
  });

  it("all tricky arguments at once", () => {
    const { group } = cmdGroup(wrapWindows(["prog", ...TRICKY], FILES).arguments!);
    expect(commandLineToArgv(group)).toEqual(["prog", ...TRICKY]);
  });

  it("quotes a program path with spaces", () => {
    const { group } = cmdGroup(wrapWindows(["C:\\Program Files\\App\\app.exe", "x"], FILES).arguments!);
    expect(commandLineToArgv(group)).toEqual(["C:\\Program Files\\App\\app.exe", "x"]);
  });

  it("quotes arguments by CommandLineToArgvW's rules", () => {
    expect(windowsQuoteArgument("a")).toBe("a");
    expect(windowsQuoteArgument("")).toBe('""');
    expect(windowsQuoteArgument("a b")).toBe('"a b"');
    expect(windowsQuoteArgument('a"b')).toBe('"a\\"b"');
    expect(windowsQuoteArgument("a\\b")).toBe("a\\b");
    expect(windowsQuoteArgument("a b\\")).toBe('"a b\\\\"');
    expect(windowsQuoteArgument('a\\"b')).toBe('"a\\\\\\"b"');
  });

  it("escapes every cmd metacharacter with ^", () => {
    expect(cmdEscape('a&b|c<d>e(f)g%h!i^j"k')).toBe('a^&b^|c^<d^>e^(f^)g^%h^!i^^j^"k');
    expect(windowsCommandLine(["echo", "a&b"])).toBe("echo a^&b");
  });

  it("refuses capture paths with quotes and empty commands", () => {
    expect(() => wrapWindows(["x"], { stdout: 'C:\\a"b', stderr: "C:\\e" })).toThrow(InvalidArgumentError);
    expect(() => wrapWindows([], FILES)).toThrow(/command is empty/);
    expect(() => wrapWindows("  ", FILES)).toThrow(/command is empty/);
  });
});

describe("POSIX wrapping (/bin/sh -c)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "vsg-wrap-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs a spec the way VMware Tools on Linux does: the arguments string through /bin/sh. */
  function runLikeTools(spec: { path: string; arguments?: string }): number {
    try {
      execFileSync("/bin/sh", ["-c", `exec ${spec.path} ${spec.arguments ?? ""}`], { stdio: "ignore" });
      return 0;
    } catch (error) {
      return (error as { status: number }).status;
    }
  }

  const POSIX_TRICKY = [...TRICKY, "it's", "$HOME `id` $(id)", "new\nline", "*", "-n"];

  it("passes every argument unchanged and captures stdout and stderr separately", () => {
    const files = { stdout: join(dir, "out put"), stderr: join(dir, "err'or") };
    const spec = wrapPosix(
      ["/bin/sh", "-c", 'printf "%s\\n" "$@"; echo to-stderr >&2; exit 7', "sh", ...POSIX_TRICKY],
      files,
    );
    expect(spec.path).toBe("/bin/sh");
    expect(runLikeTools(spec)).toBe(7);
    expect(readFileSync(files.stdout, "utf8")).toBe(POSIX_TRICKY.map((a) => `${a}\n`).join(""));
    expect(readFileSync(files.stderr, "utf8")).toBe("to-stderr\n");
  });

  it("redirects a whole command line, not only its last command", () => {
    const files = { stdout: join(dir, "o2"), stderr: join(dir, "e2") };
    expect(runLikeTools(wrapPosix("echo one; echo two | tr a-z A-Z; echo three >&2 # comment", files))).toBe(
      0,
    );
    expect(readFileSync(files.stdout, "utf8")).toBe("one\nTWO\n");
    expect(readFileSync(files.stderr, "utf8")).toBe("three\n");
  });

  it("chooses cmd.exe only for the WINDOWS family", () => {
    expect(wrapForFamily("WINDOWS", ["x"], FILES).path).toBe("C:\\Windows\\System32\\cmd.exe");
    for (const family of ["LINUX", "DARWIN", "SOLARIS", "OTHER"] as const) {
      expect(wrapForFamily(family, ["x"], { stdout: "/o", stderr: "/e" }).path).toBe("/bin/sh");
    }
  });

  it("joins guest paths with the separator the directory uses", () => {
    expect(guestJoin("/tmp/d", "stdout")).toBe("/tmp/d/stdout");
    expect(guestJoin("C:\\Temp\\d", "stdout")).toBe("C:\\Temp\\d\\stdout");
    expect(guestJoin("/tmp/d/", "x")).toBe("/tmp/d/x");
  });
});
