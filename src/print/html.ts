/**
 * The print edition's HTML for one article module: header, photos, body. The same
 * markup is used to measure (in one column, at every width) and to render the page, so
 * what was measured is what is printed. All text is escaped.
 */
import type { Article, Banner, BodyBlock, Figure, Inline } from '../ast/types.js';
import { articleParts } from '../ast/parts.js';
import type { CutMarks } from '../layout/cut.js';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * `——` and `……` never break inside and never start a line (clreq, strict): each is kept
 * whole and glued to the character before it (Chromium's `line-break: strict` allows a
 * break before them).
 */
function textHtml(s: string): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(/[^\s]?(?:——|……)+/gu)) {
    out += esc(s.slice(last, m.index)) + `<span class="nb">${esc(m[0])}</span>`;
    last = m.index + m[0].length;
  }
  return out + esc(s.slice(last));
}

export function inlineHtml(nodes: Inline[]): string {
  let out = '';
  for (const n of nodes) {
    switch (n.type) {
      case 'text':
        out += textHtml(n.value);
        break;
      case 'break':
        out += '<br>';
        break;
      case 'strong':
        out += `<b>${inlineHtml(n.children)}</b>`;
        break;
      case 'emphasis':
        out += `<em>${inlineHtml(n.children)}</em>`;
        break;
      case 'link':
        out += inlineHtml(n.children);
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
  for (const k of parts.kickers) title += `<p class="kicker" style="font-size:${round(Math.max(10.5, hp * 0.42))}pt">${inlineHtml(k.children)}</p>`;
  if (parts.headline) title += `<h2 class="hl" style="font-size:${hp}pt">${inlineHtml(parts.headline.children)}</h2>`;
  for (const s of parts.subtitles) title += `<p class="subtitle${s.dash ? ' dash' : ''}" style="font-size:${round(Math.max(10.5, hp * 0.45))}pt">${inlineHtml(s.children)}</p>`;
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
      ? `<figcaption>${caption ? `<span class="cap${caption.mark ? ' mark' : ''}">${inlineHtml(caption.children)}</span>` : ''}${credit ? `<span class="credit">${inlineHtml(credit.children)}</span>` : ''}</figcaption>`
      : '') +
    `</figure>`
  );
}

/** A cut paragraph's marks (src/layout/cut.ts) as classes. */
function cutClass(node: { data?: unknown }, base = ''): string {
  const d = (node.data ?? {}) as CutMarks;
  const classes = [base, d.cutStart ? 'cut-start' : '', d.cutEnd ? 'cut-end' : ''].filter(Boolean).join(' ');
  return classes ? ` class="${classes}"` : '';
}

/** One body block as it is set in the columns. */
export function blockHtml(b: BodyBlock): string {
  switch (b.type) {
    case 'paragraph':
      return `<p${cutClass(b)}>${inlineHtml(b.children)}</p>`;
    case 'lead':
      return `<p${cutClass(b, 'lead')}>${inlineHtml(b.children)}</p>`;
    case 'subhead':
      return `<h3 class="subhead">${inlineHtml(b.children)}</h3>`;
    case 'question':
      return `<div class="turn q">${b.children.map((p) => `<p${cutClass(p)}>${inlineHtml(p.children)}</p>`).join('')}</div>`;
    case 'answer':
      return `<div class="turn a">${b.children.map((p) => `<p${cutClass(p)}>${inlineHtml(p.children)}</p>`).join('')}</div>`;
    case 'figure': {
      // A caption without a photo: set as a caption, with no box pretending to be a photo.
      const caption = b.children.find((c) => c.type === 'caption');
      const credit = b.children.find((c) => c.type === 'photoCredit');
      return `<p class="caption-only">${caption ? inlineHtml(caption.children) : ''}${credit ? `<span class="credit">${inlineHtml(credit.children)}</span>` : ''}</p>`;
    }
    case 'brief':
      return `<div class="brief">${b.children.map((p, i) => `<p${i === 0 ? ' class="first"' : ''}>${inlineHtml(p.children)}</p>`).join('')}</div>`;
    case 'endnote':
      return `<p class="endnote">${inlineHtml(b.children)}</p>`;
    case 'jump':
      return `<p class="jump">${inlineHtml(b.children)}</p>`;
    case 'list':
      return `<div class="list">${b.children
        .map((item, i) => `<p>${b.ordered ? `${(b.start ?? 1) + i}. ` : '· '}${item.children.map((c) => (c.type === 'paragraph' ? inlineHtml(c.children) : blockHtml(c))).join('')}</p>`)
        .join('')}</div>`;
    case 'blockquote':
      return `<div class="quote">${b.children.map((p) => `<p>${inlineHtml(p.children)}</p>`).join('')}</div>`;
    case 'html':
      return `<p>${textHtml(b.value)}</p>`;
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
