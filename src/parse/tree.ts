/**
 * Classified blocks → AST nodes: strips the marks that are not text (`□`, `■`, a
 * subtitle's leading `——`), splits title lines into `break`s, fills the convenience
 * fields (byline role/names/credit, speaker, jump page, staff credits) from the
 * normalised text, and gives every node its source position.
 */
import type {
  Answer,
  Brief,
  Byline,
  Caption,
  Endnote,
  Figure,
  Headline,
  Inline,
  Jump,
  PageName,
  Paragraph,
  PhotoCredit,
  Question,
  Speaker,
  StaffLine,
  Subtitle,
  Text,
} from '../ast/types.js';
import { toString } from 'mdast-util-to-string';
import type { Block } from './blocks.js';
import { type Inl, inlineEnd, inlineStart, offsetAt, plainText, sliceInlines } from './inline.js';
import type { Turn } from './interview.js';
import { type SpaceMode, normalizeInlines } from './normalize.js';
import { jumpLine, parseByline, parseStaff, photoCredit } from './patterns.js';
import { type Source, positionOf, report } from './source.js';

/** Removes a leading mark (`□`, `■`, `——`, …) of `length` plain-text characters plus following spaces. */
function dropPrefix(src: Source, inlines: Inl[], re: RegExp): { rest: Inl[]; had: boolean } {
  const text = plainText(inlines);
  const m = re.exec(text);
  if (!m) return { rest: inlines, had: false };
  return { rest: sliceInlines(src, inlines, m[0].length, text.length), had: true };
}

/** Leading/trailing whitespace-only text is not content. */
function trimInlines(src: Source, inlines: Inl[]): Inl[] {
  const text = plainText(inlines);
  const a = text.length - text.trimStart().length;
  const b = text.trimEnd().length;
  if (a === 0 && b === text.length) return inlines;
  return sliceInlines(src, inlines, a, Math.max(a, b));
}

/** Drops text nodes that normalisation emptied (they hold no characters). */
function prune(nodes: Inl[]): Inl[] {
  const out: Inl[] = [];
  for (const n of nodes) {
    if (n.type === 'text' && n.value === '') continue;
    if ('children' in n && n.type !== 'speaker') {
      const kids = prune((n as { children: Inl[] }).children);
      if (!kids.length) continue;
      out.push({ ...n, children: kids } as Inl);
      continue;
    }
    out.push(n);
  }
  return out;
}

function finish(src: Source, inlines: Inl[], mode: SpaceMode): Inl[] {
  normalizeInlines(inlines, mode);
  return prune(inlines);
}

/** Title lines: every newline (soft or hard) becomes a `break` node. */
function linesToBreaks(src: Source, inlines: Inl[]): Inl[] {
  const text = plainText(inlines);
  if (text.indexOf('\n') < 0) return inlines;
  const out: Inl[] = [];
  let from = 0;
  for (let k = 0; k <= text.length; k++) {
    if (k < text.length && text[k] !== '\n') continue;
    const seg = trimInlines(src, sliceInlines(src, inlines, from, k));
    if (seg.length) {
      if (out.length) {
        const s = offsetAt(src, inlines, from - 1);
        const prevEnd = inlineEnd(out);
        out.push({ type: 'break', position: positionOf(src, Math.max(prevEnd, Math.min(s, inlineStart(seg))), inlineStart(seg)) });
      }
      out.push(...seg);
    }
    from = k + 1;
  }
  return out;
}

function pos(src: Source, b: { start: number; end: number }) {
  return positionOf(src, b.start, b.end);
}

function spanOf(src: Source, nodes: Array<{ position?: { start: { offset?: number }; end: { offset?: number } } }>, fb: { start: number; end: number }) {
  if (!nodes.length) return pos(src, fb);
  let s = Infinity;
  let e = -Infinity;
  for (const n of nodes) {
    s = Math.min(s, n.position?.start.offset ?? fb.start);
    e = Math.max(e, n.position?.end.offset ?? fb.end);
  }
  return positionOf(src, s, e);
}

export function titleNode<T extends 'headline' | 'kicker' | 'sectionLabel' | 'subhead' | 'bannerTitle' | 'motto' | 'lead'>(
  src: Source,
  type: T,
  b: Block,
): { type: T; children: Inline[]; position: ReturnType<typeof positionOf> } {
  const mode: SpaceMode = type === 'lead' ? 'running' : 'title';
  const inl = type === 'lead' ? trimInlines(src, b.inlines) : linesToBreaks(src, trimInlines(src, b.inlines));
  return { type, children: finish(src, inl, mode), position: pos(src, b) };
}

export function headlineNode(src: Source, b: Block): Headline {
  return titleNode(src, 'headline', b) as Headline;
}

export function subtitleNode(src: Source, b: Block): Subtitle {
  const { rest, had } = dropPrefix(src, trimInlines(src, b.inlines), /^[ \t\u3000]*(?:——|—|-{2,}|－{2,}|─{2,}|―+|━{2,})[ \t\u3000]*/);
  return { type: 'subtitle', dash: had, children: finish(src, linesToBreaks(src, rest), 'title'), position: pos(src, b) };
}

export function bylineNode(src: Source, b: Block): Byline {
  const { rest, had } = dropPrefix(src, trimInlines(src, b.inlines), /^[ \t\u3000]*□[ \t\u3000]*/);
  const children = finish(src, rest, 'names');
  const text = toString({ type: 'root', children } as never);
  const names = text.split(/\s+/).filter(Boolean);
  const parts = parseByline(text, true) ?? { names, people: names.length ? [{ names }] : [] };
  const node: Byline = { type: 'byline', names: parts.names, people: parts.people, mark: had, children, position: pos(src, b) };
  if (parts.role) node.role = parts.role;
  if (parts.credit) node.credit = parts.credit;
  return node;
}

