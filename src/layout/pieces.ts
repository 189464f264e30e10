/**
 * Typed references to what the planner places: an article of the issue, and a piece of
 * one (the whole, or its rest from a line on, continued from an earlier page). Strings
 * made from them are keys only, never parsed back.
 */

/** An article of the issue: its id is unique only within its page. */
export interface ArticleRef {
  /** The page the article belongs to (where it starts). */
  page: number;
  article: string;
}

/** One placed piece of an article: the whole, or the part from line `fromLine` of body block `from` on. */
export interface PieceRef extends ArticleRef {
  from: number;
  fromLine: number;
  /** The page the article was cut on, when this piece continues it there (上接第N版). */
  continuedFrom?: number;
}

/**
 * A key for maps of articles, unique within the issue (a page number has no '-', so the
 * first '-' ends it). Also the article's name in messages: `1-a3`.
 */
export function articleKey(r: ArticleRef): string {
  return `${r.page}-${r.article}`;
}

export function sameArticle(a: ArticleRef, b: ArticleRef): boolean {
  return a.page === b.page && a.article === b.article;
}

/** A piece that continues its article: set with a continuation header, without photos. */
export function isContinuation(p: PieceRef): boolean {
  return p.from > 0 || p.continuedFrom !== undefined;
}

/** The module's id in the issue document (`m-<this>`): `<page>-<article>`, a continuation `<page>-<article>-<block>_<line>`. */
export function pieceDomId(p: PieceRef): string {
  return isContinuation(p) ? `${p.page}-${p.article}-${p.from}_${p.fromLine}` : `${p.page}-${p.article}`;
}
