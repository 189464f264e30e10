/**
 * Line rules the print HTML carries in its markup (the AST text is never changed; only
 * spans are put around runs of it), so that Chromium's line breaker keeps to clreq where
 * CSS alone does not:
 *
 * - `——` and `……` never break inside and never start a line: kept whole and glued to the
 *   character before them (Chromium's `line-break: strict` still breaks before them);
 * - a number stays with its unit (`1998年`, `30亿元`, `6.8%`, `1:2`, `0532-1234567`):
 *   Chromium may break between a digit and a Han character;
 * - a paragraph's last line never holds a single character (孤字): its last two
 *   characters, with the punctuation after them, are one unbreakable run, so the line
 *   before gives up a character when it would otherwise leave one alone;
 * - adjacent full-width punctuation is squeezed (标点挤压): the first of a closing pair
 *   (`。”`, `”：`, `）、`) or the second of an opening pair (`（“`) is set at half width with
 *   the font's `halt` feature. Chromium's own `text-spacing-trim` does this only when both
 *   marks come from the same font file, and the npm fonts are cut into ~100 unicode-range
 *   slices that put `“”` and `。，` in different files.
 *
 * Runs are marked `nb` (nowrap) and `sq` (half-width) in styles/print.css.
 */
import { DIGIT, LINE_PUNCT, UNIT_CHARS } from '../proof/rules.js';

/** Marks whose glyph sits in the left half of the em (blank on the right): closing brackets, quotes, stops. */
const CLOSING = '，。、；：？！”’）》〉」』】〕〗';
/** Marks whose glyph sits in the right half (blank on the left). */
const OPENING = '“‘（《〈「『【〔〖';

const escapeClass = (s: string) => s.replace(/[\]\\^-]/g, '\\$&');
/**
 * Where a number meets its unit: its last digit and one or two unit characters (a number
 * itself never breaks: UAX #14 keeps digits, `.`, `:`, `/`, `-`, `%` together), or a
 * full-width range mark between digits (`8:30～17:00`).
 */
const NUMBER_UNIT = new RegExp(`[${DIGIT}][${escapeClass(UNIT_CHARS)}]{1,2}|[${DIGIT}][～—–][${DIGIT}]`, 'gu');
const ISOLATED_START = new RegExp(`[^\\s${DIGIT}.,:/%-]`, 'u');
const DASHES = /[^\s]?(?:——|……)+/gu;
const P = escapeClass(LINE_PUNCT);
/** The last two characters of a text with the punctuation (and spaces) after each. */
const TAIL = new RegExp(`[^\\s${P}][${P}]*[^\\s${P}][${P}\\s]*$`, 'u');

export interface LineTextOptions {
  /** This text ends its paragraph (or caption, subhead): glue its last two characters. */
  tail?: boolean;
}

/** Ranges [start, end) of `s` that must not break, merged where they touch or overlap. */
export function unbreakableRuns(s: string, options: LineTextOptions = {}): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const m of s.matchAll(DASHES)) runs.push([m.index, m.index + m[0].length]);
  for (const m of s.matchAll(NUMBER_UNIT)) {
    // A run that starts with a number's first digit takes the character before it: Chromium's
    // line breaker leaves out the ⅛ em of text-autospace at the start of a nowrap run, and
    // the line then overflows its column.
    const start = m.index > 0 && ISOLATED_START.test(s[m.index - 1]) ? m.index - 1 : m.index;
    runs.push([start, m.index + m[0].length]);
  }
  if (options.tail) {
    const m = TAIL.exec(s);
    if (m) runs.push([m.index, m.index + m[0].trimEnd().length]);
  }
  runs.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: Array<[number, number]> = [];
  for (const r of runs) {
    const last = merged[merged.length - 1];
    if (last && r[0] < last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** Offsets of the marks in `s` set at half width (one of each adjacent full-width pair). */
export function squeezedMarks(s: string): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i + 1 < s.length; i++) {
    const a = s[i];
    const z = s[i + 1];
    const aFull = CLOSING.includes(a) || OPENING.includes(a);
    const zFull = CLOSING.includes(z) || OPENING.includes(z);
    if (!aFull || !zFull) continue;
    // A closing mark gives up its right half; before an opening mark, so does nothing else:
    // between two opening marks, the second gives up its left half.
    if (CLOSING.includes(a)) out.add(i);
    else if (OPENING.includes(z)) out.add(i + 1);
  }
  return out;
}

/** A stretch of text as the line rules cut it: inside an unbreakable run or not, set at half width or not. */
export interface LineTextPiece {
  text: string;
  /** Part of an unbreakable run (`span.nb`); consecutive pieces with the same `run` share one span. */
  run?: number;
  /** A squeezed mark (`span.sq`). */
  squeezed?: boolean;
}

