/** What a command reads and writes; the real process's streams, or a test's. */
export interface CommandIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  /** Input for `-` arguments; the process's stdin when absent. */
  stdin?: NodeJS.ReadableStream;
  /** Fires on SIGINT/SIGTERM. */
  signal: AbortSignal;
}
