/**
 * scripts/lib/trace-log.js on real `TF_LOG=trace` logs of a one-read plan (written by
 * `node scripts/plan-timeline.js --log FILE`, continuation lines dropped, the temporary directory's
 * name made fixed): the provider processes, the host's lock-file hash check before the first start,
 * and the plan's split.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "../..");
const FIXTURES = path.join(ROOT, "test/fixtures/trace-logs");

interface LogLine {
  t: number;
  text: string;
}
interface ProviderProcess {
  start: number;
  handshake?: number;
  close?: number;
  exit?: number;
}
const traceLog = require(path.join(ROOT, "scripts/lib/trace-log.js")) as {
  parseTraceLog(log: string, t0: number): LogLine[];
  events(lines: LogLine[]): { t: number; what: string }[];
  providerProcesses(list: { t: number; what: string }[]): ProviderProcess[];
  beforeFirstStart(
    lines: LogLine[],
  ): { firstLine: number; start: number; check?: { from: number; to: number; after: string } } | undefined;
  planSplit(wall: number, processes: ProviderProcess[]): { host: number; starts: number; work: number };
};

/** The log's lines, timed from its first line. */
function load(name: string): LogLine[] {
  const log = fs.readFileSync(path.join(FIXTURES, name), "utf8");
  const first = /^(\S+) /.exec(log)?.[1];
  if (!first) throw new Error(`${name}: no timestamp on the first line`);
  return traceLog.parseTraceLog(log, Date.parse(first));
}

describe("beforeFirstStart", () => {
  test.each([
    // file, the check's line, its length (ms), the first start (ms after the first line)
    ["terraform-1.11.4-executable.log", /providercache\.fillMetaCache: including/, 60, 88],
    ["tofu-1.6.3-executable.log", /providercache\.fillMetaCache: including/, 61, 81],
    ["tofu-1.12.6-executable.log", /plugins\.providerManager Initializing provider/, 88, 125],
  ])("%s: the host hashes the 84 MiB single executable before the first start", (file, line, ms, start) => {
    const before = traceLog.beforeFirstStart(load(file));
    expect(before).toBeDefined();
    expect(before?.firstLine).toBe(0);
    expect(before?.start).toBe(start);
    expect(before?.check?.after).toMatch(line);
    expect((before?.check?.to ?? 0) - (before?.check?.from ?? 0)).toBe(ms);
    // the check lies between the host's first line and the first start
    expect(before?.check?.from).toBeGreaterThanOrEqual(0);
    expect(before?.check?.to).toBeLessThanOrEqual(start);
  });

  test("the launcher (a small shell script) costs the check next to nothing", () => {
    const before = traceLog.beforeFirstStart(load("tofu-1.12.6-launcher.log"));
    expect(before?.start).toBe(49);
    expect(before?.check?.after).toMatch(/plugins\.providerManager Initializing provider/);
    expect((before?.check?.to ?? 99) - (before?.check?.from ?? 0)).toBeLessThanOrEqual(2);
  });

  test("no provider process started: undefined", () => {
    const lines = load("tofu-1.12.6-launcher.log");
    const cut = lines.findIndex((l) => /provider: starting plugin/.test(l.text));
    expect(traceLog.beforeFirstStart(lines.slice(0, cut))).toBeUndefined();
  });
});

describe("providerProcesses and planSplit", () => {
  test.each([
    "terraform-1.11.4-executable.log",
    "tofu-1.6.3-executable.log",
    "tofu-1.12.6-executable.log",
    "tofu-1.12.6-launcher.log",
  ])("%s: three provider processes (schema, validate, plan), one login", (file) => {
    const lines = load(file);
    const list = traceLog.events(lines);
    const processes = traceLog.providerProcesses(list);
    expect(processes).toHaveLength(3);
    for (const p of processes) {
      expect(p.handshake).toBeGreaterThan(p.start);
      expect(p.close).toBeGreaterThanOrEqual(p.handshake ?? Number.POSITIVE_INFINITY);
      expect(p.exit).toBeGreaterThanOrEqual(p.close ?? Number.POSITIVE_INFINITY);
    }
    expect(list.filter((e) => e.what === "provider logged in")).toHaveLength(1);
    expect(list.filter((e) => e.what === "host calls ConfigureProvider")).toHaveLength(1);
    const wall = lines[lines.length - 1].t;
    const split = traceLog.planSplit(wall, processes);
    expect(split.host + split.starts + split.work).toBe(wall);
    expect(split.starts).toBe(processes.reduce((sum, p) => sum + ((p.handshake ?? 0) - p.start), 0));
    // the host's own work includes everything before the first start
    expect(split.host).toBeGreaterThanOrEqual(traceLog.beforeFirstStart(lines)?.start ?? Number.NaN);
  });
});
