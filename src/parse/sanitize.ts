/**
 * Raw HTML in a page, cleaned once when the AST is built. The HTML goes through
 * rehype-parse and rehype-sanitize (GitHub's schema, the one the web edition used on
 * its own before; plus stripping the content of elements whose content is not text
 * a reader sees, such as `<style>` and `<iframe>`), and what is left becomes ordinary
 * AST nodes: text, strong, emphasis, link, inline code, break; in a block, paragraphs,
 * lists, quotes and figures. So the AST holds no raw HTML: headline text, titles,
 * navigation, feeds, JSON-LD, the search index and the print edition all read the
 * same clean text. Each removal is a warning at its file:line.
 */
import type { Element, ElementContent, Root, RootContent } from 'hast';
import rehypeParse from 'rehype-parse';
import rehypeSanitize, { defaultSchema } from 'rehype-sanitize';
import { unified } from 'unified';
import type { Position } from 'unist';
import type { BodyBlock, Caption, Figure, Inline, List, ListItem, Paragraph } from '../ast/types.js';
import type { Inl } from './inline.js';
import { type Source, report } from './source.js';

/** Elements removed with everything inside them (their content is code or an embedded document). */
const STRIP = ['script', 'style', 'template', 'noscript', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'textarea', 'title', 'select', 'svg', 'math'];
const SCHEMA = { ...defaultSchema, strip: [...new Set([...(defaultSchema.strip ?? []), ...STRIP])] };
const ALLOWED_TAGS = new Set(defaultSchema.tagNames ?? []);
const URL_PROPS = new Set(['href', 'src', 'action', 'formAction', 'cite', 'poster', 'srcSet', 'xLinkHref', 'data', 'background']);
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'tel']);

const parser = unified().use(rehypeParse, { fragment: true });
const cleaner = unified().use(rehypeSanitize, SCHEMA);

/** Placeholders for the non-HTML inline nodes between the tags of a paragraph (private-use characters). */
const HOLE_OPEN = '\ue000';
const HOLE_CLOSE = '\ue001';
const HOLE_RE = /\ue000(\d+)\ue001/g;

function schemeOf(url: string): string {
  // browsers ignore control characters and whitespace inside a scheme (`java\tscript:`)
  const compact = url.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(compact);
  return m ? m[1].toLowerCase() : '';
}

