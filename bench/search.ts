/**
 * Search index at archive scale: a synthetic folder of search sources (1,000 issues of 56
 * articles by default, `BANMIAN_BENCH_SEARCH_ISSUES=N`), the whole index built from
 * nothing in a child process of its own (so its peak RSS is the index build's, not the
 * bench's), against a floor in the same run: a child that only reads and JSON.parses the
 * same sources. Then one issue of the newest month changed and the index built again in
 * the same process (the dev server's path), and what the first query reads.
 *
 * `npm run bench -- search` or `node --import tsx bench/search.ts`.
 * `BANMIAN_BENCH_SEARCH_PEER=/path/to/search.ts` also builds the same sources, from
 * nothing, with another copy of src/web/search.ts (e.g. main's: a before/after in one run).
 *
 * The texts: paragraphs of the sample issue's page files and of the corpus pages (when
 * present), dealt in turn to the articles, plus per article a made-up name of six
 * characters (so the vocabulary grows with the archive as names and places do).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const ROOT = path.resolve(import.meta.dirname, '..');
const SOURCE_DIR = 'search/source';
const INDEX_DIR = 'search-index';
const ARTICLES = 56;
const PAGES = 8;

/** Paragraphs with Han characters from the sample issue and the corpus, markup stripped. */
async function textPool(): Promise<string[]> {
  const files: string[] = [];
  const sample = path.join(ROOT, 'issues', '2026-11-20');
  for (const f of (await readdir(sample)).filter((n) => /\.(md|txt)$/.test(n)).sort()) files.push(path.join(sample, f));
  const corpus = process.env.BANMIAN_CORPUS ?? path.resolve(ROOT, '..', 'shared', 'corpus');
  if (existsSync(corpus)) for (const f of (await readdir(corpus)).filter((n) => n.endsWith('.txt')).sort()) files.push(path.join(corpus, f));
  const pool: string[] = [];
  for (const f of files) {
    for (const line of (await readFile(f, 'utf8')).split('\n')) {
      const text = line.replace(/^\s*(\[[^\]]*\]|#+|>|-)\s*/, '').trim();
      if (/\p{Script=Han}/u.test(text) && text.length >= 8) pool.push(text);
    }
  }
  return pool;
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes `<dir>/search/source/<date>.json` for `count` daily issues ending 2026-11-20. */
export async function synthesizeSearchSources(dir: string, count: number): Promise<{ articles: number; bytes: number }> {
  const pool = await textPool();
  const rnd = random(20261120);
  const sourceDir = path.join(dir, SOURCE_DIR);
  await mkdir(sourceDir, { recursive: true });
  let next = 0;
  let articles = 0;
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const date = new Date(Date.UTC(2026, 10, 20) - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10);
    const docs = [];
    for (let a = 0; a < ARTICLES; a++) {
      const page = Math.floor((a * PAGES) / ARTICLES) + 1;
      const paras: string[] = [];
      let len = 0;
      while (len < 700) {
        const p = pool[next++ % pool.length];
        paras.push(p);
        len += p.length;
      }
      let name = '';
      for (let k = 0; k < 6; k++) name += String.fromCodePoint(0x4e00 + Math.floor(rnd() * 0x51a5));
      paras.push(`记者${name}报道。第${i + 1}期`);
      docs.push({ page, name: `第${page}版`, url: `${date}/${String(page).padStart(2, '0')}/a${a}/`, title: paras[0].slice(0, 24), text: paras.join('\n') });
      articles++;
    }
    const json = JSON.stringify({ id: date, date, docs });
    bytes += Buffer.byteLength(json);
    await writeFile(path.join(sourceDir, `${date}.json`), json);
  }
  return { articles, bytes };
}

interface ChildResult {
  ms: number;
  cpuMs: number;
  maxRssMb: number;
  [key: string]: unknown;
}

/** Runs this file as a child in `mode` over `dir`; it prints one JSON line. */
async function child(mode: 'floor' | 'build' | 'rebuild', dir: string, module?: string): Promise<ChildResult> {
  const args = [path.join(ROOT, 'bench', 'search.ts'), '--child', mode, dir, module ?? path.join(ROOT, 'src', 'web', 'search.ts')];
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, maxBuffer: 16 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;
}

async function runChild(mode: string, dir: string, mod: string): Promise<void> {
  const search = (await import(pathToFileURL(mod).href)) as typeof import('../src/web/search.js');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const extra: Record<string, unknown> = {};
  if (mode === 'floor') {
    // Read and parse every source, as any index build must, and nothing else.
    const sourceDir = path.join(dir, SOURCE_DIR);
    let docs = 0;
    for (const f of (await readdir(sourceDir)).sort()) docs += (JSON.parse(await readFile(path.join(sourceDir, f), 'utf8')) as { docs: unknown[] }).docs.length;
    extra.docs = docs;
  } else {
    // The peer writes beside the sources' folder, so both build from nothing.
    const built = await search.buildSearchIndex(dir, mode === 'build' ? path.join(dir, 'peer') : dir);
    const cpuBuilt = process.cpuUsage(cpu0);
    Object.assign(extra, built, {
      buildMs: performance.now() - t0,
      buildCpuMs: (cpuBuilt.user + cpuBuilt.system) / 1000,
      buildMaxRssMb: process.resourceUsage().maxRSS / 1024,
    });
    if (mode === 'rebuild') {
      // One issue of the newest month changed, built again in this process (the dev server's path).
      const sourceDir = path.join(dir, SOURCE_DIR);
      const last = (await readdir(sourceDir)).sort().at(-1)!;
      const file = path.join(sourceDir, last);
      const source = JSON.parse(await readFile(file, 'utf8')) as { docs: Array<{ text: string }> };
      source.docs[0].text += '\n本段为基准测试追加的文字。';
      await writeFile(file, JSON.stringify(source));
      const again = await search.buildSearchIndex(dir);
      extra.againMs = again.ms;
      extra.againTokenised = again.tokenised;
      extra.againMerged = again.segmentsMerged;
      extra.againWritten = again.filesWritten;
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const result: ChildResult = {
    ms: performance.now() - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    ...extra,
  };
  console.log(JSON.stringify(result));
}

/** Bytes a first query reads before any shard: the manifest and whatever it points to first. */
async function firstQueryBytes(dir: string): Promise<number> {
  return (await stat(path.join(dir, INDEX_DIR, 'manifest.json'))).size;
}

export async function benchSearch(): Promise<Record<string, number | string>> {
  const count = Number(process.env.BANMIAN_BENCH_SEARCH_ISSUES ?? 1000);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-bench-search-'));
  try {
    const synth = await synthesizeSearchSources(tmp, count);
    const floor = await child('floor', tmp);
    const peerModule = process.env.BANMIAN_BENCH_SEARCH_PEER;
    const peer = peerModule ? await child('build', tmp, peerModule) : undefined;
    const build = await child('rebuild', tmp);
    const manifestBytes = await firstQueryBytes(tmp);
    const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
    const f = (r: ChildResult) => `${(r.ms / 1000).toFixed(1)} s wall, ${(r.cpuMs / 1000).toFixed(1)} s CPU, ${Math.round(r.maxRssMb)} MB peak RSS`;
    // The whole build's own numbers (taken before the one-issue rebuild in the same child).
    const whole: ChildResult = { ms: build.buildMs as number, cpuMs: build.buildCpuMs as number, maxRssMb: build.buildMaxRssMb as number };
    return {
      'search sources: issues, articles, MB': `${count}, ${synth.articles}, ${(synth.bytes / 1e6).toFixed(1)}`,
      'floor: read + JSON.parse every source': f(floor),
      'whole index from nothing': f(whole),
      ...(peer ? { [`…same with ${path.relative(ROOT, peerModule!)}`]: `${f({ ms: peer.buildMs as number, cpuMs: peer.buildCpuMs as number, maxRssMb: peer.buildMaxRssMb as number })}; ${peer.shards} shards, ${((peer.bytes as number) / 1e6).toFixed(1)} MB, manifest ${((peer.manifestBytes as number) / 1000).toFixed(1)} KB` } : {}),
      'index: segments, shards, MB': `${build.segments}, ${build.shards}, ${((build.bytes as number) / 1e6).toFixed(1)}`,
      'index ÷ floor: wall, CPU': `${(whole.ms / floor.ms).toFixed(1)}×, ${(whole.cpuMs / floor.cpuMs).toFixed(1)}×`,
      'manifest (KB, read before any shard)': (manifestBytes / 1000).toFixed(1),
      'one issue changed, same process (ms)': Math.round(build.againMs as number),
      '…issues tokenised, segments merged, files written': `${build.againTokenised}, ${build.againMerged}, ${build.againWritten}`,
      'load average at the end': load,
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  await runChild(process.argv[3], process.argv[4], process.argv[5]);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await benchSearch();
  for (const [key, value] of Object.entries(results)) console.log(`${key.padEnd(44)} ${value}`);
}
