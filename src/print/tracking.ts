/**
 * Loose lines, fixed by tracking over the paragraph (what Founder FIT does): a justified
 * line that could not take the next unbreakable run (a number with its unit, a Latin
 * word, a `——`) is spread with gaps of ¼ em or more. In the measuring sheet (one column,
 * the width every module column has, so the same line breaks), each paragraph with such a
 * line is set again with a small letter-spacing — compression first, then expansion, at
 * most 5 % of the em — and keeps the smallest one that leaves no loose line (a one-character
 * last line is prevented in the markup). The chosen tracking is printed with the block
 * (src/layout/lines.ts `trackingOf`), so what was measured is what is printed.
 */
import type { Page as BrowserPage } from 'puppeteer-core';

/** Letter-spacing steps tried, in em, in order of preference. */
export const TRACKING_STEPS = [-0.01, -0.02, -0.03, -0.04, -0.05, 0.01, 0.02, 0.03, 0.04, 0.05];
/** How far from a paragraph's end its last two lines are surely found (two lines of 13 characters and a margin). */
const TAIL_CHARS = 40;

/**
 * Sets the tracking of the measuring sheet's loose paragraphs; returns [article key, block
 * index, paragraph of a turn or -1, em] for each, in document order.
 *
 * One pass in the page, in three batches, so the sheet is laid out a few times in all, not
 * once or twice per loose paragraph: (1) every paragraph is read as the sheet sets it (no
 * change made meanwhile, so no layout); (2) the loose ones are copied, each into a box of
 * its own (a layout boundary) beside it, all at once, and each step is set on every copy
 * still looking for one before they are read again: one small layout per step; (3) the
 * chosen tracking is set on the paragraphs at the end. A try stops being read once it has
 * as many loose lines as the best so far (it cannot be chosen). What is chosen is the same
 * as trying the paragraphs one by one: a paragraph's lines depend on its width and style only.
 */
export async function fitTracking(tab: BrowserPage): Promise<Array<[string, number, number, number]>> {
  return tab.evaluate((steps: number[], tailChars: number) => {
    const han = /[\u3400-\u9fff\uf900-\ufaff]/;
    const mayBeLoose = /[0-9０-９A-Za-z.,%:/-]{3,}|——|……/;
    const range = document.createRange();
    /**
     * Loose lines of `el` as set now, from character `from` on: justified lines (not its
     * last) with a justification space of ¼ em or more after a Han character. Reading stops
     * once `enough` are found (the count is then at least that); `lines` is how many lines
     * were read. A one-character last line cannot happen: the paragraph's last two
     * characters are glued (src/layout/lines.ts).
     */
    const faults = (el: HTMLElement, from = 0, enough = Infinity): { n: number; lines: number } => {
      const st = getComputedStyle(el);
      const em = parseFloat(st.fontSize);
      // Letter-spacing is set on the block only (its spans inherit it).
      const ls = parseFloat(st.letterSpacing) || 0;
      const loose = em * 0.25 - 0.01;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      let prev: { c: string; left: number; top: number } | undefined;
      // The most justification space after a Han character on the line being read, px.
      let gap = -Infinity;
      let lines = 0;
      let n = 0;
      let offset = 0;
      for (let t = walker.nextNode() as Text | null; t; t = walker.nextNode() as Text | null) {
        const skip = Math.max(0, from - offset);
        offset += t.data.length;
        for (let i = skip; i < t.data.length; i++) {
          const c = t.data[i];
          if (/\s/.test(c)) continue;
          range.setStart(t, i);
          range.setEnd(t, i + 1);
          const r = range.getBoundingClientRect();
          if (r.width === 0) continue;
          if (!prev || Math.abs(r.top - prev.top) > em / 2 || r.left < prev.left) {
            // A new line: the one before it is not the last, so it counts if loose.
            if (lines > 0 && gap >= loose && ++n >= enough) return { n, lines };
            lines++;
            gap = 0;
          } else if (han.test(prev.c) && han.test(c)) {
            gap = Math.max(gap, r.left - prev.left - em - ls);
          }
          prev = { c, left: r.left, top: r.top };
        }
      }
      return { n, lines };
    };
    // 1. Every paragraph as the sheet sets it, also those of an interview turn.
    interface Loose {
      key: string;
      /** Block index, and paragraph in it or -1. */
      index: number;
      part: number;
      el: HTMLElement;
      before: number;
    }
    const loose: Loose[] = [];
    for (const m of document.querySelectorAll<HTMLElement>('.measure')) {
      const body = m.querySelector<HTMLElement>('[data-kind="b"]');
      if (!body) continue;
      const units: Array<[HTMLElement, number, number]> = [];
      [...body.children].forEach((el, index) => {
        if (!(el instanceof HTMLElement)) return;
        if (el.matches('.turn')) [...el.children].forEach((p, j) => units.push([p as HTMLElement, index, j]));
        else if (el.matches('p:not(.jump):not(.endnote):not(.caption-only), .brief, blockquote')) units.push([el, index, -1]);
      });
      for (const [el, index, part] of units) {
        // Only a run of about 3 em that cannot break (digits, Latin, a glued dash) leaves a line
        // loose, or the last characters glued together (the line before the last): elsewhere only
        // the paragraph's end is looked at.
        const text = el.textContent ?? '';
        const before = faults(el, mayBeLoose.test(text) ? 0 : Math.max(0, text.length - tailChars)).n;
        if (before > 0) loose.push({ key: m.dataset.key!, index, part, el, before });
      }
    }
    // 2. Tried on copies, each in a box of its own beside its paragraph (a layout boundary:
    // a try lays out one paragraph, not the sheet).
    const widths = loose.map((x) => x.el.getBoundingClientRect().width);
    const tries = loose.map((x, k) => {
      const scratch = document.createElement('div');
      scratch.style.cssText = `position:absolute;left:0;top:0;width:${widths[k]}px;height:1px;contain:strict`;
      const copy = x.el.cloneNode(true) as HTMLElement;
      scratch.append(copy);
      x.el.parentElement!.append(scratch);
      return { ...x, scratch, copy, lineCount: 0, best: { n: x.before, step: 0, longer: false }, done: false };
    });
    for (const t of tries) t.lineCount = faults(t.copy).lines;
    // The first step that leaves no loose line without adding a line (a longer paragraph
    // changes the page's packing), else the first that leaves none, else the one with fewest.
    for (const step of steps) {
      const open = tries.filter((t) => !t.done);
      if (open.length === 0) break;
      for (const t of open) t.copy.style.letterSpacing = `${step}em`;
      for (const t of open) {
        const { n, lines } = faults(t.copy, 0, Math.max(t.best.n, 1));
        const longer = lines > t.lineCount;
        if (n < t.best.n || (n === 0 && t.best.n === 0 && t.best.longer && !longer)) t.best = { n, step, longer };
        if (n === 0 && !longer) t.done = true;
      }
    }
    // 3. The chosen tracking, on the sheet's paragraphs.
    const out: Array<[string, number, number, number]> = [];
    for (const t of tries) {
      t.scratch.remove();
      if (t.best.step === 0) continue;
      t.el.style.letterSpacing = `${t.best.step}em`;
      out.push([t.key, t.index, t.part, t.best.step]);
    }
    return out;
  }, TRACKING_STEPS, TAIL_CHARS);
}
