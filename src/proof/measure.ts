/**
 * The proof measure: the line-quality faults of the laid-out pages, read from the
 * paginated document in Chromium right before it is printed — the same line boxes the
 * PDF is made from, with the DOM telling which module, block and kind of text each line
 * belongs to (a PDF's glyph positions would have to be matched back to all of that).
 *
 * Every character's box comes from a DOM Range. The document is read twice: once as
 * laid out (justified) and once with justification switched off (line breaks do not
 * depend on it), which gives each character's natural advance; the difference is the
 * space justification put after it.
 */
import type { Page as BrowserPage } from 'puppeteer-core';
import { PX_PER_PT } from '../layout/grid.js';
import { DIGIT, type Fault, FAULTS, LINE_PUNCT, PAIR_PUNCT, UNIT_CHARS } from './rules.js';

export interface ProofExample {
  /** Module id in the document (`m-<page>-<article>[-<part>]`). */
  module: string;
  /** The line(s) concerned, as printed. */
  text: string;
}

export interface PageProof {
  page: number;
  counts: Record<Fault, number>;
  /** Up to EXAMPLES per fault. */
  examples: Record<Fault, ProofExample[]>;
}

export const EXAMPLES = 8;

interface Rules {
  digit: string;
  units: string;
  pairPunct: string;
  linePunct: string;
  /** The grid's line pitch in px. */
  linePx: number;
  faults: readonly Fault[];
  examples: number;
}

/** Measures every page of the paginated document shown in `tab`; `pageNumbers[i]` is the number of its i-th page. */
export async function measureProof(tab: BrowserPage, linePt: number, pageNumbers: number[]): Promise<PageProof[]> {
  const rules: Rules = { digit: DIGIT, units: UNIT_CHARS, pairPunct: PAIR_PUNCT, linePunct: LINE_PUNCT, linePx: linePt * PX_PER_PT, faults: FAULTS, examples: EXAMPLES };
  const raw = await tab.evaluate(inPage, rules);
  return raw.map((p, i) => ({ ...p, page: pageNumbers[i] ?? i + 1 }));
}

