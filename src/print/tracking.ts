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
/** The glue [from, to) of a `fitTracking` result's characters value ≤ −2. */
export function decodeGlue(chars: number): [number, number] {
  const v = -2 - chars;
  const from = Math.floor(v / 4096);
  return [from, from + (v % 4096)];
}

/**
 * Sets the tracking of the measuring sheet's loose paragraphs; returns [article key, block
 * index, paragraph of a turn or -1, em, characters] for each, in document order — or, for a
 * photo caption (a whole-caption tracking only), [article key, photo index, −2 − module
 * width in columns, em, −1]: a caption is measured at every width, and its tracking is set
 * when the page is rendered at the width the planner chose. Characters
 * −1 for the whole paragraph, ≥ 0 for a tracking on its first so many characters only (its
 * first lines), and ≤ −2 for a glue instead of a tracking: −2 − from × 4096 − length (see
 * `decodeGlue`).
 *
 * One pass in the page, in batches, so the sheet is laid out a few times in all, not once or
 * twice per loose paragraph: (1) every line of every paragraph is read as the sheet sets it
 * (no change made meanwhile, so no layout); (2) the loose ones are copied, each into a box of
 * its own (a layout boundary) beside it, all at once, and each step is set on every copy
 * still looking for one before they are read again: one small layout per step; a try stops
 * being read once it has as many loose lines as the best so far (it cannot be chosen);
 * (3) a paragraph that no one value for the whole fixes tries a tracking of its first lines,
 * then pushing characters out (推出) — one by one, as these are few; (4) the chosen tracking is
 * set on the paragraphs. What is chosen is the same as trying the paragraphs one by one: a
 * paragraph's lines depend on its width and style only.
 */
