/**
 * The print edition's HTML for one article module: header, photos, body. The same
 * markup is used to measure (in one column, at every width) and to render the page, so
 * what was measured is what is printed. All text is escaped.
 */
import type { Article, Banner, BodyBlock, Figure, Inline, Lead, Page, Paragraph } from '../ast/types.js';
import { toString } from 'mdast-util-to-string';
import { articleParts } from '../ast/parts.js';
import { copyTracking, lineTextHtml, trackingStyle } from '../layout/lines.js';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Escaped text with the line rules' spans (src/layout/lines.ts); `tail`: it ends its block. */
function textHtml(s: string, tail = false): string {
  return lineTextHtml(s, esc, { tail });
}

/** `tail`: these nodes end their paragraph, caption or subhead (its last two characters stay together). */
export function inlineHtml(inlines: Inline[], tail = false): string {
  let out = '';
  const nodes = mergeTexts(inlines);
  for (const [i, n] of nodes.entries()) {
    const last = tail && i === nodes.length - 1;
    switch (n.type) {
      case 'text':
        out += textHtml(n.value, last);
        break;
      case 'break':
        out += '<br>';
        break;
      case 'strong':
        out += `<b>${inlineHtml(n.children, last)}</b>`;
        break;
      case 'emphasis':
        out += `<em>${inlineHtml(n.children, last)}</em>`;
        break;
      case 'link':
        out += inlineHtml(n.children, last);
        break;
      case 'speaker':
        out += `<span class="speaker">${inlineHtml(n.children)}</span>`;
        break;
      case 'inlineCode':
      case 'html':
        // Raw markup is printed as the text it is (the print edition runs no HTML from pages).
        out += textHtml(n.value);
        break;
    }
  }
  return out;
}

/** Adjacent text nodes as one (a paragraph joined across a column break has two), so the line rules see `5` + `个`. */
function mergeTexts(nodes: Inline[]): Inline[] {
  const out: Inline[] = [];
  for (const n of nodes) {
    const last = out[out.length - 1];
    if (n.type === 'text' && last?.type === 'text') out[out.length - 1] = { ...last, value: last.value + n.value };
    else out.push(n);
  }
  return out;
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
  let out = '';
  if (opts.continuedFrom) {
    const headline = parts.headline ? inlineHtml(parts.headline.children.filter((c) => c.type !== 'break')) : '';
    return `<div class="mh-in"><div class="tg"><h2 class="hl hl-cont" style="font-size:${hp}pt">${headline}</h2><p class="jump jump-from">（上接第${opts.continuedFrom}版）</p></div></div>`;
  }
  if (opts.banner) {
    const title = opts.banner.children.find((c) => c.type === 'bannerTitle');
    const motto = opts.banner.children.find((c) => c.type === 'motto');
    out += `<div class="banner">${title ? `<span class="banner-title">${inlineHtml(title.children as Inline[])}</span>` : ''}${motto ? `<span class="banner-motto">${inlineHtml(motto.children as Inline[])}</span>` : ''}</div>`;
  }
  // The title group and the bylines: spare header rows are spread evenly around them
  // (.mh-in), so the title area opens up instead of leaving one hole.
  let title = '';
  for (const s of parts.sectionLabels) title += `<p class="section"><span>${inlineHtml(s.children)}</span></p>`;
  for (const k of parts.kickers) title += `<p class="kicker" style="font-size:${round(Math.max(10.5, hp * 0.42))}pt">${inlineHtml(k.children, true)}</p>`;
  if (parts.headline) title += `<h2 class="hl" style="font-size:${hp}pt">${inlineHtml(parts.headline.children, true)}</h2>`;
  for (const s of parts.subtitles) title += `<p class="subtitle${s.dash ? ' dash' : ''}" style="font-size:${round(Math.max(10.5, hp * 0.45))}pt">${inlineHtml(s.children, true)}</p>`;
  let bylines = '';
  for (const b of parts.bylines) bylines += `<p class="byline${b.mark ? ' mark' : ''}">${inlineHtml(b.children)}</p>`;
  if (!title && !bylines) return out;
  return `${out}<div class="mh-in">${title ? `<div class="tg">${title}</div>` : ''}${bylines ? `<div class="bg">${bylines}</div>` : ''}</div>`;
}

