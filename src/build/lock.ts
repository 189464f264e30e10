/**
 * One build at a time per output folder. A build holds `.<out>.lock` next to the output
 * folder (the folder itself is replaced by the swap) from before it looks at the
 * previous output until after the swap. The lock records the owner's PID and start
 * time; a second build waits for it (one line says so), and a lock whose owner is gone
 * (kill -9, power cut) is taken over. Created with O_EXCL, so two builds never both
 * hold it; taking over a dead owner's lock goes through a short `.takeover` lock so two
 * waiters cannot both remove it.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Logger } from './context.js';
import { isAlive, type ProcessRecord, recordProcess } from './process-info.js';
import { userFsError } from './fs-errors.js';

interface LockContent extends ProcessRecord {
  token: string;
  since: string;
}

export interface OutLock {
  file: string;
  /** Removes the lock (only if it is still ours). Synchronous, so a signal handler can call it. */
  release(): void;
}

/** How long a lock file without readable content (being written, or torn) counts as live. */
const YOUNG_MS = 5_000;
const POLL_MS = 150;

export function lockPath(outDir: string): string {
  return path.join(path.dirname(outDir), `.${path.basename(outDir)}.lock`);
}

/** Waits until no other live build holds the lock of `outDir`, then holds it. */
export async function lockOutDir(outDir: string, log: Logger, shown: string): Promise<OutLock> {
  const file = lockPath(outDir);
  const mine: LockContent = { ...recordProcess(process.pid), token: randomUUID(), since: new Date().toISOString() };
  let announced = false;
  for (;;) {
    if (tryCreate(file, mine)) {
      return {
        file,
        release() {
          if (readLock(file)?.token === mine.token) rmQuiet(file);
        },
      };
    }
    const other = readLock(file);
    if (other ? !isAlive(other) : ageMs(file) > YOUNG_MS) {
      takeOver(file, other?.token);
      continue;
    }
    if (!announced && other) {
      log.info(`waiting for another build into ${shown}/ (pid ${other.pid}) to finish`);
      announced = true;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function tryCreate(file: string, content: LockContent): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw userFsError(err, 'cannot create the build lock');
  }
  try {
    writeSync(fd, JSON.stringify(content) + '\n');
  } finally {
    closeSync(fd);
  }
  return true;
}

function readLock(file: string): LockContent | undefined {
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as LockContent;
    return typeof c.pid === 'number' && typeof c.token === 'string' ? c : undefined;
  } catch {
    // No lock file, or one being written or damaged: no owner to respect.
    return undefined;
  }
}

/** Removes a dead owner's lock, unless someone else replaced it meanwhile. */
function takeOver(file: string, deadToken: string | undefined): void {
  const guard = `${file}.takeover`;
  let fd: number;
  try {
    fd = openSync(guard, 'wx');
  } catch {
    // Another waiter is taking over; a guard left by a process killed in these few ms is removed when old.
    if (ageMs(guard) > YOUNG_MS) rmQuiet(guard);
    return;
  }
  closeSync(fd);
  try {
    const now = readLock(file);
    if (now?.token === deadToken || (!now && !deadToken && ageMs(file) > YOUNG_MS)) rmQuiet(file);
  } finally {
    rmQuiet(guard);
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    // Gone meanwhile: as young as can be, so nothing is removed on its account.
    return 0;
  }
}

function rmQuiet(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}