/** Runs in the page (self-contained). */
function inPage(rules: Rules): PageProof[] {
  const digit = new RegExp(`[${rules.digit}]`);
  const unit = new RegExp(`[${rules.digit}${rules.units}]`);
  const numSep = /[.:：/\-–～~]/;
  const pair = new Set([...rules.pairPunct]);
  const punct = new Set([...rules.linePunct]);
  const isSpace = (c: string) => /\s/.test(c);

  interface Ch {
    c: string;
    el: Element;
    left: number;
    right: number;
    top: number;
    bottom: number;
    /** Natural (unjustified) left and right. */
    nl: number;
    nr: number;
  }
  interface Line {
    chars: Ch[];
    top: number;
    bottom: number;
    left: number;
    right: number;
  }
  interface Block {
    el: HTMLElement;
    kind: 'body' | 'heading' | 'caption' | 'other';
    module: HTMLElement;
    em: number;
    lineHeight: number;
    justified: boolean;
    lines: Line[];
  }

  const BLOCKS = '.mh .hl, .mh .kicker, .mh .subtitle, .body p, .body .subhead, figcaption';
  const modules = [...document.querySelectorAll<HTMLElement>('.pagedjs_page .module')];
  const blockEls: Array<{ el: HTMLElement; module: HTMLElement }> = [];
  for (const m of modules) for (const el of m.querySelectorAll<HTMLElement>(BLOCKS)) if (!el.classList.contains('jump')) blockEls.push({ el, module: m });

  // Characters of each block with their boxes: natural first (justification off), then as printed.
  const range = document.createRange();
  const charsOf = (el: HTMLElement): Array<{ c: string; node: Text; at: number; len: number; el: Element }> => {
    const out: Array<{ c: string; node: Text; at: number; len: number; el: Element }> = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode() as Text | null; t; t = walker.nextNode() as Text | null) {
      const s = t.data;
      for (let i = 0; i < s.length; ) {
        const cp = s.codePointAt(i) ?? 0;
        const len = cp > 0xffff ? 2 : 1;
        out.push({ c: s.slice(i, i + len), node: t, at: i, len, el: t.parentElement ?? el });
        i += len;
      }
    }
    return out;
  };
  const boxes = (chars: ReturnType<typeof charsOf>): Array<DOMRect | undefined> =>
    chars.map((ch) => {
      range.setStart(ch.node, ch.at);
      range.setEnd(ch.node, ch.at + ch.len);
      const r = range.getBoundingClientRect();
      return r.width > 0 || r.height > 0 ? r : undefined;
    });
  const all = blockEls.map((b) => charsOf(b.el));
  const style = document.createElement('style');
  style.textContent = '.module * { text-align: start !important; text-align-last: auto !important; text-justify: none !important; }';
  document.head.append(style);
  void document.body.offsetHeight;
  const natural = all.map(boxes);
  style.remove();
  void document.body.offsetHeight;
  const printed = all.map(boxes);

  const blocks: Block[] = blockEls.map(({ el, module }, bi) => {
    const st = getComputedStyle(el);
    const em = parseFloat(st.fontSize);
    const lines: Line[] = [];
    let line: Line | undefined;
    all[bi].forEach((ch, k) => {
      const r = printed[bi][k];
      const n = natural[bi][k];
      if (!r || !n || ch.c === '\n') return;
      const newLine = !line || Math.abs(r.top - line.chars[line.chars.length - 1].top) > em * 0.5 || r.left < line.chars[line.chars.length - 1].left - 1;
      if (newLine) {
        line = { chars: [], top: r.top, bottom: r.bottom, left: r.left, right: r.right };
        lines.push(line);
      }
      line!.chars.push({ c: ch.c, el: ch.el, left: r.left, right: r.right, top: r.top, bottom: r.bottom, nl: n.left, nr: n.right });
      line!.top = Math.min(line!.top, r.top);
      line!.bottom = Math.max(line!.bottom, r.bottom);
      line!.left = Math.min(line!.left, r.left);
      line!.right = Math.max(line!.right, r.right);
    });
    // Spaces at a line's ends are not printed.
    for (const l of lines) {
      while (l.chars.length && isSpace(l.chars[l.chars.length - 1].c)) l.chars.pop();
      while (l.chars.length && isSpace(l.chars[0].c)) l.chars.shift();
    }
    const kept = lines.filter((l) => l.chars.length > 0);
    const kind: Block['kind'] = el.matches('.hl, .kicker, .subtitle, .subhead') ? 'heading' : el.matches('figcaption, .caption-only') ? 'caption' : el.closest('.body') ? 'body' : 'other';
    return { el, kind, module, em, lineHeight: parseFloat(st.lineHeight) || em * 1.5, justified: st.textAlign === 'justify', lines: kept };
  });

  const text = (l: Line) => l.chars.map((c) => c.c).join('');
  const letters = (l: Line) => l.chars.filter((c) => !punct.has(c.c) && !isSpace(c.c)).length;
  const pages = [...document.querySelectorAll<HTMLElement>('.pagedjs_page')];
  const result: PageProof[] = pages.map((_p, i) => ({
    page: i + 1,
    counts: Object.fromEntries(rules.faults.map((f) => [f, 0])) as Record<Fault, number>,
    examples: Object.fromEntries(rules.faults.map((f) => [f, []])) as unknown as Record<Fault, ProofExample[]>,
  }));
  const pageIndex = new Map(pages.map((p, i) => [p, i]));
  const pageOf = (el: Element) => pageIndex.get(el.closest<HTMLElement>('.pagedjs_page')!) ?? -1;
  const note = (page: number, fault: Fault, module: HTMLElement, t: string, n = 1) => {
    const p = result[page];
    if (!p) return;
    p.counts[fault] += n;
    if (p.examples[fault].length < rules.examples) p.examples[fault].push({ module: module.id, text: t });
  };

  for (const b of blocks) {
    const page = pageOf(b.el);
    const cutEnd = b.el.classList.contains('cut-end');
    const hasBreak = b.el.querySelector('br') !== null;
    b.lines.forEach((l, li) => {
      const last = li === b.lines.length - 1;
      // Loose: a justified line (not a paragraph's last, nor one ended by a hard break) with
      // more than ¼ em of justification space after a character.
      if (b.justified && (!last || cutEnd) && !hasBreak) {
        let worst = 0;
        for (let k = 0; k + 1 < l.chars.length; k++) {
          const a = l.chars[k];
          const z = l.chars[k + 1];
          const added = z.left - a.left - (z.nl - a.nl);
          worst = Math.max(worst, added);
        }
        if (worst >= b.em * 0.25 - 0.01) note(page, 'loose', b.module, `${text(l)}  (+${(worst / b.em).toFixed(2)} em)`);
      }
      // Numbers cut from their unit or from each other at this line's end.
      if (!last) {
        const next = b.lines[li + 1];
        const end = l.chars[l.chars.length - 1]?.c ?? '';
        const before = l.chars[l.chars.length - 2]?.c ?? '';
        const start = next.chars[0]?.c ?? '';
        if ((digit.test(end) && unit.test(start)) || (numSep.test(end) && digit.test(before) && digit.test(start))) note(page, 'numbers', b.module, `${text(l)} / ${text(next)}`);
      }
      // One-character lines: a block's last line, or any line of a heading.
      const chars = b.lines.reduce((s, x) => s + letters(x), 0);
      if (chars > 1 && letters(l) === 1 && ((last && !cutEnd) || b.kind === 'heading')) note(page, 'orphans', b.module, `${li > 0 ? `${text(b.lines[li - 1])} / ` : ''}${text(l)}`);
      // Punctuation pairs both at full width (natural advances: justification excluded).
      for (let k = 0; k + 1 < l.chars.length; k++) {
        const a = l.chars[k];
        const z = l.chars[k + 1];
        if (!pair.has(a.c) || !pair.has(z.c)) continue;
        const za = k + 2 < l.chars.length ? l.chars[k + 2].nl - z.nl : z.nr - z.nl;
        if (z.nl - a.nl + za > b.em * 1.6) note(page, 'punctuation', b.module, `${a.c}${z.c} in ${text(l)}`);
      }
    });
  }

  const byModule = new Map<HTMLElement, Block[]>();
  for (const b of blocks) byModule.set(b.module, [...(byModule.get(b.module) ?? []), b]);

  // Blank lines inside a module's columns: consecutive lines of a column further apart than
  // their blocks' line heights allow.
  for (const m of modules) {
    const body = m.querySelector<HTMLElement>('.body');
    if (!body) continue;
    const br = body.getBoundingClientRect();
    const count = Number(body.style.columnCount) || 1;
    const gap = parseFloat(getComputedStyle(body).columnGap) || 0;
    const colW = (br.width - (count - 1) * gap) / count;
    const cols: Array<Array<{ top: number; lh: number; line: Line }>> = Array.from({ length: count }, () => []);
    for (const b of byModule.get(m) ?? []) {
      if (!body.contains(b.el)) continue;
      for (const l of b.lines) {
        const k = Math.min(count - 1, Math.max(0, Math.floor((l.left - br.left + 1) / (colW + gap))));
        cols[k].push({ top: l.top, lh: b.lineHeight, line: l });
      }
    }
    for (const col of cols) {
      col.sort((a, z) => a.top - z.top);
      for (let k = 0; k + 1 < col.length; k++) {
        const a = col[k];
        const z = col[k + 1];
        const unitH = Math.min(a.lh, z.lh);
        const blank = Math.round((z.top - a.top - (a.lh + z.lh) / 2) / unitH);
        if (blank >= 1) note(pageOf(m), 'blankLines', m, `${text(a.line)} / ${text(z.line)}`, blank);
      }
    }
  }

  // Separation: a module right below another, with no rule between them and less than a
  // line of white between the upper one's last text and the lower one's first.
  const inkBoxes = (m: HTMLElement): Array<{ top: number; bottom: number; left: number; right: number }> => {
    const out: Array<{ top: number; bottom: number; left: number; right: number }> = [];
    for (const b of byModule.get(m) ?? []) {
      for (const l of b.lines) {
        // The em box of the line's characters (the content area is taller than the ink).
        const mid = (l.top + l.bottom) / 2;
        out.push({ top: mid - b.em / 2, bottom: mid + b.em / 2, left: l.left, right: l.right });
      }
    }
    for (const e of m.querySelectorAll<HTMLElement>('img, .banner')) {
      const r = e.getBoundingClientRect();
      out.push({ top: r.top, bottom: r.bottom, left: r.left, right: r.right });
    }
    return out;
  };
  const ink = new Map(modules.map((m) => [m, inkBoxes(m)]));
  for (const a of modules) {
    if (a.classList.contains('rule-below')) continue;
    const ar = a.getBoundingClientRect();
    for (const z of modules) {
      if (z === a || pageOf(z) !== pageOf(a)) continue;
      const zr = z.getBoundingClientRect();
      const left = Math.max(ar.left, zr.left);
      const right = Math.min(ar.right, zr.right);
      if (right - left < 2 || Math.abs(zr.top - ar.bottom) > rules.linePx / 2) continue;
      const over = (r: { left: number; right: number }) => Math.min(r.right, right) - Math.max(r.left, left) > 0;
      const upper = ink.get(a)!.filter(over);
      const lower = ink.get(z)!.filter(over);
      if (!upper.length || !lower.length) continue;
      const bottom = Math.max(...upper.map((r) => r.bottom));
      const top = Math.min(...lower.map((r) => r.top));
      if (top - bottom < rules.linePx - 0.5) note(pageOf(a), 'separation', a, `${a.id} → ${z.id}: ${((top - bottom) * 0.75).toFixed(1)} pt of white`);
    }
  }
  return result;
}
