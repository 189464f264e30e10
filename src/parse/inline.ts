/**
 * Inline content as the parser carries it between stages: AST inline nodes with
 * source positions. Stages address content by "plain-text index" (text values,
 * inline code and html as they are, a break as one '\n'), and slice it without
 * losing positions: a sliced text node finds its new ends in the source.
 */
import type { Position } from 'unist';
import type { Inline, Text } from '../ast/types.js';
import { type Source, pointAt, positionOf } from './source.js';

export type Inl = Inline;

function lengthOf(node: Inl): number {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
    case 'html':
      return node.value.length;
    case 'break':
      return 1;
    default:
      return (node as { children: Inl[] }).children.reduce((n, c) => n + lengthOf(c), 0);
  }
}

export function plainText(nodes: Inl[]): string {
  const parts: string[] = [];
  const walk = (list: Inl[]) => {
    for (const n of list) {
      if (n.type === 'text' || n.type === 'inlineCode' || n.type === 'html') parts.push(n.value);
      else if (n.type === 'break') parts.push('\n');
      else walk((n as { children: Inl[] }).children);
    }
  };
  walk(nodes);
  return parts.join('');
}

/**
 * Source offset of character `k` of a text node's value. The value may differ from
 * the source slice (escapes, entities, stripped indentation): characters that are
 * not found within a short look-ahead leave the cursor where it is, so the scan stays
 * linear.
 */
export function locate(src: Source, node: Text, k: number): number {
  const pos = node.position;
  if (!pos || pos.start.offset === undefined || pos.end.offset === undefined) return 0;
  const s = src.text;
  const end = pos.end.offset;
  let off = pos.start.offset;
  const v = node.value;
  if (end - off === v.length && s.startsWith(v, off)) return off + Math.min(k, v.length);
  const n = Math.min(k, v.length);
  for (let i = 0; i < n; i++) {
    const ch = v[i];
    const limit = Math.min(end, off + 8);
    let j = off;
    while (j < limit && s[j] !== ch) j++;
    if (j < limit) off = j + 1;
  }
  return Math.min(off, end);
}

function startOf(n: Inl): number {
  return n.position?.start.offset ?? 0;
}
function endOf(n: Inl): number {
  return n.position?.end.offset ?? 0;
}

/** Source offset of plain-text index `k` of `nodes` (k may equal the length: the end). */
export function offsetAt(src: Source, nodes: Inl[], k: number): number {
  let at = 0;
  for (const n of nodes) {
    const len = lengthOf(n);
    if (k < at + len || (k === at + len && n === nodes[nodes.length - 1])) {
      const rel = k - at;
      if (n.type === 'text') return locate(src, n, rel);
      if (n.type === 'break' || n.type === 'inlineCode' || n.type === 'html') return rel >= len ? endOf(n) : startOf(n);
      return offsetAt(src, (n as { children: Inl[] }).children, rel);
    }
    at += len;
  }
  return nodes.length ? endOf(nodes[nodes.length - 1]) : 0;
}

/**
 * Is plain-text character `k` of `nodes` the character `ch` written as such in the
 * source (not produced by an escape like `\[`, an entity, or inline code)? Unlike
 * offsetAt, this finds the character itself, also after indentation or a `>` that
 * Markdown stripped from a continuation line.
 */
export function isLiteralChar(src: Source, nodes: Inl[], k: number, ch: string): boolean {
  let at = 0;
  for (const n of nodes) {
    const len = lengthOf(n);
    if (k < at + len) {
      const rel = k - at;
      if (n.type === 'text') {
        if (n.value[rel] !== ch) return false;
        const from = locate(src, n, rel);
        const end = Math.min(n.position?.end.offset ?? from, from + 8);
        let j = from;
        while (j < end && src.text[j] !== ch) j++;
        return j < end && src.text[j - 1] !== '\\';
      }
      if (n.type === 'break' || n.type === 'inlineCode' || n.type === 'html') return false;
      return isLiteralChar(src, (n as { children: Inl[] }).children, rel, ch);
    }
    at += len;
  }
  return false;
}

function spanPosition(src: Source, children: Inl[], fallback?: Position): Position | undefined {
  if (!children.length) return fallback;
  return positionOf(src, startOf(children[0]), endOf(children[children.length - 1]));
}

export function textNode(src: Source, value: string, start: number, end: number): Text {
  return { type: 'text', value, position: positionOf(src, start, end) };
}

/** The content between plain-text indexes [from, to). */
export function sliceInlines(src: Source, nodes: Inl[], from: number, to: number): Inl[] {
  const out: Inl[] = [];
  let at = 0;
  for (const n of nodes) {
    const len = lengthOf(n);
    const a = at;
    const b = at + len;
    at = b;
    if (b <= from || a >= to) {
      // zero-length nodes at the boundary are dropped
      continue;
    }
    if (a >= from && b <= to) {
      out.push(n);
      continue;
    }
    const lo = Math.max(from, a) - a;
    const hi = Math.min(to, b) - a;
    if (n.type === 'text') {
      const s = locate(src, n, lo);
      const e = locate(src, n, hi);
      out.push(textNode(src, n.value.slice(lo, hi), s, Math.max(s, e)));
    } else if (n.type === 'break' || n.type === 'inlineCode' || n.type === 'html') {
      // atomic: kept with the part where it starts
      if (a >= from) out.push(n);
    } else {
      const parent = n as Inl & { children: Inl[] };
      const kids = sliceInlines(src, parent.children, lo, hi);
      if (kids.length) out.push({ ...parent, children: kids, position: spanPosition(src, kids, parent.position) } as Inl);
    }
  }
  return out;
}

export function inlineStart(nodes: Inl[]): number {
  return nodes.length ? startOf(nodes[0]) : 0;
}
export function inlineEnd(nodes: Inl[]): number {
  return nodes.length ? endOf(nodes[nodes.length - 1]) : 0;
}

export { pointAt };
