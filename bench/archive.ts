/**
 * `npm run bench -- archive`: a synthetic archive of 1,000 published 8-page issues (8,000
 * pages) built from a clean checkout, as `banmian build` child processes:
 *
 * 1. clean build (no dist/, no cache; a browser path that does not exist, so the build
 *    fails if it tries to lay anything out): wall time and peak RSS;
 * 2. the same as 4 shards (`--shard K/4`, 4 processes at once) + `banmian merge`: wall
 *    time beside the single build, and whether the merged dist/ is byte-identical;
 * 3. one new unpublished issue added: the rebuild's wall time, its print time (the
 *    build's own "print edition … in X s" line) and the rest.
 *
 * The archive is made without a browser (bench/archive-fixture.ts): the 8-page issue of
 * bench/eight-pages.ts is laid out and published once (kept in .banmian-cache/bench-archive/
 * between runs; `BANMIAN_BENCH_RELAYOUT=1` lays it out again) and copied under 1,000
 * dates with consistent records. `BANMIAN_BENCH_ARCHIVE_ISSUES=N` changes the count.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { publish } from '../src/archive/publish.js';
import { loadConfig } from '../src/config/index.js';
import { copyPublished, issueDates } from './archive-fixture.js';
import { eightPageIssue } from './eight-pages.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BASE_ID = '2026-11-20';

interface Run {
  ms: number;
  rssMb: number;
  status: number | null;
  out: string;
}

function banmian(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const t = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', './bench/rss.mjs', 'bin/banmian.js', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (status) => {
      const kb = Number(/bench-maxrss-kb (\d+)/.exec(out)?.[1] ?? 0);
      resolve({ ms: performance.now() - t, rssMb: kb / 1024, status, out });
    });
  });
}

async function digests(dir: string, rel = '', out = new Map<string, string>()): Promise<Map<string, string>> {
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (r === '.banmian') continue;
    if (e.isDirectory()) await digests(dir, r, out);
    else out.set(r, createHash('sha256').update(await readFile(path.join(dir, r))).digest('hex'));
  }
  return out;
}

/** The 8-page issue, laid out and published once (cached between runs). */
async function baseRecord(): Promise<string> {
  const base = path.join(ROOT, '.banmian-cache', 'bench-archive');
  if (existsSync(path.join(base, 'archive', BASE_ID, 'record.json')) && !process.env.BANMIAN_BENCH_RELAYOUT) return base;
  await rm(base, { recursive: true, force: true });
  await mkdir(path.join(base, 'issues'), { recursive: true });
  await eightPageIssue(path.join(base, 'issues'));
  const { config } = await loadConfig(ROOT);
  const log = { info() {}, warn: (m: string) => void (/warning:/.test(m) || console.error(m)), progress() {} };
  await publish({ root: ROOT, config, issuesDir: path.join(base, 'issues'), id: BASE_ID, printFrom: path.join(base, 'none'), pressDir: path.join(base, 'none'), log });
  return base;
}

