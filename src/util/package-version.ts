/** The package's version, read from package.json: the one place the CLI, the client and the provider get it. */

/**
 * The `version` of this package's package.json (two folders up from `src/util` and `lib/util`).
 * A plain `require`, so a bundler inlines the file and a bundle needs no package.json beside it.
 */
export function packageVersion(): string {
  return (require("../../package.json") as { version: string }).version;
}
