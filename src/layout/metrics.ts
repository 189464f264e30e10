/**
 * What the print renderer measures of an issue, as plain data: the planner's whole input
 * besides the grid and the policy. Recorded to JSON, it replays a layout without a browser
 * (tests/fixtures/layout). All heights in grid lines unless named in pt.
 */
import type { BodyBlock } from '../ast/types.js';
import type { Rank } from './rank.js';

/** A header's height in lines per width w (columns) and size step s; null or absent: not measured. */
export type HeaderTable = Array<Array<number | null> | null>;

export interface ArticleMetrics {
  /** The page the article belongs to and its id there. */
  page: number;
  id: string;
  lead: boolean;
  /** Its news value on its page (rank.ts): the band its headline sizes come from. */
  rank: Rank;
  /** The editor asked for this many columns. */
  columns?: number;
  /** Header (banner, labels, kicker, headline, subtitle, bylines): [w][s]. Step 0 at every module width. */
  header: HeaderTable;
  /** A continuation's header (headline, 上接第N版): [w][s]. */
  contHeader: HeaderTable;
  /** Photos' aspect ratios (width / height), in order; their captions' heights in pt: [w][i]. */
  photoAspects: number[];
  captionPt: Array<Array<number | null> | null>;
  /** Per body block set in columns: its kind, its height in one column. */
  blockTypes: Array<BodyBlock['type']>;
  blockLines: number[];
  /** Per body block: printed-text offsets where each of its lines starts (empty: not cut at a line). */
  lineStarts: number[][];
  /** Rows added after a render showed the module needed more than planned. */
  extra: number;
}

export interface PageMetrics {
  number: number;
  /** Continuations may land here (jumps.ts acceptsContinuations); absent: yes. */
  takesContinuations?: boolean;
  /** In reading order. */
  articles: ArticleMetrics[];
}

export interface IssueMetrics {
  pages: PageMetrics[];
  /** House fillers (src/layout/fillers.ts), measured like articles, on page 0 (they belong to no page), rank `brief`. */
  fillers?: ArticleMetrics[];
}
