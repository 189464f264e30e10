/**
 * AST → HTML, once for both editions: one mdast-util-to-hast `handlers` table for the
 * newspaper's node kinds, stringified with hast-util-to-html. The web's node views and the
 * print edition's module HTML both come from here; what an edition needs that the other
 * does not (print's cut marks, photo size and dash runs kept whole; the web's checked link
 * and image addresses and sanitised raw HTML) comes in as options, not as a second mapping.
 *
 * mdast-util-to-hast is used directly (not through remark-rehype): the editions render
 * single nodes and node lists inside Handlebars views and print modules, not whole
 * documents in a unified pipeline, and its `toHast(node, { handlers })` is what remark-rehype
 * would call anyway.
 */
import type { Element, ElementContent, Properties, Root as HastRoot } from 'hast';
import { toHtml as hastToHtml } from 'hast-util-to-html';
import { type Handler, type Handlers, type State, toHast as mdastToHast } from 'mdast-util-to-hast';
import type { Position } from 'unist';
import type { Banner, BodyBlock, Figure, Inline, Link } from '../ast/types.js';
import type { CutMarks } from '../ast/data.js';
import { isInlineType } from '../ast/vocabulary.js';
import { lineTextPieces } from '../layout/lines.js';
import { printedJump } from '../layout/jumps.js';
import { toString } from 'mdast-util-to-string';

/** An image as an edition places it. */
export interface PlacedImage {
  src: string;
  width?: number;
  height?: number;
  /** Print: the photo's height on the page, in pt. */
  heightPt?: number;
}

export interface HastOptions {
  /** Rank of the headline's heading element (web article view: h1; print modules: h2); a subhead is one below. */
  headlineRank: 1 | 2;
  /** Print: headline size in pt; kicker and subtitle sizes follow from it. */
  headlinePt?: number;
  /**
   * The checked address of a link (web); `undefined` drops the link and keeps its text.
   * Without this option (print) links are their text.
   */
  linkHref?(url: string): string | undefined;
  /**
   * Raw HTML of a hand-built AST (the parser never emits it): sanitised into the output (web).
   * Without this option (print) it is printed as the text it is.
   */
  sanitizeHtml?(html: string): { html: string; removed: string[] };
  /** The image a figure shows in this edition (web copy of its `src` / the print photo being placed), if any. */
  figureImage?(figure: Figure): PlacedImage | undefined;
  /**
   * Print's markup for what it sets in and over its columns: a figure with a photo is
   * `figure.photo` (across the top of its module), one without is `p.caption-only`, set in the
   * columns as running text, and a list is paragraphs with their number in the text (the
   * column measurer reads paragraphs: src/print/index.ts).
   */
  printColumns?: boolean;
  /** Print: a typed jump line in the generated style, `（下转第N版）` (src/layout/jumps.ts). */
  normaliseJumps?: boolean;
  /** Link target of a jump line (web). */
  jumpHref?(direction: 'to' | 'from', page: number): string | undefined;
  /**
   * Print: the line rules of src/layout/lines.ts in the markup (numbers kept with their
   * units, `——`/`……` whole, a block's last two characters together, adjacent full-width
   * marks squeezed).
   */
  lineRules?: boolean;
  /** Print: the letter-spacing (em) a block or paragraph is set with (chosen in the measuring sheet). */
  tracking?(block: object): number | undefined;
  /** Print: letter-spacing on a paragraph's first characters only (src/layout/lines.ts `PrefixTracking`). */
  prefixTracking?(paragraph: object): { em: number; chars: number } | undefined;
  /** Print: characters [from, to) of a paragraph glued into one unbreakable run (src/layout/lines.ts `setGlue`). */
  glue?(paragraph: object): [number, number] | undefined;
  /** Print: the letter-spacing (em) of a photo's caption at the width it is set at (src/layout/lines.ts `setCaptionTracking`). */
  captionTracking?(figure: object): number | undefined;
  /** Warnings about dropped links, removed markup, missing images. */
  warn?(message: string, position?: Position): void;
}


// Minimal node shapes the handlers read (the AST's own types, as mdast-util-to-hast sees them).
type AnyNode = { type: string; position?: Position; data?: unknown; children?: AnyNode[]; value?: string; [k: string]: unknown };

function el(tagName: string, properties: Properties, children: ElementContent[]): Element {
  return { type: 'element', tagName, properties, children };
}

