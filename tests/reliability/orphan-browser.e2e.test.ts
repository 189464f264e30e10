/**
 * A browser left running by a build that was killed with kill -9 is ended by the next
 * build, by the PID recorded in its profile folder (issue 10, case 5) — and only such a
 * browser: one whose build still runs, or a process that merely reuses the PID, is left
 * alone. A stand-in process plays the browser (the real one, over its pipe, usually exits
 * by itself: tests/reliability/interrupt.e2e.test.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordProcess } from '../../src/build/process-info.js';
import { endOrphanBrowsers } from '../../src/print/profiles.js';
import { processesMentioning } from './helpers.js';

describe('browsers left by a killed build', () => {
  let tmp: string;
  const savedTmp = process.env.TMPDIR;
  const baseTmp = os.tmpdir();
  const started: number[] = [];

  beforeEach(async () => {
    tmp = await mkdtemp(path.join(baseTmp, 'banmian-rel-orphan-'));
    process.env.TMPDIR = tmp;
  });

  afterEach(async () => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    for (const pid of started.splice(0)) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already ended
      }
    }
    await rm(tmp, { recursive: true, force: true });
  });

  /** A profile folder with an owner record, and a detached stand-in "browser" naming it on its command line. */
  async function fakeBrowser(owner: { pid: number; start?: string }, runBrowser = true) {
    const dir = await mkdtemp(path.join(tmp, 'banmian-profile-'));
    let browser: ReturnType<typeof recordProcess> | undefined;
    if (runBrowser) {
      const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', `--user-data-dir=${dir}`], { detached: true, stdio: 'ignore' });
      child.unref();
      started.push(child.pid!);
      await new Promise((r) => setTimeout(r, 200));
      browser = recordProcess(child.pid!);
    }
    await writeFile(path.join(dir, 'banmian-owner.json'), JSON.stringify({ build: owner, browser }));
    return { dir, browser };
  }

  const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

  it('ends the browser of a dead build and removes its profile folder', async () => {
    const { dir, browser } = await fakeBrowser({ pid: deadPid() });
    expect(processesMentioning(dir)).toEqual([browser!.pid]);
    expect(endOrphanBrowsers()).toEqual({ browsers: 1, folders: 1 });
    await new Promise((r) => setTimeout(r, 100));
    expect(processesMentioning(dir)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  it('leaves the browser of a build that still runs alone', async () => {
    const { dir, browser } = await fakeBrowser(recordProcess(process.pid));
    expect(endOrphanBrowsers()).toEqual({ browsers: 0, folders: 0 });
    expect(processesMentioning(dir)).toEqual([browser!.pid]);
    expect(existsSync(dir)).toBe(true);
  });

  it('does not kill a process that only reuses the recorded PID', async () => {
    const { dir, browser } = await fakeBrowser({ pid: deadPid() });
    // The record says another start time: the PID now belongs to some other process.
    await writeFile(path.join(dir, 'banmian-owner.json'), JSON.stringify({ build: { pid: deadPid() }, browser: { ...browser, start: '1' } }));
    expect(endOrphanBrowsers()).toEqual({ browsers: 0, folders: 1 });
    expect(processesMentioning(process.execPath).includes(browser!.pid)).toBe(true);
  });

  it('removes the profile folder of a dead build whose browser is gone', async () => {
    const { dir } = await fakeBrowser({ pid: deadPid() }, false);
    expect(endOrphanBrowsers()).toEqual({ browsers: 0, folders: 1 });
    expect(existsSync(dir)).toBe(false);
  });
});