function unsafeUrl(url: string): boolean {
  const scheme = schemeOf(url.trim());
  if (scheme) return !SAFE_SCHEMES.has(scheme);
  return /^[^/?#]*:/.test(url.replace(/[\u0000-\u0020\u007f-\u009f]/g, ''));
}

/**
 * An image of the issue: a relative path inside the issue folder (`images/x.jpg`) with
 * an image file's extension — not a URL, not an absolute path, no `..`.
 */
export function isIssueImage(src: string): boolean {
  const s = src.trim();
  if (!s || schemeOf(s) || s.startsWith('/') || s.startsWith('\\') || s.startsWith('//')) return false;
  if (s.split(/[\\/]/).some((seg) => seg === '..')) return false;
  return /\.(?:jpe?g|png|gif|webp|avif)$/i.test(s.replace(/[?#].*$/, ''));
}

/** What sanitising takes out of a tree, each kind once, in order (for the warning). */
function removals(nodes: RootContent[], out: Set<string>): void {
  for (const node of nodes) {
    if (node.type === 'comment') out.add('comment');
    if (node.type !== 'element') continue;
    const el = node as Element;
    if (!ALLOWED_TAGS.has(el.tagName)) out.add(`<${el.tagName}>`);
    for (const [name, value] of Object.entries(el.properties ?? {})) {
      const lower = name.toLowerCase();
      if (lower.startsWith('on')) out.add(`${lower} attribute`);
      else if (lower === 'style') out.add('style attribute');
      else if (URL_PROPS.has(name) && typeof value === 'string' && unsafeUrl(value)) out.add(`${schemeOf(value) || 'unsafe'}: URL`);
    }
    if (STRIP.includes(el.tagName)) continue;
    removals(el.children as RootContent[], out);
  }
}

function clean(html: string, removed: Set<string>): Root {
  const tree = parser.parse(html) as Root;
  removals(tree.children, removed);
  return cleaner.runSync(tree) as Root;
}

function warn(src: Source, removed: Set<string>, position: Position | undefined): void {
  if (!removed.size) return;
  const s = position?.start.offset ?? 0;
  const e = position?.end.offset ?? s;
  report(src, `removed ${[...removed].join(', ')} from raw HTML`, 'html-removed', s, e, 'warning');
}

/** Element → inline AST nodes (children resolved through `text`). */
function toInlines(
  nodes: ElementContent[] | RootContent[],
  text: (value: string) => Inl[],
  ctx: { removed: Set<string>; position?: Position },
): Inl[] {
  const out: Inl[] = [];
  for (const node of nodes) {
    if (node.type === 'text') {
      out.push(...text(node.value));
      continue;
    }
    if (node.type !== 'element') continue;
    const el = node as Element;
    const kids = () => toInlines(el.children, text, ctx);
    switch (el.tagName) {
      case 'strong':
      case 'b':
        pushParent(out, 'strong', kids(), ctx.position);
        break;
      case 'em':
      case 'i':
        pushParent(out, 'emphasis', kids(), ctx.position);
        break;
      case 'a': {
        const href = typeof el.properties?.href === 'string' ? el.properties.href : undefined;
        const children = kids();
        if (href && children.length) out.push({ type: 'link', url: href, title: null, children: children as Inline[], position: ctx.position });
        else out.push(...children);
        break;
      }
      case 'code':
      case 'kbd':
      case 'samp': {
        const value = kids()
          .map((n) => inlineValue(n))
          .join('');
        if (value) out.push({ type: 'inlineCode', value, position: ctx.position });
        break;
      }
      case 'br':
        out.push({ type: 'break', position: ctx.position });
        break;
      case 'img': {
        // inside running text an image counts as its description, as in Markdown
        const src = String(el.properties?.src ?? '');
        if (!isIssueImage(src)) ctx.removed.add(`<img> not an image of the issue (${JSON.stringify(src.slice(0, 40))})`);
        const alt = typeof el.properties?.alt === 'string' ? el.properties.alt : '';
        if (alt && isIssueImage(src)) out.push({ type: 'text', value: alt, position: ctx.position });
        break;
      }
      default:
        // span, sup, sub, del, ins, a block element inside a paragraph…: the text stays, the tag goes
        out.push(...kids());
    }
  }
  return out;
}

function pushParent(out: Inl[], type: 'strong' | 'emphasis', children: Inl[], position?: Position): void {
  if (children.length) out.push({ type, children: children as Inline[], position });
}

function inlineValue(n: Inl): string {
  if (n.type === 'text' || n.type === 'inlineCode' || n.type === 'html') return n.value;
  if (n.type === 'break') return '\n';
  return 'children' in n ? (n.children as Inl[]).map(inlineValue).join('') : '';
}

/**
 * The inline content of one paragraph or heading with its raw HTML tags cleaned: the
 * tags of one paragraph are read together (an opening and a closing tag in two nodes
 * stay a pair), the other nodes keep their identity and source positions.
 */
export function cleanInlines(src: Source, inlines: Inl[]): Inl[] {
  if (!inlines.some((n) => n.type === 'html')) return inlines;
  let html = '';
  const holes: Inl[] = [];
  for (const n of inlines) {
    if (n.type === 'html') html += n.value;
    else {
      html += `${HOLE_OPEN}${holes.length}${HOLE_CLOSE}`;
      holes.push(n);
    }
  }
  const firstHtml = inlines.find((n) => n.type === 'html')!;
  const position = firstHtml.position;
  const removed = new Set<string>();
  const tree = clean(html, removed);
  const used = new Set<number>();
  const text = (value: string): Inl[] => {
    const out: Inl[] = [];
    let last = 0;
    for (const m of value.matchAll(HOLE_RE)) {
      if (m.index! > last) out.push({ type: 'text', value: value.slice(last, m.index), position });
      const k = Number(m[1]);
      if (holes[k] && !used.has(k)) {
        used.add(k);
        out.push(holes[k]);
      }
      last = m.index! + m[0].length;
    }
    if (last < value.length) out.push({ type: 'text', value: value.slice(last), position });
    return out;
  };
  const out = toInlines(tree.children, text, { removed, position });
  // text of the page that sat inside a stripped element (`<script>…</script>`) is gone: say so
  if (holes.some((h, k) => !used.has(k) && inlineValue(h).trim())) removed.add('text inside removed elements');
  warn(src, removed, spanOf(inlines) ?? position);
  return out;
}

function spanOf(nodes: Inl[]): Position | undefined {
  const first = nodes[0]?.position;
  const last = nodes[nodes.length - 1]?.position;
  return first && last ? { start: first.start, end: last.end } : undefined;
}

const BLOCK_TAGS = new Set([
  'p', 'div', 'section', 'article', 'aside', 'header', 'footer', 'main', 'nav', 'address', 'center',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'hr', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'caption',
  'dl', 'dt', 'dd', 'details', 'summary', 'figure', 'figcaption', 'li', 'form', 'fieldset', 'legend',
]);

/**
 * A raw HTML block → body blocks: paragraphs (split at block elements), lists, quotes,
 * and a figure for an `<img>` of the issue. Every node takes the block's position.
 */
export function cleanHtmlBlock(src: Source, value: string, position: Position): BodyBlock[] {
  const removed = new Set<string>();
  const tree = clean(value, removed);
  const ctx = { removed, position };
  const text = (v: string): Inl[] => (v ? [{ type: 'text', value: v, position }] : []);
  const out: BodyBlock[] = [];
  let run: Inl[] = [];
  const flush = () => {
    const trimmed = trimRun(run);
    if (trimmed.length) out.push({ type: 'paragraph', children: trimmed as Inline[], position });
    run = [];
  };
  const walk = (nodes: ElementContent[] | RootContent[]) => {
    for (const node of nodes) {
      if (node.type === 'text') {
        run.push(...text(node.value));
        continue;
      }
      if (node.type !== 'element') continue;
      const el = node as Element;
      if (el.tagName === 'ul' || el.tagName === 'ol') {
        flush();
        out.push(listOf(el, text, ctx));
      } else if (el.tagName === 'blockquote') {
        flush();
        const inner = cleanHtmlChildren(el, text, ctx);
        out.push({ type: 'blockquote', children: inner, position });
      } else if (el.tagName === 'img' && isIssueImage(String(el.properties?.src ?? '')) && !run.some((n) => inlineValue(n).trim())) {
        flush();
        const alt = typeof el.properties?.alt === 'string' ? el.properties.alt.trim() : '';
        const figure: Figure = { type: 'figure', src: String(el.properties?.src).trim(), children: [], position };
        if (alt) {
          figure.alt = alt;
          const caption: Caption = { type: 'caption', mark: false, children: [{ type: 'text', value: alt, position }], position };
          figure.children.push(caption);
        }
        out.push(figure);
      } else if (el.tagName === 'td' || el.tagName === 'th') {
        if (run.length) run.push(...text(' '));
        run.push(...toInlines(el.children, text, ctx));
      } else if (BLOCK_TAGS.has(el.tagName)) {
        flush();
        walk(el.children);
        flush();
      } else run.push(...toInlines([el], text, ctx));
    }
  };
  walk(tree.children);
  flush();
  warn(src, removed, position);
  return out;
}

/** The paragraphs inside an element (a quote, a list item): nested lists flattened into paragraphs. */
function cleanHtmlChildren(el: Element, text: (v: string) => Inl[], ctx: { removed: Set<string>; position?: Position }): Paragraph[] {
  const out: Paragraph[] = [];
  let run: Inl[] = [];
  const flush = () => {
    const trimmed = trimRun(run);
    if (trimmed.length) out.push({ type: 'paragraph', children: trimmed as Inline[], position: ctx.position });
    run = [];
  };
  const walk = (nodes: ElementContent[]) => {
    for (const node of nodes) {
      if (node.type === 'text') run.push(...text(node.value));
      else if (node.type === 'element' && (BLOCK_TAGS.has(node.tagName) || node.tagName === 'ul' || node.tagName === 'ol' || node.tagName === 'blockquote')) {
        flush();
        walk(node.children);
        flush();
      } else if (node.type === 'element') run.push(...toInlines([node], text, ctx));
    }
  };
  walk(el.children);
  flush();
  return out;
}

function listOf(el: Element, text: (v: string) => Inl[], ctx: { removed: Set<string>; position?: Position }): List {
  const items: ListItem[] = [];
  for (const c of el.children) {
    if (c.type !== 'element') continue;
    const paras = cleanHtmlChildren(c, text, ctx);
    if (paras.length) items.push({ type: 'listItem', children: paras, position: ctx.position });
  }
  const start = el.tagName === 'ol' && typeof el.properties?.start === 'number' ? el.properties.start : null;
  return { type: 'list', ordered: el.tagName === 'ol', start, children: items, position: ctx.position };
}

/** Whitespace-only text at the ends of a run is layout of the HTML source, not content. */
function trimRun(run: Inl[]): Inl[] {
  let a = 0;
  let b = run.length;
  while (a < b && run[a].type === 'text' && !inlineValue(run[a]).trim()) a++;
  while (b > a && run[b - 1].type === 'text' && !inlineValue(run[b - 1]).trim()) b--;
  if (a >= b) return [];
  const out = run.slice(a, b);
  if (!out.some((n) => inlineValue(n).trim() || n.type === 'break')) return [];
  const first = out[0];
  if (first.type === 'text') out[0] = { ...first, value: first.value.trimStart() };
  const last = out[out.length - 1];
  if (last.type === 'text') out[out.length - 1] = { ...last, value: last.value.trimEnd() };
  return out;
}
