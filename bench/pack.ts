/**
 * The packer (src/layout/pack.ts) on long pages: the sample issue's page 1 as the print
 * build measured it (tests/reliability/fixtures/sample-pack.json: its articles' block
 * heights, headers and photos in grid lines, recorded from one real measure in Chromium),
 * repeated 1×, 4×, 16× and 64× as one page, as the middle page of an issue (text that
 * does not fit moves on) and as the last page (it is overset). Prints the CPU time per
 * page (best of BENCH_ROUNDS, default 15) and its ratio to the 1× page next to the
 * linear bound (the repeat count): a bounded packer stays under it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type ArticleMeasure, candidates, type PackInput, packPage } from '../src/layout/pack.js';

const FIXTURE = path.resolve(import.meta.dirname, '../tests/reliability/fixtures/sample-pack.json');

/** The sample's page 1 as packPage saw it. */
export function samplePage(): PackInput {
  const { records } = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { records: Array<{ input: PackInput }> };
  return records[0].input;
}

/** The page's articles `n` times over, as a page text repeated n times parses: one lead, fresh ids. */
export function repeatPage(page: PackInput, n: number, lastPage = false): PackInput {
  const articles: ArticleMeasure[] = [];
  for (let r = 0; r < n; r++) for (const a of page.articles) articles.push({ ...a, id: `${a.id}~${r}`, lead: a.lead && r === 0, blockLines: [...a.blockLines] });
  return { ...page, articles, lastPage };
}

export async function benchPack(): Promise<Record<string, number | string>> {
  const page = samplePage();
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 15));
  const sizes = [1, 4, 16, 64];
  const inputs = [false, true].flatMap((lastPage) => sizes.map((n) => ({ n, lastPage, input: repeatPage(page, n, lastPage) })));
  // Warm up the JIT on every size first, so that the 1× page is not timed cold.
  for (const { input } of inputs) packPage(input);
  // CPU time of this process (other work on a shared machine barely moves it), the
  // sizes taking turns in every round, the best round reported.
  const best = inputs.map(() => Infinity);
  for (let r = 0; r < rounds; r++) {
    inputs.forEach(({ input }, i) => {
      const t = process.cpuUsage();
      packPage(input);
      const d = process.cpuUsage(t);
      best[i] = Math.min(best[i], (d.user + d.system) / 1000);
    });
  }
  const out: Record<string, number | string> = { rounds };
  inputs.forEach(({ n, lastPage, input }, i) => {
    const base = best[inputs.findIndex((x) => x.lastPage === lastPage && x.n === 1)];
    const blocks = input.articles.reduce((s, a) => s + a.blockLines.length, 0);
    const label = `${lastPage ? 'last' : 'middle'} page ${n}× (${input.articles.length} articles, ${blocks} blocks, ${candidates(input).take.length} searched)`;
    out[`${label}: cpu ms per page`] = best[i];
    out[`${label}: × the 1× page (linear: ≤ ${n})`] = best[i] / base;
  });
  return out;
}
