/**
 * The print edition: for each issue, measure every article in the browser, pack each
 * issue with the layout planner (src/layout/plan.ts: every decision is its, from the
 * measures), let Paged.js make the pages in the same document (src/print/sheet.ts),
 * check the fit on them and plan again with what overflowed,
 * then Chromium prints the issue PDF and the page PDFs are cut from it (split.ts).
 * Writes `<issue>/<issue>.pdf`, one PDF, image and thumbnail per page, and layout.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page as BrowserPage } from 'puppeteer-core';
import type { Article, Banner, BodyBlock, Figure, Issue, Page } from '../ast/types.js';
import { paths, type BuildContext } from '../build/context.js';
import { bannerOwners, issueNumberText, pageLabel } from '../ast/vocabulary.js';
import { BanmianError } from '../errors.js';
import { makeGrid, PX_PER_PT, type Grid } from '../layout/grid.js';
import { columnBlocks, photoFigures } from '../layout/content.js';
import { blockLines, isSplittable } from '../layout/cut.js';
import type { ArticleMetrics, IssueMetrics } from '../layout/metrics.js';
import { type ArticleRef, articleKey, isContinuation, sameArticle } from '../layout/pieces.js';
import { type IssuePlan, type PlannedPage, planIssue, type SizeWanted } from '../layout/plan.js';
import { DEFAULT_POLICY, type LayoutPolicy } from '../layout/policy.js';
import type { IssueLayout, ModuleLayout, PageLayout } from '../layout/types.js';
import { ORIGIN, guardPage, type AssetTable } from './assets.js';
import { paginate, showDocument } from './sheet.js';
import { launchBrowser } from './browser.js';
import { issueDocument, measureDocument, type MeasureItem, type ModuleRender, type PageRender, sizesDocument } from './document.js';
import { pageImages, printIssuePdf, splitPagePdfs } from './output.js';
import { MIN_DPI, PRINT_DPI, preparePrintPhotos } from './photos.js';
import { checkImage, figureUse, rasterSvg } from '../images/check.js';
import { debugTimings, StageTimer } from './timing.js';
import { issueFolder } from '../ast/issue-folder.js';
import { warnAboutPage } from '../report/page-files.js';
import { loadFillerPages } from '../parse/fillers.js';
import { PULL_QUOTE_LABEL, pickQuote } from '../layout/quote.js';
import { measureProof } from '../proof/measure.js';
import { proofJson } from '../proof/report.js';
import { decodeGlue, fitTracking } from './tracking.js';
import { clearTracking, setCaptionTracking, setGlue, setPrefixTracking, setTracking } from '../layout/lines.js';
import { rankArticles } from '../layout/rank.js';
import { acceptsContinuations } from '../layout/jumps.js';
import { toString } from 'mdast-util-to-string';

const PRINT_CSS = path.resolve(import.meta.dirname, '../../styles/print.css');
/** Thumbnails for the page lists, px wide (the page image's width is `print.pageImageWidth`). */
const THUMB_WIDTH = 200;
/** The layout's weights and limits (src/layout/policy.ts); not configurable yet. */
const POLICY: LayoutPolicy = DEFAULT_POLICY;

/** An article with what it is made of in the AST and what was measured of it. */
interface ArticleInfo {
  article: Article;
  page: Page;
  /** The issue's first page (the front page). */
  first: Page;
  banner?: Banner;
  /** Its body blocks set in columns, and its photos. */
  blocks: BodyBlock[];
  photos: Array<{ figure: Figure; src: string }>;
  /** The planner's input for this article (plain data). */
  metrics: ArticleMetrics;
}

const refOf = (i: ArticleInfo): ArticleRef => ({ page: i.page.number, article: i.article.id });
const key = (i: ArticleInfo) => articleKey(refOf(i));

