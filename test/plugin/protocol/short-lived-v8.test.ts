/**
 * The provider process stops using TurboFan once its handshake line is out (it then lives for one
 * host command), and not before: its start-up keeps V8's default flags, which its code caches
 * were made with. Checked in real processes with V8's own optimisation status
 * (`--allow-natives-syntax`).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SHORT_LIFE_V8_FLAGS } from "../../../src/plugin/protocol/short-lived-v8";
import { EXECUTABLE, handshakeOf, hostEnv, ROOT, requireBuild, spawnProvider } from "./helpers";

beforeAll(requireBuild);

/** V8's `%GetOptimizationStatus` bit of a function optimised by TurboFan. */
const TURBOFANNED = 1 << 6;

/** JavaScript that forces an optimising compile of a fresh function and returns V8's status bits. */
const FORCE_OPTIMISE = `(() => {
  const f = new Function("x", "return x * 2 + 1;");
  %PrepareFunctionForOptimization(f);
  f(1);
  f(2);
  %OptimizeFunctionOnNextCall(f);
  f(3);
  return %GetOptimizationStatus(f);
})()`;

function statusIn(script: string): number {
  const r = spawnSync(process.execPath, ["--allow-natives-syntax", "-e", script], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return Number(r.stdout.trim());
}

test("the flags turn TurboFan off; without them V8 optimises with it", () => {
  expect(SHORT_LIFE_V8_FLAGS).toBe("--no-turbofan");
  const module = JSON.stringify(path.join(ROOT, "lib/plugin/protocol/short-lived-v8.js"));
  const before = statusIn(`console.log(${FORCE_OPTIMISE})`);
  expect(before & TURBOFANNED).toBe(TURBOFANNED);
  const after = statusIn(
    `const m = require(${module}); m.settleV8ForShortLife(); m.settleV8ForShortLife(); console.log(${FORCE_OPTIMISE})`,
  );
  expect(after & TURBOFANNED).toBe(0);
});

test("the provider executable keeps TurboFan until its handshake line, then turns it off", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vsg-short-lived-v8-"));
  try {
    // Loaded before the provider: reports V8's status at start-up and just after the handshake.
    const probe = path.join(dir, "probe.js");
    fs.writeFileSync(
      probe,
      [
        `process.stderr.write("start-up:" + ${FORCE_OPTIMISE} + "\\n");`,
        "const write = process.stdout.write.bind(process.stdout);",
        "let first = true;",
        "process.stdout.write = (...args) => {",
        "  const done = write(...args);",
        "  if (first) {",
        "    first = false;",
        `    setImmediate(() => process.stderr.write("after the handshake:" + ${FORCE_OPTIMISE} + "\\n"));`,
        "  }",
        "  return done;",
        "};",
        "",
      ].join("\n"),
    );
    const provider = spawnProvider(hostEnv({}), {
      command: process.execPath,
      args: ["--allow-natives-syntax", "--require", probe, EXECUTABLE],
    });
    try {
      await handshakeOf(provider);
      const deadline = Date.now() + 10_000;
      while (!provider.stderr().includes("after the handshake:") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const status = (phase: string) => Number(new RegExp(`${phase}:(\\d+)`).exec(provider.stderr())?.[1]);
      expect(status("start-up") & TURBOFANNED).toBe(TURBOFANNED);
      expect(Number.isNaN(status("after the handshake"))).toBe(false);
      expect(status("after the handshake") & TURBOFANNED).toBe(0);
    } finally {
      provider.child.kill();
      await provider.exited;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
