/**
 * The print edition: for each issue, measure every article in the browser, pack each
 * page's modules on the grid (src/layout/pack.ts), check the fit in the browser and
 * repack what overflowed, then let Paged.js make the pages and Chromium the PDFs.
 * Writes `<issue>/<issue>.pdf`, one PDF, image and thumbnail per page, and layout.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { Page as BrowserPage } from 'puppeteer-core';
import type { Article, Banner, BodyBlock, Figure, Issue, Page } from '../ast/types.js';
import { paths, pad2, type BuildContext } from '../build/context.js';
import { BanmianError } from '../errors.js';
import { makeGrid, PX_PER_PT, spanWidth, type Grid } from '../layout/grid.js';
import { type ArticleMeasure, packPage } from '../layout/pack.js';
import type { IssueLayout, ModuleLayout, PageLayout } from '../layout/types.js';
import { ORIGIN, guardPage, type AssetTable } from './assets.js';
import { launchBrowser } from './browser.js';
import { headlineSizes, issueDocument, measureDocument, type MeasureItem, type ModuleRender, type PageRender, SIZES } from './document.js';
import { bannersBefore, columnBlocks, photoFigures } from './html.js';
import { finishPdf } from './pdf.js';

const PRINT_CSS = path.resolve(import.meta.dirname, '../../styles/print.css');
/** Page images for the web page view: this many px wide; thumbnails for the page lists. */
const IMAGE_WIDTH = 1100;
const THUMB_WIDTH = 200;
/** A photo is at most this share of the page's grid height. */
const PHOTO_MAX_SHARE = 0.36;
const FIT_PASSES = 4;

/** For the benchmark: keep each issue's final paginated HTML. */
let keepFinalHtml = false;
export const finalHtml = new Map<string, string>();
export function keepFinalDocuments(on: boolean): void {
  keepFinalHtml = on;
}

interface ArticleInfo {
  article: Article;
  page: Page;
  banner?: Banner;
  blocks: BodyBlock[];
  photos: Array<{ figure: Figure; src: string; aspect: number }>;
  /** Measured, in lines: header[w][size], continuation header[w], photo captions[w][i] in pt, body blocks, jump line. */
  header: number[][];
  contHeader: number[];
  captionPt: number[][];
  blockLines: number[];
  extra: number;
}

/** One placed piece of an article: the whole, or the part from block `from` on. */
interface Piece {
  info: ArticleInfo;
  from: number;
  continuedFrom?: number;
}

export async function buildPrintEdition(issues: Issue[], ctx: BuildContext): Promise<Map<string, IssueLayout>> {
  const out = new Map<string, IssueLayout>();
  if (issues.length === 0) return out;
  const grid = makeGrid(ctx.config.print);
  const launched = await launchBrowser(ctx.config.print.browserPath);
  ctx.log.info(`print edition: ${launched.version} (${launched.source.from}); line breaks depend on this browser`);
  try {
    for (const issue of issues) out.set(issue.id, await buildIssue(issue, grid, ctx, launched.browser.newPage.bind(launched.browser), launched.version));
  } finally {
    await launched.close();
  }
  return out;
}

