/**
 * The e-paper in a real browser, served under a sub-path (/epaper/) by a tiny static
 * server: views load without console errors, hot areas and 上一版/下一版 work, search
 * finds an article by a body word, feed and sitemap parse as XML. Screenshots at 375
 * and 1280 px go to test-output/.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
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

let tmp: string;
let server: { origin: string; close(): Promise<void> };
let browser: LaunchedBrowser;
let root: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-web-browser-'));
  await writeIssueFiles(tmp);
  const out = path.join(tmp, 'dist');
  const layouts = fixtureLayouts();
  await writePrintOutputs(out, layouts);
  await buildWebEdition(fixtureIssues(tmp), layouts, fixtureContext(out, BASE));
  server = await serveStatic(out, BASE);
  root = server.origin + BASE;
  browser = await launchBrowser();
  await mkdir(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** A tab that records console errors, page errors and failed or 4xx/5xx requests. */
async function openTab(width = 1280): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.browser.newPage();
  await page.setViewport({ width, height: 900 });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${String(e)}`));
  page.on('requestfailed', (r) => problems.push(`failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()}: ${r.url()}`);
  });
  return { page, problems };
}

describe('e-paper in the browser (served under /epaper/)', () => {
  it('issue, page and article views load with no console error', async () => {
    const { page, problems } = await openTab();
    for (const rel of ['', '2026-11-20/', '2026-11-20/01/', '2026-11-20/03/', '2026-11-20/03/a1/', '2026-11-20/02/a1/', '2026-11-19/01/', '2026-11-20/01/a2/', 'archive/', 'feed/', 'search/']) {
      const res = await page.goto(root + rel, { waitUntil: 'networkidle0' });
      expect(res?.status(), rel).toBe(200);
      expect(await page.$$eval('h1', (h) => h.length), rel).toBe(1);
      // The stylesheet applied: the masthead is red.
      expect(await page.$eval('.masthead', (el) => getComputedStyle(el).backgroundColor), rel).toBe('rgb(196, 30, 36)');
    }
    await page.close();
    expect(problems).toEqual([]);
  });

  it('a click on a hot area opens that article; hot areas take keyboard focus', async () => {
    const { page, problems } = await openTab();
    await page.goto(root + '2026-11-20/01/', { waitUntil: 'networkidle0' });
    const area = await page.$('svg.hot-areas a[href$="/01/a2/"] rect');
    await area!.scrollIntoView();
    const rect = await area!.boundingBox();
    expect(rect!.width).toBeGreaterThan(50);
    // A real mouse click in the middle of the module.
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.mouse.click(rect!.x + rect!.width / 2, rect!.y + rect!.height / 2)]);
    expect(page.url()).toBe(root + '2026-11-20/01/a2/');
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('滨海步道全线贯通');
    await page.goBack({ waitUntil: 'networkidle0' });
    const focused = await page.evaluate(() => {
      const a = document.querySelector<SVGAElement>('svg.hot-areas a');
      a?.focus();
      return document.activeElement === a && a !== null;
    });
    expect(focused).toBe(true);
    await Promise.all([page.waitForNavigation({ waitUntil: 'networkidle0' }), page.keyboard.press('Enter')]);
    expect(page.url()).toBe(root + '2026-11-20/01/a1/');
    await page.close();
    expect(problems).toEqual([]);
  });

  it('上一版 / 下一版 walk the pages', async () => {
    const { page, problems } = await openTab();
    await page.goto(root + '2026-11-20/02/', { waitUntil: 'networkidle0' });
    await Promise.all([page.waitForNavigation(), page.click('.pager a[rel="next"]')]);
    expect(page.url()).toBe(root + '2026-11-20/03/');
    expect(await page.$eval('.pager a[rel="prev"]', (a) => a.textContent)).toBe('上一版');
    expect(await page.$('.pager a[rel="next"]')).toBeNull();
    await Promise.all([page.waitForNavigation(), page.click('.pager a[rel="prev"]')]);
    await Promise.all([page.waitForNavigation(), page.click('.pager a[rel="prev"]')]);
    expect(page.url()).toBe(root + '2026-11-20/01/');
    await page.close();
    expect(problems).toEqual([]);
  });

  /** Runs a search from the address bar; returns the hits as the reader sees them. */
  async function searchFor(page: Page, query: string, extra = '') {
    await page.goto(root + 'search/?q=' + encodeURIComponent(query) + extra, { waitUntil: 'networkidle0' });
    await page.waitForFunction(() => /找到|没有找到/.test(document.getElementById('search-status')?.textContent ?? ''), { timeout: 15_000 });
    return page.$$eval('.search-hit', (lis) =>
      lis.map((li) => ({
        href: li.querySelector('h2 a')!.getAttribute('href'),
        title: li.querySelector('h2 a')!.textContent ?? '',
        meta: li.querySelector('.hit-meta')!.textContent,
        marks: [...li.querySelectorAll('mark')].map((m) => m.textContent),
      })),
    );
  }

  it('search: a phrase present word for word is found, with date, 第NN版 and the match highlighted', async () => {
    const { page, problems } = await openTab();
    const hits = await searchFor(page, '蓝碳交易');
    expect(hits.map((h) => h.href)).toEqual([BASE + '2026-11-20/01/a1/']);
    expect(hits[0].meta).toMatch(/^2026年11月20日 第01版：要闻$/);
    await page.waitForSelector('.hit-excerpt mark');
    expect(await page.$$eval('.search-hit mark', (ms) => ms.map((m) => m.textContent))).toContain('蓝碳交易');
    expect(await page.$eval('#search-status', (el) => el.textContent)).toContain('找到 1 篇');
    await page.screenshot({ path: path.join(SHOTS, 'web-search-1280.png') });
    // Four characters, each bigram in the paper, the phrase too: 城市更新.
    expect((await searchFor(page, '城市更新')).map((h) => h.href)).toEqual([BASE + '2026-11-20/03/a1/']);
    await page.close();
    expect(problems).toEqual([]);
  });

  it('search: words absent from the paper give zero results', async () => {
    const { page, problems } = await openTab(375);
    for (const q of ['疫情', '地铁', '区块链', '蓝碳城市']) {
      expect(await searchFor(page, q), q).toEqual([]);
      expect(await page.$eval('#search-status', (el) => el.textContent), q).toContain('没有找到');
    }
    await page.screenshot({ path: path.join(SHOTS, 'web-search-empty-375.png') });
    await page.close();
    expect(problems).toEqual([]);
  });

  it('search: by relevance (the default: headline matches first), sort by date, filter by date range and page name, from the form', async () => {
    const { page, problems } = await openTab();
    const ranked = (await searchFor(page, '区')).map((h) => h.title.includes('区'));
    expect(ranked.includes(true) && ranked.includes(false)).toBe(true);
    expect(ranked.indexOf(false)).toBeGreaterThan(ranked.lastIndexOf(true));
    const all = await searchFor(page, '区', '&sort=date');
    expect(all.length).toBeGreaterThan(1);
    const dates = all.map((h) => h.meta!.slice(0, 11));
    expect([...dates].sort().reverse()).toEqual(dates);
    const older = await searchFor(page, '区', '&to=2026-11-19');
    expect(older.length).toBeGreaterThan(0);
    expect(older.every((h) => h.meta!.startsWith('2026年11月19日'))).toBe(true);
    const yaowen = await searchFor(page, '区', '&ban=' + encodeURIComponent('要闻'));
    expect(yaowen.length).toBeGreaterThan(0);
    expect(yaowen.every((h) => h.meta!.endsWith('要闻'))).toBe(true);
    // The form: type, choose, submit.
    await page.goto(root + 'search/', { waitUntil: 'networkidle0' });
    await page.type('#search-q', '蓝碳交易');
    await page.select('#search-sort', 'date');
    await page.click('.search-form button[type="submit"]');
    await page.waitForFunction(() => /找到/.test(document.getElementById('search-status')?.textContent ?? ''));
    expect(await page.$$eval('.search-hit h2 a', (as) => as.map((a) => a.getAttribute('href')))).toEqual([BASE + '2026-11-20/01/a1/']);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('date');
    await page.close();
    expect(problems).toEqual([]);
  });

  it('feed and sitemap parse as XML and list every article; 404 page is served', async () => {
    const { page } = await openTab();
    await page.goto(root, { waitUntil: 'networkidle0' });
    const counts = await page.evaluate(async (r) => {
      const parse = async (u: string) => new DOMParser().parseFromString(await (await fetch(r + u)).text(), 'application/xml');
      const feed = await parse('feed.xml');
      const sitemap = await parse('sitemap.xml');
      return {
        feedErrors: feed.getElementsByTagName('parsererror').length,
        sitemapErrors: sitemap.getElementsByTagName('parsererror').length,
        entries: feed.getElementsByTagName('entry').length,
        articleLocs: [...sitemap.getElementsByTagName('loc')].filter((l) => /\/\d\d\/a\d+\/$/.test(l.textContent ?? '')).length,
      };
    }, root);
    expect(counts).toEqual({ feedErrors: 0, sitemapErrors: 0, entries: 9, articleLocs: 9 });
    const res = await page.goto(root + 'no/such/page/', { waitUntil: 'networkidle0' });
    expect(res?.status()).toBe(404);
    expect(await page.$eval('h1', (h) => h.textContent)).toBe('页面不存在');
    expect(await page.$eval('.masthead', (el) => getComputedStyle(el).backgroundColor)).toBe('rgb(196, 30, 36)');
    await page.close();
  });

  it('screenshots at 375 and 1280 px; no horizontal scrolling on a phone', async () => {
    const views: Array<[string, string]> = [
      ['home', ''],
      ['archive', 'archive/'],
      ['subscribe', 'feed/'],
      ['issue', '2026-11-20/'],
      ['page', '2026-11-20/01/'],
      ['page-text', '2026-11-19/01/'],
      ['article', '2026-11-20/03/a1/'],
      ['article-figure', '2026-11-20/01/a2/'],
    ];
    for (const width of [375, 1280]) {
      const { page, problems } = await openTab(width);
      for (const [name, rel] of views) {
        await page.goto(root + rel, { waitUntil: 'networkidle0' });
        await page.evaluate(() => document.fonts.ready);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${name} at ${width}px scrolls sideways`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(SHOTS, `web-${name}-${width}.png`), fullPage: name !== 'home' });
      }
      await page.close();
      expect(problems).toEqual([]);
    }
  });

  it('标题导航 and the issue front\'s title lists: a title of two lines has its number or bullet on its first line, at 375 and 1280 px', async () => {
    let wrapped = 0;
    for (const width of [375, 1280]) {
      const { page, problems } = await openTab(width);
      for (const [rel, selector] of [['2026-11-20/01/', '.title-nav li'], ['2026-11-20/', '.front-titles li']]) {
        await page.goto(root + rel, { waitUntil: 'networkidle0' });
        await page.evaluate(() => document.fonts.ready);
        // Per item: the box of its marker's gutter (left of the link) and its link's first and last line.
        const items = await page.$$eval(selector, (lis) =>
          lis.map((li) => {
            const a = li.querySelector('a')!;
            const range = document.createRange();
            range.selectNodeContents(a);
            const lines = [...range.getClientRects()].filter((r) => r.width > 0);
            const box = li.getBoundingClientRect();
            const first = lines[0];
            const last = lines[lines.length - 1];
            return { text: a.textContent, gutter: { x: box.left - 24, y: box.top + window.scrollY, width: 22, height: box.height }, first: { top: first.top + window.scrollY, bottom: first.bottom + window.scrollY }, lastTop: last.top + window.scrollY };
          }),
        );
        expect(items.length, `${rel} ${selector}`).toBeGreaterThan(0);
        for (const item of items) {
          if (item.lastTop <= item.first.top + 1) continue;
          wrapped++;
          // The marker's ink: the rows of the gutter with dark pixels.
          const shot = await page.screenshot({ clip: { ...item.gutter, x: Math.max(0, item.gutter.x) }, captureBeyondViewport: true });
          const { data, info } = await sharp(shot).greyscale().raw().toBuffer({ resolveWithObject: true });
          const rows: number[] = [];
          for (let y = 0; y < info.height; y++) if (data.subarray(y * info.width, (y + 1) * info.width).some((v) => v < 140)) rows.push(y);
          expect(rows.length, `${rel} at ${width}px: no list marker left of "${item.text}"`).toBeGreaterThan(0);
          const scale = info.height / item.gutter.height;
          const inkTop = item.gutter.y + rows[0] / scale;
          const inkBottom = item.gutter.y + rows[rows.length - 1] / scale;
          expect(inkTop, `${rel} at ${width}px: the marker of "${item.text}" is below its first line`).toBeGreaterThanOrEqual(item.first.top - 1);
          expect(inkBottom, `${rel} at ${width}px: the marker of "${item.text}" is below its first line`).toBeLessThanOrEqual(item.first.bottom + 1);
        }
      }
      await page.close();
      expect(problems).toEqual([]);
    }
    // The fixture has titles long enough to wrap on a phone: the check above did run.
    expect(wrapped).toBeGreaterThan(0);
  });

  it('a phone\'s first screen (375 × 812): the header is compact, the page image starts in its upper half', async () => {
    const { page, problems } = await openTab(375);
    await page.setViewport({ width: 375, height: 812 });
    for (const rel of ['', '2026-11-20/01/']) {
      await page.goto(root + rel, { waitUntil: 'networkidle0' });
      const top = await page.$eval('.page-image', (el) => el.getBoundingClientRect().top + window.scrollY);
      expect(top, `/${rel}: page image top`).toBeLessThan(812 / 2);
    }
    await page.close();
    expect(problems).toEqual([]);
  });

  it('a headline on a phone breaks between phrases, never inside a word: 海洋牧场“蓝色粮仓”再扩容 (issue 15)', async () => {
    const { page, problems } = await openTab(375);
    /** The headline's lines as the browser laid them out, from the characters' boxes. */
    const lines = () =>
      page.$eval('h1.headline', (h1) => {
        const out: string[] = [];
        let lastTop = -Infinity;
        const walker = document.createTreeWalker(h1, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
          for (let i = 0; i < node.length; i++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const box = range.getBoundingClientRect();
            if (box.width === 0) continue;
            if (box.top > lastTop + box.height / 2) {
              out.push('');
              lastTop = box.top;
            }
            out[out.length - 1] += node.data[i];
          }
        }
        return out;
      });
    // Where a line may end: after 海洋牧场, after “蓝色粮仓”, at the end.
    const words = ['海洋牧场', '“蓝色粮仓”', '再扩容'];
    const ends = new Set(words.map((_, i) => words.slice(0, i + 1).join('').length));
    const cutsAWord = (ls: string[]) => {
      let at = 0;
      return ls.some((line) => !ends.has((at += line.length)));
    };
    // At 375 px the headline fits one line at the default text size; it wraps with the
    // phone's text set larger (the reader's font size setting, as 130 % / 160 % root size) and on a 320 px phone.
    let wrapped = 0;
    for (const [width, textSize] of [[375, 100], [375, 130], [375, 160], [320, 100]]) {
      await page.setViewport({ width, height: 800 });
      await page.goto(root + '2026-11-19/01/a3/', { waitUntil: 'networkidle0' });
      await page.addStyleTag({ content: `html { font-size: ${textSize}% !important; }` });
      const built = await lines();
      expect(built.join('')).toBe('海洋牧场“蓝色粮仓”再扩容');
      expect(cutsAWord(built), `${width} px, text ${textSize} %: lines ${JSON.stringify(built)}`).toBe(false);
      if (built.length < 2) continue;
      wrapped++;
      if (textSize === 130) await page.screenshot({ path: path.join(SHOTS, 'web-headline-phrases-375.png') });
      // The check means something: with the browser's plain CJK line breaking the same headline is cut inside a word.
      await page.addStyleTag({ content: 'h1.headline { word-break: normal !important; }' });
      expect(cutsAWord(await lines()), `${width} px, text ${textSize} %, plain breaking`).toBe(true);
    }
    expect(wrapped).toBeGreaterThan(0);
    await page.close();
    expect(problems).toEqual([]);
  });

  it('zoom: +/− buttons and keys enlarge the page image with its hot areas, which still open their articles', async () => {
    const { page, problems } = await openTab(375);
    await page.goto(root + '2026-11-20/01/', { waitUntil: 'networkidle0' });
    await page.waitForSelector('.zoom-controls:not([hidden])');
    const width = () => page.$eval('.page-image', (el) => el.getBoundingClientRect().width);
    const w1 = await width();
    const rect1 = await page.$eval('svg.hot-areas a[href$="/01/a2/"] rect', (r) => r.getBoundingClientRect().width);
    await page.click('[data-zoom="in"]');
    // (A scroll bar may take a few pixels of the frame once it scrolls.)
    expect((await width()) / w1).toBeCloseTo(2, 1);
    await page.keyboard.press('+');
    expect((await width()) / w1).toBeCloseTo(3, 1);
    expect(await page.$eval('.zoom-controls output', (o) => o.textContent)).toBe('300%');
    expect(await page.$eval('[data-zoom="in"]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    // The hot area grew with the image; the frame scrolls (pans) instead of the page.
    const area = await page.$('svg.hot-areas a[href$="/01/a2/"] rect');
    expect((await area!.boundingBox())!.width / rect1).toBeCloseTo(3, 1);
    expect(await page.$eval('.page-zoom', (f) => f.scrollWidth > f.clientWidth)).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    // The browser picks a wider copy for the zoomed image.
    await page.waitForFunction(() => (document.querySelector('.page-image img') as HTMLImageElement).currentSrc.match(/page\.[0-9a-f]{10}\.(avif|webp)$/) !== null, { timeout: 5000 });
    await page.screenshot({ path: path.join(SHOTS, 'web-zoom-375.png') });
    await area!.scrollIntoView();
    const box = (await area!.boundingBox())!;
    const at = { x: Math.max(box.x, 0) + 40, y: Math.max(box.y, 0) + 40 };
    // The point is on this hot area's rectangle, inside the visible part of the frame.
    expect(await page.evaluate((p) => document.elementFromPoint(p.x, p.y)?.closest('a')?.getAttribute('href'), at)).toBe(BASE + '2026-11-20/01/a2/');
    await Promise.all([page.waitForNavigation(), page.mouse.click(at.x, at.y)]);
    expect(page.url()).toBe(root + '2026-11-20/01/a2/');
    await page.goBack({ waitUntil: 'networkidle0' });
    await page.keyboard.press('-');
    await page.close();
    expect(problems).toEqual([]);
  });

  it('date picker: the month of the issue, only days with an issue are links; 上一期 / 下一期 on every view', async () => {
    const { page, problems } = await openTab(375);
    await page.goto(root + '2026-11-20/03/a1/', { waitUntil: 'networkidle0' });
    expect(await page.$eval('.date-picker', (d) => (d as HTMLDetailsElement).open)).toBe(false);
    // Without scripts: the link to the issue's month in 往期回顾 (the only link before the days arrive).
    expect(await page.$eval('.date-picker-panel a', (a) => a.getAttribute('href'))).toBe(`${BASE}archive/#m-2026-11`);
    await page.click('.date-picker summary');
    // The days come from archive/dates.json (src/web/view-client.js): the view names no other issue.
    await page.waitForSelector('.date-picker table.calendar');
    const days = await page.$$eval('.date-picker td', (tds) => tds.map((td) => ({ text: td.textContent, link: !!td.querySelector('a') })).filter((d) => d.text));
    expect(days).toHaveLength(30);
    expect(days.filter((d) => d.link).map((d) => d.text)).toEqual(['19', '20']);
    const link = await page.$('.date-picker a[aria-label^="2026年11月19日"]');
    expect(await link!.isIntersectingViewport()).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'web-datepicker-375.png') });
    await Promise.all([page.waitForNavigation(), link!.click()]);
    expect(page.url()).toBe(root + '2026-11-19/');
    await Promise.all([page.waitForNavigation(), page.click('.issue-bar a[rel="next"]')]);
    expect(page.url()).toBe(root + '2026-11-20/');
    await page.close();
    expect(problems).toEqual([]);
  });

  it('keyboard focus is visible everywhere: focused and unfocused screenshots differ', async () => {
    const { page, problems } = await openTab(1280);
    const targets: Array<[string, string]> = [
      ['2026-11-20/01/', '.masthead .site-nav a'],
      ['2026-11-20/01/', '.paper-name'],
      ['2026-11-20/01/', '.issue-bar a[rel="prev"]'],
      ['2026-11-20/01/', '.date-picker summary'],
      ['2026-11-20/01/', '.page-list a'],
      ['2026-11-20/01/', '.pager a'],
      ['2026-11-20/01/', 'svg.hot-areas a'],
      ['2026-11-20/01/', '.title-nav a'],
      ['2026-11-20/01/', '[data-zoom="in"]'],
      ['2026-11-20/03/a1/', '.mini-page a'],
      ['search/', '#search-q'],
    ];
    const { default: sharp } = await import('sharp');
    for (const [rel, selector] of targets) {
      if (page.url() !== root + rel) await page.goto(root + rel, { waitUntil: 'networkidle0' });
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      const el = (await page.$(selector))!;
      await el.scrollIntoView();
      const box = (await el.boundingBox())!;
      // boundingBox is in viewport coordinates, a clip in the document's.
      const scroll = await page.evaluate(() => ({ x: window.scrollX, y: window.scrollY }));
      const clip = { x: Math.max(0, box.x + scroll.x - 8), y: Math.max(0, box.y + scroll.y - 8), width: box.width + 16, height: box.height + 16 };
      const before = await page.screenshot({ clip });
      // Focus as a keyboard user does: Tab until the element has focus.
      await page.keyboard.press('Tab');
      await el.evaluate((e) => (e as HTMLElement).focus());
      expect(await el.evaluate((e) => e.matches(':focus-visible')), selector).toBe(true);
      const after = await page.screenshot({ clip });
      const [a, b] = await Promise.all([before, after].map((png) => sharp(png).raw().toBuffer()));
      let changed = 0;
      for (let i = 0; i < Math.min(a.length, b.length); i += 3) if (Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]) > 60) changed++;
      // A ring around the element: at least its perimeter's worth of pixels change.
      expect(changed, `${selector} on ${rel}`).toBeGreaterThan(box.width + box.height);
      if (selector === '.masthead .site-nav a') await page.screenshot({ path: path.join(SHOTS, 'web-focus-masthead-1280.png'), clip: { x: 0, y: 0, width: 1280, height: 120 } });
    }
    await page.close();
    expect(problems).toEqual([]);
  });

  it('axe-core: no violations on any view type at 375 and 1280 px (with the 24 px target-size rule)', async () => {
    const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
    const views = ['', '2026-11-20/', '2026-11-20/01/', '2026-11-19/01/', '2026-11-20/03/a1/', '2026-11-20/02/a1/', 'archive/', 'feed/', 'search/?q=' + encodeURIComponent('城市更新'), 'no/such/page/'];
    const found: string[] = [];
    for (const width of [375, 1280]) {
      const { page } = await openTab(width);
      for (const rel of views) {
        await page.goto(root + rel, { waitUntil: 'networkidle0' });
        if (rel.startsWith('search/')) await page.waitForSelector('.hit-excerpt mark');
        if (rel === '2026-11-20/01/') {
          await page.click('.date-picker summary'); // the open calendar too
          await page.waitForSelector('.date-picker table.calendar');
        }
        await page.addScriptTag({ path: axePath });
        const result = await page.evaluate(async () => {
          // target-size (WCAG 2.2 2.5.8, 24 px targets: the issue's 21 px issue-list links) is off by default in axe.
          const r = await (window as unknown as { axe: { run(options: object): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run({ rules: { 'target-size': { enabled: true } } });
          return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
        });
        for (const v of result) found.push(`${width}px /${rel} ${v}`);
      }
      await page.close();
    }
    expect(found).toEqual([]);
  }, 400_000);

  it('print: a page view is its page image on one A4 sheet; an article prints as text without navigation', async () => {
    const { page, problems } = await openTab(1280);
    const sheets = (pdf: Uint8Array) => (Buffer.from(pdf).toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    await page.goto(root + '2026-11-20/01/', { waitUntil: 'networkidle0' });
    expect(sheets(await page.pdf({ format: 'A4', printBackground: true }))).toBe(1);
    await page.emulateMediaType('print');
    const shown = await page.evaluate(() =>
      ['.masthead', '.issue-bar', '.sidebar', '.pager', '.zoom-controls', '.title-nav', '.page-image img'].map((sel) => {
        const el = document.querySelector(sel);
        return `${sel} ${el && getComputedStyle(el).display !== 'none' && el.getBoundingClientRect().height > 0 ? 'shown' : 'hidden'}`;
      }),
    );
    expect(shown).toEqual(['.masthead hidden', '.issue-bar hidden', '.sidebar hidden', '.pager hidden', '.zoom-controls hidden', '.title-nav hidden', '.page-image img shown']);
    await page.emulateMediaType('screen');
    await page.goto(root + '2026-11-20/03/a1/', { waitUntil: 'networkidle0' });
    await page.emulateMediaType('print');
    const article = await page.evaluate(() =>
      ['.issue-bar', '.sidebar', '.article-nav', '.title-nav', '.mini-page', '.article-body'].map((sel) => {
        const el = document.querySelector(sel);
        return `${sel} ${el && getComputedStyle(el).display !== 'none' ? 'shown' : 'hidden'}`;
      }),
    );
    expect(article).toEqual(['.issue-bar hidden', '.sidebar hidden', '.article-nav hidden', '.title-nav hidden', '.mini-page hidden', '.article-body shown']);
    await page.close();
    expect(problems).toEqual([]);
  });

  /**
   * A first visit in a fresh profile (empty cache); bytes as served (the test server does
   * not compress). `fonts`: 'system' leaves the page as built (whatever CJK fonts this
   * machine has); 'none' rewrites the stylesheet's stacks to `"Banmian", serif` — a device
   * whose CJK fonts the page cannot name; 'blocked' aborts every font request.
   */
  async function firstVisit(rel: string, fonts: 'system' | 'none' | 'blocked', width = 1280) {
    const context = await browser.browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width, height: 900 });
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      const url = new URL(req.url()).pathname;
      if (fonts === 'blocked' && url.endsWith('.woff2')) return void req.abort();
      if (fonts === 'none' && /\/assets\/web\.[0-9a-f]+\.css$/.test(url))
        return void (async () => {
          const css = await (await fetch(req.url())).text();
          const body = css.replace(/--serif: [^;]+;/, '--serif: "Banmian", serif;').replace(/--sans: [^;]+;/, '--sans: "Banmian", sans-serif;');
          await req.respond({ status: 200, contentType: 'text/css', body });
        })();
      void req.continue();
    });
    const bytes: Record<string, number> = {};
    const pending: Array<Promise<void>> = [];
    page.on('requestfinished', (req) =>
      pending.push(
        (async () => {
          const body = await req.response()?.buffer().catch(() => undefined);
          const url = new URL(req.url()).pathname;
          const kind = url.endsWith('.woff2') ? 'fonts' : url.endsWith('.css') ? 'css' : /\.(png|jpe?g|webp|avif|svg)$/.test(url) ? 'images' : 'html';
          bytes[kind] = (bytes[kind] ?? 0) + (body?.length ?? 0);
        })(),
      ),
    );
    await page.evaluateOnNewDocument(() => {
      (window as unknown as { __cls: number }).__cls = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as unknown as Array<{ value: number; hadRecentInput: boolean }>) if (!e.hadRecentInput) (window as unknown as { __cls: number }).__cls += e.value;
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(root + rel, { waitUntil: 'networkidle0' });
    await page.evaluate(() => document.fonts.ready);
    await new Promise((r) => setTimeout(r, 300));
    const cls = await page.evaluate(() => (window as unknown as { __cls: number }).__cls);
    const headingWidth = await page.$eval('h1', (h) => h.getBoundingClientRect().width);
    const faces = await page.evaluate(() => [...document.fonts].filter((f) => f.family.replace(/"/g, '') === 'Banmian').map((f) => f.status));
    await Promise.all(pending);
    await context.close();
    const total = Object.values(bytes).reduce((x, y) => x + y, 0);
    console.log(`${rel} first visit, fonts ${fonts}: ${total} bytes (${Object.entries(bytes).map(([k, v]) => `${k} ${v}`).join(', ')}), layout shift ${cls.toFixed(3)}`);
    return { bytes, total, cls, headingWidth, faces };
  }

  it('first visit of an article and a page view: fonts under 300 KB without a named CJK font, none needed to render, layout shift ≤ 0.05', async () => {
    for (const rel of ['2026-11-20/03/a1/', '2026-11-20/01/']) {
      const none = await firstVisit(rel, 'none');
      // Only the slices of the characters on this view, subset to the site's characters.
      expect(none.bytes.fonts ?? 0, rel).toBeGreaterThan(0);
      expect(none.bytes.fonts, rel).toBeLessThanOrEqual(300_000);
      expect(none.cls, rel).toBeLessThanOrEqual(0.05);
      // The slices decode (our WOFF2 packing): loaded, none failed.
      expect(none.faces.filter((f) => f === 'loaded').length, rel).toBeGreaterThan(0);
      expect(none.faces.filter((f) => f === 'error'), rel).toEqual([]);
      const system = await firstVisit(rel, 'system');
      // With this machine's fonts: either none (a named CJK font is installed) or the same slices.
      expect(system.bytes.fonts ?? 0, rel).toBeLessThanOrEqual(300_000);
      expect(system.cls, rel).toBeLessThanOrEqual(0.05);
      const blocked = await firstVisit(rel, 'blocked');
      expect(blocked.bytes.fonts ?? 0, rel).toBe(0);
      expect(blocked.headingWidth, rel).toBeGreaterThan(50);
      expect(blocked.cls, rel).toBeLessThanOrEqual(0.05);
      // The first paint waits for no font: one stylesheet, and no font preloaded.
      expect((none.bytes.css ?? 0) - (blocked.bytes.css ?? 0), rel).toBeLessThan(100);
    }
  });
});
