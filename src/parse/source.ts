/**
 * The source text of one page and what every stage needs from it: offsets → unist
 * points, locating a character of a (possibly escaped) text node in the source, and
 * the diagnostics sink. Positions always point into the text as given to parsePage
 * (the decoded file), never into normalised text.
 */
import type { Point, Position } from 'unist';
import type { VFile } from 'vfile';

export interface Source {
  text: string;
  /** Offset of the first character of each line (line 1 at index 0). */
  lineStarts: number[];
  file: VFile;
}

export function makeSource(text: string, file: VFile): Source {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) lineStarts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      lineStarts.push(i + 1);
    }
  }
  return { text, lineStarts, file };
}

export function pointAt(src: Source, offset: number): Point {
  const o = Math.max(0, Math.min(offset, src.text.length));
  const starts = src.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= o) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: o - starts[lo] + 1, offset: o };
}

export function positionOf(src: Source, start: number, end: number): Position {
  return { start: pointAt(src, start), end: pointAt(src, Math.max(start, end)) };
}

/** Line number (1-based) of an offset. */
export function lineOf(src: Source, offset: number): number {
  return pointAt(src, offset).line;
}

export type Severity = 'warning' | 'info';

/** Adds a diagnostic to the page's VFile. */
export function report(
  src: Source,
  reason: string,
  ruleId: string,
  start: number,
  end: number,
  severity: Severity = 'warning',
): void {
  const place = positionOf(src, start, end);
  const options = { place, ruleId, source: 'banmian' };
  if (severity === 'info') src.file.info(reason, options);
  else src.file.message(reason, options);
}
