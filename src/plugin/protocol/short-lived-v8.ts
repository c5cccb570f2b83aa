/**
 * V8 settings for a provider process, which lives for one host command (a second or so) and then
 * exits: no TurboFan.
 */

/** The V8 flags {@link settleV8ForShortLife} sets. */
export const SHORT_LIFE_V8_FLAGS = "--no-turbofan";

let settled = false;

/**
 * Stops V8 from optimising JavaScript with TurboFan for the rest of the process; the interpreter,
 * Sparkplug and Maglev still run it. Once a plan validates or reads a few dozen data sources, some
 * functions get hot enough for TurboFan, whose first compile pages in ~5 MiB of the executable's
 * machine code (Node.js 22; ~1.5 MiB on Node.js 20) and allocates its own working memory: the
 * largest part of a provider process's peak memory that grows with the plan. A process this short
 * gains nothing measurable from TurboFan's code (docs/performance.md).
 *
 * Call it after the handshake line, not before: a V8 flag that differs from the one a code cache
 * was made with makes V8 reject that cache, and the start-up loads the bundle and Node's built-in
 * modules through theirs. In a plan, nothing but `node:v8` itself (just before the flag changes)
 * loads after the handshake. Idempotent.
 */
export function settleV8ForShortLife(): void {
  if (settled) return;
  settled = true;
  // Loaded here rather than imported: the start-up of every provider process would load it.
  const v8 = require("node:v8") as typeof import("node:v8");
  v8.setFlagsFromString(SHORT_LIFE_V8_FLAGS);
}
