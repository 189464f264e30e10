/** News value ranks (src/layout/rank.ts): from the page order and the markup. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rankArticles } from '../../src/layout/rank.js';

const text = (bodyChars: number, o: Partial<{ lead: boolean; headline: boolean; photos: number; marked: 'second' | 'ordinary' | 'brief' }> = {}) => ({ lead: false, headline: true, photos: 0, bodyChars, ...o });

describe('rankArticles', () => {
  it('marks the lead, the next headline in page order second, short texts without photos briefs', () => {
    expect(rankArticles([text(900, { lead: true }), text(600), text(700), text(80), text(90, { photos: 1 })], 150)).toEqual(['lead', 'second', 'ordinary', 'brief', 'ordinary']);
    // The article marked lead leads wherever it stands; a text without headline is never second.
    expect(rankArticles([text(400, { headline: false }), text(900, { lead: true }), text(600)], 150)).toEqual(['ordinary', 'lead', 'second']);
    // No article marked: the first with a headline leads.
    expect(rankArticles([text(300, { headline: false }), text(500)], 150)).toEqual(['ordinary', 'lead']);
  });

  it('takes the rank the editor marked ([二条], [普通], [简讯]) over the guess', () => {
    // A long story marked brief is a brief; the one marked second is second, not the earlier one.
    expect(rankArticles([text(900, { lead: true }), text(600), text(800, { marked: 'second' }), text(1200, { marked: 'brief' })], 150)).toEqual(['lead', 'ordinary', 'second', 'brief']);
    // A short text marked ordinary is not a brief; an article marked lower is never guessed the lead.
    expect(rankArticles([text(900, { marked: 'brief' }), text(80, { marked: 'ordinary' }), text(500)], 150)).toEqual(['brief', 'ordinary', 'lead']);
    // Two marked second: the first is.
    expect(rankArticles([text(900, { lead: true }), text(600, { marked: 'second' }), text(700, { marked: 'second' })], 150)).toEqual(['lead', 'second', 'ordinary']);
  });

  it('gives one lead and at most one second on any page, and honours every mark (property)', () => {
    const mark = fc.option(fc.constantFrom('second' as const, 'ordinary' as const, 'brief' as const), { nil: undefined });
    const arb = fc.array(fc.record({ lead: fc.boolean(), headline: fc.boolean(), bodyChars: fc.nat(2000), photos: fc.nat(2), marked: mark }), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(arb, (page) => {
        const ranks = rankArticles(page, 150);
        expect(ranks.filter((r) => r === 'second').length).toBeLessThanOrEqual(1);
        const leads = ranks.filter((r) => r === 'lead').length;
        expect(leads).toBe(page.some((a) => a.lead || (a.headline && !a.marked)) ? 1 : 0);
        ranks.forEach((r, i) => {
          const a = page[i];
          if (r === 'lead' || !a.marked) return;
          // a mark is honoured; only a second second is set down to ordinary
          if (a.marked === 'second') expect(['second', 'ordinary']).toContain(r);
          else expect(r).toBe(a.marked);
        });
      }),
      { numRuns: 200, seed: 20261129 },
    );
  });
});
