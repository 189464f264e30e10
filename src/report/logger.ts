/** Build output: plain lines in CI or when piped, a one-line progress bar on a terminal. */
import type { Logger } from '../build/context.js';

export function createLogger(opts: { quiet?: boolean } = {}): Logger {
  const tty = Boolean(process.stderr.isTTY) && !process.env.CI;
  let barShown = false;
  const clearBar = () => {
    if (barShown) {
      process.stderr.write('\r\x1b[2K');
      barShown = false;
    }
  };
  const lastPlain = new Map<string, number>();
  return {
    info(message) {
      if (opts.quiet) return;
      clearBar();
      process.stdout.write(message + '\n');
    },
    warn(message) {
      clearBar();
      process.stderr.write(message + '\n');
    },
    progress(label, done, total) {
      if (opts.quiet) return;
      if (tty) {
        const width = 24;
        const filled = total ? Math.round((done / total) * width) : width;
        process.stderr.write(`\r\x1b[2K${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
        barShown = done < total;
        if (!barShown) process.stderr.write('\n');
      } else {
        // In CI: a line at the start, every quarter, and the end.
        const step = Math.max(1, Math.ceil(total / 4));
        const prev = lastPlain.get(label) ?? -1;
        if (done === total || done === 0 || Math.floor(done / step) !== Math.floor(prev / step)) {
          process.stderr.write(`${label}: ${done}/${total}\n`);
        }
        lastPlain.set(label, done);
      }
    },
  };
}
