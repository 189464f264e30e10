/**
 * The print edition: for each issue, measure every article in the browser, pack each
 * page's modules on the grid (src/layout/pack.ts), let Paged.js make the pages in the
 * same document (src/print/sheet.ts), check the fit on them and repack what overflowed,
 * then Chromium prints the issue PDF and the page PDFs are cut from it (split.ts).
 * Writes `<issue>/<issue>.pdf`, one PDF, image and thumbnail per page, and layout.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page as BrowserPage } from 'puppeteer-core';
import type { Article, Banner, BodyBlock, Figure, Issue, Page } from '../ast/types.js';
import { paths, pad2, type BuildContext } from '../build/context.js';
import { BanmianError } from '../errors.js';
import { makeGrid, PX_PER_PT, spanWidth, type Grid } from '../layout/grid.js';
import { columnGaps } from '../layout/gaps.js';
import { loosenBody } from '../layout/leading.js';
import { type ArticleMeasure, packPage } from '../layout/pack.js';
import type { IssueLayout, ModuleLayout, PageLayout } from '../layout/types.js';
import { ORIGIN, guardPage, type AssetTable } from './assets.js';
import { paginate, showDocument } from './sheet.js';
import { launchBrowser } from './browser.js';
import { CONT_SIZES, headlineSizes, issueDocument, measureDocument, minModuleColumns, type MeasureItem, type ModuleRender, type PageRender, SIZES, type SizeProbe, sizesDocument } from './document.js';
import { bannersBefore, columnBlocks, isSplittable, photoFigures, sliceBlock } from './html.js';
import { pageImages, printIssuePdf, splitPagePdfs } from './output.js';
import { MIN_DPI, PRINT_DPI, preparePrintPhotos } from './photos.js';
import { checkImage, figureUse, rasterSvg } from '../images/check.js';
import { debugTimings, printTimings, StageTimer } from './timing.js';
import { measureProof } from '../proof/measure.js';
import { proofJson } from '../proof/report.js';
import { fitTracking } from './tracking.js';
import { clearTracking, setTracking } from '../layout/lines.js';

const PRINT_CSS = path.resolve(import.meta.dirname, '../../styles/print.css');
/** Page images for the web page view: this many px wide; thumbnails for the page lists. */
const IMAGE_WIDTH = 1100;
const THUMB_WIDTH = 200;
/** A photo is at most this share of the page's grid height. */
const PHOTO_MAX_SHARE = 0.36;
const FIT_PASSES = 5;
/** A made-up page covers at least this share of its body grid with text, headlines and photos. */
const FILL_TARGET = 0.97;

/** For the benchmark: keep each issue's final paginated HTML. */
let keepFinalHtml = false;
export const finalHtml = new Map<string, string>();
/** Time spent keeping it (the benchmark's own instrument, not build work), ms. */
export const finalHtmlMs = { total: 0 };
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
  contHeader: number[][];
  captionPt: number[][];
  blockLines: number[];
  /** Per body block: printed-text offsets where each of its lines starts in one column (empty: not cuttable). */
  lineStarts: number[][];
  extra: number;
}

/** One placed piece of an article: the whole, or the part from line `fromLine` of block `from` on. */
interface Piece {
  info: ArticleInfo;
  from: number;
  fromLine: number;
  continuedFrom?: number;
}

export async function buildPrintEdition(issues: Issue[], ctx: BuildContext): Promise<Map<string, IssueLayout>> {
  const out = new Map<string, IssueLayout>();
  if (issues.length === 0) return out;
  const grid = makeGrid(ctx.config.print);
  const startTimer = new StageTimer();
  const launched = await startTimer.time('browser start', () => launchBrowser(ctx.config.print.browserPath));
  printTimings.set('browser', startTimer.stages);
  ctx.log.info(`print edition: ${launched.version} (${launched.source.from}); line breaks depend on this browser`);
  try {
    // The first issue uses the tab the browser opened with; each further issue a new one.
    let blank: BrowserPage | undefined = (await launched.browser.pages())[0];
    const newPage = async () => {
      const tab = blank ?? (await launched.browser.newPage());
      blank = undefined;
      return tab;
    };
    for (const issue of issues) out.set(issue.id, await buildIssue(issue, grid, ctx, newPage, launched.version));
  } finally {
    await launched.close();
  }
  return out;
}

