/** A readable outline of an AST for `banmian parse` without --json. */
import { toString } from 'mdast-util-to-string';
import type { Node, Parent } from 'unist';

const LEAF_PARENTS = new Set([
  'bannerTitle', 'motto', 'pageName', 'staffLine', 'sectionLabel', 'kicker', 'headline', 'subtitle', 'byline',
  'lead', 'paragraph', 'subhead', 'caption', 'photoCredit', 'endnote', 'jump',
]);

export function outline(node: Node, depth = 0): string {
  const indent = '  '.repeat(depth);
  const n = node as Node & Record<string, unknown>;
  const fields: string[] = [];
  for (const key of ['id', 'number', 'date', 'name', 'pinyin', 'speaker', 'role', 'names', 'credit', 'direction', 'page', 'src']) {
    if (key in n && n[key] !== undefined && typeof n[key] !== 'object') fields.push(`${key}=${String(n[key])}`);
    else if (key === 'names' && Array.isArray(n[key])) fields.push(`names=${(n[key] as string[]).join('/')}`);
  }
  if (n.lead === true) fields.push('lead');
  const line = n.position ? `${n.position.start.line}` : '?';
  const head = `${indent}${node.type}${fields.length ? ` (${fields.join(', ')})` : ''} @${line}`;
  if (LEAF_PARENTS.has(node.type) || !('children' in node)) {
    const text = node.type === 'headline'
      ? (node as Parent).children.map((c) => (c.type === 'break' ? ' / ' : toString(c))).join('')
      : toString(node);
    return `${head}  ${text.length > 60 ? text.slice(0, 60) + '…' : text}`;
  }
  return [head, ...(node as Parent).children.map((c) => outline(c, depth + 1))].join('\n');
}
