/**
 * Page body → a flat list of blocks. The body goes through remark-parse (CommonMark),
 * so Markdown works as written; every paragraph of unmarked text becomes a `text`
 * block whose role later stages infer. Explicit markup is settled here and marked
 * `explicit` so that inference never overrides it: headings, `---`, images, role tags
 * (`[主题]`, `[引题]`, …, see docs/markup.md).
 */
import type { Root, RootContent, PhrasingContent, Image, ListItem as MdListItem } from 'mdast';
import type { Node, Point } from 'unist';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { Blockquote, BodyBlock, List, ListItem, Paragraph } from '../ast/types.js';
import { cleanHtmlBlock, cleanInlines } from './sanitize.js';
import { type Inl, inlineEnd, inlineStart, isLiteralChar, plainText, sliceInlines, textNode, offsetAt } from './inline.js';
import { normalizeInlines } from './normalize.js';
import { type Source, positionOf } from './source.js';

export type Kind =
  | 'text'
  | 'paragraph'
  | 'headline'
  | 'kicker'
  | 'sectionLabel'
  | 'subtitle'
  | 'byline'
  | 'lead'
  | 'subhead'
  | 'caption'
  | 'photoCredit'
  | 'figure'
  | 'brief'
  | 'endnote'
  | 'jump'
  | 'bannerTitle'
  | 'motto'
  | 'staffLine'
  | 'pageName'
  | 'pageInfo'
  | 'question'
  | 'answer'
  | 'articleBreak'
  | 'headMark'
  | 'pass';

/** Article ranks an editor can set by a tag (`[头条]` is the lead flag, leadMark). */
export type RankMark = 'second' | 'ordinary' | 'brief';

export interface Block {
  kind: Kind;
  /** The role was given by markup: inference leaves it alone. */
  explicit: boolean;
  /** `[正文]`: no inference at all (no join, no speaker detection). */
  noInfer?: boolean;
  /** Came from a Markdown heading of this depth. */
  depth?: number;
  inlines: Inl[];
  start: number;
  end: number;
  /** Trimmed plain text of `inlines` (raw, not normalised). */
  text: string;
  /** `[头条]`: this block's article is the page's lead. */
  leadMark?: boolean;
  /** `[3栏]`: the editor asks for this many columns for this block's article (Article.data.columns). */
  columns?: number;
  /** `[二条]` / `[简讯]` alone on a line: the rank the editor gives this block's article (Article.data.rank). */
  rankMark?: RankMark;
  /** A ready body node (list, blockquote, html) passed through. */
  pass?: BodyBlock;
  /** Figure parts: image address, caption and credit blocks. */
  src?: string;
  alt?: string;
  parts?: Block[];
  /** Extra data found by inference (pinyin block of a page name, etc.). */
  extra?: Block;
}

const processor = unified().use(remarkParse);

/** Parses Markdown with the same processor the bench compares against. */
export function parseMarkdown(text: string): Root {
  return processor.parse(text) as Root;
}

/**
 * Where a long page can be cut into pieces that CommonMark parses exactly as it would
 * parse the whole: at a blank line followed by a line that starts in column 0 and
 * cannot continue anything before it (not a list item, not inside a fenced code block
 * or an HTML block that runs over blank lines). Parsing piece by piece keeps only one
 * piece's syntax tree in memory. Link reference definitions act across the whole
 * document, so a text that may hold one (`]:`) is not cut. Pieces are about `size`
 * characters; returns [start, end) offsets.
 */
export function markdownChunks(text: string, size = 128 * 1024): Array<[number, number]> {
  if (!(size >= 1)) size = 128 * 1024;
  if (text.length <= size || text.indexOf(']:') >= 0) return [[0, text.length]];
  const out: Array<[number, number]> = [];
  let chunkStart = 0;
  let end: RegExp | undefined; // end condition of the fenced code or HTML block we are in
  let prevBlank = false;
  let blankFrom = 0; // start of the run of blank lines before `at`
  for (let at = 0; at < text.length; ) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    const line = text.slice(at, nl);
    if (end) {
      if (end.test(line)) end = undefined;
    } else {
      if (prevBlank && at - chunkStart >= size && /^\S/.test(line) && !LIST_START.test(line)) {
        // the blank lines between belong to neither piece: at the end of a piece they
        // would be taken into an unclosed code or HTML block of a list item
        out.push([chunkStart, blankFrom]);
        chunkStart = at;
      }
      const opening = blockOpening(line);
      // an HTML block may end on the line that opens it (`<!-- … -->`)
      if (opening && !(opening.html && opening.end.test(line.slice(opening.length)))) end = opening.end;
    }
    const blank = !/[^ \t]/.test(line);
    if (blank && !prevBlank) blankFrom = at;
    prevBlank = blank;
    at = nl + 1;
  }
  out.push([chunkStart, text.length]);
  return out;
}

