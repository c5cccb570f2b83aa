/**
 * Reading a Terraform/OpenTofu `TF_LOG=trace` log: the provider processes' events, what the host
 * did before it started the first one, and a plan's split into host work, provider starts and
 * provider work. Times are milliseconds from `t0` (when the host was spawned).
 */

/**
 * @typedef {object} LogLine
 * @property {number} t milliseconds from t0
 * @property {string} text the message, without the timestamp and level
 */

/**
 * The timestamped lines of a trace log (continuation lines, such as graph dumps, are dropped).
 * @param {string} log
 * @param {number} t0 epoch milliseconds the times are counted from
 * @returns {LogLine[]}
 */
function parseTraceLog(log, t0) {
  const lines = [];
  for (const line of log.split("\n")) {
    const m = /^(\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)) \[\w+\]\s+(.*)$/.exec(line);
    if (m) lines.push({ t: Date.parse(m[1]) - t0, text: m[2] });
  }
  return lines;
}

const EVENTS = [
  [/provider: starting plugin/, "start"],
  [/provider: using plugin/, "handshake"],
  [/GRPCProvider(?:\.v6)?: (\w+)$/, "host calls $1"],
  [/provider: plugin process exited/, "exit"],
  [/Starting graph walk: (\w+)/, "graph walk $1"],
  [/logged in to vCenter/, "provider logged in"],
];

/**
 * The events of a plan: provider starts, handshakes, the RPCs the host makes, provider exits,
 * graph walks and our provider's login.
 * @param {LogLine[]} lines
 * @returns {{ t: number, what: string }[]}
 */
function events(lines) {
  const out = [];
  for (const { t, text } of lines) {
    for (const [re, label] of EVENTS) {
      const x = re.exec(text);
      if (x) {
        out.push({ t, what: label.replace("$1", x[1] ?? "") });
        break;
      }
    }
  }
  return out;
}

/**
 * @typedef {object} ProviderProcess
 * @property {number} start
 * @property {number} [handshake]
 * @property {number} [close] when the host called Close
 * @property {number} [exit]
 */

/**
 * The provider processes of a plan, in order, from its {@link events}.
 * @param {{ t: number, what: string }[]} list
 * @returns {ProviderProcess[]}
 */
function providerProcesses(list) {
  let current;
  const processes = [];
  for (const e of list) {
    if (e.what === "start") {
      current = { start: e.t };
      processes.push(current);
    } else if (current && e.what === "handshake") current.handshake = e.t;
    else if (current && e.what === "host calls Close") current.close = e.t;
    else if (current && e.what === "exit") current.exit = e.t;
  }
  return processes;
}

/**
 * The log lines after which the host reads and hashes the installed providers to check them
 * against the lock file: Terraform and OpenTofu 1.6 when the command starts (the provider cache),
 * OpenTofu 1.12 when it first needs a provider.
 */
const HASH_CHECK = [
  /providercache\.fillMetaCache: including/,
  /plugins\.providerManager Initializing provider/,
];

/**
 * What the host did before it started the first provider process: its own start (spawn → first log
 * line), then its work up to the check of the installed providers against the lock file (which
 * reads and hashes every installed provider file: the silence after the line announcing it), and
 * from there to the start. `check` is undefined when the log has no such line.
 * @param {LogLine[]} lines
 * @returns {{ firstLine: number, start: number, check?: { from: number, to: number, after: string } } | undefined}
 *   undefined when no provider process was started
 */
function beforeFirstStart(lines) {
  const start = lines.findIndex((l) => /provider: starting plugin/.test(l.text));
  if (start < 0) return undefined;
  let check;
  for (let i = 0; i < start; i++) {
    if (!HASH_CHECK.some((re) => re.test(lines[i].text))) continue;
    // the check ends with the first line that is not one of its own
    let j = i + 1;
    while (j < start && HASH_CHECK.some((re) => re.test(lines[j].text))) j++;
    check = { from: lines[i].t, to: lines[j].t, after: lines[j - 1].text };
    break;
  }
  return { firstLine: lines[0].t, start: lines[start].t, check };
}

/**
 * A plan's wall time split into the host's own work (everything outside provider processes), the
 * provider starts (start → handshake) and the providers' work (handshake → exit).
 * @param {number} wall
 * @param {ProviderProcess[]} processes
 * @returns {{ host: number, starts: number, work: number }}
 */
function planSplit(wall, processes) {
  const starts = processes.reduce((sum, p) => sum + (p.handshake - p.start), 0);
  const work = processes.reduce((sum, p) => sum + (p.exit - p.handshake), 0);
  return { host: wall - starts - work, starts, work };
}

module.exports = { parseTraceLog, events, providerProcesses, beforeFirstStart, planSplit, HASH_CHECK };
