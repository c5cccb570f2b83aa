/** `scripts/package.js` refuses a wrong target or Node.js binary before doing any work. */
import { join } from "node:path";
import { runCommand } from "../helpers/run-command";

const SCRIPT = join(__dirname, "..", "..", "scripts", "package.js");
const run = (...args: string[]) =>
  runCommand(process.execPath, [SCRIPT, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    timeoutMs: 60_000,
  });

test.each([
  [["--os", "plan9"], "--os plan9: use linux, darwin or windows"],
  [["--arch", "mips"], "--arch mips: use amd64 or arm64"],
  [["--os", "darwin", "--arch", "arm64"], "give that platform's Node.js"],
  [["--os", "windows", "--arch", "amd64", "--node", process.execPath], "binary, not windows_amd64"],
  [["--node", "/nonexistent/node"], "--node /nonexistent/node: no such file"],
  [["--bogus"], "Unknown option '--bogus'"],
])("refuses %j with a message naming the option", async (args, message) => {
  const r = await run(...args);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(message);
  expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
});
