/** What a command reads and writes; the real process's streams, or a test's. */
export interface CommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  /** Fires on SIGINT/SIGTERM. */
  signal: AbortSignal;
}
