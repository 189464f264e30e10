/**
 * The page view's zoom with real pixels: page images as wide as the print edition now
 * makes them (2200 px, a 2× copy of the page), served with srcset copies at
 * 375/768/1280/1640 px and the full width.
 *
 * - bytes: a 2× phone at 375 px downloads one small copy (768 px), never the full-size
 *   copy or the PNG, until it zooms; zoomed to 300 % it fetches the full-size copy
 *   (request interception records every image request);
 * - hot areas stay on the modules' pixels at 100 %, 200 %, 300 % and a pinch level, at
 *   375 and 1280 px: the page picture of the fixture draws a dark bar along each module's
 *   top edge, and the bar's first dark pixel column and row in a screenshot are within a
 *   pixel of the hot area's left and top edges;
 * - a two-finger pinch (touch events through CDP) zooms between the levels;
 * - screenshots of the page view at 375 and 1280 px, zoomed and not, go to test-output/.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type LaunchedBrowser } from '../../src/print/browser.js';
import { buildWebEdition } from '../../src/web/index.js';
import { fixtureContext, fixtureIssues, fixtureLayouts, REPO_ROOT, writeIssueFiles, writePrintOutputs } from './fixtures.js';
import { serveStatic } from './helpers.js';

const BASE = '/epaper/';
const SHOTS = path.join(REPO_ROOT, 'test-output');
/** The page image's size as the print edition captures it (src/print/index.ts IMAGE_WIDTH). */
const WIDE = { w: 2200, h: 3074 };
const VIEW = '2026-11-20/01/';
/** Page 01's second module (fixtures.ts): its hot area links to this article. */
const AREA = `svg.hot-areas a[href$="/01/a2/"] rect`;

let tmp: string;
let server: { origin: string; close(): Promise<void> };
let browser: LaunchedBrowser;
let root: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-web-zoom-'));
  await writeIssueFiles(tmp);
  const out = path.join(tmp, 'dist');
  const layouts = fixtureLayouts();
  for (const layout of layouts.values()) for (const p of layout.pages) p.imageSize = { ...WIDE };
  await writePrintOutputs(out, layouts);
  await buildWebEdition(fixtureIssues(tmp), layouts, { ...fixtureContext(out, BASE) }, { fonts: false, search: false });
  server = await serveStatic(out, BASE);
  root = server.origin + BASE;
  browser = await launchBrowser();
  await mkdir(SHOTS, { recursive: true });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

interface Tab {
  page: Page;
  /** Page-image requests, by file name (`page.<hash>.<w>.avif`, `page.<hash>.avif`, `page.png` …). */
  images: string[];
  problems: string[];
}

