/**
 * One new issue does not render the archive again: an issue whose views' inputs are
 * unchanged (src/build/issue-views.ts) keeps its files from the previous output (hard
 * links: the same inode, byte-identical), only the new issue, its neighbour and the issues
 * of its month are rendered, and the result equals a clean build of the same input.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyPublished } from '../../bench/archive-fixture.js';
import { publish } from '../../src/archive/publish.js';
import { MANIFEST } from '../../src/build/cache.js';
import { loadConfig } from '../../src/config/index.js';
import { snapshot } from '../reliability/helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ID = '2026-11-20';
const outputSnapshot = (dir: string) => snapshot(dir, { skip: [path.dirname(MANIFEST)] });

/** `banmian …` as a child process (a browser that cannot start: nothing may be laid out). */
function banmian(args: string[], dir: string, browser = 'no-such-browser'): Promise<{ status: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/banmian.js', ...args], { cwd: ROOT, env: { ...process.env, PUPPETEER_EXECUTABLE_PATH: path.join(dir, browser) } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (status) => resolve({ status, out, err }));
  });
}

/** Every file under `dir/rel` → inode. */
async function inodes(dir: string, rel: string, out = new Map<string, number>()): Promise<Map<string, number>> {
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = `${rel}/${e.name}`;
    if (e.isDirectory()) await inodes(dir, r, out);
    else out.set(r, (await stat(path.join(dir, r))).ino);
  }
  return out;
}

describe('a new issue reuses the views of unchanged issues', () => {
  let dir: string;
  let issues: string;
  let archive: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-views-test-'));
    issues = path.join(dir, 'issues');
    archive = path.join(dir, 'archive');
    await cp(path.join(ROOT, 'issues', ID), path.join(issues, ID), { recursive: true });
    const { config } = await loadConfig(ROOT);
    const log = { info() {}, warn() {}, progress() {} };
    await publish({ root: ROOT, config, issuesDir: issues, id: ID, printFrom: path.join(dir, 'none'), pressDir: path.join(dir, 'none'), log, now: new Date('2026-11-20T18:00:00Z') });
    // Two months before the sample's: their calendars and neighbours do not change when 2026-11-21 comes.
    await copyPublished(issues, archive, ID, ['2026-09-01', '2026-09-02', '2026-10-01', '2026-10-02', '2026-10-03'], { firstNumber: 2400 });
  }, 600_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reuses every issue whose views are unchanged (not rewritten: same inode), and a new issue gives what a clean build gives', async () => {
    const dist = path.join(dir, 'dist');
    const ids = ['2026-09-01', '2026-09-02', '2026-10-01', '2026-10-02', '2026-10-03', ID];
    const first = await banmian(['build', '--issues', issues, '--out', dist], dir);
    expect(first.status, first.err).toBe(0);
    expect(first.out).not.toMatch(/views reused/);
    const before = new Map<string, number>();
    for (const id of ids) for (const [rel, ino] of await inodes(dist, id)) before.set(rel, ino);
    const snapBefore = await outputSnapshot(dist);

    // Another browser: the whole output's key changes (the build runs), no view's inputs do.
    const second = await banmian(['build', '--issues', issues, '--out', dist], dir, 'another-browser');
    expect(second.status, second.err).toBe(0);
    expect(second.out).toMatch(/changed since the last build: options, config and browser\n/);
    expect(second.out).toMatch(/\(6 issue\(s\)' views reused from the last build\)/);
    // The very same files (hard links of the previous output): nothing rendered or rewritten.
    for (const id of ids) for (const [rel, ino] of await inodes(dist, id)) expect(ino, rel).toBe(before.get(rel));
    const snapAfter = await outputSnapshot(dist);
    expect(snapAfter).toEqual(snapBefore);
    // The manifest's digests of reused files (taken from the previous manifest, not read again) are right.
    const manifest = JSON.parse(await readFile(path.join(dist, MANIFEST), 'utf8')) as { digests: Record<string, string>; views: Record<string, unknown> };
    for (const [rel, sum] of Object.entries(snapAfter)) if (sum !== 'dir') expect(manifest.digests[rel], rel).toBe(sum);
    expect(Object.keys(manifest.views)).toEqual(ids);

    // A new unpublished issue whose print fails (no browser): the build fails, the output is untouched.
    await copyPublished(issues, archive, ID, ['2026-10-05'], { firstNumber: 2600, published: false });
    const failed = await banmian(['build', '--issues', issues, '--out', dist], dir, 'another-browser');
    expect(failed.status).toBe(1);
    expect(failed.err).toMatch(/PUPPETEER_EXECUTABLE_PATH/);
    expect(failed.err).not.toMatch(/\n\s+at /);
    expect(await outputSnapshot(dist)).toEqual(snapBefore);
    for (const id of ids) for (const [rel, ino] of await inodes(dist, id)) expect(ino, rel).toBe(before.get(rel));
    await rename(path.join(issues, '2026-10-05'), path.join(dir, 'not-an-issue'));

    // A late issue between two others (a published copy: no browser needed): the result is what a clean build makes.
    // Views show nothing of other issues but 上一期 / 下一期: only the new issue and its two neighbours are
    // rendered; the other issues of its month (2026-10-01, 02: the date picker's days are in archive/dates.json) are reused.
    await copyPublished(issues, archive, ID, ['2026-10-04'], { firstNumber: 2500 });
    const third = await banmian(['build', '--issues', issues, '--out', dist], dir, 'another-browser');
    expect(third.status, third.err).toBe(0);
    expect(await readFile(path.join(dist, ID, 'index.html'), 'utf8')).toContain('2026-10-04/');
    expect(await readFile(path.join(dist, '2026-10-03', 'index.html'), 'utf8')).toContain('2026-10-04/');
    expect(third.out).toMatch(/\(4 issue\(s\)' views reused from the last build\)/);
    // The reused issues' files are the very same (hard links, not rewritten); the swap moved nothing else of theirs.
    for (const id of ['2026-09-01', '2026-09-02', '2026-10-01', '2026-10-02']) for (const [rel, ino] of await inodes(dist, id)) expect(ino, rel).toBe(before.get(rel));
    const clean = await banmian(['build', '--force', '--issues', issues, '--out', path.join(dir, 'clean')], dir, 'another-browser');
    expect(clean.status, clean.err).toBe(0);
    expect(await outputSnapshot(path.join(dir, 'clean'))).toEqual(await outputSnapshot(dist));
    // A --force build renders everything but records its views' keys: the next build reuses them.
    const after = await banmian(['build', '--issues', issues, '--out', path.join(dir, 'clean')], dir);
    expect(after.status, after.err).toBe(0);
    expect(after.out).toMatch(/\(7 issue\(s\)' views reused from the last build\)/);
    expect(await outputSnapshot(path.join(dir, 'clean'))).toEqual(await outputSnapshot(dist));
  }, 900_000);
});
