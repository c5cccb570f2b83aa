/** Small statistics and machine facts the benchmark scripts print. */
const os = require("node:os");

/**
 * The median (the mean of the two middle values for an even count); NaN values are ignored, and
 * an empty list gives NaN.
 * @param {readonly number[]} xs
 * @returns {number}
 */
function median(xs) {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * The nearest-rank percentile `p` (0–100) of `xs`.
 * @param {readonly number[]} xs
 * @param {number} p
 * @returns {number}
 */
function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/**
 * The load average as printed by the scripts, e.g. "1.20 0.80 0.50".
 * @param {number} [digits]
 * @returns {string}
 */
function loadAverage(digits = 2) {
  return os
    .loadavg()
    .map((l) => l.toFixed(digits))
    .join(" ");
}

/** How many CPUs this machine has. */
function cpuCount() {
  return os.cpus().length;
}

module.exports = { median, percentile, loadAverage, cpuCount };