export async function buildPrintEdition(issues: Issue[], ctx: BuildContext): Promise<Map<string, IssueLayout>> {
  const out = new Map<string, IssueLayout>();
  if (issues.length === 0) return out;
  const grid = makeGrid(ctx.config.print);
  const startTimer = new StageTimer(ctx.session.served);
  const launched = await startTimer.time('browser start', () => launchBrowser(ctx.config.print.browserPath, ctx.session));
  ctx.session.printTimings.set('browser', startTimer.stages);
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
  const timer = new StageTimer(ctx.session.served);
  const tab = await timer.time('new tab', newPage);
  try {
    timer.browserPid = tab.browser().process()?.pid;
    await guardPage(tab, table, ctx.session);
    // One viewport for every document the tab shows (the page images are captured from it).
    await tab.setViewport({ width: Math.ceil(grid.trimW * PX_PER_PT) + 40, height: 1200, deviceScaleFactor: 1 });
    const photosDone = timer.start('articles, photos');
    // 1. What every article is made of, and what its photos are.
    const infos: ArticleInfo[] = [];
    const metrics: IssueMetrics = { pages: [] };
    for (const page of issue.children) {
      const pageMetrics: IssueMetrics['pages'][number] = { number: page.number, articles: [], takesContinuations: acceptsContinuations(page, POLICY.specialPageNames) };
      metrics.pages.push(pageMetrics);
      const banners = bannerOwners(page);
      for (const article of page.children.filter((c): c is Article => c.type === 'article')) {
        const photos: ArticleInfo['photos'] = [];
        const photoAspects: number[] = [];
        for (const f of photoFigures(article)) {
          // Inside the issue folder (symlinks followed), a whole image, not a bomb: src/images/check.ts.
          const use = figureUse(page, f);
          const image = await checkImage(issueFolder(issue), use);
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
          photos.push({ figure: f, src: ORIGIN + urlPath });
          photoAspects.push(aspect || 4 / 3);
        }
        const blocks = columnBlocks(article);
        const m = newMetrics(page.number, article, 'ordinary', blocks, photoAspects);
        infos.push({ article, page, first: issue.children[0], banner: banners.get(article.id), blocks, photos, metrics: m });
        pageMetrics.articles.push(m);
      }
      // News value from the page order and the markup: each headline's size band.
      const own = infos.filter((i) => i.page === page);
      const ranks = rankArticles(
        own.map((i) => ({ lead: i.article.lead, headline: i.article.children.some((c) => c.type === 'headline'), bodyChars: textChars(i.blocks), photos: i.photos.length, marked: i.article.data?.rank })),
        POLICY.headline.briefChars,
      );
      own.forEach((i, k) => {
        i.metrics.rank = ranks[k];
      });
    }
    // House fillers (公益/补白, config print.fillers): measured like briefs, set by the planner in a short page's white.
    for (const { article, page } of await loadFillerPages(ctx.config.print.fillers, ctx.root)) {
      const blocks = columnBlocks(article);
      const m = newMetrics(0, article, 'brief', blocks);
      infos.push({ article, page, first: issue.children[0], banner: undefined, blocks, photos: [], metrics: m });
      (metrics.fillers ??= []).push(m);
    }
    // A pull quote (引语) per page from its lead story, verbatim, set before any filler in that page's white.
    for (const page of issue.children) {
      const from = page.children.find((c): c is Article => c.type === 'article' && c.lead) ?? page.children.find((c): c is Article => c.type === 'article');
      const said = from && pickQuote(columnBlocks(from).filter((b) => b.type === 'paragraph' || b.type === 'answer').map((b) => toString(b)));
      if (!from || !said) continue;
      const article: Article = { type: 'article', id: `q-${from.id}`, lead: false, children: [PULL_QUOTE_LABEL, { type: 'headline', children: [{ type: 'text', value: `“${said}”` }] }], data: { filler: true, pullQuote: from.id } };
      const m = newMetrics(page.number, article, 'brief', []);
      infos.push({ article, page, first: issue.children[0], banner: undefined, blocks: [], photos: [], metrics: m });
      (metrics.fillers ??= []).push(m);
    }
    photosDone();
    // 2. Measure.
    const byKey = new Map(infos.map((i) => [key(i), i]));
    await measure(tab, grid, table, infos, timer, (done) => ctx.log.progress(`${issue.id}: articles measured`, done, infos.length));
    // 3. Plan the pages (src/layout), let Paged.js make them, check the fit on them; plan again with what overflowed.
    let plan: IssuePlan = { pages: [], overset: [], wanted: [], misplaced: [], leftover: [] };
    let renders: PageRender[] = [];
    for (let pass = 0; pass < POLICY.fitPasses; pass++) {
      plan = await timer.time(`fit ${pass} plan`, async () => {
        const first = planIssue(metrics, grid, POLICY);
        if (first.wanted.length === 0) return first;
        // Headlines a module has room to grow: measure their bigger sizes, then plan again (the same modules).
        await measureSizes(tab, grid, table, byKey, first.wanted);
        return planIssue(metrics, grid, POLICY);
      });
      renders = plan.pages.map((p) => pageRender(issue, p, byKey));
      // Photos resampled for the press at their placed widths.
      const { low: lowRes, ready: photosReady } = await timer.time('photos for print', () => preparePrintPhotos(grid, table, renders));
      // 4. Paged.js pages (in the tab's document: its fonts are loaded).
      await timer.time('paged.js', () => paginate(tab, table, issueDocument(grid, issue, renders, ctx.config)));
      await photosReady;
      const misfits = await timer.time(`fit ${pass} check`, () => findMisfits(tab, grid, plan, byKey));
      if (process.env.BANMIAN_DEBUG) console.error(`fit pass ${pass}: misfits ${misfits.map(key).join(' ')}`);
      if (misfits.length && pass < POLICY.fitPasses - 1) {
        for (const info of misfits) info.metrics.extra += 1;
        continue;
      }
      // Never silent: text that overflows its module would print over its neighbour.
      for (const info of misfits) {
        const reason = `the text of article ${key(info)} still overflows its module after ${POLICY.fitPasses} fitting passes`;
        warnAboutPage(ctx, reason, { file: info.page.file, place: info.article.position, ruleId: 'print-overflow' });
      }
      for (const p of lowRes) {
        const page = issue.children.find((x) => x.number === p.page);
        const article = page?.children.find((c) => c.type === 'article' && c.id === p.article);
        const reason = `${pageLabel(p.page)} ${p.article}: photo ${path.basename(p.file)} (${p.widthPx} px wide) prints at only ${p.dpi} dpi at its placed width; ${MIN_DPI} dpi or more is needed`;
        if (page) warnAboutPage(ctx, reason, { file: page.file, place: article?.position, ruleId: 'print-low-resolution' });
        else ctx.log.warn(`${issue.id} ${reason}`);
      }
      break;
    }
    // 5. PDFs, page images, layout.json from the paginated document.
    const layout = await render(tab, grid, issue, renders, plan, ctx, browserVersion, timer);
    if (ctx.session.layoutMetrics) ctx.session.layoutMetrics.set(issue.id, { metrics: structuredClone(metrics), layout });
    return layout;
  } finally {
    await tab.close().catch(() => undefined);
    ctx.session.printTimings.set(issue.id, timer.stages);
    debugTimings(issue.id, timer);
  }
}



