/**
 * What of an article goes where on the printed page: photos across the top of its
 * module, the rest in its columns, a banner standing before it in its module. Pure.
 */
import type { Article, Banner, BodyBlock, Figure, Page } from '../ast/types.js';
import { articleParts } from '../ast/parts.js';

/** Figures that carry a photo: set at the top of the module, across its width. */
export function photoFigures(article: Article): Figure[] {
  return articleParts(article).body.filter((b): b is Figure => b.type === 'figure' && !!b.src);
}

/** The body blocks set in columns (everything but photos). */
export function columnBlocks(article: Article): BodyBlock[] {
  return articleParts(article).body.filter((b) => !(b.type === 'figure' && b.src));
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