async function openTab(viewport: { width: number; height: number; deviceScaleFactor?: number; isMobile?: boolean; hasTouch?: boolean }): Promise<Tab> {
  const page = await browser.browser.newPage();
  await page.setViewport(viewport);
  const images: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => {
    const name = new URL(r.url()).pathname.split('/').pop() ?? '';
    if (/^page\.([0-9a-f]{10}\.(\d+\.)?(avif|webp)|png)$/.test(name)) images.push(name);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${String(e)}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`);
  });
  return { page, images, problems };
}

const zoomText = (page: Page) => page.$eval('.zoom-controls output', (o) => o.textContent);
const currentSrc = (page: Page) => page.$eval('.page-image img', (i) => ((i as HTMLImageElement).currentSrc.split('/').pop() ?? ''));
const FULL = /^page\.[0-9a-f]{10}\.(avif|webp)$/;

/**
 * Scrolls the frame (and the window) so that the hot area's top-left corner is 30 px
 * inside the visible frame, then finds the module's dark bar in a screenshot: the first
 * dark column along a row 3 px under the hot area's top, the first dark row along a
 * column 12 px right of its left edge. Returns both edges next to the hot area's.
 */
async function edgesAt(page: Page): Promise<{ area: { x: number; y: number }; ink: { x: number; y: number } }> {
  await page.evaluate((sel) => {
    const frame = document.querySelector<HTMLElement>('.page-zoom')!;
    const rect = document.querySelector(sel)!.getBoundingClientRect();
    const f = frame.getBoundingClientRect();
    frame.scrollLeft += rect.left - f.left - 30;
    frame.scrollTop += rect.top - f.top - 30;
    window.scrollBy(0, frame.getBoundingClientRect().top - 10);
  }, AREA);
  // Any wider copy the zoom asked for is in before the pixels are read.
  await page.waitForNetworkIdle({ idleTime: 200 });
  const box = await page.$eval(AREA, (r) => {
    const b = r.getBoundingClientRect();
    return { x: b.left, y: b.top };
  });
  const shot = await page.screenshot({ type: 'png' });
  const { data, info } = await sharp(shot).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const dpr = info.width / (await page.evaluate(() => window.innerWidth));
  const dark = (x: number, y: number) => {
    const i = (Math.round(y * dpr) * info.width + Math.round(x * dpr)) * info.channels;
    return data[i] + data[i + 1] + data[i + 2] < 3 * 128;
  };
  let x = box.x - 8;
  while (x < box.x + 8 && !dark(x, box.y + 3)) x += 0.25;
  let y = box.y - 8;
  while (y < box.y + 8 && !dark(box.x + 12, y)) y += 0.25;
  return { area: box, ink: { x, y } };
}

async function expectOnModule(page: Page, label: string): Promise<void> {
  const { area, ink } = await edgesAt(page);
  expect(Math.abs(ink.x - area.x), `${label}: left edge, ink at ${ink.x}, hot area at ${area.x}`).toBeLessThanOrEqual(1);
  expect(Math.abs(ink.y - area.y), `${label}: top edge, ink at ${ink.y}, hot area at ${area.y}`).toBeLessThanOrEqual(1);
  // And the hot area there is the one that opens the module's article.
  const href = await page.evaluate((p) => document.elementFromPoint(p.x, p.y)?.closest('a')?.getAttribute('href'), { x: area.x + 6, y: area.y + 6 });
  expect(href, label).toBe(`${BASE}2026-11-20/01/a2/`);
}

describe('page view zoom with a 2× page image', () => {
  it('a 2× phone at 375 px downloads only the 768 px copy until it zooms; at 300 % the full-size copy', async () => {
    const { page, images, problems } = await openTab({ width: 375, height: 812, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await page.goto(root + VIEW, { waitUntil: 'networkidle0' });
    expect(images).toHaveLength(1);
    expect(images[0]).toMatch(/^page\.[0-9a-f]{10}\.768\.avif$/);
    expect(await currentSrc(page)).toBe(images[0]);
    await page.screenshot({ path: path.join(SHOTS, 'web-page-2x-375.png') });
    await page.click('[data-zoom="in"]');
    await page.waitForNetworkIdle({ idleTime: 200 });
    // 200 % of a 359 px frame at 2 device px a CSS px: 1436 → the 1640 px copy.
    expect(images.at(-1)).toMatch(/^page\.[0-9a-f]{10}\.1640\.avif$/);
    await page.click('[data-zoom="in"]');
    await page.waitForFunction((re) => new RegExp(re).test((document.querySelector('.page-image img') as HTMLImageElement).currentSrc.split('/').pop() ?? ''), { timeout: 10_000 }, FULL.source);
    expect(images.at(-1)).toMatch(FULL);
    expect(images.some((n) => n.endsWith('.png') || n.endsWith('.webp'))).toBe(false);
    await page.screenshot({ path: path.join(SHOTS, 'web-page-2x-375-zoom300.png') });
    await page.close();
    expect(problems).toEqual([]);
  });

  it('a 1280 px desktop downloads the 1280 px copy, the 1640 px copy at 200 % and the full size at 300 %', async () => {
    const { page, images, problems } = await openTab({ width: 1280, height: 900 });
    await page.goto(root + VIEW, { waitUntil: 'networkidle0' });
    expect(images).toEqual([expect.stringMatching(/^page\.[0-9a-f]{10}\.1280\.avif$/)]);
    await page.screenshot({ path: path.join(SHOTS, 'web-page-2x-1280.png') });
    await page.keyboard.press('+');
    await page.waitForNetworkIdle({ idleTime: 200 });
    expect(images.at(-1)).toMatch(/^page\.[0-9a-f]{10}\.1640\.avif$/);
    await page.screenshot({ path: path.join(SHOTS, 'web-page-2x-1280-zoom200.png') });
    await page.keyboard.press('+');
    await page.waitForNetworkIdle({ idleTime: 200 });
    expect(images.at(-1)).toMatch(FULL);
    await page.close();
    expect(problems).toEqual([]);
  });

  for (const width of [375, 1280]) {
    it(`hot areas stay on the modules' pixels at 100 %, 200 %, 300 % (${width} px)`, async () => {
      const { page, problems } = await openTab({ width, height: 900 });
      await page.goto(root + VIEW, { waitUntil: 'networkidle0' });
      await expectOnModule(page, `${width} px 100%`);
      await page.keyboard.press('+');
      expect(await zoomText(page)).toBe('200%');
      await expectOnModule(page, `${width} px 200%`);
      await page.keyboard.press('+');
      expect(await zoomText(page)).toBe('300%');
      await expectOnModule(page, `${width} px 300%`);
      await page.keyboard.press('-');
      await page.keyboard.press('-');
      expect(await zoomText(page)).toBe('100%');
      await expectOnModule(page, `${width} px back to 100%`);
      await page.close();
      expect(problems).toEqual([]);
    });
  }

  it('a two-finger pinch zooms the page image and its hot areas; the wider copy follows when the pinch ends', async () => {
    const { page, images, problems } = await openTab({ width: 375, height: 812, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await page.goto(root + VIEW, { waitUntil: 'networkidle0' });
    const w1 = await page.$eval('.page-image', (el) => el.getBoundingClientRect().width);
    const frame = await page.$eval('.page-zoom', (el) => {
      const r = el.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: Math.min(r.top + 200, window.innerHeight - 150) };
    });
    const cdp = await page.createCDPSession();
    const points = (d: number) => [
      { x: frame.x - d, y: frame.y, id: 1 },
      { x: frame.x + d, y: frame.y, id: 2 },
    ];
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: points(40) });
    for (const d of [50, 60, 70]) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: points(d) });
    // Mid-pinch: 70 / 40 = 175 % (pointer moves are dispatched with the next frame), and no wider copy requested yet.
    await page.waitForFunction(() => document.querySelector('.zoom-controls output')?.textContent === '175%', { timeout: 5000 });
    expect(images).toHaveLength(1);
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    await page.waitForNetworkIdle({ idleTime: 200 });
    expect((await page.$eval('.page-image', (el) => el.getBoundingClientRect().width)) / w1).toBeCloseTo(1.75, 1);
    // 175 % of 359 px at 2 device px: 1257 → the 1280 px copy.
    expect(images.at(-1)).toMatch(/^page\.[0-9a-f]{10}\.1280\.avif$/);
    await expectOnModule(page, '375 px pinched to 175%');
    // The buttons go on from the pinch level to the next one.
    await page.click('[data-zoom="in"]');
    expect(await zoomText(page)).toBe('200%');
    await cdp.detach();
    await page.close();
    expect(problems).toEqual([]);
  });
});