/** Articles read back from the measuring sheet per call: a long issue reports progress between calls. */
const MEASURE_BATCH = 40;

/** Stages: `measure: sheet` (the sheet shown, its fonts loaded), `measure: tracking`, `measure: read-back`. */
async function measure(tab: BrowserPage, grid: Grid, table: AssetTable, infos: ArticleInfo[], timer: StageTimer, progress?: (done: number) => void): Promise<void> {
  const items: MeasureItem[] = infos.map((i) => ({ key: key(i), article: i.article, rank: i.metrics.rank, front: i.page === i.first, banner: i.banner, blocks: i.blocks, photos: i.photos.map((p) => p.figure) }));
  if (infos.length > MEASURE_BATCH) progress?.(0);
  // Tracking is chosen afresh (the same AST measured again, as by the dev server, gives the same pages).
  for (const info of infos) for (const b of [...info.blocks, ...info.photos.map((p) => p.figure)]) clearTracking(b);
  await timer.time('measure: sheet', () => showDocument(tab, table, '/measure.html', measureDocument(grid, POLICY, items)));
  // Paragraphs with a loose line get a small tracking, before they are measured.
  for (const [k, i, part, em, chars] of await timer.time('measure: tracking', () => fitTracking(tab))) {
    const info = infos.find((x) => key(x) === k)!;
    if (part <= -2) {
      setCaptionTracking(info.photos[i].figure, -2 - part, em);
      continue;
    }
    const block = info.blocks[i];
    const target = part >= 0 && 'children' in block ? (block.children as object[])[part] : block;
    if (chars <= -2) setGlue(target, ...decodeGlue(chars));
    else if (chars >= 0) setPrefixTracking(target, em, chars);
    else setTracking(target, em);
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
          r.s = [...el.children].map((c) => (c.matches('p:not(.caption-only):not(.endnote):not(.jump), .turn, .brief') ? lineStarts(c) : []));
        }
        else if (el.dataset.kind === 'j') r.j = h;
      }
      out[m.dataset.key!] = r;
    }
    return out;
  };
  const raw: Raw = {};
  const readDone = timer.start('measure: read-back');
  for (let start = 0; start < infos.length; start += MEASURE_BATCH) {
    if (infos.length > MEASURE_BATCH && start > 0) progress?.(start);
    Object.assign(raw, await tab.evaluate(readBack, (grid.line * PX_PER_PT) / 2, grid.charsPerColumn, start, start + MEASURE_BATCH));
  }
  if (infos.length > MEASURE_BATCH) progress?.(infos.length);
  readDone();
  const toLinesUp = (px: number) => Math.ceil(px / PX_PER_PT / grid.line - 0.05);
  for (const info of infos) {
    const r = raw[key(info)];
    const m = info.metrics;
    m.header = [];
    for (const [w, s, h] of r.h) (m.header[w] ??= [])[s] = toLinesUp(h);
    m.contHeader = [];
    for (const [w, s, h] of r.c) (m.contHeader[w] ??= [])[s] = toLinesUp(h);
    for (const [w, i, h] of r.f) (m.captionPt[w] ??= [])[i] = h / PX_PER_PT;
    m.blockLines = r.b.map((h) => Math.max(1, Math.round(h / PX_PER_PT / grid.line)));
    // A block can be cut at a line only when its measured lines agree with its height.
    m.lineStarts = info.blocks.map((b, i) => (isSplittable(b) && r.s[i]?.length === m.blockLines[i] && m.blockLines[i] > 1 ? r.s[i] : []));
  }
}