async function buildIssue(issue: Issue, grid: Grid, ctx: BuildContext, newPage: () => Promise<BrowserPage>, browserVersion: string): Promise<IssueLayout> {
  const table: AssetTable = { files: new Map(), docs: new Map() };
  table.files.set('/print.css', PRINT_CSS);
  const timer = new StageTimer();
  const tab = await timer.time('new tab', newPage);
  try {
    timer.browserPid = tab.browser().process()?.pid;
    await guardPage(tab, table);
    // One viewport for every document the tab shows (the page images are captured from it).
    await tab.setViewport({ width: Math.ceil(grid.trimW * PX_PER_PT) + 40, height: 1200, deviceScaleFactor: 1 });
    const photosDone = timer.start('articles, photos');
    // 1. What every article is made of, and what its photos are.
    const infos: ArticleInfo[] = [];
    for (const page of issue.children) {
      const banners = bannersBefore(page);
      for (const article of page.children.filter((c): c is Article => c.type === 'article')) {
        const photos: ArticleInfo['photos'] = [];
        for (const f of photoFigures(article)) {
          // Inside the issue folder (symlinks followed), a whole image, not a bomb: src/images/check.ts.
          const use = figureUse(page, f);
          const image = await checkImage(issue.dir, use);
          if (!image) throw new BanmianError(`image ${f.src}: not found`, { file: use.file, line: use.line });
          const base = `/images/${photos.length}-${article.id}-p${page.number}`;
          let urlPath: string;
          let aspect = image.width / image.height;
          if (image.svg) {
            // An SVG goes in as a PNG rendered for print at the full type area's width.
            urlPath = `${base}.png`;
            const raster = await rasterSvg(image.file, Math.ceil((grid.typeW / 72) * PRINT_DPI));
            table.docs.set(urlPath, { type: 'image/png', body: raster.png });
            aspect = raster.width / raster.height;
          } else {
            urlPath = `${base}${path.extname(image.file).toLowerCase()}`;
            table.files.set(urlPath, image.file);
          }
          photos.push({ figure: f, src: ORIGIN + urlPath, aspect: aspect || 4 / 3 });
        }
        infos.push({ article, page, banner: banners.get(article.id), blocks: columnBlocks(article), photos, header: [], contHeader: [], captionPt: [], blockLines: [], lineStarts: [], extra: 0 });
      }
    }
    photosDone();
    // 2. Measure.
    await timer.time('measure', () => measure(tab, grid, table, infos, (done) => ctx.log.progress(`${issue.id}: articles measured`, done, infos.length)));
    // 3. Plan pages, let Paged.js make them, check the fit on them; repack what overflowed.
    let renders: PageRender[] = [];
    let overset = new Map<string, number>();
    for (let pass = 0; pass < FIT_PASSES; pass++) {
      ({ renders, overset } = await timer.time(`fit ${pass} plan`, async () => {
        const wanted = new Map<string, SizeProbe>();
        const first = planIssue(issue, grid, infos, wanted);
        if (wanted.size === 0) return first;
        await measureSizes(tab, grid, table, infos, [...wanted.values()]);
        return planIssue(issue, grid, infos);
      }));
      // Photos resampled for the press at their placed widths.
      const { low: lowRes, ready: photosReady } = await timer.time('photos for print', () => preparePrintPhotos(grid, table, renders));
      // 4. Paged.js pages (in the tab's document: its fonts are loaded).
      await timer.time('paged.js', () => paginate(tab, table, issueDocument(grid, issue, renders, ctx.config)));
      await photosReady;
      const misfits = await timer.time(`fit ${pass} check`, () => findMisfits(tab, grid));
      if (process.env.BANMIAN_DEBUG) console.error(`fit pass ${pass}: misfits ${misfits.join(' ')}`);
      if (misfits.length && pass < FIT_PASSES - 1) {
        for (const id of misfits) {
          const info = infos.find((i) => key(i) === id);
          if (info) info.extra += 1;
        }
        continue;
      }
      // Never silent: text that overflows its module would print over its neighbour.
      if (misfits.length) ctx.log.warn(`${issue.id}: the text of article(s) ${misfits.join(', ')} still overflows its module after ${FIT_PASSES} fitting passes`);
      for (const p of lowRes) ctx.log.warn(`${issue.id} 第${pad2(Number(p.where.split('/')[0]))}版 ${p.where.split('/')[1]}: photo ${path.basename(p.file)} (${p.widthPx} px wide) prints at only ${p.dpi} dpi at its placed width; ${MIN_DPI} dpi or more is needed`);
      break;
    }
    // 5. PDFs, page images, layout.json from the paginated document.
    return await render(tab, grid, issue, renders, overset, ctx, browserVersion, timer);
  } finally {
    await tab.close().catch(() => undefined);
    printTimings.set(issue.id, timer.stages);
    debugTimings(issue.id, timer);
  }
}

