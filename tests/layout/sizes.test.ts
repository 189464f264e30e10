/** Headline steps and photo sizes (src/layout/headline.ts, photos.ts), from the policy. */
import { describe, expect, it } from 'vitest';
import { headlineSizes, headlineStep, minModuleColumns } from '../../src/layout/headline.js';
import { figureLines } from '../../src/layout/photos.js';
import { DEFAULT_POLICY } from '../../src/layout/policy.js';
import { articleKey, isContinuation, pieceDomId } from '../../src/layout/pieces.js';

const grid = { lines: 98, line: 13.5, columnW: 117, gutter: 9 };

describe('headlineSizes', () => {
  it('grows with the width inside its rank band, in the policy steps, rounded to half points', () => {
    expect(headlineSizes(DEFAULT_POLICY, 'ordinary', false, 2)).toEqual([15, 17.5, 20.5, 21.5, 21.5]);
    expect(headlineSizes(DEFAULT_POLICY, 'lead', true, 8)[0]).toBe(48);
    for (const s of headlineSizes(DEFAULT_POLICY, 'lead', true, 8)) expect(s).toBeLessThanOrEqual(60);
    const bigger = { ...DEFAULT_POLICY, headline: { ...DEFAULT_POLICY.headline, steps: [1, 2] } };
    expect(headlineSizes(bigger, 'ordinary', false, 2)).toEqual([15, 21.5]);
  });

  it('keeps the rank bands apart at every width: front lead > page lead > second > ordinary > brief', () => {
    const order = [(w: number) => headlineSizes(DEFAULT_POLICY, 'lead', true, w), ...(['lead', 'second', 'ordinary', 'brief'] as const).map((r) => (w: number) => headlineSizes(DEFAULT_POLICY, r, false, w))];
    for (let k = 0; k + 1 < order.length; k++) {
      for (let w = 1; w <= 8; w++) for (let v = 1; v <= 8; v++) expect(Math.min(...order[k](w))).toBeGreaterThan(Math.max(...order[k + 1](v)));
    }
    expect(Math.max(...DEFAULT_POLICY.headline.continuation)).toBeLessThan(Math.min(...headlineSizes(DEFAULT_POLICY, 'brief', false, 1)));
  });

  it('takes the biggest measured step that fits the spare rows', () => {
    expect(headlineStep([4, 4, 5, 6, 7], 0)).toBe(1);
    expect(headlineStep([4, 4, 5, 6, 7], 2)).toBe(3);
    expect(headlineStep([4, null, 6], 1)).toBe(0);
    expect(headlineStep([4], 9)).toBe(0);
  });

  it('never makes a module narrower than the policy allows, nor wider than the grid', () => {
    expect(minModuleColumns(DEFAULT_POLICY, 8)).toBe(2);
    expect(minModuleColumns(DEFAULT_POLICY, 1)).toBe(1);
  });
});

describe('figureLines', () => {
  it('caps a photo at the policy share of the grid and fills its snapped lines exactly', () => {
    const tall = figureLines(grid, DEFAULT_POLICY, [0.5], [27], 4);
    expect(tall.heights[0]).toBeLessThanOrEqual(98 * 13.5 * 0.36 + 13.5);
    expect(tall.heights[0] + 27 + DEFAULT_POLICY.photoPadPt).toBeCloseTo(tall.lines * 13.5, 9);
    const wide = figureLines(grid, DEFAULT_POLICY, [2], [13.5], 4);
    expect(wide.lines).toBe(Math.ceil((495 / 2 + 13.5 + 3) / 13.5));
  });

  it('lets a cropped photo grow back toward its natural height with spare lines', () => {
    const base = figureLines(grid, DEFAULT_POLICY, [0.5], [27], 4);
    const grown = figureLines(grid, DEFAULT_POLICY, [0.5], [27], 4, 5);
    expect(grown.lines).toBe(base.lines + 5);
    expect(figureLines(grid, DEFAULT_POLICY, [], [], 4)).toEqual({ lines: 0, heights: [] });
  });
});

describe('piece references', () => {
  it('name a module in the document and tell a continuation', () => {
    expect(pieceDomId({ page: 1, article: 'a-2', from: 0, fromLine: 0 })).toBe('1-a-2');
    expect(pieceDomId({ page: 1, article: 'a-2', from: 3, fromLine: 4, continuedFrom: 1 })).toBe('1-a-2-3_4');
    expect(isContinuation({ page: 1, article: 'a', from: 0, fromLine: 0, continuedFrom: 1 })).toBe(true);
    expect(isContinuation({ page: 1, article: 'a', from: 0, fromLine: 0 })).toBe(false);
    expect(articleKey({ page: 12, article: 'a' })).not.toBe(articleKey({ page: 1, article: '2-a' }));
  });
});
