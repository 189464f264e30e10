/** Shared helpers of the parser tests: corpus access, the text invariant, tree walks. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node, Node as MdNode, Parent } from 'unist';
import { CONTINUE, SKIP, visit } from 'unist-util-visit';
import type { Image, List, Root, Text as MdText } from 'mdast';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { VFile } from 'vfile';
import { decodeNamedCharacterReference } from 'decode-named-character-reference';
import { significantChars } from '../../src/ast/text.js';
import type { Page, Text } from '../../src/ast/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const projectRoot = path.resolve(here, '../..');
/** `../shared/corpus` beside the project, or where BANMIAN_CORPUS points. */
export const corpusDir = process.env.BANMIAN_CORPUS ? path.resolve(process.env.BANMIAN_CORPUS) : path.resolve(projectRoot, '../shared/corpus');
export const CORPUS = ['000_4c27dc6f5b443fbc.txt', '002_6d4dff7fc7251387.txt', '004_bb79a988b909a362.txt'];

/** The corpus sits beside the project (../shared), not in it: a fresh clone has none. */
export const hasCorpus = CORPUS.every((name) => existsSync(path.join(corpusDir, name)));

export function corpus(name: string): string {
  return readFileSync(path.join(corpusDir, name), 'utf8');
}

/** The sample issue's page texts (the project's own text, always present). */
export function samplePages(): string[] {
  const dir = path.join(projectRoot, 'issues', '2026-11-20');
  return readdirSync(dir)
    .filter((f) => /^\d.*\.(md|txt)$/.test(f))
    .sort()
    .map((f) => readFileSync(path.join(dir, f), 'utf8'));
}

/** Real page texts for tests that need messy pages but no particular one: the corpus where it is, else the sample. */
export function realPages(): string[] {
  return hasCorpus ? CORPUS.map(corpus) : samplePages();
}

/** Text nodes in tree order. */
export function textNodes(tree: Node): Text[] {
  const out: Text[] = [];
  visit(tree, 'text', (n) => {
    out.push(n as Text);
  });
  return out;
}

export function nodesOfType<T extends Node>(tree: Node, type: string): T[] {
  const out: T[] = [];
  visit(tree, type, (n) => {
    out.push(n as T);
  });
  return out;
}

/** Plain text of a node (text values, breaks as '/'). */
export function textOf(node: Node): string {
  if ((node as Text).type === 'text') return (node as Text).value;
  if (node.type === 'break') return '/';
  if ('children' in node) return (node as Parent).children.map(textOf).join('');
  return '';
}

const TAG_NAMES = '栏目|引题|主题|副题|署名|导语|小标题|正文|问|答|图说|摄影|简讯|文末|转版|栏头|头条|二条|普通|新稿|[1-8一二三四五六七八]栏';
/** One or more role tags (and the spaces after them) at a position. */
const TAGS_AT = new RegExp(`(?:\\[(?:${TAG_NAMES})\\][ \\t\u3000]*)+`, 'y');

/** The page format read by CommonMark, independent of the parser's own stages. */
const markdown = unified().use(remarkParse);

/**
 * Markdown constructs whose source is kept as written (content, with no references,
 * escapes, links or images inside): code spans and raw HTML (2), and — with role tags
 * still read at their line starts (3) — code blocks (indented extraction text), link
 * reference definitions and reference-style links (the page format does not use them).
 */
const LITERAL = new Map([['inlineCode', 2], ['html', 2], ['code', 3], ['definition', 3], ['linkReference', 3], ['imageReference', 3]]);

/**
 * The input side of the invariant: the significant characters of the page text, each
 * with its source offset, read independently of the parser with CommonMark
 * (remark-parse) and the page format of docs/markup.md:
 * - front matter is data, not text;
 * - literal constructs (LITERAL above, autolinks) count as written;
 * - an image counts as its description and title (the caption and photo credit); its
 *   address is markup; a link counts as its label (address and title are markup);
 * - ordered-list numbers are markup; a character reference counts as the character
 *   it stands for;
 * - role tags are markup where the page format reads them: at the start of a line of
 *   a paragraph, of a heading's first line, or of a line of a code block (indented
 *   text is unmarked extraction text, see blocks.ts).
 */
