/** Pull quotes (src/layout/quote.ts): a sentence of the article, verbatim. */
import { describe, expect, it } from 'vitest';
import { pickQuote } from '../../src/layout/quote.js';

describe('pickQuote', () => {
  const paras = ['记者：今年以来，街道做了哪些工作？', '楚冰：我们把服务送到群众家门口。一件件小事办好了，群众的满意度就上来了。好。'];

  it('takes the longest sentence within bounds, verbatim, without a speaker label', () => {
    const q = pickQuote(paras)!;
    expect(q).toBe('一件件小事办好了，群众的满意度就上来了。');
    expect(paras.join('')).toContain(q);
  });

  it('none when no sentence is in bounds', () => {
    expect(pickQuote(['好。', '很好！'])).toBeUndefined();
    expect(pickQuote(paras, 15, 19)).toBeUndefined();
  });
});
