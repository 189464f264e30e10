/**
 * Pull quote (引语): one sentence taken verbatim from an article's body, for a page short of
 * copy. Pure: plain paragraph texts in, the sentence out.
 */

/** Sentences end at 。！？ (with a closing quote after them); the mark stays with its sentence. */
const SENTENCE = /[^。！？]+[。！？][”’」』]?/gu;
/** A speaker's label in an interview (`记者：`, `楚冰：`): a short name before a full-width colon. */
const SPEAKER = /^[^，。：]{1,6}：/u;

/**
 * The longest sentence of `min`–`max` characters in the paragraphs, the first of equals;
 * a speaker's label is left off (the rest is still the article's own words, verbatim).
 */
export function pickQuote(paragraphs: ReadonlyArray<string>, min = 14, max = 40): string | undefined {
  let best: string | undefined;
  for (const p of paragraphs) {
    for (const m of p.matchAll(SENTENCE)) {
      const s = m[0].trim().replace(SPEAKER, '');
      const n = [...s].length;
      if (n < min || n > max) continue;
      if (!best || n > [...best].length) best = s;
    }
  }
  return best;
}
