/**
 * The page grid, from geometry given the Chinese way (characters and lines of body
 * type) to points. Pure: the packer, the print renderer and the tests all read it.
 */
import type { PrintConfig } from '../config/types.js';

export const PT_PER_MM = 72 / 25.4;
/** CSS px per pt (the browser lays out in px at 96 dpi). */
export const PX_PER_PT = 96 / 72;

export interface Grid {
  /** Trim size, pt. */
  trimW: number;
  trimH: number;
  /** Body type size (one em) and line pitch, pt. */
  em: number;
  line: number;
  columns: number;
  charsPerColumn: number;
  /** One column's width and the gap between columns, pt. */
  columnW: number;
  gutter: number;
  /** Lines of body grid in the type area. */
  lines: number;
  /** Type area (the body grid) from the trim's top-left, pt. */
  typeX: number;
  typeY: number;
  typeW: number;
  typeH: number;
  /** Lines reserved for the masthead on page 1. */
  mastheadLines: number;
  /** Space above the type area for the page header (版头), pt. */
  headerH: number;
}

export function makeGrid(print: PrintConfig): Grid {
  const em = print.bodyPt;
  const line = +(em * print.leading).toFixed(4);
  const columnW = print.charsPerColumn * em;
  const gutter = print.gutterChars * em;
  const typeW = print.columns * columnW + (print.columns - 1) * gutter;
  const typeH = print.lines * line;
  const trimW = print.trimWidthMm * PT_PER_MM;
  const trimH = print.trimHeightMm * PT_PER_MM;
  // The page header sits above the body grid, the folio below; the rest is centred.
  const headerH = 5 * line;
  const footerH = 2 * line;
  const typeX = (trimW - typeW) / 2;
  const typeY = Math.max(headerH + 6, (trimH - typeH - headerH - footerH) / 2 + headerH);
  return {
    trimW,
    trimH,
    em,
    line,
    columns: print.columns,
    charsPerColumn: print.charsPerColumn,
    columnW,
    gutter,
    lines: print.lines,
    typeX,
    typeY,
    typeW,
    typeH,
    mastheadLines: Math.round(print.lines * 0.14),
    headerH,
  };
}

/** Width in pt of a span of `n` columns (n·13 + (n−1) characters on a broadsheet). */
export function spanWidth(grid: Pick<Grid, 'columnW' | 'gutter'>, n: number): number {
  return n * grid.columnW + (n - 1) * grid.gutter;
}

/** Characters a line of an `n`-column span holds. */
export function spanChars(grid: Grid, n: number): number {
  return n * grid.charsPerColumn + (n - 1) * Math.round(grid.gutter / grid.em);
}

/** x of column `c` (0-based) from the type area's left edge, pt. */
export function columnX(grid: Grid, c: number): number {
  return c * (grid.columnW + grid.gutter);
}