/** The Markdown trees of the pieces of `text` (markdownChunks), positions as in the whole text. */
export function* parseMarkdownPieces(text: string, size?: number): Generator<Root> {
  let line = 0; // newlines before the piece
  let counted = 0;
  for (const [a, b] of markdownChunks(text, size)) {
    if (a === 0 && b === text.length) {
      yield parseMarkdown(text);
      continue;
    }
    for (let i = text.indexOf('\n', counted); i >= 0 && i < a; i = text.indexOf('\n', i + 1)) line++;
    counted = a;
    const root = parseMarkdown(text.slice(a, b));
    if (a > 0) shiftPositions(root, a, line);
    yield root;
  }
}

/** Moves a piece's positions to where it starts in the whole text (a line start: columns stay). */
function shiftPositions(node: Node, offset: number, lines: number): void {
  const seen = new Set<Point>();
  const shift = (p: Point | undefined) => {
    if (!p || seen.has(p)) return;
    seen.add(p);
    p.line += lines;
    if (p.offset !== undefined) p.offset += offset;
  };
  const walk = (n: Node) => {
    shift(n.position?.start);
    shift(n.position?.end);
    const kids = (n as { children?: Node[] }).children;
    if (kids) for (const k of kids) walk(k);
  };
  walk(node);
}

const LIST_START = /^(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)/;

/**
 * Deepest container nesting (lists, block quotes) that goes to remark-parse. Its cost
 * grows much faster than the text on deeper nesting (400 levels: 13 s), and deep trees
 * overflow the stack of recursive tree walks; no newspaper page nests this deep.
 */
export const MAX_NESTING = 32;

/** Estimated container depth of a line: `>` and list markers at its start, and its indentation (2 columns a level). */
function lineDepth(text: string, from: number, to: number): number {
  let depth = 0;
  let ws = 0;
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 32) ws++;
    else if (c === 9) ws += 4;
    else if (c === 62 /* > */) depth++;
    else if ((c === 45 || c === 42 || c === 43) && (i + 1 >= to || text.charCodeAt(i + 1) === 32 || text.charCodeAt(i + 1) === 9)) depth++;
    else if (c >= 48 && c <= 57) {
      let j = i;
      while (j < to && j - i < 9 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
      const d = text.charCodeAt(j);
      if ((d === 46 || d === 41) && (j + 1 >= to || text.charCodeAt(j + 1) === 32)) {
        depth++;
        i = j;
      } else break;
    } else break;
    i++;
  }
  return depth + Math.floor(ws / 4);
}

/**
 * Runs of lines (between blank lines) holding a line nested deeper than MAX_NESTING:
 * [start, end) offsets and the first deep line. They are read as unmarked text, not
 * as Markdown (see page.ts).
 */