const key = (i: ArticleInfo) => `${i.page.number}-${i.article.id}`;

/** Articles read back from the measuring sheet per call: a long issue reports progress between calls. */
const MEASURE_BATCH = 40;

async function measure(tab: BrowserPage, grid: Grid, table: AssetTable, infos: ArticleInfo[], progress?: (done: number) => void): Promise<void> {
  const items: MeasureItem[] = infos.map((i) => ({ key: key(i), article: i.article, banner: i.banner, blocks: i.blocks, photos: i.photos.map((p) => p.figure) }));
  if (infos.length > MEASURE_BATCH) progress?.(0);
  // Tracking is chosen afresh (the same AST measured again, as by the dev server, gives the same pages).
  for (const info of infos) for (const b of info.blocks) clearTracking(b);
  await showDocument(tab, table, '/measure.html', measureDocument(grid, items));
  // Paragraphs with a loose line get a small tracking, before they are measured.
  for (const [k, i, part, em] of await fitTracking(tab)) {
    const block = infos.find((x) => key(x) === k)!.blocks[i];
    setTracking(part >= 0 && 'children' in block ? (block.children as object[])[part] : block, em);
  }
  type Raw = Record<string, { h: Array<[number, number, number]>; c: Array<[number, number, number]>; f: Array<[number, number, number]>; b: number[]; s: number[][]; j: number }>;
  // Runs in the page: the measures of the articles start..end of the sheet.
  const readBack = (halfLinePx: number, charsPerLine: number, start: number, end: number): Raw => {
    /**
     * Offsets into the element's text where its lines start: a line starts at the first
     * visible character that sits lower than the last line's. In one column the characters'
     * tops only grow, so each next start is found by a search (first probing one full
     * line of Han text ahead) rather than by asking every character for its box.
     */
    const lineStarts = (el: Element): number[] => {
      const nodes: Text[] = [];
      const at: number[] = [];
      const offsets: number[] = [];
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      let offset = 0;
      for (let t = walker.nextNode() as Text | null; t; t = walker.nextNode() as Text | null) {
        const s = t.data;
        for (let i = 0; i < s.length; i++) {
          nodes.push(t);
          at.push(i);
          offsets.push(offset + i);
          if ((s.codePointAt(i) ?? 0) > 0xffff) i++;
        }
        offset += s.length;
      }
      const range = document.createRange();
      const n = nodes.length;
      // Top of character k, or undefined if it has no box of its own (collapsed, zero-width).
      const topOf = (k: number): number | undefined => {
        const t = nodes[k];
        range.setStart(t, at[k]);
        range.setEnd(t, at[k] + ((t.data.codePointAt(at[k]) ?? 0) > 0xffff ? 2 : 1));
        const r = range.getClientRects()[0];
        return r && r.width > 0 ? r.top : undefined;
      };
      // The first visible character at or after k: [index, top], or [n, ∞].
      const visible = (k: number): [number, number] => {
        for (; k < n; k++) {
          const top = topOf(k);
          if (top !== undefined) return [k, top];
        }
        return [n, Infinity];
      };
      const out: number[] = [];
      let [k, top] = visible(0);
      while (k < n) {
        out.push(offsets[k]);
        const limit = top + halfLinePx;
        // Smallest j > k whose first visible character is below this line.
        const below = (j: number) => visible(j)[1] > limit;
        let lo = k + 1;
        let hi = n;
        const guess = k + charsPerLine;
        if (guess < n) {
          if (below(guess)) hi = guess;
          else lo = guess + 1;
          if (hi === guess && guess - 1 > k && !below(guess - 1)) lo = guess;
        }
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (below(mid)) hi = mid;
          else lo = mid + 1;
        }
        [k, top] = visible(lo);
      }
      return out;
    };
    const out: Raw = {};
    for (const m of [...document.querySelectorAll<HTMLElement>('.measure')].slice(start, end)) {
      const r: Raw[string] = { h: [], c: [], f: [], b: [], s: [], j: 0 };
      for (const el of m.querySelectorAll<HTMLElement>('[data-kind]')) {
        const h = el.getBoundingClientRect().height;
        const w = Number(el.dataset.w);
        if (el.dataset.kind === 'h') r.h.push([w, Number(el.dataset.s), h]);
        else if (el.dataset.kind === 'c') r.c.push([w, Number(el.dataset.s), h]);
        else if (el.dataset.kind === 'f') r.f.push([w, Number(el.dataset.i), h]);
        else if (el.dataset.kind === 'b') {
          r.b = [...el.children].map((c) => c.getBoundingClientRect().height);
          r.s = [...el.children].map((c) => (c.matches('p:not(.caption-only):not(.endnote):not(.jump), .turn') ? lineStarts(c) : []));
        }
        else if (el.dataset.kind === 'j') r.j = h;
      }
      out[m.dataset.key!] = r;
    }
    return out;
  };
  const raw: Raw = {};
  for (let start = 0; start < infos.length; start += MEASURE_BATCH) {
    if (infos.length > MEASURE_BATCH && start > 0) progress?.(start);
    Object.assign(raw, await tab.evaluate(readBack, (grid.line * PX_PER_PT) / 2, grid.charsPerColumn, start, start + MEASURE_BATCH));
  }
  if (infos.length > MEASURE_BATCH) progress?.(infos.length);
  const toLinesUp = (px: number) => Math.ceil(px / PX_PER_PT / grid.line - 0.05);
  for (const info of infos) {
    const r = raw[key(info)];
    info.header = [];
    for (const [w, s, h] of r.h) (info.header[w] ??= [])[s] = toLinesUp(h);
    info.contHeader = [];
    for (const [w, s, h] of r.c) (info.contHeader[w] ??= [])[s] = toLinesUp(h);
    for (const [w, i, h] of r.f) (info.captionPt[w] ??= [])[i] = h / PX_PER_PT;
    info.blockLines = r.b.map((h) => Math.max(1, Math.round(h / PX_PER_PT / grid.line)));
    // A block can be cut at a line only when its measured lines agree with its height.
    info.lineStarts = info.blocks.map((b, i) => (isSplittable(b) && r.s[i]?.length === info.blockLines[i] && info.blockLines[i] > 1 ? r.s[i] : []));
  }
}