/** `s` cut into pieces by the unbreakable runs and the squeezed marks, in order (nothing dropped). */
export function lineTextPieces(s: string, options: LineTextOptions = {}): LineTextPiece[] {
  const squeezed = squeezedMarks(s);
  const out: LineTextPiece[] = [];
  const piece = (from: number, to: number, run?: number) => {
    let last = from;
    const push = (text: string, sq: boolean) => {
      if (text) out.push({ text, ...(run !== undefined ? { run } : {}), ...(sq ? { squeezed: true } : {}) });
    };
    for (let i = from; i < to; i++) {
      if (!squeezed.has(i)) continue;
      push(s.slice(last, i), false);
      push(s[i], true);
      last = i + 1;
    }
    push(s.slice(last, to), false);
  };
  let at = 0;
  unbreakableRuns(s, options).forEach(([a, b], run) => {
    piece(at, a);
    piece(a, b, run);
    at = b;
  });
  piece(at, s.length);
  return out;
}

/** `s` as print HTML: escaped, with the unbreakable runs and squeezed marks in spans. */
export function lineTextHtml(s: string, esc: (t: string) => string, options: LineTextOptions = {}): string {
  let out = '';
  let open: number | undefined;
  for (const p of lineTextPieces(s, options)) {
    if (open !== undefined && p.run !== open) {
      out += '</span>';
      open = undefined;
    }
    if (p.run !== undefined && open === undefined) {
      out += '<span class="nb">';
      open = p.run;
    }
    out += p.squeezed ? `<span class="sq">${esc(p.text)}</span>` : esc(p.text);
  }
  return open !== undefined ? `${out}</span>` : out;
}

/**
 * Letter-spacing (em) a body block is set with to avoid a loose or one-character line,
 * chosen in the measuring sheet (src/print/tracking.ts). Kept beside the AST, not in it:
 * the AST stays what the parser made; a slice of a block (a jump) keeps its tracking.
 */
const tracking = new WeakMap<object, number>();

export function setTracking(block: object, em: number): void {
  tracking.set(block, em);
}

export function trackingOf(block: object): number | undefined {
  return tracking.get(block);
}

/**
 * Tracking of a paragraph's first lines only: `em` on its first `chars` characters of printed
 * text (a line start in the measuring sheet). Chosen when no one value for the whole paragraph
 * leaves it without a loose line: two unbreakable runs whose fixes undo each other (tracking the
 * whole moves the second run's line), while tracking the lines before the first run leaves the
 * lines after it as they were. Printed as a span around those characters (src/hast/to-hast.ts),
 * the same span the sheet set (src/print/tracking.ts).
 */
export interface PrefixTracking {
  em: number;
  chars: number;
}
const prefixTracking = new WeakMap<object, PrefixTracking>();

export function setPrefixTracking(paragraph: object, em: number, chars: number): void {
  prefixTracking.set(paragraph, { em, chars });
}

export function prefixTrackingOf(paragraph: object): PrefixTracking | undefined {
  return prefixTracking.get(paragraph);
}

/**
 * Glue (推出): characters [from, to) of a paragraph's printed text set as one unbreakable run,
 * chosen in the measuring sheet when a line before a loose one can give its last characters to
 * it (the run goes down whole and fills the loose line). Printed as a `span.nb` (src/hast/to-hast.ts).
 */
const glues = new WeakMap<object, [number, number]>();

export function setGlue(paragraph: object, from: number, to: number): void {
  glues.set(paragraph, [from, to]);
}

export function glueOf(paragraph: object): [number, number] | undefined {
  return glues.get(paragraph);
}

/**
 * Tracking (em) of a photo's caption per module width in columns: a caption is measured at
 * every width a module can have, and set at the one the planner chose (src/print/document.ts).
 */
const captionTracking = new WeakMap<object, Map<number, number>>();

export function setCaptionTracking(figure: object, columns: number, em: number): void {
  let m = captionTracking.get(figure);
  if (!m) captionTracking.set(figure, (m = new Map()));
  m.set(columns, em);
}

export function captionTrackingOf(figure: object, columns: number): number | undefined {
  return captionTracking.get(figure)?.get(columns);
}

/** Forgets the tracking of a block and its paragraphs (it is chosen afresh whenever the block is measured). */
export function clearTracking(block: object): void {
  tracking.delete(block);
  captionTracking.delete(block);
  prefixTracking.delete(block);
  glues.delete(block);
  const children = (block as { children?: unknown }).children;
  if (Array.isArray(children))
    for (const c of children)
      if (c && typeof c === 'object') {
        tracking.delete(c);
        prefixTracking.delete(c);
        glues.delete(c);
      }
}

/** `to` is a slice of `from` starting at its printed-text offset `start`: the same tracking, a first-lines tracking moved to the slice's offsets. */
export function copyTracking(from: object, to: object, start = 0): void {
  const t = tracking.get(from);
  if (t !== undefined) tracking.set(to, t);
  const p = prefixTracking.get(from);
  if (p && p.chars > start) prefixTracking.set(to, { em: p.em, chars: p.chars - start });
  // A glue never spans a line start, so a slice (cut at line starts) holds all of it or none.
  const g = glues.get(from);
  if (g && g[0] >= start) glues.set(to, [g[0] - start, g[1] - start]);
}

/** The style attribute of a tracked block ('' when it has none). */
export function trackingStyle(block: object): string {
  const t = tracking.get(block);
  return t === undefined ? '' : ` style="letter-spacing:${t}em"`;
}
