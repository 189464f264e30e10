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
 * Before the clean build, the same clean build of a fifth of the archive: the peak RSS at the
 * two sizes gives what each issue adds (a streamed web edition should add little).
 * `BANMIAN_BENCH_ARCHIVE_SHARDS=0` skips step 2, `BANMIAN_BENCH_ARCHIVE_REBUILDS=0` the rebuilds.
 *
 * The archive is made without a browser (bench/archive-fixture.ts): the 8-page issue of
 * bench/eight-pages.ts is laid out and published once (kept in .banmian-cache/bench-archive/
 * between runs; `BANMIAN_BENCH_RELAYOUT=1` lays it out again) and copied under 1,000
 * dates with consistent records. `BANMIAN_BENCH_ARCHIVE_ISSUES=N` changes the count.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { PAGES_FILE, type RecordManifest, sha256 } from '../src/archive/record.js';
import { pagesFile } from '../src/archive/page-cache.js';
import { loadIssue } from '../src/parse/issue.js';
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
  /** CPU time of the banmian process, user + system, all its threads (ms). */
  cpuMs: number;
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
      const cpuUs = Number(/bench-cpu-us (\d+)/.exec(out)?.[1] ?? NaN);
      resolve({ ms: performance.now() - t, rssMb: kb / 1024, cpuMs: cpuUs / 1000, status, out });
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
export async function baseRecord(): Promise<string> {
  const base = path.join(ROOT, '.banmian-cache', 'bench-archive');
  const recordFile = path.join(base, 'archive', BASE_ID, 'record.json');
  if (existsSync(recordFile) && !process.env.BANMIAN_BENCH_RELAYOUT) {
    // A base published before records carried file sizes and parsed pages: add them (as publish would now).
    const record = JSON.parse(await readFile(recordFile, 'utf8')) as RecordManifest;
    const recDir = path.join(base, 'archive', BASE_ID);
    if (!record.parsed) {
      const issueDir = path.join(base, 'issues', BASE_ID);
      const parsed = await loadIssue(issueDir, { root: ROOT });
      const pages = await Promise.all(
        parsed.issue.children.map(async (page) => ({ rel: path.basename(page.file), bytes: await readFile(path.join(issueDir, path.basename(page.file))), page, file: parsed.files.find((f) => f.path === page.file)! })),
      );
      const text = await pagesFile(pages);
      await writeFile(path.join(recDir, PAGES_FILE), text);
      if (record.files[PAGES_FILE]) delete record.files[PAGES_FILE];
      record.parsed = sha256(text);
      delete record.sizes;
    }
    if (!record.sizes) {
      record.sizes = {};
      for (const rel of [...Object.keys(record.files), ...Object.keys(record.web ?? {}), PAGES_FILE].sort()) record.sizes[rel] = (await stat(path.join(recDir, rel))).size;
    }
    await writeFile(recordFile, JSON.stringify(record, null, 2) + '\n');
    return base;
  }
  await rm(base, { recursive: true, force: true });
  await mkdir(path.join(base, 'issues'), { recursive: true });
  await eightPageIssue(path.join(base, 'issues'));
  const { config } = await loadConfig(ROOT);
  const log = { info() {}, warn: (m: string) => void (/warning:/.test(m) || console.error(m)), progress() {} };
  await publish({ root: ROOT, config, issuesDir: path.join(base, 'issues'), id: BASE_ID, printFrom: path.join(base, 'none'), pressDir: path.join(base, 'none'), log });
  return base;
}

/**
 * The synthetic archive in `dir`: `issues/` and `archive/` with `count` published copies of
 * the base issue (dated from 2023-01-01), and `base/` holding the base issue for later copies.
 */
export async function makeArchive(base: string, dir: string, count: number): Promise<{ issues: string; scratch: string; dates: string[] }> {
  const issues = path.join(dir, 'issues');
  const archive = path.join(dir, 'archive');
  // The base issue itself is not part of the archive: only its copies under new dates.
  const scratch = path.join(dir, 'base');
  await cp(path.join(base, 'issues', BASE_ID), path.join(scratch, 'issues', BASE_ID), { recursive: true });
  await cp(path.join(base, 'archive', BASE_ID), path.join(scratch, 'archive', BASE_ID), { recursive: true });
  await mkdir(issues, { recursive: true });
  const dates = issueDates(count, '2023-01-01');
  await copyPublished(path.join(scratch, 'issues'), path.join(scratch, 'archive'), BASE_ID, dates, { firstNumber: 1 });
  // Move the copies next to each other (the base stays out).
  await mkdir(archive, { recursive: true });
  for (const id of dates) {
    await rename(path.join(scratch, 'issues', id), path.join(issues, id));
    await rename(path.join(scratch, 'archive', id), path.join(archive, id));
  }
  return { issues, scratch, dates };
}