/** Measures the growth steps of the given headers (see `sizesDocument`) into the articles' header tables. */
async function measureSizes(tab: BrowserPage, grid: Grid, table: AssetTable, infos: ArticleInfo[], probes: SizeProbe[]): Promise<void> {
  await showDocument(tab, table, '/sizes.html', sizesDocument(grid, probes));
  const raw: Array<[string, string, number, number, number]> = await tab.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.measure [data-kind]')].map((el) => [
      (el.parentElement as HTMLElement).dataset.key!,
      el.dataset.kind!,
      Number(el.dataset.w),
      Number(el.dataset.s),
      el.getBoundingClientRect().height,
    ] as [string, string, number, number, number]),
  );
  for (const [k, kind, w, s, h] of raw) {
    const info = infos.find((i) => key(i) === k)!;
    const heads = kind === 'c' ? info.contHeader : info.header;
    heads[w][s] = Math.ceil(h / PX_PER_PT / grid.line - 0.05);
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
  const { info, from, fromLine } = piece;
  const header: number[] = [0];
  const figures: number[] = [0];
  for (let w = 1; w <= grid.columns; w++) {
    // Widths under the narrowest module are never used; they repeat it.
    const mw = Math.max(w, minModuleColumns(grid));
    header[w] = from > 0 || piece.continuedFrom ? info.contHeader[mw][0] : info.header[mw][0];
    figures[w] = from > 0 || piece.continuedFrom ? 0 : figureLines(info, grid, mw).lines;
  }
  const blockLines = info.blockLines.slice(from);
  if (fromLine > 0) blockLines[0] -= fromLine;
  return {
    id: pieceId(piece),
    lead: from === 0 && fromLine === 0 && !piece.continuedFrom && info.article.lead,
    blockLines,
    splittable: info.lineStarts.slice(from).map((s, i) => s.length - (i === 0 ? fromLine : 0) > 1),
    header,
    figures,
    columns: from === 0 ? info.article.data?.columns : undefined,
    movable: from > 0 || fromLine > 0 || piece.continuedFrom !== undefined,
    extra: info.extra,
  };
}

/** Unique within the issue: an article id is only unique within its page. */
const pieceId = (p: Piece) => `${p.info.page.number}-${p.info.article.id}${p.from > 0 || p.fromLine > 0 ? `@${p.from}.${p.fromLine}` : ''}`;