async function buildIssue(issue: Issue, grid: Grid, ctx: BuildContext, newPage: () => Promise<BrowserPage>, browserVersion: string): Promise<IssueLayout> {
  const table: AssetTable = { files: new Map(), docs: new Map() };
  table.files.set('/print.css', PRINT_CSS);
  const tab = await newPage();
  try {
    await guardPage(tab, table);
    // 1. What every article is made of, and what its photos are.
    const infos: ArticleInfo[] = [];
    for (const page of issue.children) {
      const banners = bannersBefore(page);
      for (const article of page.children.filter((c): c is Article => c.type === 'article')) {
        const photos: ArticleInfo['photos'] = [];
        for (const f of photoFigures(article)) {
          const file = path.resolve(issue.dir, f.src!);
          if (!file.startsWith(path.resolve(issue.dir) + path.sep)) throw new BanmianError(`image outside the issue folder: ${f.src}`, { file: page.file, line: f.position?.start.line });
          const meta = await sharp(file)
            .metadata()
            .catch(() => {
              throw new BanmianError(`cannot read image ${f.src}`, { file: page.file, line: f.position?.start.line });
            });
          const urlPath = `/images/${photos.length}-${article.id}-p${page.number}${path.extname(file).toLowerCase()}`;
          table.files.set(urlPath, file);
          photos.push({ figure: f, src: ORIGIN + urlPath, aspect: (meta.width ?? 4) / (meta.height ?? 3) });
        }
        infos.push({ article, page, banner: banners.get(article.id), blocks: columnBlocks(article), photos, header: [], contHeader: [], captionPt: [], blockLines: [], extra: 0 });
      }
    }
    // 2. Measure.
    await measure(tab, grid, table, infos);
    // 3. Plan pages, check the fit in the browser, repack what overflowed.
    let renders: PageRender[] = [];
    let overset = new Map<string, number>();
    for (let pass = 0; pass < FIT_PASSES; pass++) {
      ({ renders, overset } = planIssue(issue, grid, infos));
      const misfits = await checkFit(tab, grid, table, issue, renders, ctx);
      if (process.env.BANMIAN_DEBUG) console.error(`fit pass ${pass}: misfits ${misfits.join(" ")}`);
      if (misfits.length === 0) break;
      for (const id of misfits) {
        const info = infos.find((i) => key(i) === id);
        if (info) info.extra += 1;
      }
    }
    // 4. Paged.js pages → PDF, images, layout.
    return await render(tab, grid, table, issue, renders, overset, ctx, browserVersion);
  } finally {
    await tab.close().catch(() => undefined);
  }
}

const key = (i: ArticleInfo) => `${i.page.number}-${i.article.id}`;

async function measure(tab: BrowserPage, grid: Grid, table: AssetTable, infos: ArticleInfo[]): Promise<void> {
  const items: MeasureItem[] = infos.map((i) => ({ key: key(i), article: i.article, banner: i.banner, blocks: i.blocks, photos: i.photos.map((p) => p.figure) }));
  table.docs.set('/measure.html', { type: 'text/html; charset=utf-8', body: measureDocument(grid, items) });
  await tab.goto(`${ORIGIN}/measure.html`, { waitUntil: 'load' });
  await tab.evaluate(() => document.fonts.ready.then(() => undefined));
  type Raw = Record<string, { h: Array<[number, number, number]>; c: Array<[number, number]>; f: Array<[number, number, number]>; b: number[]; j: number }>;
  const raw: Raw = await tab.evaluate(() => {
    const out: Raw = {};
    for (const m of document.querySelectorAll<HTMLElement>('.measure')) {
      const r: Raw[string] = { h: [], c: [], f: [], b: [], j: 0 };
      for (const el of m.querySelectorAll<HTMLElement>('[data-kind]')) {
        const h = el.getBoundingClientRect().height;
        const w = Number(el.dataset.w);
        if (el.dataset.kind === 'h') r.h.push([w, Number(el.dataset.s), h]);
        else if (el.dataset.kind === 'c') r.c.push([w, h]);
        else if (el.dataset.kind === 'f') r.f.push([w, Number(el.dataset.i), h]);
        else if (el.dataset.kind === 'b') r.b = [...el.children].map((c) => c.getBoundingClientRect().height);
        else if (el.dataset.kind === 'j') r.j = h;
      }
      out[m.dataset.key!] = r;
    }
    return out;
  });
  const toLinesUp = (px: number) => Math.ceil(px / PX_PER_PT / grid.line - 0.05);
  for (const info of infos) {
    const r = raw[key(info)];
    info.header = [];
    for (const [w, s, h] of r.h) (info.header[w] ??= [])[s] = toLinesUp(h);
    for (const [w, h] of r.c) info.contHeader[w] = toLinesUp(h);
    for (const [w, i, h] of r.f) (info.captionPt[w] ??= [])[i] = h / PX_PER_PT;
    info.blockLines = r.b.map((h) => Math.max(1, Math.round(h / PX_PER_PT / grid.line)));
  }
}

