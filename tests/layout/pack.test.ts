/** The packer, without a browser: modules tile the grid, never overlap, and lose no block. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BodyBlock } from '../../src/ast/types.js';
import { columnGaps } from '../../src/layout/gaps.js';
import { type ArticleMeasure, packPage } from '../../src/layout/pack.js';

const article = (id: string, lead: boolean) =>
  fc.record({
    blockLines: fc.array(fc.integer({ min: 1, max: 14 }), { minLength: 1, maxLength: 24 }),
    header: fc.array(fc.integer({ min: 2, max: 8 }), { minLength: 9, maxLength: 9 }),
    photo: fc.integer({ min: 0, max: 20 }),
  }).map((r): ArticleMeasure => ({ id, lead, blockLines: r.blockLines, header: r.header, figures: r.header.map((_, w) => (w === 0 ? 0 : r.photo ? Math.ceil((r.photo * w) / 4) : 0)) }));

const page = fc.integer({ min: 1, max: 8 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => article(`a${i + 1}`, i === 0))));

describe('packPage', () => {
  it('tiles the whole grid with modules that do not overlap, and places or carries every block', () => {
    fc.assert(
      fc.property(page, fc.constantFrom(98, 84), (articles, lines) => {
        const plan = packPage({ columns: 8, lines, articles });
        const cells = new Uint8Array(8 * lines);
        for (const m of plan.modules) {
          expect(m.column + m.columns).toBeLessThanOrEqual(8);
          expect(m.line + m.lines).toBeLessThanOrEqual(lines);
          for (let c = m.column; c < m.column + m.columns; c++) for (let l = m.line; l < m.line + m.lines; l++) cells[l * 8 + c]++;
        }
        expect([...cells].every((x) => x === 1)).toBe(true);
        for (const a of articles) {
          const placed = plan.modules.find((m) => m.id === a.id);
          const carried = plan.overflow.find((o) => o.id === a.id);
          // Every block is either set here or carried to a later page, exactly once.
          expect((placed?.blocks ?? 0) + (carried ? a.blockLines.length - carried.from : 0)).toBe(a.blockLines.length);
          if (placed && carried) expect(placed.jumps).toBe(true);
        }
      }),
      { numRuns: 300, seed: 20261122 },
    );
  });

  it('puts the lead article on top, across the main area', () => {
    const articles: ArticleMeasure[] = ['a1', 'a2', 'a3', 'a4'].map((id, i) => ({ id, lead: i === 0, blockLines: Array(20).fill(6), header: Array(9).fill(4), figures: Array(9).fill(0) }));
    const plan = packPage({ columns: 8, lines: 98, articles });
    const lead = plan.modules.find((m) => m.id === 'a1')!;
    expect(lead.line).toBe(0);
    expect(lead.columns).toBeGreaterThanOrEqual(5);
    expect(plan.overflow).toEqual([]);
  });

  it('is deterministic', () => {
    const articles: ArticleMeasure[] = ['a1', 'a2', 'a3'].map((id, i) => ({ id, lead: i === 0, blockLines: Array(30).fill(5 + i), header: Array(9).fill(5), figures: Array(9).fill(0) }));
    expect(packPage({ columns: 8, lines: 98, articles })).toEqual(packPage({ columns: 8, lines: 98, articles }));
  });
});

describe('packPage on a page with more text than room', () => {
  // Eight articles of long paragraphs: far more than one page holds.
  const long = (id: string, lead: boolean): ArticleMeasure => ({
    id,
    lead,
    blockLines: Array(12).fill(9),
    header: Array(9).fill(4),
    figures: Array(9).fill(0),
    splittable: Array(12).fill(true),
  });
  const articles = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((id, i) => long(id, i === 0));
  const plan = packPage({ columns: 8, lines: 98, articles });

  it('cuts a jumping article inside a paragraph so that its columns end full', () => {
    const jumping = plan.modules.filter((m) => m.jumps);
    expect(jumping.length).toBeGreaterThan(0);
    for (const m of jumping) {
      const a = articles.find((x) => x.id === m.id)!;
      const body = a.blockLines.slice(0, m.blocks).reduce((s, x) => s + x, 0) + m.partLines + 1;
      const bodyRows = m.lines - (m.ruleBelow ? 1 : 0) - a.header[m.columns];
      // Every column of the module is full: the text (with its jump line) fills all rows.
      expect(body).toBe(bodyRows * m.columns);
      const carried = plan.overflow.find((o) => o.id === m.id)!;
      expect(carried.from).toBe(m.blocks);
      expect(carried.fromLine).toBe(m.partLines);
    }
  });

  it('leaves no spare space: every stack is full', () => {
    expect(plan.spare).toBe(0);
  });

  it('on the last page it keeps overflow to the least instead (there the text would be overset)', () => {
    const left = (p: typeof plan) =>
      p.overflow.reduce((s, o) => s + articles.find((a) => a.id === o.id)!.blockLines.slice(o.from).reduce((x, y) => x + y, 0) - o.fromLine, 0);
    const last = packPage({ columns: 8, lines: 98, articles, lastPage: true });
    expect(left(last)).toBeLessThanOrEqual(left(plan));
  });
});

describe('columnGaps', () => {
  const p = (cut = false): BodyBlock => ({ type: 'paragraph', children: [], ...(cut ? { data: { cutStart: true } } : {}) }) as BodyBlock;
  const sub: BodyBlock = { type: 'subhead', children: [] };
  const q = { type: 'question', speaker: '记者', children: [] } as BodyBlock;

  it('leaves a column one line short alone', () => {
    expect(columnGaps([p(), p(), p()], 1)).toEqual([]);
  });
  it('spreads the short lines before subheads first, then interview turns, then paragraph ends', () => {
    const blocks = [p(), p(), sub, p(), q, p(), p(), p(), p()];
    expect(columnGaps(blocks, 2)).toEqual([2, 4]);
    const three = columnGaps(blocks, 3);
    expect(three).toHaveLength(3);
    expect(three).toEqual(expect.arrayContaining([2, 4]));
  });
  it('never before the first block or a continued paragraph, and never more gaps than places', () => {
    expect(columnGaps([p(), p(true), p()], 5)).toEqual([2]);
  });
});

describe('packPage on full pages (random)', () => {
  const long = (id: string, lead: boolean) =>
    fc
      .record({
        blockLines: fc.array(fc.integer({ min: 2, max: 14 }), { minLength: 10, maxLength: 40 }),
        header: fc.array(fc.integer({ min: 2, max: 8 }), { minLength: 9, maxLength: 9 }),
      })
      .map((r): ArticleMeasure => ({ id, lead, blockLines: r.blockLines, header: r.header, figures: Array(9).fill(0), splittable: r.blockLines.map(() => true) }));
  const fullPage = fc.integer({ min: 4, max: 9 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => long(`a${i + 1}`, i === 0))));

  it('every article that jumps keeps at least 4 rows of text on its page (no stubs), and its columns end full', () => {
    let jumps = 0;
    fc.assert(
      fc.property(fullPage, (articles) => {
        const plan = packPage({ columns: 8, lines: 98, articles });
        for (const m of plan.modules.filter((x) => x.jumps)) {
          jumps++;
          const a = articles.find((x) => x.id === m.id)!;
          const rows = m.lines - (m.ruleBelow ? 1 : 0) - a.header[m.columns];
          expect(rows).toBeGreaterThanOrEqual(4);
          const lines = a.blockLines.slice(0, m.blocks).reduce((s, x) => s + x, 0) + m.partLines + 1;
          // Cut at a line: the text fills its rows in every column but, at most, the last.
          expect(lines).toBeGreaterThan((rows - 1) * m.columns);
        }
      }),
      { numRuns: 120, seed: 20261125 },
    );
    expect(jumps).toBeGreaterThan(100);
  });
});