/** Measures the growth steps of the given headers (see `sizesDocument`) into the articles' header tables. */
async function measureSizes(tab: BrowserPage, grid: Grid, table: AssetTable, byKey: Map<string, ArticleInfo>, wanted: SizeWanted[]): Promise<void> {
  const probes = wanted.map((x) => {
    const info = byKey.get(articleKey(x.article))!;
    return { key: key(info), article: info.article, rank: info.metrics.rank, front: info.page === info.first, banner: info.banner, w: x.w, cont: x.cont };
  });
  await showDocument(tab, table, '/sizes.html', sizesDocument(grid, POLICY, probes));
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
    const m = byKey.get(k)!.metrics;
    const heads = kind === 'c' ? m.contHeader : m.header;
    (heads[w] ??= [])[s] = Math.ceil(h / PX_PER_PT / grid.line - 0.05);
  }
}

/** A planned page with its articles' AST: blocks cut where the plan cuts them, photos, banners. */
/** An article's metrics before measuring: the measure stage fills header, lines and line starts. */
function newMetrics(page: number, article: Article, rank: ArticleMetrics['rank'], blocks: ReturnType<typeof columnBlocks>, photoAspects: number[] = []): ArticleMetrics {
  return { page, id: article.id, lead: !!article.lead, rank, columns: article.data?.columns, header: [], contHeader: [], photoAspects, captionPt: [], blockTypes: blocks.map((b) => b.type), blockLines: [], lineStarts: [], extra: 0 };
}

function pageRender(issue: Issue, planned: PlannedPage, byKey: Map<string, ArticleInfo>): PageRender {
  const page = issue.children.find((p) => p.number === planned.number)!;
  const modules = planned.modules.map((m): ModuleRender => {
    const info = byKey.get(articleKey(m.piece))!;
    const cont = isContinuation(m.piece);
    return {
      article: info.article,
      blocks: m.blocks.map((b) => blockLines(info.blocks[b.block], info.metrics.lineStarts[b.block], b.fromLine, b.toLine)),
      photos: cont ? [] : info.photos.map((p, i) => ({ figure: p.figure, src: p.src, heightPt: m.photoHeights[i] })),
      banner: cont ? undefined : info.banner,
      column: m.column,
      columns: m.columns,
      line: m.line,
      lines: m.lines,
      headerLines: m.headerLines,
      headlinePt: m.headlinePt,
      figureLines: m.figureLines,
      ...(m.bodyLeading !== undefined ? { bodyLeading: m.bodyLeading } : {}),
      ruleBelow: m.ruleBelow,
      continuedFrom: m.piece.continuedFrom,
      jumpTo: m.jumpTo,
      lead: m.lead,
      domId: m.domId,
      gapsBefore: m.gapsBefore,
      columnBreaks: m.columnBreaks,
      ...(m.filler ? { filler: true } : {}),
    };
  });
  return { page, modules, masthead: planned.masthead };
}

