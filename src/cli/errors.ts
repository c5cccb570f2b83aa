/** Errors of the command line: a usage error prints help advice and exits 2. */

/** A mistake in the command line itself (unknown flag, missing value). Exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose `--help` to suggest. */
    readonly command: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** The reason the CLI's AbortSignal carries when a signal interrupted it. */
export class Interrupted extends Error {
  constructor(
    /** The signal received. */
    readonly signal: "SIGINT" | "SIGTERM",
  ) {
    super(`interrupted by ${signal}`);
    this.name = "Interrupted";
  }
}

/** The conventional exit code of a process ended by `signal`: 128 + its number (130, 143). */
export function interruptedExitCode(signal: "SIGINT" | "SIGTERM"): number {
  return signal === "SIGTERM" ? 143 : 130;
}