export async function benchArchive(): Promise<Record<string, number | string>> {
  const count = Number(process.env.BANMIAN_BENCH_ARCHIVE_ISSUES ?? 1000);
  const results: Record<string, number | string> = {};
  // Each row is printed as soon as it is measured (stderr), so a run cut short still reports what it measured.
  const row = (key: string, value: number | string) => {
    results[key] = value;
    process.stderr.write(`[archive bench ${new Date().toISOString().slice(11, 19)}] ${key.padEnd(40)} ${value}\n`);
  };
  const secs = (ms: number) => +(ms / 1000).toFixed(1);
  const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
  row('issues (published, 8 pages each)', count);
  row('pages', count * 8);
  const tBase = performance.now();
  const base = await baseRecord();
  row('base issue laid out + published (s; ~0 when cached)', secs(performance.now() - tBase));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-bench-archive-'));
  try {
    const t0 = performance.now();
    const { issues, scratch, dates } = await makeArchive(base, dir, count);
    row('synthetic archive made (s)', secs(performance.now() - t0));
    const noBrowser = { PUPPETEER_EXECUTABLE_PATH: path.join(dir, 'no-such-browser') };

    // The same clean build of a fifth of the archive first: peak RSS at two sizes shows what each issue adds
    // (a streamed web edition holds one issue's tree at a time: the growth per issue should be small).
    const small = Math.max(10, Math.round(count / 5));
    if (small < count) {
      const smallDir = path.join(dir, 'small');
      const made = await makeArchive(base, smallDir, small);
      row(`load average before the clean build of ${small}`, load());
      const run = await banmian(['build', '--issues', made.issues, '--out', path.join(smallDir, 'dist')], noBrowser);
      if (run.status !== 0) throw new Error(`clean build of ${small} issues failed: ${run.out.slice(-2000)}`);
      row(`clean build of ${small} issues (s)`, secs(run.ms));
      // Labels are the table's keys: each row's own, or a later row overwrites it in the summary.
      row(`  …CPU user+sys of the ${small}-issue build (s)`, secs(run.cpuMs));
      row(`  …peak RSS of the ${small}-issue build (MB)`, Math.round(run.rssMb));
      results.smallRssMb = Math.round(run.rssMb);
      await rm(smallDir, { recursive: true, force: true });
    }
    row('load average before the clean build', load());
    const single = await banmian(['build', '--issues', issues, '--out', path.join(dir, 'dist')], noBrowser);
    if (single.status !== 0) throw new Error(`clean build failed: ${single.out.slice(-2000)}`);
    row('clean build, no browser (s)  [floor 60]', secs(single.ms));
    row('  …its CPU user+sys (s)', secs(single.cpuMs));
    row('  …peak RSS (MB)  [floor 1536]', Math.round(single.rssMb));
    if (small < count) row(`  …peak RSS growth per issue, ${small} → ${count} issues (MB)`, +((single.rssMb - Number(results.smallRssMb)) / (count - small)).toFixed(3));
    row('  …its log', (single.out.match(/parsed [^\n]*|print edition: [^\n]*|web edition written[^\n]*|search index: [^\n]*/g) ?? []).join(' | '));
    row('  …load average after', load());

    // The whole output's key changes (another browser path), no issue's views' inputs do: every issue's views
    // come from the previous output (src/build/issue-views.ts) — what a new issue costs besides its own views,
    // its neighbours' and its month's, once the font split no longer depends on the whole archive.
    // BANMIAN_BENCH_ARCHIVE_REBUILDS=0 stops after the clean build (the rebuilds are the new-issue work's rows).
    if (process.env.BANMIAN_BENCH_ARCHIVE_REBUILDS === '0') return results;
    row('load average before the views-reuse rebuild', load());
    const again = await banmian(['build', '--issues', issues, '--out', path.join(dir, 'dist')], { PUPPETEER_EXECUTABLE_PATH: path.join(dir, 'no-such-browser-2') });
    if (again.status !== 0) throw new Error(`rebuild failed: ${again.out.slice(-2000)}`);
    row('rebuild, no view input changed (s)', secs(again.ms));
    row('  …rebuild CPU user+sys (s)', secs(again.cpuMs));
    row('  …rebuild peak RSS (MB)', Math.round(again.rssMb));
    row('  …its log', (again.out.match(/parsed [^\n]*|print edition: [^\n]*|web edition written[^\n]*|search index: [^\n]*|built [^\n]*/g) ?? []).join(' | '));

    // BANMIAN_BENCH_ARCHIVE_SHARDS=0 skips the shards and merge (a 1,000-issue run on a loaded machine otherwise takes over an hour).
    if (process.env.BANMIAN_BENCH_ARCHIVE_SHARDS !== '0') await shardsAndMerge(dir, issues, noBrowser, row, secs);
    else row('4 shards + merge', 'skipped (BANMIAN_BENCH_ARCHIVE_SHARDS=0)');

    // One new issue, not published: laid out with the real browser, everything else from records.
    const newId = issueDates(2, dates[dates.length - 1])[1];
    await copyPublished(path.join(scratch, 'issues'), path.join(scratch, 'archive'), BASE_ID, [newId], { firstNumber: count + 1, published: false });
    await rename(path.join(scratch, 'issues', newId), path.join(issues, newId));
    row('load average before the rebuild', load());
    const added = await banmian(['build', '--issues', issues, '--out', path.join(dir, 'dist')]);
    if (added.status !== 0) throw new Error(`rebuild with a new issue failed: ${added.out.slice(-2000)}`);
    const printLine = /print edition: .* in ([\d.]+) (ms|s)\n/.exec(added.out);
    const printMs = printLine ? Number(printLine[1]) * (printLine[2] === 's' ? 1000 : 1) : NaN;
    row('one new unpublished issue: rebuild (s)', secs(added.ms));
    row('  …of it, its print time (s)', secs(printMs));
    row('  …the rest (s)  [floor 5]', secs(added.ms - printMs));
    row('  …CPU user+sys of banmian (s; the browser not counted)', secs(added.cpuMs));
    row('  …peak RSS (MB)', Math.round(added.rssMb));
    row('  …its log', (added.out.match(/parsed [^\n]*|print edition: [^\n]*|web edition written[^\n]*|search index: [^\n]*/g) ?? []).join(' | '));
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** 4 shards at once + merge: wall and CPU beside the single build, and whether the merged output is byte-identical. */
async function shardsAndMerge(dir: string, issues: string, noBrowser: Record<string, string>, row: (key: string, value: number | string) => void, secs: (ms: number) => number): Promise<void> {
  const shardDirs = [1, 2, 3, 4].map((k) => path.join(dir, `shard-${k}`));
  const tShards = performance.now();
  const shards = await Promise.all(shardDirs.map((out, i) => banmian(['build', '--shard', `${i + 1}/4`, '--issues', issues, '--out', out], noBrowser)));
  const shardsMs = performance.now() - tShards;
  for (const s of shards) if (s.status !== 0) throw new Error(`shard build failed: ${s.out.slice(-2000)}`);
  row('4 shards at once (s)', secs(shardsMs));
  row('  …CPU user+sys of the 4 (s)', secs(shards.reduce((n, s) => n + s.cpuMs, 0)));
  row('  …peak RSS of the largest shard (MB)', Math.round(Math.max(...shards.map((s) => s.rssMb))));
  const merge = await banmian(['merge', '--issues', issues, '--out', path.join(dir, 'merged'), ...shardDirs], noBrowser);
  if (merge.status !== 0) throw new Error(`merge failed: ${merge.out.slice(-2000)}`);
  row('merge (s)', secs(merge.ms));
  row('  …merge CPU user+sys (s)', secs(merge.cpuMs));
  row('  …merge peak RSS (MB)', Math.round(merge.rssMb));
  row('4 shards + merge wall (s), beside the single build above', secs(shardsMs + merge.ms));
  const a = await digests(path.join(dir, 'dist'));
  const b = await digests(path.join(dir, 'merged'));
  const differing = [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k));
  row('merged dist/ byte-identical to the single build', differing.length ? `no: ${differing.length} file(s) differ, e.g. ${differing.slice(0, 3).join(', ')}` : `yes (${a.size} files)`);
  for (const d of shardDirs) await rm(d, { recursive: true, force: true });
  await rm(path.join(dir, 'merged'), { recursive: true, force: true });
}
