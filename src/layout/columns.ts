/**
 * Where a module's body columns break, so that no blank line is set inside a column.
 * Balanced columns of `rows` lines leave the module `short` lines short (up to columns − 1).
 * Rather than spreading those as blank lines between blocks (gaps.ts, the fallback), the
 * text is dealt out so every column is `hi` or `hi − 1` lines deep (hi = ⌈text / columns⌉):
 * a column ends at most one line short, at its foot, and every line stays on the grid.
 * A column breaks at a line inside running text (the block is cut there, as at a jump) or
 * between blocks; never after a subhead (it would end a column). Pure.
 */
import type { BodyBlock } from '../ast/types.js';
import { isSplittable } from './cut.js';

/** A block part as the planner sets it: lines `fromLine` to `toLine` (exclusive; undefined: its end) of body block `block`. */
export interface ColumnPart {
  block: number;
  fromLine: number;
  toLine?: number;
}

export interface ColumnInput {
  parts: ReadonlyArray<ColumnPart>;
  /** Lines of each part in one column. */
  counts: ReadonlyArray<number>;
  /** Each part's block kind. */
  types: ReadonlyArray<BodyBlock['type']>;
  /** Per part: its block has measured line starts, so it may be cut between any two lines. */
  cuttable: ReadonlyArray<boolean>;
  columns: number;
  rows: number;
  /** Lines after the last part (the jump line) in the last column. */
  tail: number;
}

export interface ColumnSplit {
  parts: ColumnPart[];
  /** Indices into `parts` of the parts that start columns 2, 3, … (a forced column break before each). */
  breaks: number[];
}

/**
 * The module's parts, cut where columns break, and the breaks; undefined when the text
 * cannot be dealt into columns of at most `rows` lines that way (the caller then falls
 * back to blank lines).
 */
export function splitColumns(input: ColumnInput): ColumnSplit | undefined {
  const { columns: w, rows, tail } = input;
  const parts = input.parts.map((p, i) => ({ ...p, count: input.counts[i], type: input.types[i], cuttable: input.cuttable[i] && isSplittable({ type: input.types[i] }) }));
  let left = parts.reduce((s, p) => s + p.count, 0) + tail;
  if (w < 2 || left > w * rows) return undefined;
  const out: ColumnPart[] = [];
  const breaks: number[] = [];
  let k = 0;
  for (let c = 0; c < w - 1 && k < parts.length; c++) {
    // This column's depth: the rest dealt evenly over the columns left, deeper ones first.
    const target = Math.min(rows, Math.ceil(left / (w - c)));
    let depth = 0;
    const start = out.length;
    while (k < parts.length && depth + parts[k].count <= target) {
      const p = parts[k++];
      out.push({ block: p.block, fromLine: p.fromLine, ...(p.toLine !== undefined ? { toLine: p.toLine } : {}) });
      depth += p.count;
    }
    if (k < parts.length && depth < target && parts[k].cuttable) {
      // Cut the next part at the line where the column is full: its rest opens the next column.
      const p = parts[k];
      const j = target - depth;
      out.push({ block: p.block, fromLine: p.fromLine, toLine: p.fromLine + j });
      parts[k] = { ...p, fromLine: p.fromLine + j, count: p.count - j };
      depth = target;
    } else if (k < parts.length && parts[k - 1]?.type === 'subhead' && depth < rows && parts[k].cuttable) {
      // A subhead never ends a column: the column takes the first lines of its section too.
      const p = parts[k];
      const j = Math.min(rows - depth, p.count - 1);
      if (j > 0) {
        out.push({ block: p.block, fromLine: p.fromLine, toLine: p.fromLine + j });
        parts[k] = { ...p, fromLine: p.fromLine + j, count: p.count - j };
        depth += j;
      }
    }
    if (k < parts.length && parts[k - 1]?.type === 'subhead' && out[out.length - 1]?.block === parts[k - 1].block) {
      // Otherwise the subhead goes over to head the next column.
      while (out.length > start + 1 && parts[k - 1]?.type === 'subhead' && out[out.length - 1].block === parts[k - 1].block) {
        out.pop();
        k--;
        depth -= parts[k].count;
      }
    }
    // A column of nothing, or one that can only end with its subhead: not dealt out.
    if (depth === 0 || (k < parts.length && out[out.length - 1].toLine === undefined && parts[k - 1]?.type === 'subhead' && out[out.length - 1].block === parts[k - 1].block)) return undefined;
    left -= depth;
    if (left > (w - c - 1) * rows) return undefined;
    if (k < parts.length) breaks.push(out.length);
  }
  for (; k < parts.length; k++) {
    const p = parts[k];
    out.push({ block: p.block, fromLine: p.fromLine, ...(p.toLine !== undefined ? { toLine: p.toLine } : {}) });
  }
  // The last column (with the jump line) holds no more than the rows either.
  const full = new Map(input.parts.map((p, i) => [p.block, p.fromLine + input.counts[i]]));
  const lines = (p: ColumnPart) => (p.toLine ?? full.get(p.block) ?? 0) - p.fromLine;
  const last = out.slice(breaks.length ? breaks[breaks.length - 1] : 0).reduce((n, p) => n + lines(p), 0) + tail;
  if (last > rows) return undefined;
  return { parts: out, breaks };
}
