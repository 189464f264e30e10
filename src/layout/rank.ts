/**
 * News value of an article: its rank on the page, from the page order and the markup.
 * A headline's size follows its rank first (policy.headline.ranks: one band of sizes per
 * rank, the bands not overlapping) and the module's room second (steps inside the band).
 * Pure.
 */

/** lead: the page's lead (the article marked lead; on the front page the lead);
 * second: the next article with a headline in page order; brief: a short text without
 * photos (a 简讯); ordinary: the rest. */
export type Rank = 'lead' | 'second' | 'ordinary' | 'brief';

/** What the rank is decided from, per article of one page in reading order. */
export interface RankInput {
  lead: boolean;
  /** The article has a headline (a caption or an intro standing alone has none). */
  headline: boolean;
  /** Han characters, digits and letters of its body. */
  bodyChars: number;
  photos: number;
  /** The rank the editor set in markup (`[二条]`, `[普通]`, `[简讯]`); it wins over the guess. */
  marked?: Exclude<Rank, 'lead'>;
}

/** Ranks of one page's articles, in the order given. `briefChars`: a text this short without photos is a brief. */
export function rankArticles(articles: ReadonlyArray<RankInput>, briefChars: number): Rank[] {
  let lead = articles.findIndex((a) => a.lead);
  // an article the editor ranked lower is never guessed to be the lead
  if (lead < 0) lead = articles.findIndex((a) => a.headline && !a.marked);
  // one second per page: the first marked one, else the first unmarked article with a headline
  let second = articles.some((a, i) => i !== lead && a.marked === 'second');
  let markedSecond = false;
  return articles.map((a, i) => {
    if (i === lead) return 'lead';
    if (a.marked === 'second') {
      if (markedSecond) return 'ordinary';
      markedSecond = true;
      return 'second';
    }
    if (a.marked) return a.marked;
    if (a.photos === 0 && a.bodyChars <= briefChars) return 'brief';
    if (!second && a.headline) {
      second = true;
      return 'second';
    }
    return 'ordinary';
  });
}
