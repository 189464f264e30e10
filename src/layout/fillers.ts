/**
 * House fillers (公益广告/补白) in the white a page short of copy leaves at its foot. Pure.
 *
 * The white is found per column (plan.ts collectLeftover); adjacent columns whose white
 * starts on the same line make a band. A filler is set in a band as a module of its own,
 * one line of white above it (the separation from the stack's last module), at the
 * narrowest width from `maxColumns` down that fits, left to right; each filler once per
 * issue. What no filler fits stays white and is reported.
 */
import { splitColumns } from './columns.js';
import type { Grid } from './grid.js';
import { headlineSizes, minModuleColumns } from './headline.js';
import type { ArticleMetrics } from './metrics.js';
import { articleKey, pieceDomId, type PieceRef } from './pieces.js';
import type { PlannedModule } from './plan.js';
import type { LayoutPolicy } from './policy.js';

export interface FootBand {
  column: number;
  columns: number;
  /** First white line and how many lines to the grid's foot. */
  line: number;
  lines: number;
}

/** Runs of adjacent columns whose white starts on the same line (`from[c]`), on a grid `lines` deep. */
export function footBands(from: ReadonlyArray<number>, lines: number): FootBand[] {
  const out: FootBand[] = [];
  for (let c = 0; c < from.length; ) {
    let e = c + 1;
    while (e < from.length && from[e] === from[c]) e++;
    if (from[c] < lines) out.push({ column: c, columns: e - c, line: from[c], lines: lines - from[c] });
    c = e;
  }
  return out;
}

/** Widest a filler module is set (a short text reads best in a narrow module). */
const FILLER_MAX_COLUMNS = 3;

/** Lines a filler needs at `w` columns: its header at step 0 and its body in balanced columns. */
function fillerNeed(f: ArticleMetrics, w: number): number | undefined {
  const head = f.header[w]?.[0];
  if (head == null) return undefined;
  const body = f.blockLines.reduce((s, x) => s + x, 0);
  return head + (body > 0 ? Math.ceil(body / w) : 0) + f.extra;
}

/**
 * Filler modules for the bands, taking fillers not in `used` (their keys are added to it).
 * Fillers are keyed on page 0 (they belong to no page of the issue).
 */
export function placeFillers(bands: ReadonlyArray<FootBand>, all: ReadonlyArray<ArticleMetrics>, used: Set<string>, grid: Grid, policy: LayoutPolicy, page = 0): PlannedModule[] {
  // This page's own pull quote (a filler on its page number) first, then the house fillers (page 0).
  const fillers = [...all.filter((f) => f.page === page && page !== 0), ...all.filter((f) => f.page === 0)];
  const out: PlannedModule[] = [];
  const min = minModuleColumns(policy, grid.columns);
  for (const band of bands) {
    let column = band.column;
    while (band.column + band.columns - column >= min) {
      const room = band.column + band.columns - column;
      let placed: PlannedModule | undefined;
      for (const f of fillers) {
        const piece: PieceRef = { page: f.page, article: f.id, from: 0, fromLine: 0 };
        if (used.has(articleKey(piece))) continue;
        for (let w = min; w <= Math.min(room, FILLER_MAX_COLUMNS); w++) {
          const need = fillerNeed(f, w);
          // One line of white above it: the separation from the module over the band.
          if (need === undefined || need + 1 > band.lines) continue;
          placed = fillerModule(f, piece, w, column, band.line + 1, need, policy);
          break;
        }
        if (placed) {
          used.add(articleKey(piece));
          break;
        }
      }
      if (!placed) break;
      out.push(placed);
      column += placed.columns;
    }
  }
  return out;
}

function fillerModule(f: ArticleMetrics, piece: PieceRef, w: number, column: number, line: number, lines: number, policy: LayoutPolicy): PlannedModule {
  const headerLines = f.header[w]![0]!;
  const rows = lines - headerLines;
  let parts = f.blockLines.map((_, block) => ({ block, fromLine: 0 }));
  const text = f.blockLines.reduce((s, x) => s + x, 0);
  let columnBreaks: number[] = [];
  if (w * rows - text >= 2) {
    const split = splitColumns({ parts, counts: f.blockLines, types: f.blockTypes, cuttable: f.lineStarts.map((s) => s.length > 1), columns: w, rows, tail: 0 });
    if (split) {
      parts = split.parts;
      columnBreaks = split.breaks;
    }
  }
  return {
    piece,
    blocks: parts,
    photoHeights: [],
    column,
    columns: w,
    line,
    lines,
    headerLines,
    headlinePt: headlineSizes(policy, f.rank, false, w)[0],
    figureLines: 0,
    ruleBelow: false,
    lead: false,
    gapsBefore: [],
    columnBreaks,
    domId: pieceDomId(piece),
    filler: true,
  };
}
