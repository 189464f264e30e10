/** Accessors over the AST that the editions share (so templates and layout agree). */
import { toString } from 'mdast-util-to-string';
import type {
  Article,
  ArticleHeader,
  BodyBlock,
  Byline,
  Headline,
  Kicker,
  SectionLabel,
  Subtitle,
} from './types.js';
import { HEADER_TYPES } from './vocabulary.js';

export interface ArticleParts {
  sectionLabels: SectionLabel[];
  kickers: Kicker[];
  headline?: Headline;
  subtitles: Subtitle[];
  bylines: Byline[];
  body: BodyBlock[];
}

export function isHeader(node: ArticleHeader | BodyBlock): node is ArticleHeader {
  return HEADER_TYPES.has(node.type);
}

/** Splits an article into its header parts and its body, keeping order within each. */
export function articleParts(article: Article): ArticleParts {
  const parts: ArticleParts = { sectionLabels: [], kickers: [], subtitles: [], bylines: [], body: [] };
  for (const node of article.children) {
    switch (node.type) {
      case 'sectionLabel':
        parts.sectionLabels.push(node);
        break;
      case 'kicker':
        parts.kickers.push(node);
        break;
      case 'headline':
        if (!parts.headline) parts.headline = node;
        else parts.body.push({ type: 'subhead', children: node.children, position: node.position });
        break;
      case 'subtitle':
        parts.subtitles.push(node);
        break;
      case 'byline':
        parts.bylines.push(node);
        break;
      default:
        parts.body.push(node);
    }
  }
  return parts;
}

/** Plain text of a headline with its lines joined by a space (for titles, feeds, bookmarks). */
export function headlineText(article: Article): string {
  const { headline } = articleParts(article);
  if (!headline) return toString(article).slice(0, 30);
  return headline.children.map((c) => (c.type === 'break' ? ' ' : toString(c))).join('').trim();
}
