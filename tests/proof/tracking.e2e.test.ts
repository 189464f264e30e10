/**
 * The measuring sheet's tracking (src/print/tracking.ts `fitTracking`) on lines the proof
 * found loose on pages no test had seen:
 *
 * - a line with no two Han characters side by side (`12月3日，` before the unbreakable
 *   `2026—2027年度`) is measured as loose (the justification after a Han character, less the
 *   ⅛ em of text-autospace before a digit), and fixed by compressing the loose line and the
 *   next with the lines before, so the run comes up;
 * - a caption without a photo (`p.caption-only`) is tracked like a paragraph, keeping its line
 *   count; a photo's caption is tracked per module width (`[key, photo, −2 − w, em, −1]`).
 *
 * Each fix is checked by measuring the sheet again: nothing is left to fix.
 */
import path from 'node:path';
import type { Page as BrowserPage } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Figure, Paragraph } from '../../src/ast/types.js';
import { BuildSession } from '../../src/build/session.js';
import { loadConfig, resolveConfig } from '../../src/config/index.js';
import { makeGrid, spanWidth, type Grid } from '../../src/layout/grid.js';
import { fontFaceCss, guardPage, ORIGIN, type AssetTable } from '../../src/print/assets.js';
import { launchBrowser } from '../../src/print/browser.js';
import { rootStyle } from '../../src/print/document.js';
import { blockHtml, figureHtml } from '../../src/print/html.js';
import { showDocument } from '../../src/print/sheet.js';
import { fitTracking } from '../../src/print/tracking.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

let browser: Awaited<ReturnType<typeof launchBrowser>>;
let tab: BrowserPage;
let table: AssetTable;
let broadsheet: Grid;
let tabloid: Grid;

beforeAll(async () => {
  const { config } = await loadConfig(ROOT);
  broadsheet = makeGrid(config.print);
  tabloid = makeGrid(resolveConfig({ paper: config.paper, site: config.site, editions: config.editions, print: { preset: 'tabloid' } }, 'test config').print);
  browser = await launchBrowser(config.print.browserPath);
  tab = await browser.browser.newPage();
  table = { files: new Map([['/print.css', path.join(ROOT, 'styles/print.css')]]), docs: new Map() };
  await guardPage(tab, table, new BuildSession());
});

afterAll(async () => {
  await browser?.close();
});

const sheet = (grid: Grid, body: string) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style data-pagedjs-ignore>${fontFaceCss()}</style><link rel="stylesheet" href="${ORIGIN}/print.css"><style>${rootStyle(grid)}</style></head><body><div class="measure" data-key="1-a1">${body}</div></body></html>`;
const text = (s: string) => ({ type: 'text' as const, value: s });

const CAPTIONS = ['图为澜海新能源储能电池项目首条产线，产品型号为LH280AhLFP2026，设计年产能10GWh。', '星港半导体二期生产线洁净厂房内，技术人员调试ASML-TWINSCAN-NXT光刻设备。', '11月30日，望潮社区“四点半课堂”的孩子们在志愿者指导下制作2026—2027年度新年贺卡。', '12月2日，工人在明湾港区二期码头安装门机，该码头设计年吞吐能力260万标准箱。', '12月1日晚，青屿海洋队外援罗伯森（右）在决赛中突破上篮，全场砍下31分、9个篮板。', '海岸新区第三人民医院门诊楼将于2027年1月投入使用，新增床位800张。'];
describe('tracking in the measuring sheet (browser)', () => {
  it('measures a loose line with no two Han characters side by side and fixes it through the next line', async () => {
    const p: Paragraph = { type: 'paragraph', children: [text('本报讯（记者魏嘉树）12月3日，2026—2027年度海岸新区冬季全民健身系列活动启动。活动将持续至明年2月底，包括冬季长跑、健步走、冰雪嘉年华、棋类比赛等12大类56项赛事活动，预计参与群众超过10万人次。')] };
    await showDocument(tab, table, '/t1.html', sheet(tabloid, `<div class="body" data-kind="b">${blockHtml(p)}</div>`));
    const chosen = await fitTracking(tab);
    expect(chosen).toHaveLength(1);
    const [key, index, part, em, chars] = chosen[0];
    expect([key, index, part]).toEqual(['1-a1', 0, -1]);
    // A compression of the first lines, through the line after the loose one.
    expect(em).toBeLessThan(0);
    expect(chars).toBeGreaterThan('本报讯（记者魏嘉树）12月3日，'.length);
    expect(await fitTracking(tab)).toEqual([]);
  });

  it('tracks a caption without a photo like a paragraph, keeping its line count', async () => {
    const f = { type: 'figure', children: [{ type: 'caption', children: [text('由老厂房改造而成的“青屿数字港”产业园内，保留了原有的锯齿形屋顶和钢结构桁架。')] }] } as Figure;
    await showDocument(tab, table, '/t2.html', sheet(broadsheet, `<div class="body" data-kind="b">${blockHtml(f)}</div>`));
    const height = () => tab.evaluate(() => document.querySelector('.caption-only')!.getBoundingClientRect().height);
    const before = await height();
    const chosen = await fitTracking(tab);
    expect(chosen.map(([k, i, part]) => [k, i, part])).toEqual([['1-a1', 0, -1]]);
    expect(await height()).toBe(before);
    expect(await fitTracking(tab)).toEqual([]);
  });

  it("tracks a photo's caption per module width, never making it taller", async () => {
    const f = (cap: string) => ({ type: 'figure', src: 'images/a.jpg', children: [{ type: 'caption', children: [text(cap)] }] }) as Figure;
    let figs = '';
    CAPTIONS.forEach((cap, i) => {
      for (let w = 1; w <= broadsheet.columns; w++)
        figs += `<div class="figs" data-kind="f" data-w="${w}" data-i="${i}" style="width:${spanWidth(broadsheet, w)}pt">${figureHtml(f(cap), '', 0).replace(/<img[^>]*>/, '')}</div>`;
    });
    await showDocument(tab, table, '/t3.html', sheet(broadsheet, `${figs}<div class="body" data-kind="b"></div>`));
    const heights = () => tab.evaluate(() => [...document.querySelectorAll('.figs')].map((el) => el.getBoundingClientRect().height));
    const before = await heights();
    const chosen = await fitTracking(tab);
    // The first caption has a Latin run of 8 em that leaves a line loose in one column.
    expect(chosen.some(([, i, part]) => i === 0 && part === -3)).toBe(true);
    for (const [k, i, part, em, chars] of chosen) {
      expect([k, chars]).toEqual(['1-a1', -1]);
      expect(i).toBeLessThan(CAPTIONS.length);
      const w = -2 - part;
      expect(w).toBeGreaterThanOrEqual(1);
      // Set on that caption at that width only.
      const style = await tab.evaluate((i, w) => document.querySelector<HTMLElement>(`.figs[data-i="${i}"][data-w="${w}"] figcaption`)!.style.letterSpacing, i, w);
      expect(style).toBe(`${em}em`);
    }
    // A caption keeps its height where one tracking value allows it; else it gets shorter,
    // never taller (its height is measured after this, for the photo's lines).
    const tracked = new Set(chosen.map(([, i, part]) => i * broadsheet.columns + (-2 - part) - 1));
    const after = await heights();
    after.forEach((h, k) => {
      if (tracked.has(k)) expect(h).toBeLessThanOrEqual(before[k]);
      else expect(h).toBe(before[k]);
    });
    expect(await fitTracking(tab)).toEqual([]);
  });
});