export function figureHtml(f: Figure, src: string, heightPt: number): string {
  const caption = f.children.find((c) => c.type === 'caption');
  const credit = f.children.find((c) => c.type === 'photoCredit');
  return (
    `<figure class="photo"><img src="${esc(src)}" alt="${esc(f.alt ?? '')}" style="height:${round(heightPt)}pt">` +
    (caption || credit
      ? `<figcaption>${caption ? `<span class="cap${caption.mark ? ' mark' : ''}">${inlineHtml(caption.children, !credit)}</span>` : ''}${credit ? `<span class="credit">${inlineHtml(credit.children, true)}</span>` : ''}</figcaption>`
      : '') +
    `</figure>`
  );
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

function cutClass(node: { data?: unknown }, base = ''): string {
  const d = (node.data ?? {}) as CutMarks;
  const classes = [base, d.cutStart ? 'cut-start' : '', d.cutEnd ? 'cut-end' : ''].filter(Boolean).join(' ');
  return classes ? ` class="${classes}"` : '';
}

/** A paragraph (or slice of one) that ends where its text ends, not at a cut (下转). */
function ends(node: { data?: unknown }): boolean {
  return !((node.data ?? {}) as CutMarks).cutEnd;
}

/** One body block as it is set in the columns. */
export function blockHtml(b: BodyBlock): string {
  switch (b.type) {
    case 'paragraph':
      return `<p${cutClass(b)}${trackingStyle(b)}>${inlineHtml(b.children, ends(b))}</p>`;
    case 'lead':
      return `<p${cutClass(b, 'lead')}${trackingStyle(b)}>${inlineHtml(b.children, ends(b))}</p>`;
    case 'subhead':
      return `<h3 class="subhead">${inlineHtml(b.children, true)}</h3>`;
    case 'question':
      return `<div class="turn q">${b.children.map((p) => `<p${cutClass(p)}${trackingStyle(p)}>${inlineHtml(p.children, ends(p))}</p>`).join('')}</div>`;
    case 'answer':
      return `<div class="turn a">${b.children.map((p) => `<p${cutClass(p)}${trackingStyle(p)}>${inlineHtml(p.children, ends(p))}</p>`).join('')}</div>`;
    case 'figure': {
      // A caption without a photo: set as a caption, with no box pretending to be a photo.
      const caption = b.children.find((c) => c.type === 'caption');
      const credit = b.children.find((c) => c.type === 'photoCredit');
      return `<p class="caption-only">${caption ? inlineHtml(caption.children, !credit) : ''}${credit ? `<span class="credit">${inlineHtml(credit.children, true)}</span>` : ''}</p>`;
    }
    case 'brief':
      return `<div class="brief"${trackingStyle(b)}>${b.children.map((p, i) => `<p${i === 0 ? ' class="first"' : ''}>${inlineHtml(p.children, true)}</p>`).join('')}</div>`;
    case 'endnote':
      return `<p class="endnote">${inlineHtml(b.children)}</p>`;
    case 'jump':
      return `<p class="jump">${inlineHtml(b.children)}</p>`;
    case 'list':
      return `<div class="list">${b.children
        .map((item, i) => `<p>${b.ordered ? `${(b.start ?? 1) + i}. ` : '· '}${item.children.map((c) => (c.type === 'paragraph' ? inlineHtml(c.children) : blockHtml(c))).join('')}</p>`)
        .join('')}</div>`;
    case 'blockquote':
      return `<div class="quote"${trackingStyle(b)}>${b.children.map((p) => `<p>${inlineHtml(p.children, true)}</p>`).join('')}</div>`;
    case 'html':
      return `<p>${textHtml(b.value)}</p>`;
  }
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
  const slice = sliceOf(b, start, end);
  copyTracking(b, slice);
  return slice;
}

function sliceOf(b: BodyBlock, start: number, end: number): BodyBlock {
  if (b.type === 'paragraph' || b.type === 'lead') return slicePara(b, start, end);
  if (b.type === 'question' || b.type === 'answer') {
    const children: Paragraph[] = [];
    let at = 0;
    for (const p of b.children) {
      const len = printedLength(p);
      const a = at;
      at += len;
      if (a + len <= start || a >= end) continue;
      const part = a >= start && a + len <= end ? p : slicePara(p, Math.max(0, start - a), Math.min(len, end - a));
      copyTracking(p, part);
      children.push(part);
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

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
