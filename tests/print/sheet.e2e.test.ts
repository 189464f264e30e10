/**
 * The measuring sheet in the browser, for speed without a change of result:
 *
 * - `showDocument` loads, before the first layout, the faces of generated text too (a
 *   byline's `□` from print.css): the layout asks for no face of its own, which would lay
 *   the whole sheet out a second time;
 * - `fitTracking` (one batched pass) sets a tracking step only where it leaves fewer loose
 *   lines, reports exactly the paragraphs it set, and leaves none of its scratch boxes behind.
 */
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
});
