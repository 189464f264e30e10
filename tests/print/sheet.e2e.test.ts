/**
 * The measuring sheet in the browser, for speed without a change of result:
 *
 * - `showDocument` loads, before the first layout, the faces of generated text too (a
 *   byline's `□` from print.css): the layout asks for no face of its own, which would lay
 *   the whole sheet out a second time;
 * - `fitTracking` (one batched pass) sets a tracking step only where it leaves fewer loose
 *   lines, reports exactly the paragraphs it set, and leaves none of its scratch boxes behind;
 * - its line-by-line reading (line starts by search, a line's gap from its first Han pair)
 *   makes the same decisions as reading every character, on the sample issue's paragraphs
 *   and the corpus pages' (where present).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page as BrowserPage } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildSession } from '../../src/build/session.js';
import { loadConfig } from '../../src/config/index.js';
import { makeGrid } from '../../src/layout/grid.js';
import { fontFaceCss, guardPage, ORIGIN, type AssetTable } from '../../src/print/assets.js';
import { launchBrowser } from '../../src/print/browser.js';
import { rootStyle } from '../../src/print/document.js';
import { showDocument } from '../../src/print/sheet.js';
import { fitTracking, TRACKING_STEPS } from '../../src/print/tracking.js';
import { corpusDir } from '../parse/helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

let browser: Awaited<ReturnType<typeof launchBrowser>>;
let tab: BrowserPage;
let table: AssetTable;
let doc: (body: string) => string;

beforeAll(async () => {
  const { config } = await loadConfig(ROOT);
  const grid = makeGrid(config.print);
  browser = await launchBrowser(config.print.browserPath);
  tab = await browser.browser.newPage();
  table = { files: new Map([['/print.css', path.join(ROOT, 'styles/print.css')]]), docs: new Map() };
  await guardPage(tab, table, new BuildSession());
  doc = (body) =>
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style data-pagedjs-ignore>${fontFaceCss()}</style><link rel="stylesheet" href="${ORIGIN}/print.css"><style>${rootStyle(grid)}</style></head><body>${body}</body></html>`;
});

afterAll(async () => {
  await browser?.close();
});

const loadedFaces = () =>
  tab.evaluate(() => {
    const out: string[] = [];
    document.fonts.forEach((f) => {
      if (f.status === 'loaded') out.push(`${f.family}|${f.weight}|${f.unicodeRange}`);
    });
    return out.sort();
  });

describe('measuring sheet (browser)', () => {
  it('loads the faces of generated text before the first layout', async () => {
    const html = doc('<div class="measure" data-key="1-a1"><div class="mh"><p class="byline mark">本报记者　张明</p></div></div>');
    await showDocument(tab, table, '/fonts-hidden.html', html, { hidden: true });
    const before = await loadedFaces();
    // The byline's □ (print.css `.byline.mark::before`) is in a face of its own.
    expect(before.some((f) => f.startsWith('Noto Sans SC|500|') && f.includes('U+25A1'))).toBe(true);
    await showDocument(tab, table, '/fonts-shown.html', html);
    expect(await loadedFaces()).toEqual(before);
  });

  it('sets tracking only where it leaves fewer loose lines, and reports what it set', async () => {
    // Unbreakable runs (a number with its unit) after Han text of every length up to a
    // line: some land where the line before them cannot take them and is left loose.
    const han = '海岸新区前三季度实现地区生产总值同比增长';
    const paragraphs = Array.from({ length: 26 }, (_, k) => `<p>${han.slice(0, k % 13)}全年完成投资12865.37亿元，${han}${han.slice(0, k % 7)}。</p>`).join('');
    await showDocument(tab, table, '/tracking.html', doc(`<div class="measure" data-key="1-a1"><div class="body" data-kind="b">${paragraphs}</div></div>`));
    // Loose lines of every paragraph, read character by character (independent of the module).
    const looseLines = () =>
      tab.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('[data-kind="b"] > p')].map((p) => {
          const st = getComputedStyle(p);
          const em = parseFloat(st.fontSize);
          const ls = parseFloat(st.letterSpacing) || 0;
          const range = document.createRange();
          const text = p.firstChild as Text;
          const lines: number[] = [];
          let prev: DOMRect | undefined;
          let prevHan = false;
          for (let i = 0; i < text.data.length; i++) {
            range.setStart(text, i);
            range.setEnd(text, i + 1);
            const r = range.getBoundingClientRect();
            const isHan = /[\u3400-\u9fff]/.test(text.data[i]);
            if (!prev || Math.abs(r.top - prev.top) > em / 2) lines.push(0);
            else if (prevHan && isHan) lines[lines.length - 1] = Math.max(lines[lines.length - 1], r.left - prev.left - em - ls);
            prev = r;
            prevHan = isHan;
          }
          return lines.slice(0, -1).filter((g) => g >= em * 0.25 - 0.01).length;
        }),
      );
    const before = await looseLines();
    expect(before.some((n) => n > 0)).toBe(true);
    const set = await fitTracking(tab);
    const after = await looseLines();
    const spacing = await tab.evaluate(() => [...document.querySelectorAll<HTMLElement>('[data-kind="b"] > p')].map((p) => p.style.letterSpacing));
    expect(set.length).toBeGreaterThan(0);
    for (const [key, index, part, em] of set) {
      expect([key, part]).toEqual(['1-a1', -1]);
      expect(TRACKING_STEPS).toContain(em);
      expect(spacing[index]).toBe(`${em}em`);
      expect(after[index]).toBeLessThan(before[index]);
    }
    // Every other paragraph is as it was.
    const chosen = new Set(set.map((x) => x[1]));
    spacing.forEach((s, i) => {
      if (!chosen.has(i)) {
        expect(s).toBe('');
        expect(after[i]).toBe(before[i]);
      }
    });
    // The copies it tried steps on are gone.
    expect(await tab.evaluate(() => document.querySelectorAll('[data-kind="b"] > :not(p)').length)).toBe(0);
  });

  it('reads lines by search and makes the same decisions as reading every character', async () => {
    // Real paragraphs: every plain text line of the sample issue's pages and of the corpus
    // pages (numbers with units, Latin, quotes, dashes), set as paragraphs of one column.
    const files = [path.join(ROOT, 'issues', '2026-11-20'), corpusDir]
      .filter((d) => existsSync(d))
      .flatMap((d) => readdirSync(d).filter((f) => /^\d.*\.(md|txt)$/.test(f)).map((f) => path.join(d, f)));
    const lines = files.flatMap((f) => readFileSync(f, 'utf8').split('\n')).filter((l) => l.length >= 30 && /^[\p{Script=Han}“「《（]/u.test(l));
    expect(lines.length).toBeGreaterThan(100);
    const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    // A glued run and a first-lines span as the print HTML has them, on some paragraphs.
    const html = lines
      .map((l, k) => (k % 7 === 3 ? `<p><span class="nb">${esc(l.slice(0, 3))}</span>${esc(l.slice(3))}</p>` : k % 7 === 5 ? `<p><span style="letter-spacing:-0.02em">${esc(l.slice(0, 20))}</span>${esc(l.slice(20))}</p>` : `<p>${esc(l)}</p>`))
      .join('');
    const sheet = doc(`<div class="measure" data-key="1-a1"><div class="body" data-kind="b">${html}</div></div>`);
    const run = async (name: string, exact: boolean) => {
      await showDocument(tab, table, name, sheet);
      const set = await fitTracking(tab, { exact });
      const dom = await tab.evaluate(() => document.querySelector('[data-kind="b"]')!.innerHTML);
      return { set, dom };
    };
    const exact = await run('/tracking-exact.html', true);
    const fast = await run('/tracking-fast.html', false);
    expect(exact.set.length).toBeGreaterThan(5);
    expect(fast.set).toEqual(exact.set);
    expect(fast.dom).toBe(exact.dom);
  }, 120_000);
});