/** The articles whose text overflows its module in the paginated document, in document order. */
async function findMisfits(tab: BrowserPage, grid: Grid, plan: IssuePlan, byKey: Map<string, ArticleInfo>): Promise<ArticleInfo[]> {
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
  // Module ids back to their articles, through the plan that named them.
  const byDomId = new Map(plan.pages.flatMap((p) => p.modules.map((m) => [`m-${m.domId}` as string, byKey.get(articleKey(m.piece))!] as const)));
  return [...new Set(over.map((id) => byDomId.get(id)).filter((i): i is ArticleInfo => i !== undefined))];
}

interface Measured {
  page: number;
  pageBox: { x: number; y: number; w: number; h: number };
  modules: Array<{ id: string; x: number; y: number; w: number; h: number; bodyY: number; unused: number; area: number; hole: number }>;
}

async function render(tab: BrowserPage, grid: Grid, issue: Issue, renders: PageRender[], plan: IssuePlan, ctx: BuildContext, browserVersion: string, timer: StageTimer): Promise<IssueLayout> {
  const done = timer.start('dom rects');
  if (ctx.session.keepFinalHtml) {
    // The paginated DOM, without the script that paginated it (the benchmark's floor).
    // Its @font-face rules cut to the faces the pages use, as a hand-made page would have.
    const t = performance.now();
    ctx.session.finalHtml.set(
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
    ctx.session.finalHtmlMs += performance.now() - t;
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
  const meta = { title: `${ctx.config.paper.name} ${issue.date} ${issueNumberText(issue.number)}`, author: ctx.config.paper.name, date: issue.date };
  const pageJobs = renders.map((r) => ({ file: out(paths.pagePdf(issue.id, r.page.number)), meta: { ...meta, title: `${meta.title} ${pageLabel(r.page.number)}` } }));
  const issuePdf = await printIssuePdf(tab, { file: out(paths.issuePdf(issue.id)), meta }, timer);
  const pagePdfs = splitPagePdfs(issuePdf, pageJobs, timer);
  pagePdfs.catch(() => undefined);
  const images = await pageImages(tab, renders.map((r) => ({ image: out(paths.pageImage(issue.id, r.page.number)), thumb: out(paths.pageThumb(issue.id, r.page.number)) })), ctx.config.print.pageImageWidth, THUMB_WIDTH, timer);
  await pagePdfs;
  const pagesOut: PageLayout[] = [];
  for (const [i, r] of renders.entries()) {
    const n = r.page.number;
    const image = await images[i];
    const m = measured[i];
    // House fillers are no articles of the issue: not in layout.json (the web lists only news).
    const news = r.modules.map((mod, k) => ({ mod, k })).filter(({ k }) => !plan.pages[i].modules[k].filler);
    const modules: ModuleLayout[] = news.map(({ mod, k }) => {
      const box = m.modules.find((x) => x.id === `m-${mod.domId}`)!;
      const piece = plan.pages[i].modules[k].piece;
      return {
        page: piece.page,
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
        overset: plan.overset.find((o) => sameArticle(o.article, piece))?.lines ?? 0,
      };
    });
    const fillers = r.modules
      .filter((_, k) => plan.pages[i].modules[k].filler)
      .map((mod) => {
        const box = m.modules.find((x) => x.id === `m-${mod.domId}`)!;
        return { rect: { x: round(box.x), y: round(box.y), w: round(box.w), h: round(box.h) }, column: mod.column, columns: mod.columns, line: mod.line + (r.masthead ? grid.mastheadLines : 0), lines: mod.lines };
      });
    const white = plan.leftover.find((x) => x.page === n)?.cells;
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
      ...(fillers.length ? { fillers } : {}),
      ...(white ? { white } : {}),
      pdf: path.relative(paths.issueDir(issue.id), paths.pagePdf(issue.id, n)),
      image: path.relative(paths.issueDir(issue.id), paths.pageImage(issue.id, n)),
      thumb: path.relative(paths.issueDir(issue.id), paths.pageThumb(issue.id, n)),
      imageSize: { w: image.width, h: image.height },
    });
    const jumps = modules.filter((x) => x.jumpTo || x.jumpFrom).map((x) => (x.jumpTo ? `${x.articleId}→${x.jumpTo}` : `${x.articleId}←${x.jumpFrom}`));
    ctx.log.info(`  ${pageLabel(n)}: ${modules.length} modules, fill ${percentDown(fill)}%${jumps.length ? `, jumps ${jumps.join(' ')}` : ''}`);
    // A page whose text is overset is not short of copy, however its last rows fell.
    if (fill < POLICY.fillTarget && !modules.some((x) => x.overset > 0)) {
      // An underfull page is the editor's call (more copy, a photo): say how much is missing.
      const lines = Math.max(1, Math.ceil(((POLICY.fillTarget - fill) * gridArea) / (grid.columnW * grid.line)));
      const reason = `${pageLabel(n)}: fill ${percentDown(fill)}% is below ${POLICY.fillTarget * 100}%: the page is short of about ${lines} column lines (${lines * grid.charsPerColumn} characters) of text; add copy or a photo`;
      const page = issue.children.find((x) => x.number === n);
      if (page) warnAboutPage(ctx, reason, { file: page.file, ruleId: 'print-underfull' });
      else ctx.log.warn(`${issue.id} ${reason}`);
    }
    ctx.log.progress('pages laid out', i + 1, renders.length);
  }
  const oversetLine = oversetSummary(issue, plan.overset, grid);
  if (oversetLine) ctx.log.warn(oversetLine);
  // A continuation on a themed or special page: no news page after it had room.
  // A page short of copy: the white the modules could not use, collected at the page foot.
  for (const x of plan.leftover) ctx.log.warn(`${issue.id}: ${pageLabel(x.page)} leaves ${x.cells} column lines (${percentDown(x.share)}% of the body grid) white at the page foot: add copy, a photo or a filler`);
  for (const x of plan.misplaced) ctx.log.warn(`${issue.id}: ${pageLabel(x.article.page)} article ${x.article.article} continues on ${pageLabel(x.page)}, a page that takes no continuations: the news pages before it have no room; shorten the story or mark that page \`continuations: true\``);

  const layout: IssueLayout = { issue: issue.id, browser: browserVersion, pdf: path.relative(paths.issueDir(issue.id), paths.issuePdf(issue.id)), pages: pagesOut };
  await writeFile(path.join(ctx.outDir, paths.layoutJson(issue.id)), JSON.stringify(layout, null, 1) + '\n');
  return layout;
}

