/** Shared helpers of the parser tests: corpus access, the text invariant, tree walks. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node, Parent } from 'unist';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { decodeNamedCharacterReference } from 'decode-named-character-reference';
import { significantChars } from '../../src/ast/text.js';
import type { Page, Text } from '../../src/ast/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const projectRoot = path.resolve(here, '../..');
export const corpusDir = path.resolve(projectRoot, '../shared/corpus');
export const CORPUS = ['000_4c27dc6f5b443fbc.txt', '002_6d4dff7fc7251387.txt', '004_bb79a988b909a362.txt'];

export function corpus(name: string): string {
  return readFileSync(path.join(corpusDir, name), 'utf8');
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

const TAG = /^([ \t>\u3000]*(?:(?:#{1,6}|[-+*]|\d{1,9}[.)])[ \t]+)?[ \t>\u3000]*)((?:\[(?:栏目|引题|主题|副题|署名|导语|小标题|正文|问|答|图说|摄影|简讯|文末|转版|栏头|头条|新稿)\](?!\([^()\s]*\))[ \t\u3000]*)+)/gm;

/**
 * Where the page text starts (after front matter) and which ranges are markup, not
 * text: role tags and Markdown link/image addresses. Everything else after the front
 * matter counts for the invariant.
 */
export function inputChars(source: string, tree?: Node): Array<{ ch: string; off: number }> {
  const fm = /^---[ \t]*\n[\s\S]*?\n(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(source);
  const bodyStart = fm ? fm[0].length : 0;
  const markup: Array<[number, number]> = [];
  TAG.lastIndex = 0;
  for (let m; (m = TAG.exec(source)); ) {
    if (m.index < bodyStart) continue;
    const s = m.index + m[1].length;
    markup.push([s, s + m[2].length]);
  }
  // Literal stretches (code, text kept exactly as written) hold no entity or address markup.
  const literal: Array<[number, number]> = [];
  if (tree) {
    visit(tree, (n) => {
      const a = n.position?.start.offset ?? 0;
      const b = n.position?.end.offset ?? 0;
      if (n.type === 'inlineCode' || (n.type === 'text' && source.slice(a, b) === (n as Text).value)) literal.push([a, b]);
    });
  }
  const inLiteral = (x: number) => literal.some(([a, b]) => x >= a && x < b);
  // ordered-list numbers are Markdown markup (kept in `list.start`, not in text)
  if (tree) {
    visit(tree, 'list', (list) => {
      if (!(list as { ordered?: boolean }).ordered) return;
      for (const item of (list as Parent).children) {
        const at = item.position?.start.offset ?? -1;
        const m = /^\d{1,9}[.)]/.exec(source.slice(at, at + 12));
        if (m) markup.push([at, at + m[0].length]);
      }
    });
  }
  // link and image addresses (and a link's title) are markup; an image's title is its photo credit
  if (tree) {
    visit(tree, (n) => {
      const isLink = n.type === 'link';
      const isImage = n.type === 'figure' || (n.type === 'text' && source.startsWith('![', n.position?.start.offset ?? -1));
      if (!isLink && !isImage) return;
      const a = n.position?.start.offset ?? 0;
      const slice = source.slice(a, n.position?.end.offset ?? a);
      const k = slice.lastIndexOf('](');
      if (k < 0 || inLiteral(a + k + 2)) return;
      if (isLink) markup.push([a + k + 2, a + slice.length]);
      else markup.push([a + k + 2, a + k + 2 + (/^[^)\s]*/.exec(slice.slice(k + 2))?.[0].length ?? 0)]);
    });
  }
  // Character references (`&amp;`, `&#20013;`) are Markdown markup: they count as the character they stand for.
  const refs = new Map<number, string>();
  const ref = /(?<!\\)&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g;
  for (let m; (m = ref.exec(source)); ) {
    if (m.index < bodyStart) continue;
    let decoded: string | false = false;
    if (m[3]) decoded = decodeNamedCharacterReference(m[3]);
    else {
      const cp = m[1] ? Number(m[1]) : parseInt(m[2], 16);
      decoded = cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
    }
    if (decoded === false || inLiteral(m.index)) continue;
    markup.push([m.index, m.index + m[0].length]);
    refs.set(m.index, decoded);
  }
  const out: Array<{ ch: string; off: number }> = [];
  for (let i = bodyStart; i < source.length; i++) {
    const r = refs.get(i);
    if (r !== undefined) for (const ch of significantChars(r)) out.push({ ch, off: i });
    const cp = source.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const at = i;
    if (cp > 0xffff) i++;
    if (!significantChars(ch)) continue;
    if (markup.some(([a, b]) => at >= a && at < b)) continue;
    out.push({ ch: significantChars(ch), off: at });
  }
  return out;
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
 * The invariant: same significant characters as a multiset, and in the same order
 * except inside blocks the parser reported as moved (ruleId 'moved-block').
 */
export function checkInvariant(source: string, page: Page, file: VFile): { ok: boolean; detail: string } {
  const input = inputChars(source, page);
  const output = outputChars(page);
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
