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

/**
 * Sets the tracking of the measuring sheet's loose paragraphs; returns [article key, block
 * index, paragraph of a turn or -1, em, characters] for each: characters −1 for the whole
 * paragraph, ≥ 0 for a tracking on its first so many characters only (its first lines), and
 * ≤ −2 for a glue instead of a tracking: −2 − from × 4096 − length (see `decodeGlue`).
 */
/** The glue [from, to) of a `fitTracking` result's characters value ≤ −2. */
export function decodeGlue(chars: number): [number, number] {
  const v = -2 - chars;
  const from = Math.floor(v / 4096);
  return [from, from + (v % 4096)];
}

export async function fitTracking(tab: BrowserPage): Promise<Array<[string, number, number, number, number]>> {
  return tab.evaluate((steps: number[]) => {
    const han = /[\u3400-\u9fff\uf900-\ufaff]/;
    const range = document.createRange();
    /** Lines of `el`: for each, the most justification space after a Han character, in px. */
    const lines = (el: HTMLElement, from = 0): Array<{ gap: number; start: number }> => {
      const out: Array<{ gap: number; start: number }> = [];
      const em = parseFloat(getComputedStyle(el).fontSize);
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      let prev: { c: string; left: number; top: number } | undefined;
      let line: { gap: number; start: number } | undefined;
      let offset = 0;
      for (let t = walker.nextNode() as Text | null; t; t = walker.nextNode() as Text | null) {
        const skip = Math.max(0, from - offset);
        offset += t.data.length;
        // The letter-spacing of this text (the block's, or a first-lines span's).
        const ls = parseFloat(getComputedStyle(t.parentElement ?? el).letterSpacing) || 0;
        for (let i = skip; i < t.data.length; i++) {
          const c = t.data[i];
          if (/\s/.test(c)) continue;
          range.setStart(t, i);
          range.setEnd(t, i + 1);
          const r = range.getBoundingClientRect();
          if (r.width === 0) continue;
          if (!line || !prev || Math.abs(r.top - prev.top) > em / 2 || r.left < prev.left) {
            line = { gap: 0, start: offset - t.data.length + i };
            out.push(line);
          } else if (han.test(prev.c) && han.test(c)) {
            line.gap = Math.max(line.gap, r.left - prev.left - em - ls);
          }
          prev = { c, left: r.left, top: r.top };
        }
      }
      return out;
    };
    // Loose lines of a paragraph as set now (its last line is not justified). A one-character
    // last line cannot happen: the paragraph's last two characters are glued (src/layout/lines.ts).
    const faults = (el: HTMLElement, from = 0): number => {
      const em = parseFloat(getComputedStyle(el).fontSize);
      const ls = lines(el, from);
      count = ls.length;
      const loose = ls.map((l, i) => i < ls.length - 1 && l.gap >= em * 0.25 - 0.01);
      firstLoose = loose.indexOf(true);
      starts = ls.map((l) => l.start);
      return loose.filter(Boolean).length;
    };
    let firstLoose = -1;
    let starts: number[] = [];
    /**
     * Sets the first `chars` characters of paragraph `p` in a span with letter-spacing `em`:
     * the DOM the print HTML has for a first-lines tracking (src/hast/to-hast.ts `splitContent`:
     * elements across the cut are split in two, no empty node is left).
     */
    const wrapFirst = (p: HTMLElement, chars: number, em: number): void => {
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      let acc = 0;
      for (let t = walker.nextNode() as Text | null; t; t = walker.nextNode() as Text | null) {
        if (acc + t.data.length < chars) {
          acc += t.data.length;
          continue;
        }
        const cut = document.createRange();
        cut.setStart(p, 0);
        cut.setEnd(t, chars - acc);
        const head = cut.extractContents();
        const span = document.createElement('span');
        span.style.letterSpacing = `${em}em`;
        span.append(head);
        p.prepend(span);
        // extractContents leaves empty text and empty clones where the cut fell at a node's end.
        for (const root of [span, p]) {
          const empties: Node[] = [];
          const all = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
          for (let n = all.nextNode(); n; n = all.nextNode()) if ((n.nodeType === Node.TEXT_NODE && (n as Text).data === '') || (n instanceof HTMLSpanElement && n !== span && n.textContent === '')) empties.push(n);
          for (const n of empties.reverse()) n.parentNode?.removeChild(n);
        }
        return;
      }
    };
    // Lines of the paragraph last looked at (from its start when the whole was looked at).
    let count = 0;
    /**
     * Characters [from, to) of paragraph `p` in a `span.nb` of their own, if they are plain
     * text of one text node (no span of the line rules across them): the DOM the print HTML has
     * for a glue (src/hast/to-hast.ts). False when it cannot be done.
     */
    const glue = (p: HTMLElement, from: number, to: number): boolean => {
      const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
      let acc = 0;
      for (let t = walker.nextNode() as Text | null; t; t = walker.nextNode() as Text | null) {
        if (acc + t.data.length <= from) {
          acc += t.data.length;
          continue;
        }
        if (acc + t.data.length < to || t.parentElement !== p || /\s/.test(t.data.slice(from - acc, to - acc))) return false;
        const r = document.createRange();
        r.setStart(t, from - acc);
        r.setEnd(t, to - acc);
        const span = document.createElement('span');
        span.className = 'nb';
        r.surroundContents(span);
        for (const n of [...p.childNodes]) if (n.nodeType === Node.TEXT_NODE && (n as Text).data === '') n.remove();
        return true;
      }
      return false;
    };
    const out: Array<[string, number, number, number, number]> = [];
    for (const m of document.querySelectorAll<HTMLElement>('.measure')) {
      const body = m.querySelector<HTMLElement>('[data-kind="b"]');
      if (!body) continue;
      // Each paragraph on its own, also those of an interview turn: [block, paragraph in it or -1].
      const units: Array<[HTMLElement, number, number]> = [];
      [...body.children].forEach((el, index) => {
        if (!(el instanceof HTMLElement)) return;
        if (el.matches('.turn')) [...el.children].forEach((p, j) => units.push([p as HTMLElement, index, j]));
        else if (el.matches('p:not(.jump):not(.endnote):not(.caption-only), .brief, blockquote')) units.push([el, index, -1]);
      });
      for (const [el, index, part] of units) {
        // Every line is looked at: a run that cannot break is not only digits, Latin or `——`
        // (a number of two digits glued to its unit and the character before, `委—社`, a
        // character with the closing marks that may not start a line: `修？”`), and a paragraph
        // that was only looked at near its end kept such lines loose.
        const before = faults(el, 0);
        if (before === 0) continue;
        // Tried on a copy in a box of its own (a layout boundary): each try lays out one paragraph, not the sheet.
        const scratch = document.createElement('div');
        scratch.style.cssText = `position:absolute;left:0;top:0;width:${el.getBoundingClientRect().width}px;height:1px;contain:strict`;
        const copy = el.cloneNode(true) as HTMLElement;
        scratch.append(copy);
        el.parentElement!.append(scratch);
        faults(copy);
        const lineCount = count;
        // The first step that leaves no loose line without adding a line (a longer paragraph
        // changes the page's packing), else the first that leaves none, else the one with fewest.
        let best = { n: before, step: 0, longer: false };
        for (const step of steps) {
          copy.style.letterSpacing = `${step}em`;
          const n = faults(copy);
          const longer = count > lineCount;
          if (n < best.n || (n === 0 && best.n === 0 && best.longer && !longer)) best = { n, step, longer };
          if (n === 0 && !longer) break;
        }
        if (best.n > 0 && el.matches('p')) {
          // No one value for the whole: track only the lines before the first loose one (the
          // fewest first), so the lines after it stay as they were; kept if it leaves no loose
          // line and no extra line.
          copy.style.letterSpacing = '';
          faults(copy);
          const k = firstLoose;
          const lineStarts = starts;
          let first: { em: number; chars: number } | undefined;
          for (const step of steps) {
            for (let j = 1; j <= k && !first; j++) {
              const trial = el.cloneNode(true) as HTMLElement;
              wrapFirst(trial, lineStarts[j], step);
              scratch.replaceChildren(trial);
              if (faults(trial) === 0 && count <= lineCount) first = { em: step, chars: lineStarts[j] };
            }
            if (first) break;
          }
          if (first) {
            scratch.remove();
            wrapFirst(el, first.chars, first.em);
            out.push([m.dataset.key!, index, part, first.em, first.chars]);
            continue;
          }
          // Pushing characters out (推出): the last one or two characters of the line before the
          // loose one are glued to its first character (an unbreakable run), so they go down
          // with it and fill the loose line; kept if it leaves no loose line and no extra line.
          if (k >= 1) {
            let glued: [number, number] | undefined;
            for (let j = 1; j <= 2 && !glued; j++) {
              const from = lineStarts[k] - j;
              if (from <= lineStarts[k - 1]) break;
              const trial = el.cloneNode(true) as HTMLElement;
              if (!glue(trial, from, lineStarts[k] + 1)) break;
              scratch.replaceChildren(trial);
              if (faults(trial) === 0 && count <= lineCount) glued = [from, lineStarts[k] + 1];
            }
            if (glued) {
              scratch.remove();
              glue(el, glued[0], glued[1]);
              out.push([m.dataset.key!, index, part, 0, -2 - glued[0] * 4096 - (glued[1] - glued[0])]);
              continue;
            }
          }
        }
        scratch.remove();
        if (best.step !== 0) {
          el.style.letterSpacing = `${best.step}em`;
          out.push([m.dataset.key!, index, part, best.step, -1]);
        }
      }
    }
    return out;
  }, TRACKING_STEPS);
}
