/**
 * Ctrl-C and `kill`: a build stops at once and leaves nothing behind. What a build
 * holds while it runs — the browser and its profile folder, the staging folder, the
 * output lock — registers a synchronous clean-up here; on SIGINT, SIGTERM or SIGHUP the
 * CLI's handler runs them all (kill the browser's process group, remove the folders,
 * release the lock), prints one line and exits 130/143/129. Synchronous on purpose: it
 * runs within the same event-loop turn, so no half-done async step can interleave, and
 * takes milliseconds, not seconds.
 */
const cleanups = new Map<number, () => void>();
let serial = 0;

/** Registers a clean-up to run if the process is interrupted; returns its removal. */
export function onInterrupt(cleanup: () => void): () => void {
  const id = ++serial;
  cleanups.set(id, cleanup);
  return () => void cleanups.delete(id);
}

/** Runs every registered clean-up, newest first; a failing one does not stop the others. */
export function runInterruptCleanups(): void {
  const all = [...cleanups.entries()].reverse();
  cleanups.clear();
  for (const [, cleanup] of all) {
    try {
      cleanup();
    } catch {
      // best effort: the process is ending
    }
  }
}

const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/**
 * Installs the build's signal handlers: clean up, print `banmian: <what> interrupted`,
 * exit with 128 + the signal number. Returns their removal.
 */
export function installInterruptHandlers(what = 'build'): () => void {
  const handler = (signal: NodeJS.Signals) => {
    runInterruptCleanups();
    process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[2K' : ''}banmian: ${what} interrupted (${signal})\n`);
    process.exit(EXIT_CODES[signal as keyof typeof EXIT_CODES] ?? 1);
  };
  for (const s of Object.keys(EXIT_CODES)) process.on(s, handler);
  return () => {
    for (const s of Object.keys(EXIT_CODES)) process.off(s, handler);
  };
}