/** Block `i` of an article from line `l0` to line `l1` (exclusive; undefined: to its end), cut where the lines start. */
function blockSlice(info: ArticleInfo, i: number, l0: number, l1?: number): BodyBlock {
  const b = info.blocks[i];
  if (l0 === 0 && l1 === undefined) return b;
  const starts = info.lineStarts[i];
  return sliceBlock(b, starts[l0] ?? 0, l1 === undefined ? Infinity : starts[l1]);
}

/**
 * Plans every page of the issue. `wanted` collects the headers whose growth steps are not
 * measured yet but that a module has spare rows for: the caller measures them and plans
 * again (packing does not depend on growth, so the second plan places the same modules).
 */
function planIssue(issue: Issue, grid: Grid, infos: ArticleInfo[], wanted?: Map<string, SizeProbe>): { renders: PageRender[]; overset: Map<string, number> } {
  const renders: PageRender[] = [];
  const overset = new Map<string, number>();
  let carried: Piece[] = [];
  const pages = [...issue.children].sort((a, b) => a.number - b.number);
  for (const [pi, page] of pages.entries()) {
    const masthead = pi === 0;
    const lines = grid.lines - (masthead ? grid.mastheadLines : 0);
    const pieces: Piece[] = [...infos.filter((i) => i.page === page).map((info) => ({ info, from: 0, fromLine: 0 })), ...carried];
    carried = [];
    const plan = packPage({ columns: grid.columns, lines, articles: pieces.map((p) => measureOf(p, grid)), lastPage: pi === pages.length - 1 });
    const modules: ModuleRender[] = [];
    for (const m of plan.modules) {
      const piece = pieces.find((p) => pieceId(p) === m.id)!;
      const { info, from, fromLine } = piece;
      const w = m.columns;
      // Growth: a bigger headline first, then larger photos, then looser leading, then space in the header.
      const sizes = headlineSizes(info.article.lead, w);
      const isCont = from > 0 || !!piece.continuedFrom;
      const heads = isCont ? info.contHeader[w] : info.header[w];
      if (wanted && m.grow > 0 && heads.length < (isCont ? CONT_SIZES.length : SIZES)) {
        wanted.set(`${key(info)} ${w} ${isCont}`, { key: key(info), article: info.article, banner: info.banner, w, cont: isCont });
      }
      let size = 0;
      let grow = m.grow;
      for (let s = heads.length - 1; s > 0; s--) {
        if (heads[s] !== undefined && heads[s] - heads[0] <= grow) {
          size = s;
          break;
        }
      }
      grow -= heads[size] - heads[0];
      const fig = isCont ? { lines: 0, heights: [] } : figureLines(info, grid, w, grow);
      grow -= fig.lines - (isCont ? 0 : figureLines(info, grid, w).lines);
      grow = Math.max(0, grow);
      const blocks: BodyBlock[] = [];
      const counts: number[] = [];
      for (let i = 0; i < m.blocks; i++) {
        blocks.push(blockSlice(info, from + i, i === 0 ? fromLine : 0));
        counts.push(info.blockLines[from + i] - (i === 0 ? fromLine : 0));
      }
      if (m.partLines > 0) {
        const l0 = m.blocks === 0 ? fromLine : 0;
        blocks.push(blockSlice(info, from + m.blocks, l0, l0 + m.partLines));
        counts.push(m.partLines);
      }
      const textLines = counts.reduce((a, b) => a + b, 0) + (m.jumps ? 1 : 0);
      // Then looser leading in the body (not after a misfit: the fit check knows the base leading).
      const loose = info.extra > 0 ? { rows: 0, leading: grid.line } : loosenBody(grid, textLines, w, m.lines - (m.ruleBelow ? 1 : 0) - heads[size] - fig.lines - grow, grow, blocks.some((b) => b.type === 'subhead'));
      grow -= loose.rows;
      const headerLines = heads[size] + grow;
      const rows = m.lines - (m.ruleBelow ? 1 : 0) - headerLines - fig.lines;
      const gapsBefore = info.extra > 0 || loose.rows > 0 ? [] : columnGaps(blocks, w * rows - textLines);
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
        headlinePt: isCont ? CONT_SIZES[size] : sizes[size],
        figureLines: fig.lines,
        ...(loose.rows > 0 ? { bodyLeading: loose.leading } : {}),
        ruleBelow: m.ruleBelow,
        continuedFrom: piece.continuedFrom,
        jumpTo: m.jumps ? page.number + 1 : undefined,
        lead: info.article.lead && !isCont,
        domId: isCont ? `${info.page.number}-${info.article.id}-${from}_${fromLine}` : `${info.page.number}-${info.article.id}`,
        gapsBefore,
      });
    }
    for (const o of plan.overflow) {
      const piece = pieces.find((p) => pieceId(p) === o.id)!;
      // Once its header is printed here, what follows is a continuation (上接), without photos.
      const placed = plan.modules.some((m) => m.id === o.id);
      const next: Piece = {
        info: piece.info,
        from: piece.from + o.from,
        fromLine: (o.from === 0 ? piece.fromLine : 0) + o.fromLine,
        continuedFrom: placed ? page.number : piece.continuedFrom,
      };
      if (pi === pages.length - 1) overset.set(key(piece.info), piece.info.blockLines.slice(next.from).reduce((a, b) => a + b, 0) - next.fromLine);
      else carried.push(next);
    }
    renders.push({ page, modules, masthead });
  }
  // A jump line names the page its continuation really landed on. A continuation that
  // landed on no page (the last page's overflow, or text moved on until it ran out of
  // pages) is overset: no jump line then, never one to a page that does not exist or
  // does not carry it; the overset is reported instead.
  for (const r of renders) {
    for (const m of r.modules) {
      if (!m.jumpTo) continue;
      const later = renders.find((x) => x.page.number > r.page.number && x.modules.some((y) => y.article === m.article && y.continuedFrom === r.page.number));
      m.jumpTo = later?.page.number;
    }
  }
  return { renders, overset };
}

