/**
 * Parse throughput: the three corpus pages repeated to ~5 MB, parsed by Banmian's parser
 * and, in the same run, by bare remark-parse (the floor). The parser runs remark-parse
 * itself, so the ratio is what structure inference, repair and normalisation add.
 * Also a 20 MB page, to show time and memory stay linear.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { parsePage } from '../src/parse/index.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
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

/** Best of `runs` timings in ms (the least disturbed by the other core's work). */
function best(runs: number, fn: () => void): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

export async function benchParse(): Promise<Record<string, number | string>> {
  const text = corpusText(5 * 1024 * 1024);
  const mb = Buffer.byteLength(text) / (1024 * 1024);
  const remark = unified().use(remarkParse);
  // Warm up both (JIT) on one page first.
  parsePage(text.slice(0, 20000), { file: 'warmup.txt' });
  remark.parse(text.slice(0, 20000));
  const remarkMs = best(3, () => void remark.parse(text));
  const banmianMs = best(3, () => void parsePage(text, { file: 'bench.txt' }));

  // 20 MB: linear time and bounded memory (peak RSS growth vs input size).
  const big = corpusText(20 * 1024 * 1024);
  const bigMb = Buffer.byteLength(big) / (1024 * 1024);
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t = performance.now();
  const { page } = parsePage(big, { file: 'big.txt' });
  const bigMs = performance.now() - t;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);

  return {
    'input (MB)': mb,
    'remark-parse (MB/s)': mb / (remarkMs / 1000),
    'banmian parsePage (MB/s)': mb / (banmianMs / 1000),
    'ratio banmian / remark-parse (time)': banmianMs / remarkMs,
    'target ratio': '≤ 2',
    '20 MB page (MB)': bigMb,
    '20 MB page parse (s)': bigMs / 1000,
    '20 MB page (MB/s)': bigMb / (bigMs / 1000),
    '20 MB page articles': page.children.filter((c) => c.type === 'article').length,
    '20 MB page RSS growth (MB, sampled)': (peak - rssBefore) / (1024 * 1024),
  };
}
