/**
 * Progress for long waits: a self-rewriting line on a terminal's stderr, nothing at all when
 * stderr is not a terminal (pipelines stay quiet and machine-readable).
 */

/** A progress line that can be updated and cleared. */
export interface Progress {
  update(text: string): void;
  done(): void;
}

/** A progress line on `stream` when it is a TTY, otherwise a no-op. */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, done() {} };
  const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
  let frame = 0;
  let shown = false;
  return {
    update(text: string) {
      frame = (frame + 1) % frames.length;
      stream.write(`\r\x1b[2K${frames[frame]} ${text}`);
      shown = true;
    },
    done() {
      if (shown) stream.write("\r\x1b[2K");
      shown = false;
    },
  };
}