/** The keys of the articles whose text overflows its module in the paginated document. */
async function findMisfits(tab: BrowserPage, grid: Grid): Promise<string[]> {
  const over: string[] = await tab.evaluate((linePx: number) => {
    const out: string[] = [];
    // A header's natural height, as the measuring sheet saw it (there the header has no
    // set height): its parts' margin boxes, the spread-out group by its groups.
    const natural = (mh: HTMLElement): number => {
      let h = 0;
      for (const c of mh.children) {
        if (c.classList.contains('mh-in')) for (const g of c.children) h += g.getBoundingClientRect().height;
        else {
          const st = getComputedStyle(c);
          h += c.getBoundingClientRect().height + parseFloat(st.marginTop) + parseFloat(st.marginBottom);
        }
      }
      return h;
    };
    for (const m of document.querySelectorAll<HTMLElement>('.module')) {
      const body = m.querySelector<HTMLElement>('.body');
      const header = m.querySelector<HTMLElement>('.mh');
      // Same slack as the measuring sheet's rounding (0.05 line).
      if ((body && body.scrollWidth > body.clientWidth + 1) || (header && natural(header) > header.clientHeight + 0.05 * linePx)) out.push(m.id);
    }
    return out;
  }, grid.line * PX_PER_PT);
  // Module ids are `m-<page>-<article>[-<from>]`: map back to the article's key.
  return [...new Set(over.map((id) => id.slice(2).split('-').slice(0, 2).join('-')))];
}

interface Measured {
  page: number;
  pageBox: { x: number; y: number; w: number; h: number };
  modules: Array<{ id: string; x: number; y: number; w: number; h: number; bodyY: number; unused: number; area: number; hole: number }>;
}

