/**
 * Replacing the output folder. A build writes `<out>.tmp-<pid>-<n>` and swaps it in with
 * two renames (`<out>` → `<out>.old-<pid>-<n>`, staging → `<out>`), done synchronously
 * so no signal handler runs between them. Only a kill -9 or a power cut can fall
 * between the renames; the next build, holding the lock, then puts the old folder back
 * (`recoverOutDir`) and removes staging and old folders left by dead builds, so the
 * output folder is never lost and nothing piles up.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from './context.js';
import { isAlive } from './process-info.js';
import { userFsError } from './fs-errors.js';

let serial = 0;

/** A fresh staging folder name next to `outDir`. */
export function stagingPath(outDir: string): string {
  return `${outDir}.tmp-${process.pid}-${++serial}`;
}

/** Leftovers of other builds into `outDir`: `<out>.tmp-<pid>-<n>` and `<out>.old-<pid>-<n>`. */
function leftovers(outDir: string): Array<{ file: string; kind: 'tmp' | 'old'; pid: number }> {
  const base = path.basename(outDir);
  const dir = path.dirname(outDir);
  const re = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(tmp|old)-(\\d+)-\\d+$`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    // The parent folder is not readable or not there yet: no leftovers of a killed swap to find.
    return [];
  }
  return names.flatMap((name) => {
    const m = re.exec(name);
    return m ? [{ file: path.join(dir, name), kind: m[1] as 'tmp' | 'old', pid: Number(m[2]) }] : [];
  });
}

/**
 * Called with the output lock held: when a build was killed between its two renames,
 * the previous output is put back; staging and old folders of builds that are no longer
 * running (or of this process: the lock says none of its builds is running) are removed.
 */
export function recoverOutDir(outDir: string, log: Logger, shown: string): void {
  const stale = leftovers(outDir).filter((l) => l.pid === process.pid || !isAlive({ pid: l.pid }));
  const olds = stale.filter((l) => l.kind === 'old').sort((a, b) => mtime(b.file) - mtime(a.file));
  if (!existsSync(outDir) && olds.length) {
    try {
      renameSync(olds[0].file, outDir);
    } catch (err) {
      throw userFsError(err, 'cannot restore the previous output');
    }
    log.warn(`restored ${shown}/ from ${path.basename(olds[0].file)} (a build was killed while swapping it in)`);
    olds.shift();
  }
  for (const l of [...stale.filter((s) => s.kind === 'tmp'), ...olds]) {
    try {
      rmSync(l.file, { recursive: true, force: true, maxRetries: 3 });
    } catch (err) {
      log.warn(`warning: cannot remove ${l.file}, left by a build that was killed: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
}

/**
 * From this many files in the previous output on, its removal after the swap is left to a
 * detached process instead of being waited for. Removing a tree is disk-bound: 2,804
 * folders and 8,393 files (40 issues) took 10.6 s wall for 0.65 s CPU (`rm -rf`, ext4, a
 * loaded machine) — most of a one-new-issue rebuild's time outside its print and images.
 */
export const BACKGROUND_REMOVAL_FILES = 2000;

/**
 * Replaces `outDir` by `staging` (two synchronous renames), then removes the old folder:
 * at once, or — when `previousFiles` (the previous output's file count, from its manifest)
 * reaches BACKGROUND_REMOVAL_FILES — by a detached process, so the build returns as soon as
 * the new output is in place. A removal that process does not finish (killed, machine
 * down) leaves `<out>.old-<pid>-<n>` of a dead build, which the next build removes
 * (`recoverOutDir`).
 */
export function swapIn(staging: string, outDir: string, log: Logger, previousFiles = 0): void {
  const old = staging.replace(/\.tmp-(\d+-\d+)$/, '.old-$1');
  const hadOutput = existsSync(outDir);
  try {
    if (hadOutput) renameSync(outDir, old);
    try {
      renameSync(staging, outDir);
    } catch (err) {
      // Put the previous output back at once: the build fails, the output stays as it was.
      if (hadOutput) renameSync(old, outDir);
      throw err;
    }
  } catch (err) {
    throw userFsError(err, 'cannot replace the output folder');
  }
  if (hadOutput && previousFiles >= BACKGROUND_REMOVAL_FILES && removeInBackground(old)) return;
  // The new output is in place: a previous one that cannot be removed (read-only files in it) only gets a warning.
  try {
    rmSync(old, { recursive: true, force: true, maxRetries: 3 });
  } catch (err) {
    log.warn(`warning: cannot remove the previous output ${old}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Starts a detached process removing `dir`; false when it cannot be started (then the caller removes it). */
function removeInBackground(dir: string): boolean {
  try {
    const child = spawn(process.execPath, ['-e', 'require("node:fs").rmSync(process.argv[1], { recursive: true, force: true, maxRetries: 3 })', dir], {
      detached: true,
      stdio: 'ignore',
    });
    // spawn reports a missing executable asynchronously: the folder is then removed by the next build.
    child.on('error', () => {});
    child.unref();
    return child.pid !== undefined;
  } catch {
    return false;
  }
}

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    // Removed meanwhile: the oldest possible time.
    return 0;
  }
}
