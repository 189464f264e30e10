/**
 * The print edition's HTML for one article module: header, photos, body. The same
 * markup is used to measure (in one column, at every width) and to render the page, so
 * what was measured is what is printed. All text is escaped.
 */
import type { Article, Banner, BodyBlock, Figure, Inline, Lead, Page, Paragraph } from '../ast/types.js';
import { toString } from 'mdast-util-to-string';
import { articleParts } from '../ast/parts.js';
import { jumpText } from '../ast/vocabulary.js';
import { type HastOptions, toHtml } from '../hast/to-hast.js';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The print edition's options for the shared AST → HTML table (src/hast). */
export function printMarkup(extra: Partial<HastOptions> = {}): HastOptions {
  return { headlineRank: 2, keepDashesWhole: true, printColumns: true, ...extra };
}

export function inlineHtml(nodes: Inline[]): string {
  return toHtml({ type: 'fragment', children: nodes }, printMarkup());
}

/** Figures that carry a photo: set at the top of the module, across its width. */
export function photoFigures(article: Article): Figure[] {
  return articleParts(article).body.filter((b): b is Figure => b.type === 'figure' && !!b.src);
}

/** The body blocks set in columns (everything but photos). */
export function columnBlocks(article: Article): BodyBlock[] {
  return articleParts(article).body.filter((b) => !(b.type === 'figure' && b.src));
}

export interface HeaderOptions {
  /** Headline size in pt. */
  headlinePt: number;
  banner?: Banner;
  /** This module continues an article from an earlier page (上接第N版). */
  continuedFrom?: number;
}

export function headerHtml(article: Article, opts: HeaderOptions): string {
  const parts = articleParts(article);
  const hp = opts.headlinePt;
  const markup = printMarkup({ headlinePt: hp });
  if (opts.continuedFrom) {
    const headline = parts.headline ? inlineHtml(parts.headline.children.filter((c) => c.type !== 'break')) : '';
    return `<div class="mh-in"><div class="tg"><h2 class="hl hl-cont" style="font-size:${hp}pt">${headline}</h2><p class="jump jump-from">（${jumpText('from', opts.continuedFrom)}）</p></div></div>`;
  }
  const out = opts.banner ? toHtml(opts.banner, markup) : '';
  // The title group and the bylines: spare header rows are spread evenly around them
  // (.mh-in), so the title area opens up instead of leaving one hole.
  const title = toHtml([...parts.sectionLabels, ...parts.kickers, ...(parts.headline ? [parts.headline] : []), ...parts.subtitles], markup);
  const bylines = toHtml(parts.bylines, markup);
  if (!title && !bylines) return out;
  return `${out}<div class="mh-in">${title ? `<div class="tg">${title}</div>` : ''}${bylines ? `<div class="bg">${bylines}</div>` : ''}</div>`;
}

export function figureHtml(f: Figure, src: string, heightPt: number): string {
  return toHtml(f, printMarkup({ figureImage: () => ({ src, heightPt }) }));
}

/**
 * Marks on a paragraph that is a slice of a longer one (an article cut by a jump at a
 * line, not at a paragraph end): the piece before the cut ends with a full justified
 * line, the piece after it starts at the column's edge, without the 2 em indent.
 */
interface CutMarks {
  cutStart?: boolean;
  cutEnd?: boolean;
}

/** One body block as it is set in the columns. */
export function blockHtml(b: BodyBlock): string {
  return toHtml(b, printMarkup());
}

/** Blocks that can be cut between two of their lines (running text, not headings or credits). */
export function isSplittable(b: BodyBlock): boolean {
  return b.type === 'paragraph' || b.type === 'lead' || b.type === 'question' || b.type === 'answer';
}

/** Length of the text a node prints (the DOM's textContent of its HTML): the unit of cut offsets. */
function printedLength(node: Inline | Paragraph): number {
  // mdast-util-to-string gives text, inline code and raw HTML values, nothing for a break:
  // what blockHtml prints.
  return toString(node).length;
}

/** The inline nodes whose printed text falls in [start, end), structure kept. */
function sliceInlines(nodes: Inline[], start: number, end: number): Inline[] {
  const out: Inline[] = [];
  let at = 0;
  for (const n of nodes) {
    const len = printedLength(n);
    const a = at;
    const b = at + len;
    at = b;
    if (n.type === 'break') {
      if (a > start && a < end) out.push(n);
      continue;
    }
    if (b <= start || a >= end) continue;
    if (a >= start && b <= end) {
      out.push(n);
      continue;
    }
    const from = Math.max(0, start - a);
    const to = Math.min(len, end - a);
    if (n.type === 'text' || n.type === 'inlineCode' || n.type === 'html') out.push({ ...n, value: n.value.slice(from, to) });
    else out.push({ ...n, children: sliceInlines(n.children as Inline[], from, to) } as Inline);
  }
  return out;
}

function slicePara<T extends Paragraph | Lead>(p: T, start: number, end: number): T {
  const len = printedLength(p as Paragraph);
  const marks: CutMarks = { ...((p.data ?? {}) as CutMarks) };
  if (start > 0) marks.cutStart = true;
  if (end < len) marks.cutEnd = true;
  return { ...p, children: sliceInlines(p.children, start, end), data: { ...(p.data ?? {}), ...marks } };
}

/**
 * The part of a splittable block whose printed text lies in [start, end) (offsets into
 * the block's printed text; `end` = Infinity for the rest). Used to cut an article at a
 * line when it jumps to a later page; nothing is dropped: the two slices of a block
 * hold all its text.
 */
export function sliceBlock(b: BodyBlock, start: number, end: number): BodyBlock {
  if (b.type === 'paragraph' || b.type === 'lead') return slicePara(b, start, end);
  if (b.type === 'question' || b.type === 'answer') {
    const children: Paragraph[] = [];
    let at = 0;
    for (const p of b.children) {
      const len = printedLength(p);
      const a = at;
      at += len;
      if (a + len <= start || a >= end) continue;
      children.push(a >= start && a + len <= end ? p : slicePara(p, Math.max(0, start - a), Math.min(len, end - a)));
    }
    return { ...b, children };
  }
  return b;
}

/** Banners that stand right before an article on the page (they go into its module). */
export function bannersBefore(page: Page): Map<string, Banner> {
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
