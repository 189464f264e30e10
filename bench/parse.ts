/**
 * Parse throughput (CPU time, best of 3, taking turns): the three corpus pages repeated to ~5 MB, parsed by Banmian's parser
 * and, in the same run, by bare remark-parse (the floor). The parser runs remark-parse
 * itself, so the ratio is what structure inference, repair and normalisation add.
 * Long pages go to remark-parse in pieces (bounded memory), so the floor is also given
 * for the same pieces. Also a 20 MB page in a fresh process: time and peak memory.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { markdownChunks } from '../src/parse/blocks.js';
import { parsePage } from '../src/parse/index.js';

const ROOT = path.resolve(import.meta.dirname, '..');
// ../shared/corpus beside the project, or where BANMIAN_CORPUS points
const CORPUS = process.env.BANMIAN_CORPUS ? path.resolve(process.env.BANMIAN_CORPUS) : path.resolve(ROOT, '../shared/corpus');
const FILES = ['000_4c27dc6f5b443fbc.txt', '002_6d4dff7fc7251387.txt', '004_bb79a988b909a362.txt'];

function corpusText(targetBytes: number): string {
  const pages = FILES.map((f) => readFileSync(path.join(CORPUS, f), 'utf8'));
  const parts: string[] = [];
  let bytes = 0;
  for (let i = 0; bytes < targetBytes; i++) {
    const p = pages[i % pages.length];
    parts.push(p);
    bytes += Buffer.byteLength(p);
  }
  return parts.join('\n\n');
}

/** CPU milliseconds (user + system, all threads) of one call: steadier than wall time on a shared machine. */
function cpuMs(fn: () => void): number {
  const c = process.cpuUsage();
  fn();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
}

/** Best of `runs` CPU timings of each function, the functions taking turns (no order bias from heap growth). */
function bestEach(runs: number, fns: Array<() => void>): number[] {
  const min = fns.map(() => Infinity);
  for (let i = 0; i < runs; i++) fns.forEach((fn, k) => (min[k] = Math.min(min[k], cpuMs(fn))));
  return min;
}

/** The 20 MB page, run in a fresh process so that its peak RSS is its own (`maxRSS` is per process). */
function bigPage(): Record<string, number> {
  const big = corpusText(20 * 1024 * 1024);
  const rssBefore = process.resourceUsage().maxRSS / 1024;
  let page!: ReturnType<typeof parsePage>['page'];
  const ms = cpuMs(() => void ({ page } = parsePage(big, { file: 'big.txt' })));
  return {
    mb: Buffer.byteLength(big) / (1024 * 1024),
    s: ms / 1000,
    articles: page.children.filter((c) => c.type === 'article').length,
    peakGrowthMb: process.resourceUsage().maxRSS / 1024 - rssBefore,
  };
}

if (process.env.BANMIAN_BENCH_BIG_PAGE) {
  process.stdout.write(JSON.stringify(bigPage()));
}

export async function benchParse(): Promise<Record<string, number | string>> {
  const text = corpusText(5 * 1024 * 1024);
  const mb = Buffer.byteLength(text) / (1024 * 1024);
  const remark = unified().use(remarkParse);
  // Warm up both (JIT) on one page first.
  parsePage(text.slice(0, 20000), { file: 'warmup.txt' });
  remark.parse(text.slice(0, 20000));
  // The parser feeds remark-parse pieces of a long page (bounded memory); the same pieces, bare:
  const pieces = markdownChunks(text);
  const [remarkMs, remarkPiecesMs, banmianMs] = bestEach(3, [
    () => void remark.parse(text),
    () => {
      for (const [a, b] of pieces) remark.parse(text.slice(a, b));
    },
    () => void parsePage(text, { file: 'bench.txt' }),
  ]);

  // 20 MB: linear time and bounded memory (peak RSS growth of a fresh process).
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, BANMIAN_BENCH_BIG_PAGE: '1' },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`20 MB page run failed: ${child.stderr}`);
  const big = JSON.parse(child.stdout) as Record<string, number>;

  return {
    'input (MB)': mb,
    'remark-parse, whole text (MB/s)': mb / (remarkMs / 1000),
    'remark-parse, same pieces (MB/s)': mb / (remarkPiecesMs / 1000),
    'banmian parsePage (MB/s)': mb / (banmianMs / 1000),
    'ratio banmian / remark-parse whole (time)': banmianMs / remarkMs,
    'ratio banmian / remark-parse pieces (time)': banmianMs / remarkPiecesMs,
    'target ratio': '≤ 2',
    '20 MB page (MB)': big.mb,
    '20 MB page parse (CPU s)': big.s,
    '20 MB page (MB/s)': big.mb / big.s,
    '20 MB page articles': big.articles,
    '20 MB page peak RSS growth (MB)': big.peakGrowthMb,
  };
}
