/**
 * Issue 10, case 2: a long page must not hang the packer. The sample issue's measured
 * pages (tests/reliability/fixtures/sample-pack.json, recorded from the print build)
 * keep their recorded plans (first made by the exhaustive search; re-recorded when issue 13
 * changed the packing rules: a ruled line under the lead, a cost for spare cells); the sample's page 1 repeated 65 times (and
 * one article 65 times as long) is packed in bounded time, with every block placed or
 * carried exactly once.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ArticleMeasure, candidates, MAX_ARTICLES, type PackInput, type PagePlan, packPage } from '../../src/layout/pack.js';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'sample-pack.json');
const records = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { records: Array<{ input: PackInput; plan: PagePlan }> }).records;
const page1 = records[0].input;

function repeat(page: PackInput, n: number, lastPage: boolean): PackInput {
  const articles: ArticleMeasure[] = [];
  for (let r = 0; r < n; r++) for (const a of page.articles) articles.push({ ...a, id: `${a.id}~${r}`, lead: a.lead && r === 0 });
  return { ...page, articles, lastPage };
}

/** Modules tile the grid without overlap; each block is set here or carried, exactly once. */
function checkPlan(input: PackInput, plan: PagePlan): void {
  const { columns: C, lines: R } = input;
  const cells = new Uint8Array(C * R);
  for (const m of plan.modules) {
    expect(m.column + m.columns).toBeLessThanOrEqual(C);
    expect(m.line + m.lines).toBeLessThanOrEqual(R);
    for (let c = m.column; c < m.column + m.columns; c++) for (let l = m.line; l < m.line + m.lines; l++) cells[l * C + c]++;
  }
  expect([...cells].every((x) => x === 1)).toBe(true);
  const ids = new Set<string>();
  for (const o of plan.overflow) {
    expect(ids.has(o.id)).toBe(false);
    ids.add(o.id);
  }
  for (const a of input.articles) {
    const placed = plan.modules.find((m) => m.id === a.id);
    const carried = plan.overflow.find((o) => o.id === a.id);
    expect(placed || carried).toBeTruthy();
    expect((placed?.blocks ?? 0) + (carried ? a.blockLines.length - carried.from : 0)).toBe(a.blockLines.length);
  }
}

describe('packer on real and long pages', () => {
  it('keeps the recorded plans of the sample issue’s measured pages', () => {
    expect(records.length).toBe(8);
    for (const r of records) expect(packPage(r.input)).toEqual(r.plan);
  });

  for (const lastPage of [false, true]) {
    it(`packs the sample page repeated 65 times (${lastPage ? 'last page' : 'a page with later pages'}) in bounded time`, () => {
      const input = repeat(page1, 65, lastPage);
      const t = performance.now();
      const plan = packPage(input);
      const ms = performance.now() - t;
      // The old search took over 20 minutes here; bounded, it takes well under a second (generous for a busy machine).
      expect(ms).toBeLessThan(15_000);
      checkPlan(input, plan);
      expect(plan.modules.length).toBeGreaterThan(3);
      // The search looked at no more than MAX_ARTICLES; the rest moves on whole, in reading order.
      const { take, later } = candidates(input);
      expect(take.length).toBeLessThanOrEqual(MAX_ARTICLES);
      expect(later.length).toBe(input.articles.length - take.length);
      const tail = plan.overflow.slice(-later.length).map((o) => o.id);
      expect(tail).toEqual(later.map((a) => a.id));
    });
  }

  it('packs one article 65 times as long (thousands of blocks) in bounded time, cut so its columns end full', () => {
    const lead = page1.articles.find((a) => a.lead)!;
    const blockLines = Array.from({ length: 65 }, () => lead.blockLines).flat();
    const input: PackInput = { ...page1, articles: [{ ...lead, blockLines, splittable: blockLines.map(() => true) }, ...page1.articles.filter((a) => a !== lead)] };
    const t = performance.now();
    const plan = packPage(input);
    expect(performance.now() - t).toBeLessThan(15_000);
    checkPlan(input, plan);
    const m = plan.modules.find((x) => x.id === lead.id)!;
    expect(m.jumps).toBe(true);
  });

  it('the work does not grow with the page past the search cap: 64× costs about what 16× does', () => {
    const time = (n: number) => {
      const input = repeat(page1, n, true);
      packPage(input);
      const t = performance.now();
      for (let i = 0; i < 3; i++) packPage(input);
      return (performance.now() - t) / 3;
    };
    time(16);
    const t16 = time(16);
    const t64 = time(64);
    // Linear would be 4×; the capped search is about flat. Generous for a busy machine.
    expect(t64).toBeLessThan(t16 * 4 + 50);
  });
});