/**
 * Text that fits on no page, as one warning line for the issue: how much (column lines
 * and about how many characters), of which articles, from which pages.
 */
export function oversetSummary(issue: Issue, overset: IssuePlan['overset'], grid: Pick<Grid, 'charsPerColumn'>): string | undefined {
  const entries = overset.filter((o) => o.lines > 0);
  if (entries.length === 0) return undefined;
  const total = entries.reduce((s, o) => s + o.lines, 0);
  const byPage = new Map<number, string[]>();
  for (const { article } of entries) {
    const list = byPage.get(article.page) ?? [];
    list.push(article.article);
    byPage.set(article.page, list);
  }
  const SHOWN = 5;
  const pages = [...byPage]
    .sort((a, b) => a[0] - b[0])
    .map(([n, ids]) => [n, ids.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))] as const)
    .map(([n, ids]) => `${pageLabel(n)} ${ids.slice(0, SHOWN).join(', ')}${ids.length > SHOWN ? ` and ${ids.length - SHOWN} more` : ''}`);
  const last = Math.max(...issue.children.map((p) => p.number));
  return `${issue.id}: ${total} column line(s) of text (about ${total * grid.charsPerColumn} characters) fit on no page up to ${pageLabel(last)} and are left out of the print edition (overset): ${entries.length} article(s), ${pages.join('; ')}; cut the text or add a page`;
}


/** A share as a percentage with one decimal, rounded down: a fill just under the target never reads as the target. */
function percentDown(share: number): string {
  return (Math.floor(share * 1000) / 10).toFixed(1);
}

function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Han characters, digits and letters of some body blocks (what makes a text a brief). */
function textChars(blocks: BodyBlock[]): number {
  let n = 0;
  for (const b of blocks) n += (toString(b).match(/[\p{Script=Han}\p{L}\p{N}]/gu) ?? []).length;
  return n;
}