export function paragraphNode(src: Source, b: { inlines: Inl[]; start: number; end: number }): Paragraph {
  return { type: 'paragraph', children: finish(src, trimInlines(src, b.inlines), 'running'), position: pos(src, b) };
}

export function captionNode(src: Source, b: Block): Caption {
  const { rest, had } = dropPrefix(src, trimInlines(src, b.inlines), /^[ \t\u3000]*[■▲△][ \t\u3000]*/);
  return { type: 'caption', mark: had, children: finish(src, rest, 'running'), position: pos(src, b) };
}

export function photoCreditNode(src: Source, b: Block): PhotoCredit {
  const children = finish(src, trimInlines(src, b.inlines), 'names');
  const text = toString({ type: 'root', children } as never);
  const names = photoCredit(text) ?? text.replace(/(摄影|摄|制图|供图)$/, '').split(/[\s、，,/]+/).filter(Boolean);
  return { type: 'photoCredit', names, children, position: pos(src, b) };
}

export function figureNode(src: Source, b: Block): Figure {
  const children: Array<Caption | PhotoCredit> = [];
  for (const p of b.parts ?? []) children.push(p.kind === 'photoCredit' ? photoCreditNode(src, p) : captionNode(src, p));
  const node: Figure = { type: 'figure', children, position: pos(src, b) };
  // A caption with no image: printed as a caption in the columns (never as body text), and said.
  if (!b.src && children.some((c) => c.type === 'caption')) {
    report(src, 'photo caption without a photo (printed as a caption): add the image with ![说明](images/…) or mark the text [正文]', 'caption-without-photo', b.start, b.end, 'warning');
  }
  if (b.src) node.src = b.src;
  if (b.alt) node.alt = b.alt;
  return node;
}

export function briefNode(src: Source, b: Block): Brief {
  const parts = b.parts ?? [b];
  const children: Paragraph[] = parts.map((p, k) => {
    if (k === 0) {
      const { rest } = dropPrefix(src, trimInlines(src, p.inlines), /^[ \t\u3000]*[■◆●][ \t\u3000]*/);
      return paragraphNode(src, { inlines: rest, start: rest.length ? inlineStart(rest) : p.start, end: p.end });
    }
    return paragraphNode(src, p);
  });
  return { type: 'brief', children, position: pos(src, b) };
}

export function endnoteNode(src: Source, b: Block): Endnote {
  return { type: 'endnote', children: finish(src, trimInlines(src, b.inlines), 'names'), position: pos(src, b) };
}

export function jumpNode(src: Source, b: Block): Jump | Paragraph {
  const children = finish(src, trimInlines(src, b.inlines), 'names');
  const j = jumpLine(toString({ type: 'root', children } as never)) ?? jumpLine(b.text);
  if (!j) return { type: 'paragraph', children, position: pos(src, b) };
  return { type: 'jump', direction: j.direction, page: j.page, children, position: pos(src, b) };
}

export function staffLineNode(src: Source, b: Block): StaffLine {
  const children = finish(src, trimInlines(src, b.inlines), 'names') as Text[];
  return { type: 'staffLine', credits: parseStaff(b.text), children, position: pos(src, b) };
}

export function pageNameNode(src: Source, b: Block): PageName {
  const blocks = b.extra ? [b, b.extra] : [b];
  const children: Text[] = [];
  const values: string[] = [];
  for (const part of blocks) {
    const text = plainText(part.inlines);
    // a two-line block: name and pinyin lines
    const lines = text.split('\n');
    let from = 0;
    for (const line of lines) {
      const seg = trimInlines(src, sliceInlines(src, part.inlines, from, from + line.length));
      from += line.length + 1;
      if (!seg.length) continue;
      const done = finish(src, seg, 'names') as Text[];
      children.push(...done);
      values.push(done.map((t) => t.value).join(''));
    }
  }
  const node: PageName = { type: 'pageName', name: values[0] ?? '', children, position: pos(src, b) };
  if (values[1]) node.pinyin = values[1];
  return node;
}

export function pageInfoNode(src: Source, b: Block) {
  return { type: 'pageInfo' as const, children: finish(src, trimInlines(src, b.inlines), 'names') as Text[], position: pos(src, b) };
}

export function turnNode(src: Source, t: Turn): Question | Answer {
  const paras: Paragraph[] = t.paras.map((p, k) => {
    if (k > 0 || t.labelLength === 0) return paragraphNode(src, p);
    const inl = trimInlines(src, p.inlines);
    const labelInl = sliceInlines(src, inl, 0, t.labelLength);
    const rest = sliceInlines(src, inl, t.labelLength, plainText(inl).length);
    const labelChildren = finish(src, trimInlines(src, labelInl), 'title') as Text[];
    const speaker: Speaker = { type: 'speaker', children: labelChildren, position: spanOf(src, labelChildren, p) };
    const restChildren = finish(src, rest, 'running');
    return { type: 'paragraph', children: [speaker, ...restChildren], position: pos(src, p) };
  });
  return { type: t.turn, speaker: t.speaker, children: paras, position: spanOf(src, paras, t.paras[0]) } as Question | Answer;
}

export { spanOf };
