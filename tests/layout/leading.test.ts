/**
 * loosenBody (src/layout/leading.ts): the spare rows a short module's body takes as looser
 * leading, checked over random modules: the text always fits its columns at the new
 * leading, the leading stays within 1.2× the grid's, two spare rows stay with the header.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loosenBody, MAX_LOOSE } from '../../src/layout/leading.js';

const grid = { line: 13.5 };

describe('loosenBody', () => {
  it('opens the leading only as far as the text still fits, within the cap, leaving the header two rows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 30 }), fc.boolean(), (textLines, columns, spare, keepLine) => {
        const rows = Math.ceil(textLines / columns);
        const r = loosenBody(grid, textLines, columns, rows, spare, keepLine);
        expect(r.rows).toBeGreaterThanOrEqual(0);
        if (r.rows === 0) {
          expect(r.leading).toBe(grid.line);
          return;
        }
        expect(r.rows).toBeLessThanOrEqual(spare - 2);
        expect(r.leading).toBeGreaterThan(grid.line);
        expect(r.leading).toBeLessThanOrEqual(grid.line * MAX_LOOSE + 1e-9);
        // Lines a column holds at the new leading, in the body's new height.
        const perColumn = Math.floor(((rows + r.rows) * grid.line) / r.leading + 1e-9);
        expect(perColumn * columns).toBeGreaterThanOrEqual(textLines + (keepLine ? columns : 0));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives a module of 20 lines a column with 10 spare rows 4 of them, at 1.2× leading', () => {
    const r = loosenBody(grid, 40, 2, 20, 10, false);
    expect(r.rows).toBe(4);
    expect(r.leading).toBeCloseTo(13.5 * 1.2, 2);
  });

  it('leaves a module with two spare rows or fewer as it is (header spacing takes them)', () => {
    expect(loosenBody(grid, 40, 2, 20, 2, false)).toEqual({ rows: 0, leading: 13.5 });
  });
});
