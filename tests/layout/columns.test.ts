/** Dealing a module's text into its columns (src/layout/columns.ts): no blank line inside a column. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BodyBlock } from '../../src/ast/types.js';
import { type ColumnPart, splitColumns } from '../../src/layout/columns.js';

type Kind = BodyBlock['type'];
const input = (blocks: Array<[Kind, number]>, columns: number, rows: number, tail = 0) => ({
  parts: blocks.map((_b, i): ColumnPart => ({ block: i, fromLine: 0 })),
  counts: blocks.map((b) => b[1]),
  types: blocks.map((b) => b[0]),
  cuttable: blocks.map((b) => b[0] === 'paragraph'),
  columns,
  rows,
  tail,
});

/** Each column's depth in lines, from a split. */
function depths(blocks: Array<[Kind, number]>, split: { parts: ColumnPart[]; breaks: number[] }, tail = 0): number[] {
  const lines = (p: ColumnPart) => (p.toLine ?? blocks[p.block][1]) - p.fromLine;
  const starts = [0, ...split.breaks, split.parts.length];
  const out = starts.slice(0, -1).map((s, i) => split.parts.slice(s, starts[i + 1]).reduce((n, p) => n + lines(p), 0));
  out[out.length - 1] += tail;
  return out;
}

describe('splitColumns', () => {
  it('deals the text out so every column is as deep as the others or one line less, cutting paragraphs at lines', () => {
    const blocks: Array<[Kind, number]> = [['paragraph', 9], ['paragraph', 8], ['paragraph', 14], ['paragraph', 11]];
    // 42 lines in 4 columns of 12 rows: balanced columns 11, 11, 10, 10 (not 12, 12, 12, 6).
    const split = splitColumns(input(blocks, 4, 12))!;
    expect(depths(blocks, split)).toEqual([11, 11, 10, 10]);
    // Every line once, in order: a cut part picks up where the one before it ended.
    let at = { block: 0, line: 0 };
    for (const p of split.parts) {
      expect([p.block, p.fromLine]).toEqual([at.block, at.line]);
      at = p.toLine !== undefined && p.toLine < blocks[p.block][1] ? { block: p.block, line: p.toLine } : { block: p.block + 1, line: 0 };
    }
    expect(at.block).toBe(blocks.length);
  });

  it('never ends a column with a subhead: the column takes the first lines of its section', () => {
    const blocks: Array<[Kind, number]> = [['paragraph', 9], ['paragraph', 8], ['subhead', 4], ['paragraph', 14], ['paragraph', 11]];
    const split = splitColumns(input(blocks, 3, 22))!;
    const starts = [0, ...split.breaks];
    for (const b of split.breaks) expect(blocks[split.parts[b - 1].block][0], `part before column break ${b}`).not.toBe('subhead');
    expect(starts.length).toBe(3);
    for (const d of depths(blocks, split)) expect(d).toBeLessThanOrEqual(22);
  });

  it('gives up (the planner then falls back to blank lines) when whole blocks cannot be dealt out', () => {
    // Briefs are not cut: 7 + 7 + 6 lines cannot go into 8 columns of 3 rows.
    expect(splitColumns(input([['brief', 7], ['brief', 7], ['brief', 6]], 8, 3))).toBeUndefined();
    // More text than room.
    expect(splitColumns(input([['paragraph', 30]], 2, 10))).toBeUndefined();
  });

  it('keeps every column within its rows and the text whole and in order (property)', () => {
    const kind = fc.constantFrom<Kind>('paragraph', 'paragraph', 'paragraph', 'subhead', 'brief');
    fc.assert(
      fc.property(fc.array(fc.tuple(kind, fc.integer({ min: 1, max: 16 })), { minLength: 1, maxLength: 12 }), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 1 }), (blocks, w, spare, tail) => {
        const total = blocks.reduce((s, b) => s + b[1], 0) + tail;
        const rows = Math.ceil(total / w) + spare;
        const split = splitColumns(input(blocks, w, rows, tail));
        if (!split) return;
        const d = depths(blocks, split, tail);
        expect(d.length).toBeLessThanOrEqual(w);
        for (const x of d) expect(x).toBeLessThanOrEqual(rows);
        expect(d.reduce((s, x) => s + x, 0)).toBe(total);
        let at = { block: 0, line: 0 };
        for (const p of split.parts) {
          expect([p.block, p.fromLine]).toEqual([at.block, at.line]);
          if (p.toLine !== undefined) expect(blocks[p.block][0]).toBe('paragraph');
          at = p.toLine !== undefined && p.toLine < blocks[p.block][1] ? { block: p.block, line: p.toLine } : { block: p.block + 1, line: 0 };
        }
        expect(at.block).toBe(blocks.length);
        // A column never ends with a subhead that has text after it.
        for (const b of split.breaks) expect(blocks[split.parts[b - 1].block][0]).not.toBe('subhead');
      }),
      { numRuns: 300, seed: 20261129 },
    );
  });
});
