/** Pull quotes (src/layout/quote.ts): a whole sentence of the article, verbatim, standing on its own. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PULL_QUOTE_LABEL, pickQuote, sentences } from '../../src/layout/quote.js';

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

  it('never takes one sentence out of the middle of a quote', () => {
    // The quote holds two sentences; the second alone (the longest in bounds) would misquote.
    const p = '老人说：“好。这辈子没想到还能住上带电梯的新房子了，真是托了好政策的福啊！”';
    expect(sentences(p)).toEqual([p]);
    expect(pickQuote([p], 14, 30)).toBeUndefined();
  });

  it('takes a sentence that is one whole quote without its marks (the pull quote has its own)', () => {
    const p = '“老旧小区改造，改不改由居民定，改什么由居民选。”记者了解到，改造已经完成。';
    expect(pickQuote([p])).toBe('老旧小区改造，改不改由居民定，改什么由居民选。');
  });

  it('leaves out questions and sentences that lean on the one before', () => {
    const p = '街道今年一共办成了一百二十件民生实事。但是群众对停车难的意见依然比较集中。能不能尽快把这个停车难题彻底解决好？';
    expect(pickQuote([p])).toBe('街道今年一共办成了一百二十件民生实事。');
  });

  it('a speaker label is only taken off at the paragraph start', () => {
    const p = '会上通报了情况。他说：“我们要把好事办好把实事办实。”';
    // The second sentence keeps 他说： (it is not an interview label) and so starts with 他: it leans back.
    expect(sentences(p)).toEqual(['会上通报了情况。', '他说：“我们要把好事办好把实事办实。”']);
  });

  it('the label marks it as a pull quote', () => {
    expect(PULL_QUOTE_LABEL).toEqual({ type: 'sectionLabel', children: [{ type: 'text', value: '引语' }] });
  });

  it('property: sentences cover the paragraph in order; the quote is verbatim and never begins or ends inside quotation marks', () => {
    const piece = fc.constantFrom('我们', '群众', '满意', '，', '。', '！', '？', '“', '”', '说：', '工作', '小区', '改造');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const p = parts.join('');
        const ss = sentences(p);
        expect(p.startsWith(ss.join(''))).toBe(true);
        const q = pickQuote([p], 4, 40);
        if (q === undefined) return;
        expect(p).toContain(q);
        // Where the quote sits, every quotation mark opened before it is closed (or it is one whole quote).
        const at = p.indexOf(q);
        const before = p.slice(0, at);
        // (A stray closing mark opens nothing: the depth never goes below 0.)
        const depth = [...before].reduce((d, c) => (c === '“' ? d + 1 : c === '”' ? Math.max(0, d - 1) : d), 0);
        expect(depth === 0 || (depth === 1 && before.endsWith('“'))).toBe(true);
      }),
    );
  });
});
