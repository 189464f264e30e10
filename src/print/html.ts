/**
 * The print edition's HTML for one article module: header, photos, body. The same
 * markup is used to measure (in one column, at every width) and to render the page, so
 * what was measured is what is printed. All text is escaped.
 */
import type { Article, Banner, BodyBlock, Figure, Inline } from '../ast/types.js';
import { articleParts } from '../ast/parts.js';
import { jumpText } from '../ast/vocabulary.js';
import { type HastOptions, toHtml } from '../hast/to-hast.js';
import { captionTrackingOf, glueOf, prefixTrackingOf, trackingOf } from '../layout/lines.js';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The print edition's options for the shared AST → HTML table (src/hast). */
export function printMarkup(extra: Partial<HastOptions> = {}): HastOptions {
  return { headlineRank: 2, lineRules: true, tracking: trackingOf, prefixTracking: prefixTrackingOf, glue: glueOf, printColumns: true, normaliseJumps: true, ...extra };
}

export function inlineHtml(nodes: Inline[]): string {
  return toHtml({ type: 'fragment', children: nodes }, printMarkup());
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

/** A photo with its caption, the caption tracked as measured at a module `columns` wide (none in the measuring sheet). */
export function figureHtml(f: Figure, src: string, heightPt: number, columns?: number): string {
  return toHtml(f, printMarkup({ figureImage: () => ({ src, heightPt }), captionTracking: (fig) => (columns === undefined ? undefined : captionTrackingOf(fig, columns)) }));
}

/** One body block as it is set in the columns. */
export function blockHtml(b: BodyBlock): string {
  return toHtml(b, printMarkup());
}

