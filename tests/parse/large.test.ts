import { describe, expect, it } from 'vitest';
import type { Text } from '../../src/ast/types.js';
import { significantChars } from '../../src/ast/text.js';
import { parsePage } from '../../src/parse/index.js';
import { inputChars, realPages, textNodes } from './helpers.js';
import { sized } from '../setup/size.js';

// 2 MB under `npm test`, 1 MB in `npm run test:unit` (pieces, joins and the invariant are the same
// at any size past a few pieces); LARGE_PAGE_MB=20 for the full size, which `npm run bench -- parse` times.
const MB = sized('LARGE_PAGE_MB', 1, 2);

/** Counts of each significant character (the invariant as a multiset, cheap at 20 MB). */
function counts(s: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const ch of significantChars(s)) m.set(ch, (m.get(ch) ?? 0) + 1);
  return m;
}

describe(`a ${MB} MB page`, () => {
  it('parses without crashing and loses no character', () => {
    const pages = realPages();
    const parts: string[] = [];
    for (let bytes = 0, i = 0; bytes < MB * 1024 * 1024; i++) {
      parts.push(pages[i % pages.length]);
      bytes += Buffer.byteLength(pages[i % pages.length]);
    }
    const text = parts.join('\n\n');
    const { page } = parsePage(text, { file: 'big.txt' });
    const articles = page.children.filter((c) => c.type === 'article');
    // Every repeated page contributes at least one article.
    expect(articles.length).toBeGreaterThanOrEqual(parts.length);
    const out = textNodes(page)
      .map((t: Text) => t.value)
      .join('');
    // What the input holds as text, read with CommonMark (the sample pages carry markup; the
    // corpus has none, so there this is the text itself).
    const expected = inputChars(text)
      .map((c) => c.ch)
      .join('');
    expect(counts(out)).toEqual(counts(expected));
  }, 180_000);
});