/** Photo block height in lines at `w` columns (photos at most PHOTO_MAX_SHARE of the grid, cropped to fit). */
function figureLines(info: ArticleInfo, grid: Grid, w: number, grow = 0): { lines: number; heights: number[] } {
  if (info.photos.length === 0) return { lines: 0, heights: [] };
  const width = spanWidth(grid, w);
  const cap = grid.lines * grid.line * PHOTO_MAX_SHARE;
  const heights = info.photos.map((p) => Math.min(width / p.aspect, cap));
  const captions = info.photos.reduce((s, _p, i) => s + (info.captionPt[w]?.[i] ?? 0), 0);
  let lines = Math.ceil((heights.reduce((a, b) => a + b, 0) + captions + 3) / grid.line);
  // Growth: let the photos take the spare lines (up to their natural height).
  if (grow > 0) {
    const natural = info.photos.map((p) => width / p.aspect);
    let room = grow * grid.line;
    for (let i = 0; i < heights.length && room > 0; i++) {
      const add = Math.min(room, Math.max(0, natural[i] - heights[i]));
      heights[i] += add;
      room -= add;
    }
    lines = Math.ceil((heights.reduce((a, b) => a + b, 0) + captions + 3) / grid.line);
  }
  // Fill the snapped lines exactly: the last photo absorbs the rounding.
  const used = heights.reduce((a, b) => a + b, 0) + captions + 3;
  heights[heights.length - 1] += lines * grid.line - used;
  return { lines, heights };
}

function measureOf(piece: Piece, grid: Grid): ArticleMeasure {
  const { info, from } = piece;
  const header: number[] = [0];
  const figures: number[] = [0];
  for (let w = 1; w <= grid.columns; w++) {
    header[w] = from > 0 || piece.continuedFrom ? info.contHeader[w] : info.header[w][0];
    figures[w] = from > 0 || piece.continuedFrom ? 0 : figureLines(info, grid, w).lines;
  }
  return {
    id: pieceId(piece),
    lead: from === 0 && info.article.lead,
    blockLines: info.blockLines.slice(from),
    header,
    figures,
    columns: from === 0 ? info.article.data?.columns : undefined,
    extra: info.extra,
  };
}

/** Unique within the issue: an article id is only unique within its page. */
const pieceId = (p: Piece) => `${p.info.page.number}-${p.info.article.id}${p.from > 0 ? `@${p.from}` : ''}`;

