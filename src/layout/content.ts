/**
 * What of an article goes where on the printed page: photos across the top of its
 * module, the rest in its columns (a banner's owner: `bannerOwners` in src/ast/vocabulary.ts). Pure.
 */
import type { Article, BodyBlock, Figure } from '../ast/types.js';
import { articleParts } from '../ast/parts.js';

/** Figures that carry a photo: set at the top of the module, across its width. */
export function photoFigures(article: Article): Figure[] {
  return articleParts(article).body.filter((b): b is Figure => b.type === 'figure' && !!b.src);
}

/** The body blocks set in columns (everything but photos). */
export function columnBlocks(article: Article): BodyBlock[] {
  return articleParts(article).body.filter((b) => !(b.type === 'figure' && b.src));
}
