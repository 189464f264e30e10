/**
 * The newspaper's vocabulary, in one place: which node kinds there are and what they are
 * (header, body, inline, page-level), the staff roles and the words that name them, the
 * labels a paper prints (`第03版`, `第2468期`, `下转第2版`), and which article a banner
 * belongs to. The parser, the print edition and the web edition import these instead of
 * keeping their own copies (they used to disagree: see `bannerOwners`).
 */
import type { Article, ArticleHeader, Banner, Inline, Page, StaffCredits } from './types.js';

// ---------------------------------------------------------------------------
// Node kinds

/** Inline node kinds (children of headers, paragraphs, captions, …). */
export const INLINE_TYPES: ReadonlySet<string> = new Set<Inline['type']>(['text', 'break', 'strong', 'emphasis', 'link', 'inlineCode', 'html', 'speaker']);

/** Article header node kinds, in reading order. */
export const HEADER_TYPES: ReadonlySet<string> = new Set<ArticleHeader['type']>(['sectionLabel', 'kicker', 'headline', 'subtitle', 'byline']);

/** Page-level header lines kept from the text (the editions print `Page.name`/`staff` instead). */
export const PAGE_META_TYPES: ReadonlySet<string> = new Set(['pageName', 'staffLine', 'pageInfo']);

/**
 * Body blocks of running text (paragraphs, the lead, interview turns): what an excerpt
 * quotes and what the print layout may cut between two lines.
 */
export const RUNNING_TEXT_TYPES: ReadonlySet<string> = new Set(['paragraph', 'lead', 'question', 'answer']);

export function isInlineType(type: string): boolean {
  return INLINE_TYPES.has(type);
}

export function isHeaderType(type: string): type is ArticleHeader['type'] {
  return HEADER_TYPES.has(type);
}

// ---------------------------------------------------------------------------
// Staff roles (责编 / 美编 / 审读 / 排版)

export type StaffRole = keyof StaffCredits;

export interface StaffRoleInfo {
  field: StaffRole;
  /** What the paper prints before the names. */
  label: string;
  /** Words that name the role in a staff line or a front-matter `staff` key (the label first). */
  words: readonly string[];
}

/** The four roles of a page's staff line, in the order the paper prints them. */
export const STAFF_ROLES: readonly StaffRoleInfo[] = [
  { field: 'editor', label: '责编', words: ['责编', '责任编辑', '编辑'] },
  { field: 'designer', label: '美编', words: ['美编'] },
  { field: 'proofreader', label: '审读', words: ['审读', '校对', '责校'] },
  { field: 'typesetter', label: '排版', words: ['排版', '组版'] },
];

/**
 * `编辑` alone is an ordinary word (编辑部, 编辑记者); it names the editor only inside a line
 * that is already known to be a staff line, so it does not count when deciding that.
 */
export const LOOSE_STAFF_WORDS: ReadonlySet<string> = new Set(['编辑']);

/** Every role word with its field. */
export const STAFF_WORDS: ReadonlyMap<string, StaffRole> = new Map(STAFF_ROLES.flatMap((r) => r.words.map((w) => [w, r.field] as const)));

/** Role words longest first, for a regular-expression alternation (`责任编辑` before `编辑`). */
export function staffWordsLongestFirst(opts: { loose?: boolean } = {}): string[] {
  return [...STAFF_WORDS.keys()].filter((w) => opts.loose !== false || !LOOSE_STAFF_WORDS.has(w)).sort((a, b) => b.length - a.length);
}

/** `责编 林海 宋雨桐　美编 许嘉怡`: the roles that have names, joined by `sep`; '' when none. */
export function staffText(staff: StaffCredits | undefined, sep: string, names: (list: string[]) => string = (l) => l.join(' ')): string {
  if (!staff) return '';
  return STAFF_ROLES.filter((r) => staff[r.field]?.length)
    .map((r) => `${r.label} ${names(staff[r.field]!)}`)
    .join(sep);
}

// ---------------------------------------------------------------------------
// Labels

/** Two-digit page number: `03`. */
export function pageNo(n: number): string {
  return String(n).padStart(2, '0');
}

/** The page's folio label: `第03版`. */
export function pageLabel(n: number): string {
  return `第${pageNo(n)}版`;
}

/** `第2468期`. */
export function issueNumberText(number: number): string {
  return `第${number}期`;
}

/** `（总第12345期）`, or '' without a total. */
export function issueTotalText(total: number | undefined): string {
  return total ? `（总第${total}期）` : '';
}

/** A jump line as the paper prints it: `下转第2版` / `上接第1版` (page number as is, not padded). */
export function jumpText(direction: 'to' | 'from', page: number): string {
  return `${direction === 'to' ? '下转' : '上接'}第${page}版`;
}

// ---------------------------------------------------------------------------
// Dates

export { issueDateText, lunarDate, WEEKDAYS } from './dates.js';

/** `2026年11月`. */
export function monthText(year: number, month: number): string {
  return `${year}年${month}月`;
}

// ---------------------------------------------------------------------------
// Banner ownership

/**
 * Which article each banner (专栏栏头) belongs to: the article that directly follows it on
 * the page, and only that one. A banner is printed once, over the module of that article
 * (a page-wide banner before the page's first article therefore stands over the top of the
 * page); the web shows it over that article's text and on that article's view. A banner
 * with no article after it on its page belongs to none. Articles after the owner are not
 * under it: a page often carries one series article under a banner and unrelated news
 * after it (第03版 of the sample issue).
 */
export function bannerOwners(page: Page): Map<Article['id'], Banner> {
  const out = new Map<string, Banner>();
  let pending: Banner | undefined;
  for (const c of page.children) {
    if (c.type === 'banner') pending = c;
    else if (c.type === 'article' && pending) {
      out.set(c.id, pending);
      pending = undefined;
    }
  }
  return out;
}