async function render(tab: BrowserPage, grid: Grid, issue: Issue, renders: PageRender[], overset: Map<string, number>, ctx: BuildContext, browserVersion: string, timer: StageTimer): Promise<IssueLayout> {
  const done = timer.start('dom rects');
  if (keepFinalHtml) {
    // The paginated DOM, without the script that paginated it (the benchmark's floor).
    // Its @font-face rules cut to the faces the pages use, as a hand-made page would have.
    const t = performance.now();
    finalHtml.set(
      issue.id,
      await tab.evaluate(() => {
        const used = new Set<string>();
        document.fonts.forEach((f) => {
          if (f.status === 'loaded') used.add(`${f.family.replace(/['"]/g, '')}|${f.weight}|${f.unicodeRange}`);
        });
        const style = document.querySelector('style[data-pagedjs-ignore]');
        const rules = [...((style as HTMLStyleElement | null)?.sheet?.cssRules ?? [])].filter((r): r is CSSFontFaceRule => r instanceof CSSFontFaceRule);
        const fontCss = rules
          .filter((r) => used.has(`${r.style.getPropertyValue('font-family').replace(/['"]/g, '')}|${r.style.getPropertyValue('font-weight') || '400'}|${r.style.getPropertyValue('unicode-range') || 'U+0-10FFFF'}`))
          .map((r) => r.cssText)
          .join('\n');
        const html = document.documentElement.outerHTML.replace(/<script[\s\S]*?<\/script>/g, '');
        return '<!doctype html>' + (style ? html.replace(style.textContent ?? '', () => fontCss) : html);
      }),
    );
    finalHtmlMs.total += performance.now() - t;
  }
  const measured: Measured[] = await tab.evaluate((line: number, gutter: number) => {
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
        // Depth of text in each column: a rect belongs to the column its left edge falls in
        // (an indented first line starts 2 em into its column).
        const count = Number(body.style.columnCount) || 1;
        const gapPx = gutter / PT;
        const colW = (br.width - (count - 1) * gapPx) / count;
        const depths = new Array<number>(count).fill(0);
        const range = document.createRange();
        range.selectNodeContents(body);
        for (const rect of range.getClientRects()) {
          if (rect.width === 0 || rect.height === 0) continue;
          const k = Math.min(count - 1, Math.max(0, Math.floor((rect.left - br.left + 1) / (colW + gapPx))));
          depths[k] = Math.max(depths[k], Math.min(br.height, rect.bottom - br.top));
        }
        let unused = 0;
        // The tallest blank anywhere in the module (a column's end, a gap in the header), px.
        let hole = 0;
        for (let k = 0; k < count; k++) {
          unused += Math.max(0, br.height - depths[k]) * colW;
          if (br.height > 0) hole = Math.max(hole, br.height - depths[k]);
        }
        // Blank lines spread between blocks (so columns end full) are space too.
        for (const g of body.querySelectorAll<HTMLElement>('.gap')) unused += g.getBoundingClientRect().height * colW;
        const mh = m.querySelector<HTMLElement>('.mh')!;
        // Header: a gap of up to 2 lines above, between or below its groups is spacing; beyond that it is a hole.
        const inner = mh.querySelector<HTMLElement>('.mh-in');
        const allow = 2 * line * (96 / 72);
        if (inner) {
          const ir = inner.getBoundingClientRect();
          let top = ir.top;
          for (const c of inner.children) {
            const cr = c.getBoundingClientRect();
            unused += Math.max(0, cr.top - top - allow) * r.width;
            hole = Math.max(hole, cr.top - top);
            top = cr.bottom;
          }
          unused += Math.max(0, ir.bottom - top - allow) * r.width;
          hole = Math.max(hole, ir.bottom - top);
        } else {
          const content = [...mh.children].reduce((s, c) => s + c.getBoundingClientRect().height, 0);
          unused += Math.max(0, mh.getBoundingClientRect().height - content - allow) * r.width;
        }
        mods.push({ id: m.id, x: (r.left - box.left) * PT, y: (r.top - box.top) * PT, bodyY: (br.top - box.top) * PT, w: r.width * PT, h: r.height * PT, unused: unused * PT * PT, area: r.width * r.height * PT * PT, hole: hole * PT });
      }
      out.push({ page: i, pageBox: { x: box.left, y: box.top, w: box.width, h: box.height }, modules: mods });
    });
    return out;
  }, grid.line, grid.gutter);
  done();
  if (measured.length !== renders.length) throw new BanmianError(`print edition: Paged.js made ${measured.length} pages of ${renders.length} (a page overflowed its sheet)`, { file: issue.id });
  // The line-quality proof of the laid-out pages (src/proof): proof.json, shown by `banmian proof`.
  if (ctx.proof) {
    const pages = await timer.time('proof', () => measureProof(tab, grid.line, renders.map((r) => r.page.number)));
    await mkdir(path.join(ctx.outDir, paths.issueDir(issue.id)), { recursive: true });
    await writeFile(path.join(ctx.outDir, paths.proofJson(issue.id)), proofJson({ issue: issue.id, browser: browserVersion, pages }));
  }

  // The issue PDF; then the page images while the page PDFs are cut from it and sharp
  // encodes the images: src/print/output.ts.
  for (const r of renders) await mkdir(path.join(ctx.outDir, paths.pageDir(issue.id, r.page.number)), { recursive: true });
  const out = (file: string) => path.join(ctx.outDir, file);
  const meta = { title: `${ctx.config.paper.name} ${issue.date} 第${issue.number}期`, author: ctx.config.paper.name, date: issue.date };
  const pageJobs = renders.map((r) => ({ file: out(paths.pagePdf(issue.id, r.page.number)), meta: { ...meta, title: `${meta.title} 第${pad2(r.page.number)}版` } }));
  const issuePdf = await printIssuePdf(tab, { file: out(paths.issuePdf(issue.id)), meta }, timer);
  const pagePdfs = splitPagePdfs(issuePdf, pageJobs, timer);
  pagePdfs.catch(() => undefined);
  const images = await pageImages(tab, renders.map((r) => ({ image: out(paths.pageImage(issue.id, r.page.number)), thumb: out(paths.pageThumb(issue.id, r.page.number)) })), IMAGE_WIDTH, THUMB_WIDTH, timer);
  await pagePdfs;
  const pagesOut: PageLayout[] = [];
  for (const [i, r] of renders.entries()) {
    const n = r.page.number;
    const image = await images[i];
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
        hole: round(box.hole),
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
      imageSize: { w: image.width, h: image.height },
    });
    const jumps = modules.filter((x) => x.jumpTo || x.jumpFrom).map((x) => (x.jumpTo ? `${x.articleId}→${x.jumpTo}` : `${x.articleId}←${x.jumpFrom}`));
    ctx.log.info(`  第${pad2(n)}版: ${modules.length} modules, fill ${percentDown(fill)}%${jumps.length ? `, jumps ${jumps.join(' ')}` : ''}`);
    // A page whose text is overset is not short of copy, however its last rows fell.
    if (fill < FILL_TARGET && !modules.some((x) => x.overset > 0)) {
      // An underfull page is the editor's call (more copy, a photo): say how much is missing.
      const lines = Math.max(1, Math.ceil(((FILL_TARGET - fill) * gridArea) / (grid.columnW * grid.line)));
      ctx.log.warn(`${issue.id} 第${pad2(n)}版: fill ${percentDown(fill)}% is below ${FILL_TARGET * 100}%: the page is short of about ${lines} column lines (${lines * grid.charsPerColumn} characters) of text; add copy or a photo`);
    }
    ctx.log.progress('pages laid out', i + 1, renders.length);
  }
  const oversetLine = oversetSummary(issue, overset, grid);
  if (oversetLine) ctx.log.warn(oversetLine);

  const layout: IssueLayout = { issue: issue.id, browser: browserVersion, pdf: path.relative(paths.issueDir(issue.id), paths.issuePdf(issue.id)), pages: pagesOut };
  await writeFile(path.join(ctx.outDir, paths.layoutJson(issue.id)), JSON.stringify(layout, null, 1) + '\n');
  return layout;
}