export async function benchArchive(): Promise<Record<string, number | string>> {
  const count = Number(process.env.BANMIAN_BENCH_ARCHIVE_ISSUES ?? 1000);
  const tBase = performance.now();
  const base = await baseRecord();
  const baseMs = performance.now() - tBase;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-bench-archive-'));
  try {
    const issues = path.join(dir, 'issues');
    const archive = path.join(dir, 'archive');
    const t0 = performance.now();
    // The base issue itself is not part of the archive: only its copies under new dates.
    const scratch = path.join(dir, 'base');
    await cp(path.join(base, 'issues', BASE_ID), path.join(scratch, 'issues', BASE_ID), { recursive: true });
    await cp(path.join(base, 'archive', BASE_ID), path.join(scratch, 'archive', BASE_ID), { recursive: true });
    await mkdir(issues, { recursive: true });
    const dates = issueDates(count, '2023-01-01');
    await copyPublished(path.join(scratch, 'issues'), path.join(scratch, 'archive'), BASE_ID, dates, { firstNumber: 1 });
    // Move the copies next to each other (the base stays out).
    const { rename } = await import('node:fs/promises');
    await mkdir(archive, { recursive: true });
    for (const id of dates) {
      await rename(path.join(scratch, 'issues', id), path.join(issues, id));
      await rename(path.join(scratch, 'archive', id), path.join(archive, id));
    }
    const makeMs = performance.now() - t0;
    const noBrowser = { PUPPETEER_EXECUTABLE_PATH: path.join(dir, 'no-such-browser') };

    const single = await banmian(['build', '--issues', issues, '--out', path.join(dir, 'dist')], noBrowser);
    if (single.status !== 0) throw new Error(`clean build failed: ${single.out.slice(-2000)}`);
    const shardDirs = [1, 2, 3, 4].map((k) => path.join(dir, `shard-${k}`));
    const tShards = performance.now();
    const shards = await Promise.all(shardDirs.map((out, i) => banmian(['build', '--shard', `${i + 1}/4`, '--issues', issues, '--out', out], noBrowser)));
    const shardsMs = performance.now() - tShards;
    for (const s of shards) if (s.status !== 0) throw new Error(`shard build failed: ${s.out.slice(-2000)}`);
    const merge = await banmian(['merge', '--issues', issues, '--out', path.join(dir, 'merged'), ...shardDirs], noBrowser);
    if (merge.status !== 0) throw new Error(`merge failed: ${merge.out.slice(-2000)}`);
    const a = await digests(path.join(dir, 'dist'));
    const b = await digests(path.join(dir, 'merged'));
    const differing = [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k));
    for (const d of shardDirs) await rm(d, { recursive: true, force: true });
    await rm(path.join(dir, 'merged'), { recursive: true, force: true });

    // One new issue, not published: laid out with the real browser, everything else from records.
    const newId = issueDates(2, dates[dates.length - 1])[1];
    await copyPublished(path.join(scratch, 'issues'), path.join(scratch, 'archive'), BASE_ID, [newId], { firstNumber: count + 1, published: false });
    await rename(path.join(scratch, 'issues', newId), path.join(issues, newId));
    const added = await banmian(['build', '--issues', issues, '--out', path.join(dir, 'dist')]);
    if (added.status !== 0) throw new Error(`rebuild with a new issue failed: ${added.out.slice(-2000)}`);
    const printLine = /print edition: .* in ([\d.]+) (ms|s)\n/.exec(added.out);
    const printMs = printLine ? Number(printLine[1]) * (printLine[2] === 's' ? 1000 : 1) : NaN;
    const secs = (ms: number) => +(ms / 1000).toFixed(1);
    return {
      'issues (published, 8 pages each)': count,
      'pages': count * 8,
      'base issue laid out + published (s; 0 when cached)': secs(baseMs),
      'synthetic archive made (s)': secs(makeMs),
      'clean build, no browser (s)  [floor 60]': secs(single.ms),
      '  …peak RSS (MB)  [floor 1536]': Math.round(single.rssMb),
      '  …its log': (single.out.match(/print edition: [^\n]*|web edition written[^\n]*|search index: [^\n]*/g) ?? []).join(' | '),
      '4 shards at once (s)': secs(shardsMs),
      '  …peak RSS of the largest shard (MB)': Math.round(Math.max(...shards.map((s) => s.rssMb))),
      'merge (s)': secs(merge.ms),
      '  …merge peak RSS (MB)': Math.round(merge.rssMb),
      '4 shards + merge wall (s), beside the single build above': secs(shardsMs + merge.ms),
      'merged dist/ byte-identical to the single build': differing.length ? `no: ${differing.length} file(s) differ, e.g. ${differing.slice(0, 3).join(', ')}` : `yes (${a.size} files)`,
      'one new unpublished issue: rebuild (s)': secs(added.ms),
      '  …of it, its print time (s)': secs(printMs),
      '  …the rest (s)  [floor 5]': secs(added.ms - printMs),
      '  …peak RSS (MB)': Math.round(added.rssMb),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
