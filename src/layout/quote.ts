/**
 * Pull quote (引语): one sentence taken verbatim from an article's body, for a page short of
 * copy. Pure: plain paragraph texts in, the sentence out.
 *
 * The sentence must read on its own: a whole sentence of the paragraph (it starts at the
 * paragraph's start or right after another sentence's end), never a sentence inside someone's
 * quoted words (a quote may hold several sentences: one of them alone misquotes), never one that
 * leans on the sentence before it (`但…`, `此外…`, `这…`), and a statement, not a question.
 */

import type { SectionLabel } from '../ast/types.js';

/** The label over a pull quote in print (a section label, like 栏目): the words below are a repetition of the article's, marked as such. */
export const PULL_QUOTE_LABEL: SectionLabel = { type: 'sectionLabel', children: [{ type: 'text', value: '引语' }] };

const OPEN = '“‘「『';
const CLOSE = '”’」』';
const END = '。！？';
/** A speaker's label in an interview (`记者：`, `楚冰：`): a short name before a full-width colon, at a paragraph's start. */
const SPEAKER = /^[^，。：“”]{1,6}：/u;
/** Openings that point back at the sentence before: such a sentence is a fragment out of its place. */
const LEANS_BACK = /^(?:但|而|并且|并|同时|此外|另外|其中|因此|所以|对此|为此|于是|然而|不过|这|那|此|该|他们|她们|他|她|它|其)/u;

/**
 * The sentences of a paragraph that stand on their own: cut at 。！？ outside quotation marks
 * (a closing mark after the stop stays with its sentence). Text inside quotation marks is never
 * cut, so a sentence is either outside every quote or holds whole quotes.
 */
export function sentences(paragraph: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  const chars = [...paragraph];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c)) depth = Math.max(0, depth - 1);
    // A sentence ends at a stop outside quotes, or at the closing mark that ends a quoted stop (`…。”`).
    const ends = depth === 0 && (END.includes(c) || (CLOSE.includes(c) && i > 0 && END.includes(chars[i - 1])));
    if (!ends) continue;
    // Closing marks right after the end belong to it.
    let j = i + 1;
    while (j < chars.length && CLOSE.includes(chars[j])) j++;
    out.push(chars.slice(start, j).join(''));
    start = j;
    i = j - 1;
  }
  return out;
}

/**
 * The longest sentence of `min`–`max` characters in the paragraphs, the first of equals: a
 * whole statement outside or made of whole quotes (see `sentences`); an interview speaker's
 * label at the paragraph's start is left off (the rest is still the article's own words).
 */
export function pickQuote(paragraphs: ReadonlyArray<string>, min = 14, max = 40): string | undefined {
  let best: string | undefined;
  for (const p of paragraphs) {
    sentences(p.trim()).forEach((raw, k) => {
      let s = raw.trim();
      if (k === 0) s = s.replace(SPEAKER, '');
      // A sentence that is one whole quote is printed inside the pull quote's own marks.
      const whole = /^“([^“”]+)”$/u.exec(s);
      if (whole) s = whole[1];
      const n = [...s].length;
      if (n < min || n > max) return;
      if (!/[。！]”?$/u.test(s) || LEANS_BACK.test(s) || /^[\p{P}]/u.test(s)) return;
      if (!best || n > [...best].length) best = s;
    });
  }
  return best;
}
