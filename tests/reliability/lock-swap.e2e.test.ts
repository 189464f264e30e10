/**
 * One build at a time per output folder, and the output folder is never lost (issue 10,
 * case 8): four concurrent builds into one --out all succeed, one after another, and
 * leave no `dist.old-*`, `dist.tmp-*` or lock; a build waits for a live lock and takes
 * over a dead one; a kill between the swap's two renames is repaired by the next build.
 * (HTML only: no browser needed.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockPath } from '../../src/build/lock.js';
import { processStartTime } from '../../src/build/process-info.js';
import { banmian, buildLeftovers, makeProject, type Project, snapshot, spawnBanmian } from './helpers.js';

/** The PID of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('output lock and swap', () => {
  let p: Project;
  let out: string;

  beforeAll(async () => {
    p = await makeProject();
    out = path.join(p.dir, 'dist');
  });

  afterAll(async () => {
    if (p) await rm(p.dir, { recursive: true, force: true });
  });

  it('four concurrent builds into one --out all succeed and leave nothing behind', async () => {
    const runs = await Promise.all([0, 1, 2, 3].map(() => banmian(['build', '--only', 'html', '--out', 'dist'], p.dir)));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(runs.some((r) => /waiting for another build into dist\/ \(pid \d+\)/.test(r.stdout))).toBe(true);
    expect(buildLeftovers(out)).toEqual([]);
    expect(existsSync(path.join(out, 'index.html'))).toBe(true);
    // The last builds reused the first one's output whole.
    expect(runs.filter((r) => /nothing changed since the last build/.test(r.stdout)).length).toBeGreaterThanOrEqual(1);
  });

  it('ten rounds of four concurrent builds in one process: never ENOTEMPTY, never a dist.old-* left', async () => {
    const { build } = await import('../../src/build/build.js');
    const { loadConfig } = await import('../../src/config/index.js');
    const { config } = await loadConfig(p.dir);
    const log = { info() {}, warn() {}, progress() {} };
    const opts = { root: p.dir, config, issuesDir: p.issues, outDir: out, only: 'html' as const, log };
    const before = await snapshot(out);
    for (let round = 0; round < 10; round++) {
      const results = await Promise.allSettled([0, 1, 2, 3].map(() => build(opts)));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(buildLeftovers(out)).toEqual([]);
    }
    expect(await snapshot(out)).toEqual(before);
  });

  it('waits while a live build holds the lock, then builds', async () => {
    const lock = lockPath(out);
    // This test process holds it.
    await writeFile(lock, JSON.stringify({ pid: process.pid, start: processStartTime(process.pid), token: 'test', since: new Date().toISOString() }));
    const child = spawnBanmian(['build', '--only', 'html', '--out', 'dist'], p.dir);
    await new Promise((r) => setTimeout(r, 4000));
    expect(child.output().stdout).toMatch(/waiting for another build into dist\/ \(pid \d+\)/);
    expect(child.output().stdout).not.toMatch(/built /);
    await unlink(lock);
    const r = await child.done;
    expect(r.code, r.stderr).toBe(0);
    expect(buildLeftovers(out)).toEqual([]);
  });

  it('takes over the lock of a build that was killed', async () => {
    await writeFile(lockPath(out), JSON.stringify({ pid: deadPid(), token: 'dead', since: new Date().toISOString() }));
    const r = await banmian(['build', '--only', 'html', '--out', 'dist'], p.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/waiting/);
    expect(buildLeftovers(out)).toEqual([]);
  });

  it('a kill between the two renames of the swap never leaves no output: the next build restores it', async () => {
    const before = await snapshot(out);
    const pid = deadPid();
    // What a build killed after its first rename leaves: no dist/, the old output, a full staging folder.
    await rename(out, `${out}.old-${pid}-1`);
    await mkdir(`${out}.tmp-${pid}-1/half`, { recursive: true });
    await writeFile(`${out}.tmp-${pid}-1/half/index.html`, '<p>half');
    // And a staging folder of another killed build.
    await mkdir(`${out}.tmp-${deadPid()}-7`, { recursive: true });
    const r = await banmian(['build', '--only', 'html', '--out', 'dist'], p.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`restored dist/ from dist\\.old-${pid}-1`));
    // The restored output was intact: reused whole, byte for byte.
    expect(r.stdout).toMatch(/nothing changed since the last build/);
    expect(await snapshot(out)).toEqual(before);
    expect(buildLeftovers(out)).toEqual([]);
  });

  it('a kill after the second rename leaves the new output; the old folder is removed next time', async () => {
    const before = await snapshot(out);
    const old = `${out}.old-${deadPid()}-3`;
    await mkdir(old);
    await writeFile(path.join(old, 'index.html'), 'old');
    const r = await banmian(['build', '--only', 'html', '--out', 'dist'], p.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(await snapshot(out)).toEqual(before);
    expect(buildLeftovers(out)).toEqual([]);
    expect(await readFile(path.join(out, 'index.html'), 'utf8')).toContain('<html');
  });
});
