/**
 * Sharding: 8 published issues (the sample, laid out and published once, and seven
 * copies of it under new dates with their own records: bench/archive-fixture.ts), built
 * as 4 shards by 4 `banmian build --shard K/4` processes at once and assembled with
 * `banmian merge`, give the same files, byte for byte, as one `banmian build`. A shard set
 * that is incomplete or from another config is refused in one line, the output untouched.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyPublished, issueDates } from '../../bench/archive-fixture.js';
import { publish } from '../../src/archive/publish.js';
import { SHARD_FILE } from '../../src/archive/shard.js';
import { MANIFEST } from '../../src/build/cache.js';
import { snapshot } from '../reliability/helpers.js';
import { loadConfig } from '../../src/config/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ID = '2026-11-20';

/** Every file of an output folder but its manifest folder → sha256 (tests/reliability/helpers.ts). */
const outputSnapshot = (dir: string) => snapshot(dir, { skip: [path.dirname(MANIFEST)] });

/** `banmian …` as a child process (a browser that cannot start: nothing may be laid out). */
function banmian(args: string[], dir: string): Promise<{ status: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/banmian.js', ...args], { cwd: ROOT, env: { ...process.env, PUPPETEER_EXECUTABLE_PATH: path.join(dir, 'no-such-browser') } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (status) => resolve({ status, out, err }));
  });
}

describe('build --shard K/N and merge', () => {
  let dir: string;
  let issues: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-shard-test-'));
    issues = path.join(dir, 'issues');
    await cp(path.join(ROOT, 'issues', ID), path.join(issues, ID), { recursive: true });
    const { config } = await loadConfig(ROOT);
    const log = { info() {}, warn() {}, progress() {} };
    await publish({ root: ROOT, config, issuesDir: issues, id: ID, printFrom: path.join(dir, 'none'), pressDir: path.join(dir, 'none'), log, now: new Date('2026-11-20T18:00:00Z') });
    await copyPublished(issues, path.join(dir, 'archive'), ID, issueDates(7, '2026-10-01'), { firstNumber: 2400 });
  }, 600_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('4 shards built as 4 processes and merged are byte-identical to a single build', async () => {
    const single = await banmian(['build', '--issues', issues, '--out', path.join(dir, 'single')], dir);
    expect(single.status, single.err).toBe(0);
    expect(single.out).toMatch(/0 issue\(s\) laid out, 0 reused from the cache, 8 published/);
    const shards = [1, 2, 3, 4].map((k) => path.join(dir, `shard-${k}`));
    const runs = await Promise.all(shards.map((out, i) => banmian(['build', '--shard', `${i + 1}/4`, '--issues', issues, '--out', out], dir)));
    for (const r of runs) expect(r.status, r.err).toBe(0);
    // Each shard holds its share only: 2 of the 8 issues, no site-wide pages.
    for (const out of shards) {
      const info = JSON.parse(await readFile(path.join(out, SHARD_FILE), 'utf8'));
      expect(info.share).toHaveLength(2);
      expect((await outputSnapshot(out))['index.html']).toBeUndefined();
    }
    const merged = await banmian(['merge', '--issues', issues, '--out', path.join(dir, 'merged'), ...shards], dir);
    expect(merged.status, merged.err).toBe(0);
    const a = await outputSnapshot(path.join(dir, 'single'));
    const b = await outputSnapshot(path.join(dir, 'merged'));
    expect(Object.keys(b)).toEqual(Object.keys(a));
    expect(b).toEqual(a);
    expect(Object.keys(a)).toEqual(expect.arrayContaining(['index.html', 'archive/index.html', 'feed.xml', 'sitemap.xml', `${ID}/${ID}.pdf`, '2026-10-01/01/page.png']));
  }, 900_000);

  it('an incomplete shard set or a shard of another config is refused in one line; the output is untouched', async () => {
    const out = path.join(dir, 'merged');
    const before = await outputSnapshot(out);
    const shards = [1, 2, 3, 4].map((k) => path.join(dir, `shard-${k}`));
    const three = await banmian(['merge', '--issues', issues, '--out', out, ...shards.slice(0, 3)], dir);
    expect(three.status).toBe(1);
    expect(three.err.trim().split('\n')).toHaveLength(1);
    expect(three.err).toMatch(/shard-1\/\.banmian\/shard\.json: shard 1\/4 is one of 4, but 3 shard folder\(s\) were given/);
    const file = path.join(shards[1], SHARD_FILE);
    const info = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...info, config: '0'.repeat(64) }));
    const other = await banmian(['merge', '--issues', issues, '--out', out, ...shards], dir);
    expect(other.status).toBe(1);
    expect(other.err).toMatch(/shard-2\/\.banmian\/shard\.json: shard 2\/4 was built from another config/);
    expect(await outputSnapshot(out)).toEqual(before);
    const bad = spawnSync(process.execPath, ['bin/banmian.js', 'build', '--shard', '5/4', '--issues', issues, '--out', path.join(dir, 'x')], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('banmian: --shard takes K/N with 1 ≤ K ≤ N (like 2/4), not "5/4"\n');
  }, 300_000);
});