/**
 * Text that fits on no page, as one warning line for the issue: how much (column lines
 * and about how many characters), of which articles, from which pages.
 */
export function oversetSummary(issue: Issue, overset: Map<string, number>, grid: Pick<Grid, 'charsPerColumn'>): string | undefined {
  const entries = [...overset].filter(([, lines]) => lines > 0);
  if (entries.length === 0) return undefined;
  const total = entries.reduce((s, [, lines]) => s + lines, 0);
  const byPage = new Map<number, string[]>();
  for (const [k] of entries) {
    const [page, ...id] = k.split('-');
    const list = byPage.get(Number(page)) ?? [];
    list.push(id.join('-'));
    byPage.set(Number(page), list);
  }
  const SHOWN = 5;
  const pages = [...byPage]
    .sort((a, b) => a[0] - b[0])
    .map(([n, ids]) => [n, ids.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))] as const)
    .map(([n, ids]) => `第${pad2(n)}版 ${ids.slice(0, SHOWN).join(', ')}${ids.length > SHOWN ? ` and ${ids.length - SHOWN} more` : ''}`);
  const last = Math.max(...issue.children.map((p) => p.number));
  return `${issue.id}: ${total} column line(s) of text (about ${total * grid.charsPerColumn} characters) fit on no page up to 第${pad2(last)}版 and are left out of the print edition (overset): ${entries.length} article(s), ${pages.join('; ')}; cut the text or add a page`;
}

function pageOf(issue: Issue, article: Article): number {
  return issue.children.find((p) => p.children.includes(article))?.number ?? 0;
}

/** A share as a percentage with one decimal, rounded down: a fill just under the target never reads as the target. */
function percentDown(share: number): string {
  return (Math.floor(share * 1000) / 10).toFixed(1);
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