export function inputChars(source: string): Array<{ ch: string; off: number }> {
  const fm = /^---[ \t]*\n(?:[\s\S]*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(source);
  const bodyStart = fm ? fm[0].length : 0;
  const body = source.slice(0, bodyStart).replace(/[^\n]/g, ' ') + source.slice(bodyStart);
  const root = markdown.parse(body) as Root;

  // per source offset: 1 = markup (not text), 2 = literal (counts as written)
  const kind = new Uint8Array(source.length);
  const mark = (a: number, b: number, k: number) => kind.fill(k, Math.max(0, a), Math.max(0, Math.min(b, source.length)));
  /** Text that stands for a source range (an image's description and title, a reference). */
  const replaced = new Map<number, string>();
  /** offset → length of the inline openers there (`*`, `**`, a link's `[`): a tag may follow them. */
  const openerAt = new Map<number, number>();
  const tagLines: Array<{ at: number; end: number; more: boolean; prefix: RegExp }> = [];

  const startOf = (n: MdNode) => n.position?.start.offset ?? 0;
  const endOf = (n: MdNode) => n.position?.end.offset ?? 0;
  visit(root, (n: MdNode, _i, parent) => {
    const a = startOf(n);
    const b = endOf(n);
    const literal = LITERAL.get(n.type) ?? (n.type === 'link' && source[a] === '<' ? 2 : 0);
    if (literal) {
      mark(a, b, literal);
      // raw HTML is read as HTML: a character reference in it is the character
      if (n.type === 'html') references(source, a, b, mark, replaced);
      if (n.type === 'code' || n.type === 'definition') tagLines.push({ at: a, end: b, more: true, prefix: /[ \t\u3000]*/y });
      return SKIP;
    }
    if (n.type === 'image') {
      const img = n as Image;
      mark(a, b, 1);
      replaced.set(a, significantChars(img.alt ?? '') + significantChars(img.title ?? ''));
      return SKIP;
    }
    if (n.type === 'link') {
      openerAt.set(a, (openerAt.get(a) ?? 0) + 1);
      const kids = (n as Parent).children;
      mark(kids.length ? endOf(kids[kids.length - 1]) : a + 1, b, 1);
    }
    if (n.type === 'emphasis' || n.type === 'strong') openerAt.set(a, (openerAt.get(a) ?? 0) + (n.type === 'strong' ? 2 : 1));
    if (n.type === 'listItem' && parent && (parent as List).ordered) {
      const m = /^\d{1,9}[.)]/.exec(source.slice(a, a + 12));
      if (m) mark(a, a + m[0].length, 1);
    }
    if (n.type === 'paragraph') tagLines.push({ at: a, end: b, more: true, prefix: /[ \t>]*/y });
    if (n.type === 'heading') {
      const kids = (n as Parent).children;
      if (kids.length) tagLines.push({ at: startOf(kids[0]), end: b, more: false, prefix: /[ \t]*/y });
    }
    if (n.type === 'text' && (n as MdText).value !== source.slice(a, b)) references(source, a, b, mark, replaced);
    return CONTINUE;
  });

  // Role tags at line starts (after inline openers: `*[主题]*` is a tag too).
  for (const { at, end, more, prefix } of tagLines) {
    for (let line = at; line < end; ) {
      prefix.lastIndex = line;
      prefix.exec(source);
      let p = prefix.lastIndex;
      for (let d; (d = openerAt.get(p)); ) p += d;
      TAGS_AT.lastIndex = p;
      const m = TAGS_AT.exec(source);
      // not inside markup, a code span or raw HTML
      if (m && (kind[p] === 0 || kind[p] === 3)) mark(p, p + m[0].length, 1);
      if (!more) break;
      const nl = source.indexOf('\n', line);
      if (nl < 0 || nl + 1 >= end) break;
      line = nl + 1;
    }
  }

  const out: Array<{ ch: string; off: number }> = [];
  for (let i = bodyStart; i < source.length; i++) {
    const r = replaced.get(i);
    if (r !== undefined) for (const ch of r) out.push({ ch, off: i });
    const cp = source.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const at = i;
    if (cp > 0xffff) i++;
    if (kind[at] === 1) continue;
    const sig = significantChars(ch);
    if (sig) out.push({ ch: sig, off: at });
  }
  return out;
}

/** Character references (`&amp;`, `&#20013;`) in a text node: markup standing for the character they encode. */
function references(source: string, a: number, b: number, mark: (a: number, b: number, k: number) => void, replaced: Map<number, string>): void {
  const ref = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g;
  const slice = source.slice(a, b);
  for (let m; (m = ref.exec(slice)); ) {
    let slashes = 0;
    while (m.index - slashes - 1 >= 0 && slice[m.index - slashes - 1] === '\\') slashes++;
    if (slashes % 2) continue; // `\&amp;` is an escaped `&`
    let decoded: string | false;
    if (m[3]) decoded = decodeNamedCharacterReference(m[3]);
    else {
      const cp = m[1] ? Number(m[1]) : parseInt(m[2], 16);
      decoded = cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
    }
    if (decoded === false) continue;
    mark(a + m.index, a + m.index + m[0].length, 1);
    replaced.set(a + m.index, significantChars(decoded));
  }
}

