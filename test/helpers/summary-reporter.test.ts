/**
 * The summary reporter's line is what CI reads: it must count a suite that fails to load as a
 * failure, and otherwise agree with Jest's own counts. Runs a real, tiny Jest in a temporary
 * directory with plain JavaScript suites (no transform, so it starts fast).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCommand } from "./run-command";

const REPO = path.join(__dirname, "../..");
const JEST = path.join(REPO, "node_modules/jest/bin/jest.js");
const REPORTER = path.join(__dirname, "summary-reporter.js");

async function runJest(files: Record<string, string>): Promise<{ line: string; stderr: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vsg-reporter-"));
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    fs.writeFileSync(
      path.join(dir, "jest.config.js"),
      `module.exports = { rootDir: ${JSON.stringify(dir)}, testEnvironment: "node", transform: {}, reporters: ["default", ${JSON.stringify(REPORTER)}] };`,
    );
    const result = await runCommand(
      process.execPath,
      [JEST, "--config", path.join(dir, "jest.config.js"), "--ci"],
      {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
      },
    );
    const lines = result.stdout.split("\n").filter((l) => /^\d+ passed, \d+ failed/.test(l));
    expect(lines).toHaveLength(1);
    return { line: lines[0]!, stderr: result.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const PASSING = `test("passes", () => { expect(1).toBe(1); });\ntest("passes too", () => {});\n`;
const FAILING = `test("fails", () => { expect(1).toBe(2); });\n`;
const THROWS_AT_LOAD = `throw new Error("a fixture is missing");\ntest("never runs", () => {});\n`;

describe("summary reporter", () => {
  test.each<{ name: string; files: Record<string, string>; line: string; jest: RegExp }>([
    {
      name: "all pass",
      files: { "a.test.js": PASSING },
      line: "2 passed, 0 failed",
      jest: /Tests:\s+2 passed, 2 total/,
    },
    {
      name: "a failing test",
      files: { "a.test.js": PASSING, "b.test.js": FAILING },
      line: "2 passed, 1 failed",
      jest: /Tests:\s+1 failed, 2 passed, 3 total/,
    },
    {
      name: "a suite that throws at load counts as one failure",
      files: { "a.test.js": PASSING, "b.test.js": THROWS_AT_LOAD },
      line: "2 passed, 1 failed, 1 suite failed to load",
      jest: /Test Suites:\s+1 failed, 1 passed, 2 total/,
    },
    {
      name: "two suites that fail to load and a failing test",
      files: { "a.test.js": FAILING, "b.test.js": THROWS_AT_LOAD, "c.test.js": THROWS_AT_LOAD },
      line: "0 passed, 3 failed, 2 suites failed to load",
      jest: /Test Suites:\s+3 failed, 3 total/,
    },
  ])("$name", async ({ files, line, jest }) => {
    const result = await runJest(files);
    expect(result.line).toBe(line);
    expect(result.stderr).toMatch(jest);
  });
});
