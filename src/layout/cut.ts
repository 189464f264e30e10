/**
 * Cutting a body block at a line: an article that jumps to a later page is cut between
 * two lines of a paragraph, not only at a paragraph's end. The planner decides where
 * (a line number); the measuring sheet gave each line's start as an offset into the
 * block's printed text; this module cuts the AST block there. Pure, no browser.
 */
import type { BodyBlock, Inline, Lead, Paragraph } from '../ast/types.js';
import { toString } from 'mdast-util-to-string';
import type { CutMarks } from '../ast/data.js';
import { copyTracking } from './lines.js';

/**
 * Marks on a paragraph that is a slice of a longer one: the piece before the cut ends
 * with a full justified line, the piece after it starts at the column's edge, without
 * the 2 em indent (the renderer reads them as classes).
 */
export type { CutMarks } from '../ast/data.js';

/** Blocks that can be cut between two of their lines (running text, not headings or credits). */
export function isSplittable(b: Pick<BodyBlock, 'type'>): boolean {
  return b.type === 'paragraph' || b.type === 'lead' || b.type === 'question' || b.type === 'answer' || b.type === 'brief';
}

/** Length of the text a node prints (the DOM's textContent of its HTML): the unit of cut offsets. */
function printedLength(node: Inline | Paragraph): number {
  // mdast-util-to-string gives text, inline code and raw HTML values, nothing for a break:
  // what the renderer prints.
  return toString(node).length;
}

/** The inline nodes whose printed text falls in [start, end), structure kept. */
export function sliceInlines(nodes: Inline[], start: number, end: number): Inline[] {
  const out: Inline[] = [];
  let at = 0;
  for (const n of nodes) {
    const len = printedLength(n);
    const a = at;
    const b = at + len;
    at = b;
    if (n.type === 'break') {
      if (a > start && a < end) out.push(n);
      continue;
    }
    if (b <= start || a >= end) continue;
    if (a >= start && b <= end) {
      out.push(n);
      continue;
    }
    const from = Math.max(0, start - a);
    const to = Math.min(len, end - a);
    if (n.type === 'text' || n.type === 'inlineCode' || n.type === 'html') out.push({ ...n, value: n.value.slice(from, to) });
    else out.push({ ...n, children: sliceInlines(n.children as Inline[], from, to) } as Inline);
  }
  return out;
}

function slicePara<T extends Paragraph | Lead>(p: T, start: number, end: number): T {
  const len = printedLength(p as Paragraph);
  const marks: CutMarks = { ...(p.data ?? {}) };
  if (start > 0) marks.cutStart = true;
  if (end < len) marks.cutEnd = true;
  return { ...p, children: sliceInlines(p.children, start, end), data: { ...(p.data ?? {}), ...marks } };
}

/**
 * The part of a splittable block whose printed text lies in [start, end) (offsets into
 * the block's printed text; `end` = Infinity for the rest). Nothing is dropped: the two
 * slices of a block hold all its text.
 */
export function sliceBlock(b: BodyBlock, start: number, end: number): BodyBlock {
  const slice = sliceOf(b, start, end);
  // A slice is set with its block's tracking (src/layout/lines.ts), as it was measured.
  copyTracking(b, slice, start);
  return slice;
}

function sliceOf(b: BodyBlock, start: number, end: number): BodyBlock {
  if (b.type === 'paragraph' || b.type === 'lead') return slicePara(b, start, end);
  // An interview turn or a brief item (■): its paragraphs, the one where the cut falls sliced.
  if (b.type === 'question' || b.type === 'answer' || b.type === 'brief') {
    const children: Paragraph[] = [];
    let at = 0;
    for (const p of b.children) {
      const len = printedLength(p);
      const a = at;
      at += len;
      if (a + len <= start || a >= end) continue;
      const part = a >= start && a + len <= end ? p : slicePara(p, Math.max(0, start - a), Math.min(len, end - a));
      copyTracking(p, part, Math.max(0, start - a));
      children.push(part);
    }
    // A brief cut before its start is set as a continuation (no second ■, its first paragraph indented as it was).
    if (b.type === 'brief' && start > 0) return { ...b, children, data: { ...(b.data ?? {}), cutStart: true } };
    return { ...b, children };
  }
  return b;
}

/**
 * Block `b` from its line `l0` to line `l1` (exclusive; undefined: to its end), cut where
 * its lines start (`lineStarts`: printed-text offsets, one per line).
 */
export function blockLines(b: BodyBlock, lineStarts: readonly number[], l0: number, l1?: number): BodyBlock {
  if (l0 === 0 && l1 === undefined) return b;
  return sliceBlock(b, lineStarts[l0] ?? 0, l1 === undefined ? Infinity : lineStarts[l1]);
}