function planIssue(issue: Issue, grid: Grid, infos: ArticleInfo[]): { renders: PageRender[]; overset: Map<string, number> } {
  const renders: PageRender[] = [];
  const overset = new Map<string, number>();
  let carried: Piece[] = [];
  const pages = [...issue.children].sort((a, b) => a.number - b.number);
  for (const [pi, page] of pages.entries()) {
    const masthead = pi === 0;
    const lines = grid.lines - (masthead ? grid.mastheadLines : 0);
    const pieces: Piece[] = [...infos.filter((i) => i.page === page).map((info) => ({ info, from: 0 })), ...carried];
    carried = [];
    const plan = packPage({ columns: grid.columns, lines, articles: pieces.map((p) => measureOf(p, grid)) });
    const modules: ModuleRender[] = [];
    for (const m of plan.modules) {
      const piece = pieces.find((p) => pieceId(p) === m.id)!;
      const { info, from } = piece;
      const w = m.columns;
      // Growth: a bigger headline first, then larger photos, then space in the header.
      const sizes = headlineSizes(info.article.lead, w);
      const isCont = from > 0 || !!piece.continuedFrom;
      let size = 0;
      let grow = m.grow;
      if (!isCont) {
        for (let s = SIZES - 1; s > 0; s--) {
          if (info.header[w][s] - info.header[w][0] <= grow) {
            size = s;
            break;
          }
        }
        grow -= info.header[w][size] - info.header[w][0];
      }
      const fig = isCont ? { lines: 0, heights: [] } : figureLines(info, grid, w, grow);
      grow -= fig.lines - (isCont ? 0 : figureLines(info, grid, w).lines);
      const headerLines = (isCont ? info.contHeader[w] : info.header[w][size]) + Math.max(0, grow);
      const blocks = info.blocks.slice(from, from + m.blocks);
      modules.push({
        article: info.article,
        blocks,
        photos: isCont ? [] : info.photos.map((p, i) => ({ figure: p.figure, src: p.src, heightPt: fig.heights[i] })),
        banner: isCont ? undefined : info.banner,
        column: m.column,
        columns: w,
        line: m.line,
        lines: m.lines,
        headerLines,
        headlinePt: isCont ? 12 : sizes[size],
        figureLines: fig.lines,
        ruleBelow: m.ruleBelow,
        continuedFrom: piece.continuedFrom,
        jumpTo: m.jumps ? page.number + 1 : undefined,
        lead: info.article.lead && !isCont,
        domId: isCont ? `${info.page.number}-${info.article.id}-${from}` : `${info.page.number}-${info.article.id}`,
      });
    }
    for (const o of plan.overflow) {
      const piece = pieces.find((p) => pieceId(p) === o.id)!;
      // Once its header is printed here, what follows is a continuation (上接), without photos.
      const placed = plan.modules.some((m) => m.id === o.id);
      const next: Piece = { info: piece.info, from: piece.from + o.from, continuedFrom: placed ? page.number : piece.continuedFrom };
      if (pi === pages.length - 1) overset.set(key(piece.info), piece.info.blockLines.slice(next.from).reduce((a, b) => a + b, 0));
      else carried.push(next);
    }
    renders.push({ page, modules, masthead });
  }
  // A jump line names the page its continuation really landed on.
  for (const r of renders) {
    for (const m of r.modules) {
      if (!m.jumpTo) continue;
      const later = renders.find((x) => x.page.number > r.page.number && x.modules.some((y) => y.article === m.article && y.continuedFrom === r.page.number));
      if (later) m.jumpTo = later.page.number;
    }
  }
  return { renders, overset };
}

/** Renders the pages without Paged.js and returns the keys of articles whose text overflowed its module. */
async function checkFit(tab: BrowserPage, grid: Grid, table: AssetTable, issue: Issue, renders: PageRender[], ctx: BuildContext): Promise<string[]> {
  table.docs.set('/check.html', { type: 'text/html; charset=utf-8', body: issueDocument(grid, issue, renders, ctx.config, false) });
  await tab.goto(`${ORIGIN}/check.html`, { waitUntil: 'load' });
  await tab.evaluate(() => document.fonts.ready.then(() => undefined));
  const over: string[] = await tab.evaluate(() => {
    const out: string[] = [];
    for (const m of document.querySelectorAll<HTMLElement>('.module')) {
      const body = m.querySelector<HTMLElement>('.body');
      const header = m.querySelector<HTMLElement>('.mh');
      if ((body && body.scrollWidth > body.clientWidth + 1) || (header && header.scrollHeight > header.clientHeight + 1)) out.push(m.id);
    }
    return out;
  });
  // Module ids are `m-<page>-<article>[-<from>]`: map back to the article's key.
  return [...new Set(over.map((id) => id.slice(2).split('-').slice(0, 2).join('-')))];
}

interface Measured {
  page: number;
  pageBox: { x: number; y: number; w: number; h: number };
  modules: Array<{ id: string; x: number; y: number; w: number; h: number; bodyY: number; unused: number; area: number }>;
}