function txt(value: string): ElementContent {
  return { type: 'text', value };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Characters of text in hast content (what the DOM's textContent counts). */
function contentLength(nodes: ElementContent[]): number {
  return nodes.reduce((n, c) => n + (c.type === 'text' ? c.value.length : c.type === 'element' ? contentLength(c.children) : 0), 0);
}

/**
 * Content cut after its first `n` characters of text: an element across the cut becomes two
 * (same tag and properties), as a DOM Range's extractContents does; no empty node is made.
 */
export function splitContent(nodes: ElementContent[], n: number): [ElementContent[], ElementContent[]] {
  const head: ElementContent[] = [];
  const tail: ElementContent[] = [];
  let left = n;
  for (const c of nodes) {
    if (left <= 0) {
      tail.push(c);
      continue;
    }
    const len = c.type === 'text' ? c.value.length : c.type === 'element' ? contentLength(c.children) : 0;
    if (len <= left) {
      head.push(c);
      left -= len;
    } else if (c.type === 'text') {
      head.push({ ...c, value: c.value.slice(0, left) });
      tail.push({ ...c, value: c.value.slice(left) });
      left = 0;
    } else if (c.type === 'element') {
      const [h, t] = splitContent(c.children, left);
      head.push({ ...c, children: h });
      tail.push({ ...c, properties: { ...c.properties }, children: t });
      left = 0;
    }
  }
  return [head, tail];
}

function cutClasses(node: AnyNode, base?: string): Properties {
  const d = (node.data ?? {}) as CutMarks;
  const classes = [base, d.cutStart ? 'cut-start' : '', d.cutEnd ? 'cut-end' : ''].filter((c): c is string => !!c);
  return classes.length ? { className: classes } : {};
}

/** Text with the print line rules as spans: `span.nb` around unbreakable runs, `span.sq` on squeezed marks. */
function lineRuleNodes(value: string, tail: boolean): ElementContent[] {
  const out: ElementContent[] = [];
  let run: { id: number; span: Element } | undefined;
  for (const p of lineTextPieces(value, { tail })) {
    const node = p.squeezed ? el('span', { className: ['sq'] }, [txt(p.text)]) : txt(p.text);
    if (p.run === undefined) {
      run = undefined;
      out.push(node);
      continue;
    }
    if (run?.id !== p.run) {
      run = { id: p.run, span: el('span', { className: ['nb'] }, []) };
      out.push(run.span);
    }
    run.span.children.push(node);
  }
  return out.length ? out : [txt(value)];
}

/**
 * For the line rules: the inline content of a block with adjacent text nodes as one (a
 * paragraph joined across a column break has two, and the rules must see `5` + `个`), and
 * the text that ends the block (when `tail`) entered in `tails`. Copies; the AST is not changed.
 */
function lineRuleRuns(node: AnyNode, tail: boolean, tails: WeakSet<object>): AnyNode {
  const children: AnyNode[] = [];
  for (const c of node.children ?? []) {
    const last = children[children.length - 1];
    if (c.type === 'text' && last?.type === 'text') children[children.length - 1] = { ...last, value: String(last.value) + String(c.value) };
    else children.push(c);
  }
  const out = children.map((c, i) => {
    const ends = tail && i === children.length - 1;
    if (c.type === 'text') {
      if (!ends) return c;
      const copy = { ...c };
      tails.add(copy);
      return copy;
    }
    if (c.type === 'strong' || c.type === 'emphasis' || c.type === 'link') return lineRuleRuns(c, ends, tails);
    if (c.type === 'speaker') return lineRuleRuns(c, false, tails);
    return c;
  });
  return { ...node, children: out };
}

/** The handler table: one entry per node kind of the newspaper AST. */
function handlers(o: HastOptions): Handlers {
  /** Children in order, no whitespace added or trimmed (unlike mdast-util-to-hast's `state.all`). */
  const kids = (state: State, node: AnyNode): ElementContent[] => {
    const children = node.children ?? [];
    // Inline raw HTML is sanitised together with its siblings, so that an opening and a
    // closing tag in two `html` nodes stay a pair.
    const rawInline = !!o.sanitizeHtml && children.some((c) => c.type === 'html') && isInlineContext(children);
    const out: ElementContent[] = [];
    for (const c of children) {
      const r = rawInline && c.type === 'html' ? ({ type: 'raw', value: String(c.value ?? '') } as unknown as ElementContent) : state.one(c as never, node as never);
      if (Array.isArray(r)) out.push(...r);
      else if (r) out.push(r as ElementContent);
    }
    if (rawInline && o.sanitizeHtml) {
      const { html, removed } = o.sanitizeHtml(hastToHtml({ type: 'root', children: out }, STRINGIFY));
      if (removed.length) o.warn?.(`removed ${removed.join(', ')} from raw HTML`, children.find((c) => c.type === 'html')?.position);
      return [{ type: 'raw', value: html } as unknown as ElementContent];
    }
    return out;
  };
  const wrap = (tag: string, props: Properties = {}): Handler => (state, node) => el(tag, props, kids(state, node as AnyNode));
  // Print's line rules: texts that end their block, and each block's inline content prepared for them.
  const tails = new WeakSet<object>();
  const runs = (node: AnyNode, tail: boolean): AnyNode => (o.lineRules ? lineRuleRuns(node, tail, tails) : node);
  /** Text as set: with the line rules' spans in print, as it is on the web. */
  const textOf = (value: string, tail: boolean): ElementContent[] => (o.lineRules ? lineRuleNodes(value, tail) : [txt(value)]);
  /** Content that ends its block (headings, captions; a paragraph unless cut before its end). */
  const ending = (tag: string, props: (node: AnyNode) => Properties = () => ({})): Handler => (state, node) => el(tag, props(node as AnyNode), kids(state, runs(node as AnyNode, true)));
  const ends = (node: AnyNode) => !((node.data ?? {}) as CutMarks).cutEnd;
  const tracked = (node: AnyNode): Properties => {
    const t = o.tracking?.(node);
    return t === undefined ? {} : { style: `letter-spacing:${t}em` };
  };
  /** A paragraph's content with its first-lines tracking: the first `chars` characters in a span of their own. */
  const firstLines = (node: AnyNode, content: ElementContent[]): ElementContent[] => {
    const g = o.glue?.(node);
    if (g) {
      const [head, rest] = splitContent(content, g[0]);
      const [mid, tail] = splitContent(rest, g[1] - g[0]);
      // Only plain text directly in the paragraph is glued (as in the sheet); else the content as it is.
      if (mid.every((c) => c.type === 'text') && contentLength(mid) === g[1] - g[0]) return [...head, el('span', { className: ['nb'] }, mid), ...tail];
    }
    const t = o.prefixTracking?.(node);
    if (!t) return content;
    const [head, tail] = splitContent(content, t.chars);
    return head.length ? [el('span', { style: `letter-spacing:${t.em}em` }, head), ...tail] : content;
  };
  const inline = (state: State, nodes: AnyNode[] | undefined) => kids(state, { type: 'fragment', children: nodes ?? [] });
  const sized = (factor: number): Properties => (o.headlinePt ? { style: `font-size:${round(Math.max(10.5, o.headlinePt * factor))}pt` } : {});
  const h: Record<string, Handler> = {
    // Lists of nodes rendered together.
    root: (state, node) => ({ type: 'root', children: kids(state, node as AnyNode) }) as unknown as Element,
    fragment: (state, node) => kids(state, node as AnyNode),

    // Inline
    text: (_state, node) => textOf(String((node as AnyNode).value), tails.has(node)),
    break: () => el('br', {}, []),
    strong: wrap('strong'),
    emphasis: wrap('em'),
    speaker: wrap('strong', { className: ['speaker'] }),
    inlineCode: (_state, node) => el('code', {}, textOf(String((node as AnyNode).value), false)),
    link: (state, node) => {
      const link = node as unknown as Link;
      const children = kids(state, node as AnyNode);
      if (!o.linkHref) return children;
      const href = o.linkHref(link.url);
      if (href === undefined) {
        o.warn?.(`dropped link with unsafe URL ${JSON.stringify(link.url.slice(0, 60))}`, link.position);
        return children;
      }
      return el('a', /^https?:/i.test(href) ? { href, rel: ['noopener'] } : { href }, children);
    },
    html: (_state, node, parent) => {
      const value = String((node as AnyNode).value ?? '');
      if (!o.sanitizeHtml) {
        // Print runs no HTML from pages: raw markup is printed as the text it is (a block as a paragraph).
        const text = textOf(value, false);
        return parent && BLOCK_PARENTS.has(parent.type) ? el('p', {}, text) : text;
      }
      const { html, removed } = o.sanitizeHtml(value);
      if (removed.length) o.warn?.(`removed ${removed.join(', ')} from raw HTML`, (node as AnyNode).position);
      return { type: 'raw', value: html } as unknown as ElementContent;
    },

    // Banner (专栏栏头)
    banner: (state, node) => {
      const b = node as unknown as Banner;
      const title = b.children.find((c) => c.type === 'bannerTitle');
      const motto = b.children.find((c) => c.type === 'motto');
      return el('div', { className: ['banner'] }, [...(title ? [state.one(title as never, node) as Element] : []), ...(motto ? [state.one(motto as never, node) as Element] : [])]);
    },
    bannerTitle: wrap('span', { className: ['banner-title'] }),
    motto: wrap('span', { className: ['banner-motto'] }),

    // Article header
    sectionLabel: (state, node) => el('p', { className: ['section'] }, [el('span', {}, kids(state, node as AnyNode))]),
    kicker: ending('p', () => ({ className: ['kicker'], ...sized(0.42) })),
    headline: ending(`h${o.headlineRank}`, () => ({ className: ['hl'], ...(o.headlinePt ? { style: `font-size:${o.headlinePt}pt` } : {}) })),
    subtitle: ending('p', (n) => ({ className: n.dash ? ['subtitle', 'dash'] : ['subtitle'], ...sized(0.45) })),
    byline: (state, node) => el('p', { className: (node as AnyNode).mark ? ['byline', 'mark'] : ['byline'] }, kids(state, node as AnyNode)),

    // Body
    paragraph: (state, node) => el('p', { ...cutClasses(node as AnyNode), ...tracked(node as AnyNode) }, firstLines(node as AnyNode, kids(state, runs(node as AnyNode, ends(node as AnyNode))))),
    lead: (state, node) => el('p', { ...cutClasses(node as AnyNode, 'lead'), ...tracked(node as AnyNode) }, firstLines(node as AnyNode, kids(state, runs(node as AnyNode, ends(node as AnyNode))))),
    subhead: ending(`h${o.headlineRank + 1}`, () => ({ className: ['subhead'] })),
    question: wrap('div', { className: ['turn', 'question'] }),
    answer: wrap('div', { className: ['turn', 'answer'] }),
    brief: (state, node) => el('div', { ...cutClasses(node as AnyNode, 'brief'), ...tracked(node as AnyNode) }, kids(state, node as AnyNode)),
    endnote: wrap('p', { className: ['endnote'] }),
    jump: (state, node) => {
      const n = node as AnyNode;
      const direction = n.direction as 'to' | 'from';
      const href = o.jumpHref?.(direction, Number(n.page));
      const children = o.normaliseJumps ? [{ type: 'text' as const, value: printedJump(toString(n as never), direction, Number(n.page)) }] : kids(state, n);
      return el('p', { className: ['jump', `jump-${direction}`] }, href ? [el('a', { href }, children)] : children);
    },
    blockquote: (state, node) => el('blockquote', tracked(node as AnyNode), kids(state, node as AnyNode)),
    list: (state, node) => {
      const n = node as AnyNode;
      if (o.printColumns) {
        // Print: one paragraph per item, its number or bullet in the text.
        const start = typeof n.start === 'number' ? n.start : 1;
        return el(
          'div',
          { className: ['list'] },
          (n.children ?? []).map((item, i) =>
            el('p', {}, [txt(n.ordered ? `${start + i}. ` : '· '), ...(item.children ?? []).flatMap((c) => (c.type === 'paragraph' ? inline(state, c.children) : [state.one(c as never, item as never) as ElementContent]))]),
          ),
        );
      }
      if (!n.ordered) return el('ul', {}, kids(state, n));
      return el('ol', typeof n.start === 'number' && n.start !== 1 ? { start: n.start } : {}, kids(state, n));
    },
    listItem: wrap('li'),
    figure: (state, node) => {
      const f = node as unknown as Figure;
      const caption = f.children.find((c) => c.type === 'caption');
      const credit = f.children.find((c) => c.type === 'photoCredit');
      const image = o.figureImage?.(f);
      if (f.src && !image && !o.printColumns) o.warn?.(`figure image ${f.src} not found`, f.position);
      if (o.printColumns) {
        const captionKids = caption ? kids(state, runs(caption as unknown as AnyNode, !credit)) : [];
        const creditEl = credit ? [el('span', { className: ['credit'] }, kids(state, runs(credit as unknown as AnyNode, true)))] : [];
        // A caption without a photo: set as a caption in the columns, with no box pretending to be a photo.
        // Tracked like a paragraph of the columns (it is one in the measuring sheet).
        if (!image) return el('p', { className: ['caption-only'], ...tracked(node as AnyNode) }, firstLines(node as AnyNode, [...captionKids, ...creditEl]));
        const capTracking = o.captionTracking?.(f);
        const figcaption =
          caption || credit ? [el('figcaption', capTracking === undefined ? {} : { style: `letter-spacing:${capTracking}em` }, [...(caption ? [el('span', { className: caption.mark ? ['cap', 'mark'] : ['cap'] }, captionKids)] : []), ...creditEl])] : [];
        return el('figure', { className: ['photo'] }, [el('img', { src: image.src, alt: f.alt ?? '', style: `height:${round(image.heightPt ?? 0)}pt` }, []), ...figcaption]);
      }
      const alt = f.alt ? f.alt : caption ? plainText(caption as unknown as AnyNode) : '新闻图片';
      const img = image ? [el('img', { src: image.src, width: image.width, height: image.height, alt, loading: 'lazy', decoding: 'async' }, [])] : [];
      const figcaption = f.children.length ? [el('figcaption', {}, kids(state, node as AnyNode))] : [];
      return el('figure', { className: image ? ['figure'] : ['figure', 'figure-text'] }, [...img, ...figcaption]);
    },
    caption: wrap('span', { className: ['caption'] }),
    photoCredit: (state, node) => [txt(' '), el('span', { className: ['photo-credit'] }, kids(state, node as AnyNode))],
  };
  return h as Handlers;
}

/** Node kinds whose children are blocks (`fragment` holds inline content). */
const BLOCK_PARENTS: ReadonlySet<string> = new Set(['root', 'article', 'listItem', 'blockquote', 'brief', 'question', 'answer']);

/** Whether a list of sibling nodes is inline content (raw HTML alone does not tell). */
function isInlineContext(nodes: readonly AnyNode[]): boolean {
  return nodes.some((n) => n.type !== 'html' && isInlineType(n.type));
}

function plainText(node: AnyNode): string {
  if (typeof node.value === 'string' && node.type !== 'html') return node.value;
  return Array.isArray(node.children) ? node.children.map(plainText).join('') : '';
}

/** Named references (`&amp;`, `&lt;`), as the editions wrote before; raw HTML is already sanitised. */
const STRINGIFY = { allowDangerousHtml: true, characterReferences: { useNamedReferences: true } } as const;

type HastInput = Inline | BodyBlock | Banner | { type: string; children?: unknown[] };

/** Handler tables by options object: an edition renders many node lists with one options object. */
const tables = new WeakMap<HastOptions, Handlers>();

/**
 * What the newspaper table's handlers use of mdast-util-to-hast's state: `one` only. Its
 * `createState` copies the default handler table and walks the tree for definitions on
 * every call, which was most of the cost of rendering a short node list; this state
 * does neither. A tree with a node kind only mdast-util-to-hast's defaults know (a
 * hand-built AST's `heading`, `table` …) goes the full way, so the output is the same.
 */
function lightState(hs: Handlers): State {
  const table = hs as Record<string, Handler>;
  const state = {
    handlers: hs,
    one: (node: AnyNode, parent: AnyNode | undefined) => table[node.type](state as never, node as never, parent as never),
  };
  return state as unknown as State;
}

/** Whether every node of the tree has a handler of the newspaper table. */
function allOurs(node: AnyNode, hs: Handlers): boolean {
  if (!Object.hasOwn(hs, node.type)) return false;
  const children = node.children;
  if (children) for (let i = 0; i < children.length; i++) if (!allOurs(children[i], hs)) return false;
  return true;
}

/** The hast of one node or a list of nodes. */
export function toHast(nodes: HastInput | readonly HastInput[], options: HastOptions): HastRoot {
  const tree = (Array.isArray(nodes) ? { type: 'root', children: nodes } : { type: 'root', children: [nodes] }) as AnyNode;
  let hs = tables.get(options);
  if (!hs) tables.set(options, (hs = handlers(options)));
  if (allOurs(tree, hs)) {
    const node = lightState(hs).one(tree as never, undefined as never) as unknown;
    return (Array.isArray(node) ? { type: 'root', children: node } : (node ?? { type: 'root', children: [] })) as HastRoot;
  }
  return mdastToHast(tree as never, {
    handlers: hs,
    unknownHandler: (_state, node) => {
      throw new Error(`no HTML handler for AST node "${(node as AnyNode).type}"`);
    },
  }) as HastRoot;
}

/** The HTML of one node or a list of nodes. */
export function toHtml(nodes: HastInput | readonly HastInput[], options: HastOptions): string {
  return hastToHtml(toHast(nodes, options), STRINGIFY);
}
