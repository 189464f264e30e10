/**
 * The packer (src/layout/pack.ts) on long pages: the sample issue's page 1 as the print
 * build measured it (tests/reliability/fixtures/sample-pack.json: its articles' block
 * heights, headers and photos in grid lines, recorded from one real measure in Chromium),
 * repeated 1×, 4×, 16× and 64× as one page, as the middle page of an issue (text that
 * does not fit moves on) and as the last page (it is overset). Prints the time per page
 * (median of BENCH_ROUNDS, default 5) and its ratio to the 1× page next to the linear
 * bound (the repeat count): a bounded packer stays under it.
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
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
  const out: Record<string, number | string> = {};
  for (const lastPage of [false, true]) {
    let base = 0;
    for (const n of [1, 4, 16, 64]) {
      const input = repeatPage(page, n, lastPage);
      const times: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const t = performance.now();
        packPage(input);
        times.push(performance.now() - t);
      }
      const ms = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
      if (n === 1) base = ms;
      const blocks = input.articles.reduce((s, a) => s + a.blockLines.length, 0);
      const label = `${lastPage ? 'last' : 'middle'} page ${n}× (${input.articles.length} articles, ${blocks} blocks)`;
      out[`${label}: ms per page`] = ms;
      out[`${label}: × the 1× page (linear bound ${n})`] = ms / base;
      out[`${label}: articles searched`] = candidates(input).take.length;
    }
  }
  return out;
}