async function render(
  tab: BrowserPage,
  grid: Grid,
  table: AssetTable,
  issue: Issue,
  renders: PageRender[],
  overset: Map<string, number>,
  ctx: BuildContext,
  browserVersion: string,
): Promise<IssueLayout> {
  table.docs.set('/issue.html', { type: 'text/html; charset=utf-8', body: issueDocument(grid, issue, renders, ctx.config, true) });
  const scale = 1;
  await tab.setViewport({ width: Math.ceil(grid.trimW * PX_PER_PT) + 40, height: 1200, deviceScaleFactor: scale });
  await tab.goto(`${ORIGIN}/issue.html`, { waitUntil: 'load' });
  await tab.waitForFunction('window.__banmianPaged === true', { timeout: 120_000 });
  await tab.evaluate(() => document.fonts.ready.then(() => undefined));
  if (keepFinalHtml) {
    // The paginated DOM, without the script that paginated it (the benchmark's floor).
    finalHtml.set(issue.id, await tab.evaluate(() => '<!doctype html>' + document.documentElement.outerHTML.replace(/<script[\s\S]*?<\/script>/g, '')));
  }
  const measured: Measured[] = await tab.evaluate((line: number) => {
    const PT = 72 / 96;
    const out: Measured[] = [];
    const pages = [...document.querySelectorAll<HTMLElement>('.pagedjs_page')];
    pages.forEach((pg, i) => {
      const box = (pg.querySelector('.pagedjs_pagebox') ?? pg).getBoundingClientRect();
      const mods: Measured['modules'] = [];
      for (const m of pg.querySelectorAll<HTMLElement>('.module')) {
        const r = m.getBoundingClientRect();
        const body = m.querySelector<HTMLElement>('.body')!;
        const br = body.getBoundingClientRect();
        // Unused area: below the text in each column of the body, plus space added to the header beyond 2 lines.
        const cols = new Map<number, number>();
        const range = document.createRange();
        range.selectNodeContents(body);
        for (const rect of range.getClientRects()) {
          if (rect.width === 0 || rect.height === 0) continue;
          const col = Math.round(rect.left - br.left);
          let c = [...cols.keys()].find((k) => Math.abs(k - col) < 20);
          if (c === undefined) c = col;
          cols.set(c, Math.max(cols.get(c) ?? 0, rect.bottom - br.top));
        }
        const count = Number(body.style.columnCount) || 1;
        const colW = (br.width - (count - 1) * (line * 2 / 3)) / count;
        let unused = 0;
        const depths = [...cols.values()];
        for (let k = 0; k < count; k++) unused += Math.max(0, br.height - (depths[k] ?? 0)) * colW;
        const mh = m.querySelector<HTMLElement>('.mh')!;
        const inner = [...mh.children].reduce((s, c) => s + c.getBoundingClientRect().height, 0);
        unused += Math.max(0, mh.getBoundingClientRect().height - inner - 2 * line * (96 / 72)) * r.width;
        mods.push({ id: m.id, x: (r.left - box.left) * PT, y: (r.top - box.top) * PT, bodyY: (br.top - box.top) * PT, w: r.width * PT, h: r.height * PT, unused: unused * PT * PT, area: r.width * r.height * PT * PT });
      }
      out.push({ page: i, pageBox: { x: box.left, y: box.top, w: box.width, h: box.height }, modules: mods });
    });
    return out;
  }, grid.line);
  if (measured.length !== renders.length) throw new BanmianError(`print edition: Paged.js made ${measured.length} pages of ${renders.length} (a page overflowed its sheet)`, { file: issue.id });

  // Page images: each Paged.js page, screenshot and scaled.
  const issueOut = path.join(ctx.outDir, paths.issueDir(issue.id));
  await mkdir(issueOut, { recursive: true });
  const pagesOut: PageLayout[] = [];
  const handles = await tab.$$('.pagedjs_page');
  for (const [i, r] of renders.entries()) {
    const n = r.page.number;
    await mkdir(path.join(ctx.outDir, paths.pageDir(issue.id, n)), { recursive: true });
    const png = (await handles[i].screenshot({ type: 'png' })) as Uint8Array;
    const image = await sharp(png).resize({ width: IMAGE_WIDTH }).png({ compressionLevel: 9 }).toBuffer({ resolveWithObject: true });
    await writeFile(path.join(ctx.outDir, paths.pageImage(issue.id, n)), image.data);
    await writeFile(path.join(ctx.outDir, paths.pageThumb(issue.id, n)), await sharp(png).resize({ width: THUMB_WIDTH }).png({ compressionLevel: 9 }).toBuffer());
    const m = measured[i];
    const modules: ModuleLayout[] = r.modules.map((mod) => {
      const box = m.modules.find((x) => x.id === `m-${mod.domId}`)!;
      return {
        page: mod.article === undefined ? n : pageOf(issue, mod.article),
        articleId: mod.article.id,
        rect: { x: round(box.x), y: round(box.y), w: round(box.w), h: round(box.h) },
        bodyY: round(box.bodyY),
        column: mod.column,
        columns: mod.columns,
        line: mod.line + (r.masthead ? grid.mastheadLines : 0),
        lines: mod.lines,
        fill: round(1 - box.unused / box.area, 4),
        ...(mod.jumpTo ? { jumpTo: mod.jumpTo } : {}),
        ...(mod.continuedFrom ? { jumpFrom: mod.continuedFrom } : {}),
        overset: overset.get(`${pageOf(issue, mod.article)}-${mod.article.id}`) ?? 0,
      };
    });
    const unused = m.modules.reduce((s, x) => s + x.unused, 0);
    const gridArea = grid.typeW * (grid.lines - (r.masthead ? grid.mastheadLines : 0)) * grid.line;
    const coveredArea = m.modules.reduce((s, x) => s + x.area, 0);
    // Fill: the share of the body grid covered by module content (holes and blank column ends excluded).
    const fill = round(Math.min(1, (coveredArea - unused) / gridArea), 4);
    pagesOut.push({
      number: n,
      trim: { w: round(grid.trimW), h: round(grid.trimH) },
      typeArea: { x: round(grid.typeX), y: round(grid.typeY), w: round(grid.typeW), h: round(grid.lines * grid.line) },
      modules,
      fill,
      pdf: path.relative(paths.issueDir(issue.id), paths.pagePdf(issue.id, n)),
      image: path.relative(paths.issueDir(issue.id), paths.pageImage(issue.id, n)),
      thumb: path.relative(paths.issueDir(issue.id), paths.pageThumb(issue.id, n)),
      imageSize: { w: image.info.width, h: image.info.height },
    });
    const jumps = modules.filter((x) => x.jumpTo || x.jumpFrom).map((x) => (x.jumpTo ? `${x.articleId}→${x.jumpTo}` : `${x.articleId}←${x.jumpFrom}`));
    ctx.log.info(`  第${pad2(n)}版: ${modules.length} modules, fill ${(fill * 100).toFixed(1)}%${jumps.length ? `, jumps ${jumps.join(' ')}` : ''}`);
    ctx.log.progress('pages laid out', i + 1, renders.length);
  }
  for (const [k, lines] of overset) ctx.log.warn(`${issue.id}: article ${k} has ${lines} line(s) that fit on no page (overset)`);

  // PDFs: the whole issue, then each page from the same layout.
  const meta = { title: `${ctx.config.paper.name} ${issue.date} 第${issue.number}期`, author: ctx.config.paper.name, date: issue.date };
  const pdfOpts = { printBackground: true, preferCSSPageSize: true, tagged: true, outline: true } as const;
  const whole = await tab.pdf(pdfOpts);
  await writeFile(path.join(ctx.outDir, paths.issuePdf(issue.id)), await finishPdf(whole, meta));
  for (const [i, r] of renders.entries()) {
    const one = await tab.pdf({ ...pdfOpts, pageRanges: String(i + 1) });
    await writeFile(path.join(ctx.outDir, paths.pagePdf(issue.id, r.page.number)), await finishPdf(one, { ...meta, title: `${meta.title} 第${pad2(r.page.number)}版` }));
  }
  const layout: IssueLayout = { issue: issue.id, browser: browserVersion, pdf: path.relative(paths.issueDir(issue.id), paths.issuePdf(issue.id)), pages: pagesOut };
  await writeFile(path.join(ctx.outDir, paths.layoutJson(issue.id)), JSON.stringify(layout, null, 1) + '\n');
  return layout;
}

function pageOf(issue: Issue, article: Article): number {
  return issue.children.find((p) => p.children.includes(article))?.number ?? 0;
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