/**
 * Output side: text nodes in tree order — and the literal values of raw HTML and
 * inline code an editor wrote in a Markdown page (they are content too).
 */
export function outputChars(page: Node): Array<{ ch: string; off: number }> {
  const out: Array<{ ch: string; off: number }> = [];
  const literals: Array<{ value: string; position?: Text['position'] }> = [];
  visit(page, (n) => {
    if (n.type === 'text' || n.type === 'html' || n.type === 'inlineCode') literals.push(n as Text);
  });
  for (const t of literals) {
    const off = t.position?.start.offset ?? -1;
    for (const ch of significantChars(t.value)) out.push({ ch, off });
  }
  return out;
}

function sorted(s: string): string {
  return [...s].sort().join('');
}

/**
 * Where raw HTML is read (and sanitised): an HTML block, or the paragraph or heading
 * (the inline parent) that holds inline HTML tags. Found with CommonMark, independently
 * of the parser.
 */
export function rawHtmlRegions(source: string): Array<[number, number]> {
  const fm = /^---[ \t]*\n(?:[\s\S]*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(source);
  const bodyStart = fm ? fm[0].length : 0;
  const body = source.slice(0, bodyStart).replace(/[^\n]/g, ' ') + source.slice(bodyStart);
  const out: Array<[number, number]> = [];
  visit(markdown.parse(body) as Root, 'html', (n, _i, parent) => {
    const inline = parent && parent.type !== 'root' && parent.type !== 'listItem' && parent.type !== 'blockquote';
    const at = inline ? parent : n;
    out.push([at.position?.start.offset ?? 0, at.position?.end.offset ?? 0]);
  });
  return out;
}

/** Is `a` a subsequence of `b`? */
function subsequence(a: string, b: string): boolean {
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    j = b.indexOf(a[i], j);
    if (j < 0) return false;
    j++;
  }
  return true;
}

/**
 * The invariant: same significant characters as a multiset, and in the same order
 * except inside blocks the parser reported as moved (ruleId 'moved-block'). Inside raw
 * HTML (rawHtmlRegions), sanitising removes tags, attributes and stripped content: there
 * the output must be a subsequence of the input (nothing added, nothing reordered).
 */
export function checkInvariant(source: string, page: Page, file: VFile): { ok: boolean; detail: string } {
  const regions = rawHtmlRegions(source);
  const inHtml = (x: { off: number }) => regions.some(([a, b]) => x.off >= a && x.off < b);
  const allIn = inputChars(source);
  const allOut = outputChars(page);
  if (regions.length) {
    const a = allIn.filter(inHtml).map((x) => x.ch).join('');
    const b = allOut.filter(inHtml).map((x) => x.ch).join('');
    if (!subsequence(b, a)) return { ok: false, detail: `raw HTML output is not a subsequence of its input:\nin : ${a.slice(0, 200)}\nout: ${b.slice(0, 200)}` };
  }
  const input = regions.length ? allIn.filter((x) => !inHtml(x)) : allIn;
  const output = regions.length ? allOut.filter((x) => !inHtml(x)) : allOut;
  const inStr = input.map((x) => x.ch).join('');
  const outStr = output.map((x) => x.ch).join('');
  if (sorted(inStr) !== sorted(outStr)) return { ok: false, detail: `multiset differs:\nin : ${inStr.slice(0, 200)}\nout: ${outStr.slice(0, 200)} (lengths ${inStr.length}/${outStr.length})` };
  const moved = file.messages
    .filter((m) => m.ruleId === 'moved-block')
    .map((m) => {
      const place = m.place as { start?: { offset?: number }; end?: { offset?: number } } | undefined;
      return [place?.start?.offset ?? -1, place?.end?.offset ?? -1] as [number, number];
    });
  const keep = (x: { off: number }) => !moved.some(([a, b]) => x.off >= a && x.off < b);
  const a = input.filter(keep).map((x) => x.ch).join('');
  const b = output.filter(keep).map((x) => x.ch).join('');
  if (a !== b) {
    let k = 0;
    while (k < a.length && a[k] === b[k]) k++;
    return { ok: false, detail: `order differs at ${k}:\nin : …${a.slice(Math.max(0, k - 20), k + 40)}\nout: …${b.slice(Math.max(0, k - 20), k + 40)}` };
  }
  return { ok: true, detail: '' };
}

/** Every node has a position with offsets. */
export function nodesWithoutPosition(tree: Node): string[] {
  const missing: string[] = [];
  visit(tree, (n) => {
    const p = n.position;
    if (!p || p.start.offset === undefined || p.end.offset === undefined || p.start.line < 1 || p.end.offset < p.start.offset) {
      missing.push(n.type);
    }
  });
  return missing;
}