export function deepNestingRegions(text: string, max = MAX_NESTING): Array<{ start: number; end: number; line: number }> {
  const out: Array<{ start: number; end: number; line: number }> = [];
  let runStart = -1;
  let deepLine = 0;
  let line = 0;
  for (let at = 0; at <= text.length; ) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    line++;
    const blank = !/[^ \t\r]/.test(text.slice(at, Math.min(nl, at + 4096))) && nl - at < 4096;
    if (blank) {
      if (runStart >= 0 && deepLine) out.push({ start: runStart, end: at > 0 ? at - 1 : at, line: deepLine });
      runStart = -1;
      deepLine = 0;
    } else {
      if (runStart < 0) runStart = at;
      if (!deepLine && lineDepth(text, at, nl) > max) deepLine = line;
    }
    if (nl >= text.length) {
      if (runStart >= 0 && deepLine) out.push({ start: runStart, end: nl, line: deepLine });
      break;
    }
    at = nl + 1;
  }
  return out;
}
const HTML_OPEN = /^ {0,3}(?:<(?:script|pre|style|textarea)(?=[\s>]|$)|<!--|<\?|<!\[CDATA\[|<![A-Za-z])/i;

/** The end condition of a block that runs over blank lines (CommonMark: fenced code, HTML blocks 1–5), if `line` opens one. */
function blockOpening(line: string): { end: RegExp; html: boolean; length: number } | undefined {
  const fence = /^ {0,3}(`{3,}|~{3,})/.exec(line);
  if (fence) {
    // closed by a fence of the same character, at least as long
    const ch = fence[1][0] === '`' ? '`' : '~';
    return { end: new RegExp(`^ {0,3}${ch}{${fence[1].length},}[ \\t]*$`), html: false, length: fence[0].length };
  }
  const m = HTML_OPEN.exec(line);
  if (!m) return undefined;
  const o = m[0].trimStart().toLowerCase();
  const end = o === '<!--' ? /-->/ : o === '<?' ? /\?>/ : o === '<![cdata[' ? /\]\]>/ : o.startsWith('<!') ? />/ : /<\/(?:script|pre|style|textarea)>/i;
  return { end, html: true, length: m[0].length };
}

export const ROLE_TAGS: Record<string, Kind> = {
  栏目: 'sectionLabel',
  引题: 'kicker',
  主题: 'headline',
  副题: 'subtitle',
  署名: 'byline',
  导语: 'lead',
  小标题: 'subhead',
  正文: 'paragraph',
  问: 'question',
  答: 'answer',
  图说: 'caption',
  摄影: 'photoCredit',
  简讯: 'brief',
  文末: 'endnote',
  转版: 'jump',
  栏头: 'bannerTitle',
  头条: 'headMark',
  二条: 'headMark',
  普通: 'headMark',
  新稿: 'articleBreak',
};
const TAG_RE = /^[ \t\u3000]*\[(栏目|引题|主题|副题|署名|导语|小标题|正文|问|答|图说|摄影|简讯|文末|转版|栏头|头条|二条|普通|新稿|[1-8一二三四五六七八]栏)\][ \t\u3000]*/;

/** Tags that give an article's rank when they stand alone on a line (docs/markup.md). */
const RANK_TAGS: Record<string, RankMark> = { 二条: 'second', 普通: 'ordinary', 简讯: 'brief' };

/** The column count of a `[3栏]` / `[三栏]` tag, undefined for other tags. */
function columnsTag(tag: string): number | undefined {
  const m = /^([1-8一二三四五六七八])栏$/.exec(tag);
  return m ? Number(m[1]) || '一二三四五六七八'.indexOf(m[1]) + 1 : undefined;
}

export function makeBlock(kind: Kind, inlines: Inl[], start: number, end: number, explicit = false): Block {
  return { kind, explicit, inlines, start, end, text: plainText(inlines).trim() };
}

/** Converts mdast phrasing content to AST inlines (positions kept; raw HTML cleaned, sanitize.ts). */
function convertInlines(src: Source, nodes: PhrasingContent[]): Inl[] {
  return cleanInlines(src, convertInlinesRaw(src, nodes));
}

function convertInlinesRaw(src: Source, nodes: PhrasingContent[]): Inl[] {
  const out: Inl[] = [];
  for (const n of nodes) {
    const s = n.position?.start.offset ?? 0;
    const e = n.position?.end.offset ?? s;
    switch (n.type) {
      case 'text':
        out.push({ type: 'text', value: n.value, position: n.position });
        break;
      case 'break':
        out.push({ type: 'break', position: n.position });
        break;
      case 'strong':
      case 'emphasis':
        out.push({ type: n.type, children: convertInlines(src, n.children), position: n.position });
        break;
      case 'link':
        out.push({ type: 'link', url: n.url, title: n.title ?? null, children: convertInlines(src, n.children), position: n.position });
        break;
      case 'inlineCode':
        out.push({ type: 'inlineCode', value: n.value, position: n.position });
        break;
      case 'html':
        out.push({ type: 'html', value: n.value, position: n.position });
        break;
      case 'image':
        // an image inside running text: its description and title are text
        out.push(textNode(src, [n.alt, n.title].filter(Boolean).join(' '), s, e));
        break;
      default:
        // references and anything else: the source as written
        out.push(textNode(src, src.text.slice(s, e), s, e));
    }
  }
  return out;
}

export function rawTextBlock(src: Source, s: number, e: number): Block[] {
  // Split raw source at blank lines into paragraphs of unmarked text.
  const out: Block[] = [];
  const text = src.text.slice(s, e);
  const re = /\n[ \t]*\n/g;
  let last = 0;
  let m: RegExpExecArray | null;
  const push = (a: number, b: number) => {
    const chunk = text.slice(a, b);
    if (!chunk.trim()) return;
    const lead = chunk.length - chunk.trimStart().length;
    const trail = chunk.length - chunk.trimEnd().length;
    const cs = s + a + lead;
    const ce = s + b - trail;
    out.push(...blockFromInlines(src, [textNode(src, src.text.slice(cs, ce), cs, ce)], cs, ce));
  };
  while ((m = re.exec(text))) {
    push(last, m.index);
    last = m.index + m[0].length;
  }
  push(last, text.length);
  return out;
}

/** Reads leading role tags off a block; returns the tags and the remaining content. */
function readTags(src: Source, inlines: Inl[]): { tags: string[]; rest: Inl[] } {
  const tags: string[] = [];
  let text = plainText(inlines);
  let cut = 0;
  for (;;) {
    const m = TAG_RE.exec(text.slice(cut));
    if (!m) break;
    // an escaped `\[主题]` is text, not a tag
    const bracket = cut + m[0].indexOf('[');
    if (!isLiteralChar(src, inlines, bracket, '[')) break;
    tags.push(m[1]);
    cut += m[0].length;
  }
  if (!tags.length) return { tags, rest: inlines };
  text = text.slice(cut);
  return { tags, rest: sliceInlines(src, inlines, cut, cut + text.length) };
}

/** Plain-text indexes of the lines (after the first) that start with a role tag. */
function taggedLineStarts(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (TAG_RE.test(text.slice(i + 1, i + 12))) out.push(i + 1);
  }
  return out;
}

function blockFromInlines(src: Source, inlines: Inl[], fallbackStart: number, fallbackEnd: number, depth?: number): Block[] {
  if (depth === undefined) {
    // A role tag starts a line, also inside a paragraph: each tagged line begins a block of its own.
    const text = plainText(inlines);
    const starts = text.indexOf('[') >= 0 ? taggedLineStarts(text) : [];
    if (starts.length) {
      const out: Block[] = [];
      const bounds = [0, ...starts, text.length + 1];
      for (let k = 0; k + 1 < bounds.length; k++) {
        const part = sliceInlines(src, inlines, bounds[k], bounds[k + 1] - 1);
        if (!plainText(part).trim()) continue;
        out.push(...blockFromInlinesOne(src, part, inlineStart(part), inlineEnd(part)));
      }
      return out;
    }
  }
  return blockFromInlinesOne(src, inlines, fallbackStart, fallbackEnd, depth);
}

function blockFromInlinesOne(src: Source, inlines: Inl[], fallbackStart: number, fallbackEnd: number, depth?: number): Block[] {
  const { tags, rest } = readTags(src, inlines);
  const start = rest.length ? inlineStart(rest) : fallbackStart;
  const end = rest.length ? inlineEnd(rest) : fallbackEnd;
  const out: Block[] = [];
  let kind: Kind | undefined;
  let leadMark = false;
  let columns: number | undefined;
  let rankMark: RankMark | undefined;
  const hasContent = plainText(rest).trim().length > 0;
  for (const t of tags) {
    const k = ROLE_TAGS[t];
    if (columnsTag(t)) columns = columnsTag(t);
    else if (t === '头条') leadMark = true;
    // `[简讯]` alone on a line ranks the next article a brief; `[简讯]` before text is a brief item
    else if (RANK_TAGS[t] && (k === 'headMark' || !hasContent)) rankMark = RANK_TAGS[t];
    else if (k === 'articleBreak') out.push(makeBlock('articleBreak', [], fallbackStart, fallbackStart, true));
    else kind = k;
  }
  if (!hasContent) {
    // a tag alone on its line (`[头条]`, `[3栏]`, `[简讯]`, `[新稿]`), or an empty heading: no text block
    if (leadMark || columns || rankMark) out.push({ ...makeBlock('headMark', [], fallbackStart, fallbackEnd, true), leadMark: leadMark || undefined, columns, rankMark });
    return out;
  }
  if (depth !== undefined && !kind) {
    const b = makeBlock(depth === 1 ? 'headline' : 'subhead', rest, start, end, true);
    b.depth = depth;
    b.leadMark = leadMark || undefined;
    b.columns = columns;
    b.rankMark = rankMark;
    out.push(b);
    return out;
  }
  if (kind) {
    const b = makeBlock(kind, rest, start, end, true);
    if (kind === 'paragraph') b.noInfer = true;
    b.leadMark = leadMark || undefined;
    b.columns = columns;
    b.rankMark = rankMark;
    if (depth !== undefined) b.depth = depth;
    out.push(b);
    return out;
  }
  const parts = splitUnmarked(src, makeBlock('text', rest, start, end));
  if (leadMark && parts.length) parts[0].leadMark = true;
  if (columns && parts.length) parts[0].columns = columns;
  if (rankMark && parts.length) parts[0].rankMark = rankMark;
  out.push(...parts);
  return out;
}

const FINAL_PUNCT = /[。！？!?…；;）)”』」]$/;
const LINE_START_MARK = /^(?:[□■▲△●◆]|——|--|—|(?:记者|本报记者|问|答|[\p{Script=Han}]{2,4})[:：])/u;

/**
 * An unmarked paragraph may hold several units on consecutive lines (a byline and the
 * first paragraph, or paragraphs without blank lines between them). Lines that each
 * end a sentence, or that start with a mark, are split apart; soft-wrapped lines of
 * one paragraph and the lines of a multi-line headline stay together.
 */
export function splitUnmarked(src: Source, block: Block): Block[] {
  const text = plainText(block.inlines);
  if (text.indexOf('\n') < 0) return [block];
  const lines: Array<{ from: number; to: number }> = [];
  let from = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === '\n') {
      lines.push({ from, to: i });
      from = i + 1;
    }
  }
  const trimmed = lines.map((l) => text.slice(l.from, l.to).trim());
  const cuts: number[] = [];
  for (let i = 0; i + 1 < lines.length; i++) {
    const a = trimmed[i];
    const b = trimmed[i + 1];
    if (!a || !b) {
      cuts.push(i);
      continue;
    }
    if (FINAL_PUNCT.test(a) || LINE_START_MARK.test(b) || (a.length <= 24 && b.length > 40) || /^[□■]/.test(a)) cuts.push(i);
  }
  if (!cuts.length) return [block];
  const out: Block[] = [];
  let startLine = 0;
  const emit = (lastLine: number) => {
    const f = lines[startLine].from;
    const t = lines[lastLine].to;
    const inl = sliceInlines(src, block.inlines, f, t);
    if (plainText(inl).trim()) {
      out.push(makeBlock('text', inl, offsetAt(src, block.inlines, f), offsetAt(src, block.inlines, t)));
    } else if (inl.length) {
      // whitespace only: keep it attached to nothing (no significant text)
    }
  };
  for (const c of cuts) {
    emit(c);
    startLine = c + 1;
  }
  emit(lines.length - 1);
  return out.length ? out : [block];
}

function figureFromImage(src: Source, img: Image, start: number, end: number): Block {
  const s = img.position?.start.offset ?? start;
  const e = img.position?.end.offset ?? end;
  const raw = src.text.slice(s, e);
  const parts: Block[] = [];
  const alt = img.alt ?? '';
  if (alt.trim()) {
    const as = s + 2;
    const close = raw.indexOf('](');
    const ae = close > 0 ? s + close : e;
    parts.push(makeBlock('caption', [textNode(src, alt, as, Math.max(as, ae))], as, Math.max(as, ae), true));
  }
  if (img.title && img.title.trim()) {
    const q = Math.max(raw.lastIndexOf('"'), raw.lastIndexOf("'"), raw.lastIndexOf(')'));
    const titleAt = raw.indexOf(img.title);
    const ts = titleAt >= 0 ? s + titleAt : s;
    const te = titleAt >= 0 ? ts + img.title.length : Math.max(s, s + q);
    parts.push(makeBlock('photoCredit', [textNode(src, img.title, ts, te)], ts, te, true));
  }
  const b = makeBlock('figure', [], s, e, true);
  b.src = img.url;
  b.alt = alt || undefined;
  b.parts = parts;
  return b;
}

/** Role tags inside lists and quotes have no role there, but they are markup all the same: removed. */
function stripTags(src: Source, inlines: Inl[]): Inl[] {
  const text = plainText(inlines);
  if (text.indexOf('[') < 0) return inlines;
  const cuts: Array<[number, number]> = [];
  const lineStarts = [0, ...taggedLineStarts(text)];
  for (const at of lineStarts) {
    let cut = 0;
    for (let m = TAG_RE.exec(text.slice(at)); m; m = TAG_RE.exec(text.slice(at + cut))) {
      if (!isLiteralChar(src, inlines, at + cut + m[0].indexOf('['), '[')) break;
      cut += m[0].length;
    }
    if (cut) cuts.push([at, at + cut]);
  }
  if (!cuts.length) return inlines;
  const out: Inl[] = [];
  let from = 0;
  for (const [a, b] of cuts) {
    out.push(...sliceInlines(src, inlines, from, a));
    from = b;
  }
  out.push(...sliceInlines(src, inlines, from, text.length));
  return out;
}

function paragraphNode(src: Source, raw: Inl[], s: number, e: number): Paragraph {
  const inlines = stripTags(src, raw);
  normalizeInlines(inlines, 'running');
  return { type: 'paragraph', children: inlines, position: positionOf(src, s, e) };
}

/** Markdown blocks passed through (lists, quotes): their own paragraphs, normalised. */
function passParagraphs(src: Source, node: RootContent): Paragraph[] {
  const s = node.position?.start.offset ?? 0;
  const e = node.position?.end.offset ?? s;
  if (node.type === 'paragraph') return [paragraphNode(src, convertInlines(src, node.children), s, e)];
  if (node.type === 'heading') return [paragraphNode(src, convertInlines(src, node.children), s, e)];
  if ('children' in node && node.type !== 'list') return (node.children as RootContent[]).flatMap((c) => passParagraphs(src, c));
  // raw HTML: cleaned, its paragraphs kept (no role tags read inside it)
  if (node.type === 'html') return htmlParagraphs(normalizeHtmlBlocks(cleanHtmlBlock(src, node.value, positionOf(src, s, e))));
  return [paragraphNode(src, [textNode(src, src.text.slice(s, e), s, e)], s, e)];
}

/** The text of cleaned HTML is page text like any other: punctuation normalised as in running text. */
function normalizeHtmlBlocks(blocks: BodyBlock[]): BodyBlock[] {
  const walk = (n: { type: string; children?: unknown[] }) => {
    if (n.type === 'paragraph' || n.type === 'caption') normalizeInlines((n as Paragraph).children, 'running');
    else for (const c of (n.children ?? []) as Array<{ type: string; children?: unknown[] }>) walk(c);
  };
  for (const b of blocks) walk(b as never);
  return blocks;
}

/** Paragraphs of cleaned HTML blocks, for places that hold only paragraphs (a quote, a list item). */
function htmlParagraphs(blocks: BodyBlock[]): Paragraph[] {
  const out: Paragraph[] = [];
  for (const b of blocks) {
    if (b.type === 'paragraph') out.push(b);
    else if (b.type === 'blockquote') out.push(...b.children);
    else if (b.type === 'list') for (const item of b.children) out.push(...item.children.filter((c): c is Paragraph => c.type === 'paragraph'));
    else if (b.type === 'figure') for (const c of b.children) out.push({ type: 'paragraph', children: c.children, position: c.position });
  }
  return out;
}

function listNode(src: Source, node: Extract<RootContent, { type: 'list' }>): List {
  const items: ListItem[] = node.children.map((item: MdListItem) => {
    const children: Array<Paragraph | List> = [];
    for (const c of item.children) {
      if (c.type === 'list') children.push(listNode(src, c));
      else children.push(...passParagraphs(src, c));
    }
    const s = item.position?.start.offset ?? 0;
    return { type: 'listItem', children, position: positionOf(src, s, item.position?.end.offset ?? s) };
  });
  const s = node.position?.start.offset ?? 0;
  return { type: 'list', ordered: !!node.ordered, start: node.start ?? null, children: items, position: positionOf(src, s, node.position?.end.offset ?? s) };
}

/**
 * An ATX heading is one line in CommonMark. A heading line that ends in a hard break
 * (two spaces or `\`) directly followed by a line of text continues the headline:
 * `# 前三季度GDP增长6.8%  ⏎主要经济指标领跑全市` is one two-line headline — unless that
 * line starts with a role tag.
 */
function headingContinues(src: Source, heading: RootContent, next: RootContent | undefined): boolean {
  if (!next || next.type !== 'paragraph' || heading.type !== 'heading') return false;
  const endLine = heading.position?.end.line ?? 0;
  if ((next.position?.start.line ?? 0) !== endLine + 1) return false;
  const lineStart = src.lineStarts[endLine - 1] ?? 0;
  const lineEnd = (src.lineStarts[endLine] ?? src.text.length + 1) - 1;
  if (!/(?: {2,}|\\)$/.test(src.text.slice(lineStart, lineEnd))) return false;
  // a role tag on the next line says what that line is: it does not continue the headline
  const first = next.children[0];
  return !(first?.type === 'text' && TAG_RE.test(first.value));
}

export function toBlocks(src: Source, root: Root): Block[] {
  const out: Block[] = [];
  const nodes = root.children;
  for (let k = 0; k < nodes.length; k++) {
    const node = nodes[k];
    const s = node.position?.start.offset ?? 0;
    let e = node.position?.end.offset ?? s;
    switch (node.type) {
      case 'heading': {
        const inl = convertInlines(src, node.children);
        const next = nodes[k + 1];
        if (headingContinues(src, node, next) && next.type === 'paragraph') {
          const nl = src.text.indexOf('\n', e);
          const nextStart = next.position?.start.offset ?? e;
          inl.push({ type: 'break', position: positionOf(src, nl >= 0 && nl < nextStart ? nl : e, nextStart) });
          inl.push(...convertInlines(src, next.children));
          e = next.position?.end.offset ?? e;
          k++;
        }
        out.push(...blockFromInlines(src, inl, s, e, node.depth));
        break;
      }
      case 'paragraph': {
        const meaningful = node.children.filter((c) => !(c.type === 'text' && !c.value.trim()));
        if (meaningful.length === 1 && meaningful[0].type === 'image') {
          out.push(figureFromImage(src, meaningful[0], s, e));
          break;
        }
        out.push(...blockFromInlines(src, convertInlines(src, node.children), s, e));
        break;
      }
      case 'thematicBreak':
        out.push(makeBlock('articleBreak', [], s, e, true));
        break;
      case 'list': {
        const b = makeBlock('pass', [], s, e, true);
        b.pass = listNode(src, node);
        out.push(b);
        break;
      }
      case 'blockquote': {
        const b = makeBlock('pass', [], s, e, true);
        const q: Blockquote = { type: 'blockquote', children: passParagraphs(src, node), position: positionOf(src, s, e) };
        b.pass = q;
        out.push(b);
        break;
      }
      case 'html': {
        // raw HTML: cleaned into paragraphs, lists, quotes and figures that pass as they are
        for (const node2 of normalizeHtmlBlocks(cleanHtmlBlock(src, node.value, positionOf(src, s, e)))) {
          const b = makeBlock('pass', [], s, e, true);
          b.pass = node2;
          out.push(b);
        }
        break;
      }
      default:
        // code (indented extraction text), definitions, anything else: unmarked text as written
        out.push(...rawTextBlock(src, s, e));
    }
  }
  return out;
}
