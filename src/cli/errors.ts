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