export async function fitTracking(tab: BrowserPage): Promise<Array<[string, number, number, number, number]>> {
  return tab.evaluate((steps: number[]) => {
    const han = /[\u3400-\u9fff\uf900-\ufaff]/;
    const latin = /[0-9A-Za-z]/;
    const range = document.createRange();
    /**
     * Lines of `el` as set now, each with its start (character offset) and the most
     * justification space after a Han character on it, px. Reading stops once `enough`
     * justified lines (not the last) are loose.
     */
    const readLines = (el: HTMLElement, enough = Infinity): { starts: number[]; loose: number[]; lines: number } => {
      const st = getComputedStyle(el);
      const em = parseFloat(st.fontSize);
      const limit = em * 0.25 - 0.01;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      let prev: { c: string; left: number; top: number } | undefined;
      // The most justification space after a Han character on the line being read, px.
      let gap = -Infinity;
      const starts: number[] = [];
      // Indices of the loose lines found.
      const loose: number[] = [];
      let offset = 0;
      for (let t = walker.nextNode() as Text | null; t; t = walker.nextNode() as Text | null) {
        const base = offset;
        offset += t.data.length;
        // The letter-spacing of this text (the block's, or a first-lines span's).
        const parent = t.parentElement ?? el;
        const ls = parent === el ? parseFloat(st.letterSpacing) || 0 : parseFloat(getComputedStyle(parent).letterSpacing) || 0;
        for (let i = 0; i < t.data.length; i++) {
          const c = t.data[i];
          if (/\s/.test(c)) continue;
          range.setStart(t, i);
          range.setEnd(t, i + 1);
          const r = range.getBoundingClientRect();
          if (r.width === 0) continue;
          if (!prev || Math.abs(r.top - prev.top) > em / 2 || r.left < prev.left) {
            // A new line: the one before it is not the last, so it counts if loose.
            if (starts.length > 0 && gap >= limit) {
              loose.push(starts.length - 1);
              if (loose.length >= enough) return { starts, loose, lines: starts.length };
            }
            starts.push(base + i);
            gap = 0;
          } else if (han.test(prev.c)) {
            // After a Han character (one em wide) the space is justification, but for the ⅛ em
            // of text-autospace before a digit or a Latin letter: a line with no two Han
            // characters side by side (`12月3日，`) is measured too.
            gap = Math.max(gap, r.left - prev.left - em - ls - (latin.test(c) ? em / 8 : 0));
          }
          prev = { c, left: r.left, top: r.top };
        }
      }
      return { starts, loose, lines: starts.length };
    };
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
          for (let n = all.nextNode(); n; n = all.nextNode())
            if ((n.nodeType === Node.TEXT_NODE && (n as Text).data === '') || (n instanceof HTMLSpanElement && n !== span && n.textContent === ''))
              empties.push(n);
          for (const n of empties.reverse()) n.parentNode?.removeChild(n);
        }
        return;
      }
    };
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
    // 1. Every line of every paragraph as the sheet sets it, also those of an interview turn.
    // Every line is looked at: a run that cannot break is not only digits, Latin or `——` (a
    // number of two digits glued to its unit and the character before, `委—社`, a character
    // with the closing marks that may not start a line: `修？”`).
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
      const units: Array<[HTMLElement, number, number]> = [];
      [...(body?.children ?? [])].forEach((el, index) => {
        if (!(el instanceof HTMLElement)) return;
        if (el.matches('.turn')) [...el.children].forEach((p, j) => units.push([p as HTMLElement, index, j]));
        else if (el.matches('p:not(.jump):not(.endnote), .brief, blockquote')) units.push([el, index, -1]);
      });
      // Photo captions, at every module width they were set at (a caption's lines depend on
      // the width the planner picks): part −2 − w, index the photo's.
      for (const f of m.querySelectorAll<HTMLElement>('[data-kind="f"]')) {
        const cap = f.querySelector<HTMLElement>('figcaption');
        if (cap) units.push([cap, Number(f.dataset.i), -2 - Number(f.dataset.w)]);
      }
      for (const [el, index, part] of units) {
        const before = readLines(el).loose.length;
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
      return { ...x, scratch, copy, lineCount: 0, caption: x.part <= -2 || x.el.matches('.caption-only'), best: { n: x.before, step: 0, cost: 0 }, done: false };
    });
    for (const t of tries) t.lineCount = readLines(t.copy).lines;
    // The first step that leaves no loose line without adding a line (a longer paragraph
    // changes the page's packing), else the first that leaves none, else the one with fewest.
    for (const step of steps) {
      const open = tries.filter((t) => !t.done);
      if (open.length === 0) break;
      for (const t of open) t.copy.style.letterSpacing = `${step}em`;
      for (const t of open) {
        const r = readLines(t.copy, Math.max(t.best.n, 1));
        const n = r.loose.length;
        // What a clean try costs: a paragraph that gets longer changes the page's packing; so
        // does a caption of any other line count (its lines are the photo's height, or a block
        // of the columns the planner dealt): one as long as it was is preferred, then a shorter one.
        const cost = t.caption ? (r.lines === t.lineCount ? 0 : r.lines < t.lineCount ? 1 : 2) : r.lines > t.lineCount ? 1 : 0;
        if (n < t.best.n || (n === 0 && t.best.n === 0 && cost < t.best.cost)) t.best = { n, step, cost };
        if (n === 0 && cost === 0) t.done = true;
      }
    }
    const out: Array<[string, number, number, number, number]> = [];
    for (const t of tries) {
      const { el, scratch, copy, lineCount } = t;
      // (A caption that one value fixes only by changing its line count tries this too.)
      if ((t.best.n > 0 || (t.caption && t.best.cost > 0)) && el.matches('p') && t.part >= -1) {
        // 3. No one value for the whole: track only the lines before the first loose one (the
        // fewest first), so the lines after it stay as they were; kept if it leaves no loose
        // line and no extra line.
        copy.style.letterSpacing = '';
        const plain = readLines(copy);
        const k = plain.loose[0] ?? -1;
        const lineStarts = plain.starts;
        const clean = (trial: HTMLElement): boolean => {
          scratch.replaceChildren(trial);
          const r = readLines(trial, 1);
          return r.loose.length === 0 && (t.caption ? r.lines === lineCount : r.lines <= lineCount);
        };
        // A tracking of the text up to one of the line starts `ends` that leaves the paragraph clean:
        // the first of `tries` that does, at the first of `ends`.
        const prefix = (tries: number[], ends: number[]): { em: number; chars: number } | undefined => {
          for (const em of tries) {
            for (const j of ends) {
              const trial = el.cloneNode(true) as HTMLElement;
              wrapFirst(trial, lineStarts[j], em);
              if (clean(trial)) return { em, chars: lineStarts[j] };
            }
          }
          return undefined;
        };
        const setPrefix = (found: { em: number; chars: number }) => {
          scratch.remove();
          wrapFirst(el, found.chars, found.em);
          out.push([t.key, t.index, t.part, found.em, found.chars]);
        };
        const first = prefix(steps, Array.from({ length: Math.max(0, k) }, (_, i) => i + 1));
        if (first) {
          setPrefix(first);
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
            if (clean(trial)) glued = [from, lineStarts[k] + 1];
          }
          if (glued) {
            scratch.remove();
            glue(el, glued[0], glued[1]);
            out.push([t.key, t.index, t.part, 0, -2 - glued[0] * 4096 - (glued[1] - glued[0])]);
            continue;
          }
        }
        // Still loose: the run after the loose line is too wide to come up at any tracking of
        // the lines before it (`悉，1—11月，`, `，2026—2027年度`). Compress the loose line and
        // the next with them, so that the run comes up onto the loose line (the span ends at a
        // line start, never inside a run); the fewest lines first, then the least compression.
        const through = k >= 0 ? prefix(steps.filter((x) => x < 0), [k + 2, k + 3].filter((j) => j < lineStarts.length)) : undefined;
        if (through) {
          setPrefix(through);
          continue;
        }
      }
      // 4. The chosen tracking, on the sheet's paragraph.
      scratch.remove();
      if (t.best.step === 0) continue;
      el.style.letterSpacing = `${t.best.step}em`;
      out.push([t.key, t.index, t.part, t.best.step, -1]);
    }
    return out;
  }, TRACKING_STEPS);
}
