/** Photo sizes: the height of a module's photo block at a width, and how photos grow into spare lines. Pure. */
import { type Grid, spanWidth } from './grid.js';
import type { LayoutPolicy } from './policy.js';

/**
 * Photo block height in whole grid lines at `w` columns and each photo's height in pt:
 * every photo across the module's width at its aspect, at most `photoMaxShare` of the
 * grid's height (cropped), with its caption (`captionPt[i]`, measured at this width).
 * `grow` spare lines let the photos take back up to their natural height. The last
 * photo absorbs the rounding, so the block fills its lines exactly.
 */
export function figureLines(grid: Pick<Grid, 'lines' | 'line' | 'columnW' | 'gutter'>, policy: LayoutPolicy, aspects: number[], captionPt: ReadonlyArray<number | null | undefined>, w: number, grow = 0): { lines: number; heights: number[] } {
  if (aspects.length === 0) return { lines: 0, heights: [] };
  const width = spanWidth(grid, w);
  const cap = grid.lines * grid.line * policy.photoMaxShare;
  const heights = aspects.map((a) => Math.min(width / a, cap));
  const captions = aspects.reduce((s, _a, i) => s + (captionPt[i] ?? 0), 0);
  const pad = policy.photoPadPt;
  let lines = Math.ceil((heights.reduce((a, b) => a + b, 0) + captions + pad) / grid.line);
  // Growth: let the photos take the spare lines (up to their natural height).
  if (grow > 0) {
    const natural = aspects.map((a) => width / a);
    let room = grow * grid.line;
    for (let i = 0; i < heights.length && room > 0; i++) {
      const add = Math.min(room, Math.max(0, natural[i] - heights[i]));
      heights[i] += add;
      room -= add;
    }
    lines = Math.ceil((heights.reduce((a, b) => a + b, 0) + captions + pad) / grid.line);
  }
  const used = heights.reduce((a, b) => a + b, 0) + captions + pad;
  heights[heights.length - 1] += lines * grid.line - used;
  return { lines, heights };
}
