/**
 * Raw HTML from the page files (`html` nodes) and link URLs are the only places where an
 * editor's text could become markup. Raw HTML goes through rehype-sanitize (GitHub's
 * schema: no script, no event handlers, no `javascript:` URLs, no style); we also list
 * what was taken out so the build can say so.
 */
import type { Element, Root, RootContent } from 'hast';
import rehypeParse from 'rehype-parse';
import rehypeSanitize, { defaultSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import { unified } from 'unified';

const parser = unified().use(rehypeParse, { fragment: true });
const cleaner = unified().use(rehypeSanitize, defaultSchema).use(rehypeStringify);
const ALLOWED_TAGS = new Set(defaultSchema.tagNames ?? []);
const URL_PROPS = new Set(['href', 'src', 'action', 'formAction', 'cite', 'poster', 'srcSet', 'xLinkHref']);

export interface SanitizeResult {
  html: string;
  /** What was removed, e.g. `<script>`, `onclick`, `javascript: URL` (each once, in order). */
  removed: string[];
}

/** Results by input: an archive repeats boxes and a dev server re-renders the same pages. */
const cache = new Map<string, SanitizeResult>();

/** Sanitises an HTML fragment. */
export function sanitizeHtml(html: string): SanitizeResult {
  let result = cache.get(html);
  if (!result) {
    result = sanitizeUncached(html);
    if (cache.size > 5000) cache.clear();
    cache.set(html, result);
  }
  return result;
}

function sanitizeUncached(html: string): SanitizeResult {
  const tree = parser.parse(html) as Root;
  const removed = new Set<string>();
  const walk = (nodes: RootContent[]) => {
    for (const node of nodes) {
      if (node.type === 'comment') removed.add('comment');
      if (node.type !== 'element') continue;
      inspect(node, removed);
      walk(node.children);
    }
  };
  walk(tree.children);
  const clean = cleaner.runSync(tree) as Root;
  addMissingAlt(clean.children);
  return { html: cleaner.stringify(clean) as string, removed: [...removed] };
}

/** An editor's `<img>` without alt would fail accessibility checks: mark it decorative. */
function addMissingAlt(nodes: RootContent[]): void {
  for (const node of nodes) {
    if (node.type !== 'element') continue;
    if (node.tagName === 'img' && node.properties.alt === undefined) node.properties.alt = '';
    addMissingAlt(node.children);
  }
}

function inspect(el: Element, removed: Set<string>): void {
  if (!ALLOWED_TAGS.has(el.tagName)) removed.add(`<${el.tagName}>`);
  for (const [name, value] of Object.entries(el.properties ?? {})) {
    const lower = name.toLowerCase();
    if (lower.startsWith('on')) removed.add(`${lower} attribute`);
    else if (lower === 'style') removed.add('style attribute');
    else if (URL_PROPS.has(name) && typeof value === 'string' && safeUrl(value) === undefined) removed.add(`${schemeOf(value)}: URL`);
  }
}

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'tel']);

function schemeOf(url: string): string {
  // Browsers ignore control characters and whitespace inside a scheme (`java\tscript:`).
  const compact = url.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(compact);
  return m ? m[1].toLowerCase() : '';
}

/** The URL if a reader may follow it (http, https, mailto, tel, or relative); otherwise undefined. */
export function safeUrl(url: string): string | undefined {
  const trimmed = url.trim();
  const scheme = schemeOf(trimmed);
  if (scheme === '') {
    // Relative, but reject anything with a colon before the first slash that a browser may read as a scheme.
    return /^[^/?#]*:/.test(trimmed.replace(/[\u0000-\u0020\u007f-\u009f]/g, '')) ? undefined : trimmed;
  }
  return SAFE_SCHEMES.has(scheme) ? trimmed : undefined;
}
