/**
 * The print browser's throw-away profile folders (`<tmp>/banmian-profile-*`) and the
 * record that lets a later build end a browser a killed build left running.
 *
 * Each profile folder holds `banmian-owner.json`: the PIDs (with start times) of the
 * build and of its browser. A build killed with kill -9 cannot clean up; the next build
 * (`endOrphanBrowsers`, run before anything else) finds profile folders whose build is
 * gone, kills their browser's process group — only if that process is still the
 * recorded one and runs with that profile — and removes the folder. Light on purpose
 * (no puppeteer): every build runs it, also one that reuses everything.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive, processCommandLine, type ProcessRecord, recordProcess } from '../build/process-info.js';

export const PROFILE_PREFIX = 'banmian-profile-';
const OWNER_FILE = 'banmian-owner.json';
/** A profile folder without a record is left alone this long (its build may be starting). */
const UNRECORDED_GRACE_MS = 10 * 60_000;

interface OwnerRecord {
  build: ProcessRecord;
  browser?: ProcessRecord;
}

/** Makes a fresh profile folder owned by this process. */
export function makeProfileDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), PROFILE_PREFIX));
  writeOwner(dir, { build: recordProcess(process.pid) });
  return dir;
}

/** Records the browser's PID in its profile folder, as soon as it is known. */
export function recordBrowser(dir: string, browserPid: number): void {
  writeOwner(dir, { build: recordProcess(process.pid), browser: recordProcess(browserPid) });
}

function writeOwner(dir: string, record: OwnerRecord): void {
  writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify(record) + '\n');
}

/** Kills a browser's whole process group (renderers, GPU and zygote processes too). */
export function killBrowserGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // gone already, or not a group leader
    }
  }
}

/** Removes a profile folder (Chromium may still be letting go of it: retried). */
export function removeProfileDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
}

/**
 * Ends browsers of builds that no longer run and removes their profile folders.
 * Returns how many browsers were ended (for the log).
 */
export function endOrphanBrowsers(): { browsers: number; folders: number } {
  const tmp = os.tmpdir();
  let names: string[];
  try {
    names = readdirSync(tmp).filter((n) => n.startsWith(PROFILE_PREFIX));
  } catch {
    // The temp folder is not readable: no leftovers we could end or remove.
    return { browsers: 0, folders: 0 };
  }
  let browsers = 0;
  let folders = 0;
  for (const name of names) {
    const dir = path.join(tmp, name);
    let owner: OwnerRecord | undefined;
    try {
      owner = JSON.parse(readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as OwnerRecord;
    } catch {
      // No owner record (a profile from before it was written, or one half written): judged by age below.
      owner = undefined;
    }
    if (owner?.build && isAlive(owner.build)) continue;
    if (!owner) {
      // No record (made by an older banmian, or just being made): only an old folder no process uses goes.
      if (ageMs(dir) < UNRECORDED_GRACE_MS || usedByAProcess(dir)) continue;
    }
    if (owner?.browser && isAlive(owner.browser) && processCommandLine(owner.browser.pid)?.includes(dir)) {
      killBrowserGroup(owner.browser.pid);
      browsers++;
    }
    if (existsSync(dir)) {
      removeProfileDir(dir);
      folders++;
    }
  }
  return { browsers, folders };
}

function ageMs(dir: string): number {
  try {
    return Date.now() - statSync(dir).mtimeMs;
  } catch {
    // Gone meanwhile: young, so it is left alone.
    return 0;
  }
}

/** Whether any process's command line names `dir` (Linux; elsewhere assumed yes). */
function usedByAProcess(dir: string): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    // No /proc (not Linux): assume a process uses it, so nothing is removed from under it.
    return true;
  }
  return pids.some((pid) => processCommandLine(Number(pid))?.includes(dir));
}
