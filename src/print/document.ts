/**
 * HTML documents of the print edition: the measuring sheet (every article's header at
 * every width and size, its body blocks in one column) and the issue itself (page
 * frames, masthead, running header and folio for Paged.js, modules on the grid).
 */
import type { Article, Banner, BodyBlock, Figure, Issue, Page } from '../ast/types.js';
import type { BanmianConfig } from '../config/types.js';
import { issueDateText, issueNumberText, issueTotalText, jumpText, pageLabel, staffText } from '../ast/vocabulary.js';
import { columnX, type Grid, spanWidth } from '../layout/grid.js';
import { continuationSizes, headlineSizes, minModuleColumns, sizeSteps } from '../layout/headline.js';
import type { PlannedModule } from '../layout/plan.js';
import type { Rank } from '../layout/rank.js';
import type { LayoutPolicy } from '../layout/policy.js';
import { fontFaceCss, ORIGIN } from './assets.js';
import { blockHtml, esc, figureHtml, headerHtml } from './html.js';

export function rootStyle(grid: Grid): string {
  return `:root{--em:${grid.em}pt;--line:${grid.line}pt;--col:${grid.columnW}pt;--gut:${grid.gutter}pt;--type-w:${grid.typeW}pt;--grid-h:${grid.lines * grid.line}pt;--masthead-h:${grid.mastheadLines * grid.line}pt}`;
}

function head(grid: Grid, extra = ''): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style data-pagedjs-ignore>${fontFaceCss()}</style><link rel="stylesheet" href="${ORIGIN}/print.css"><style>${rootStyle(grid)}</style>${extra}`;
}

export interface MeasureItem {
  key: string;
  article: Article;
  /** Its headline's size band: rank on its page, and whether that page is the front page. */
  rank: Rank;
  front: boolean;
  banner?: Banner;
  blocks: BodyBlock[];
  photos: Figure[];
}

/**
 * One sheet with everything the packer needs, keyed by data attributes: every article's
 * header at its base headline size and its continuation header at every width a module
 * can have, its photo captions, its body blocks in one column. The bigger headline steps
 * are measured later, only where a module has room to grow (`sizesDocument`).
 */
export function measureDocument(grid: Grid, policy: LayoutPolicy, items: MeasureItem[]): string {
  let body = '';
  for (const it of items) {
    body += `<div class="measure" data-key="${esc(it.key)}">`;
    for (let w = minModuleColumns(policy, grid.columns); w <= grid.columns; w++) {
      const width = spanWidth(grid, w);
      body += headerProbe(policy, it, w, 0, false, width);
      body += headerProbe(policy, it, w, 0, true, width);
      it.photos.forEach((f, i) => {
        body += `<div class="figs" data-kind="f" data-w="${w}" data-i="${i}" style="width:${width}pt">${figureHtml(f, '', 0).replace(/<img[^>]*>/, '')}</div>`;
      });
    }
    body += `<div class="body" data-kind="b">${it.blocks.map(blockHtml).join('')}</div>`;
    body += `<div class="body" data-kind="j"><p class="jump">（下转第99版）</p></div>`;
    body += `</div>`;
  }
  return `${head(grid)}</head><body>${body}</body></html>`;
}

/** A header (`cont`: of a continuation module) at width w and size step s, to be measured. */
function headerProbe(policy: LayoutPolicy, it: Pick<MeasureItem, 'article' | 'banner' | 'rank' | 'front'>, w: number, s: number, cont: boolean, width: number): string {
  if (cont) return `<div class="mh" data-kind="c" data-w="${w}" data-s="${s}" style="width:${width}pt">${headerHtml(it.article, { headlinePt: continuationSizes(policy)[s], continuedFrom: 1 })}</div>`;
  const pt = headlineSizes(policy, it.rank, it.front, w)[s];
  return `<div class="mh${it.article.lead ? ' lead-module' : ''}" data-kind="h" data-w="${w}" data-s="${s}" style="width:${width}pt">${headerHtml(it.article, { headlinePt: pt, banner: it.banner })}</div>`;
}

export interface SizeProbe {
  key: string;
  article: Article;
  rank: Rank;
  front: boolean;
  banner?: Banner;
  w: number;
  cont: boolean;
}

/** The growth steps (sizes 1…) of the given headers, for the modules that have spare rows. */
export function sizesDocument(grid: Grid, policy: LayoutPolicy, probes: SizeProbe[]): string {
  let body = '';
  for (const p of probes) {
    body += `<div class="measure" data-key="${esc(p.key)}">`;
    const steps = sizeSteps(policy, p.cont);
    for (let s = 1; s < steps; s++) body += headerProbe(policy, p, p.w, s, p.cont, spanWidth(grid, p.w));
    body += `</div>`;
  }
  return `${head(grid)}</head><body>${body}</body></html>`;
}

/** A planned module (src/layout/plan.ts: its place and sizes) with the AST content it sets. */
export interface ModuleRender
  extends Pick<PlannedModule, 'column' | 'columns' | 'line' | 'lines' | 'headerLines' | 'headlinePt' | 'figureLines' | 'bodyLeading' | 'ruleBelow' | 'jumpTo' | 'lead'> {
  article: Article;
  /** Which body blocks are set here. */
  blocks: BodyBlock[];
  photos: Array<{ figure: Figure; src: string; heightPt: number }>;
  banner?: Banner;
  continuedFrom?: number;
  /** Stable id for the DOM: `<articleId>` or `<articleId>-<part>`. */
  domId: string;
  /** Blocks (by index in `blocks`) preceded by a blank line, so the columns end full. */
  gapsBefore?: number[];
  /** Blocks (by index in `blocks`) that open a new column (src/layout/columns.ts). */
  columnBreaks?: number[];
  /** A house filler (公益/补白, src/layout/fillers.ts): framed as such. */
  filler?: boolean;
}

export interface PageRender {
  page: Page;
  modules: ModuleRender[];
  masthead: boolean;
}

function moduleHtml(grid: Grid, m: ModuleRender): string {
  const x = columnX(grid, m.column);
  const y = m.line * grid.line;
  const w = spanWidth(grid, m.columns);
  const h = m.lines * grid.line;
  const content = m.lines - (m.ruleBelow ? 1 : 0);
  const bodyLines = Math.max(0, content - m.headerLines - m.figureLines);
  const classes = ['module', m.lead ? 'lead-module' : '', m.ruleBelow ? 'rule-below' : '', m.column > 0 ? 'rule-left' : '', m.filler ? 'filler' : '', m.article.data?.pullQuote ? 'pullquote' : ''].filter(Boolean).join(' ');
  let html = `<div class="${classes}" id="m-${esc(m.domId)}" data-article="${esc(m.article.id)}" style="left:${x}pt;top:${y}pt;width:${w}pt;height:${h}pt">`;
  html += `<div class="mh" style="height:${m.headerLines * grid.line}pt">${headerHtml(m.article, { headlinePt: m.headlinePt, banner: m.banner, continuedFrom: m.continuedFrom })}</div>`;
  if (m.photos.length) html += `<div class="figs" style="height:${m.figureLines * grid.line}pt">${m.photos.map((p) => figureHtml(p.figure, p.src, p.heightPt, m.columns)).join('')}</div>`;
  const jump = m.jumpTo ? `<p class="jump">（${jumpText('to', m.jumpTo)}）</p>` : '';
  const leading = m.bodyLeading ? `;--line:${m.bodyLeading}pt;line-height:${m.bodyLeading}pt` : '';
  html += `<div class="body" style="column-count:${m.columns};height:${bodyLines * grid.line}pt${leading}">${m.blocks.map((b, i) => (m.gapsBefore?.includes(i) ? '<div class="gap"></div>' : '') + (m.columnBreaks?.includes(i) ? `<div class="colstart" style="break-before:column">${blockHtml(b)}</div>` : blockHtml(b))).join('')}${jump}</div>`;
  html += `</div>`;
  return html;
}

function pageHeaderHtml(issue: Issue, page: Page, config: BanmianConfig): string {
  const d = issueDateText(issue.date);
  const label = pageLabel(page.number);
  const staff = staffText(page.staff, '　', (names) => esc(names.join(' ')));
  return (
    `<div class="running-header"><div class="ph"><h1 class="ph-title"><span class="no">${label}</span>${page.name ? `<span class="name">${esc(page.name)}</span>` : ''}${page.pinyin ? `<span class="pinyin">${esc(page.pinyin)}</span>` : ''}</h1>` +
    `<span class="staff">${staff}</span><span class="date">${esc(config.paper.name)}　${d.date}　${d.weekday}</span></div></div>` +
    `<div class="running-folio"><div class="folio">${esc(config.paper.name)}　${d.date}　${label}</div></div>`
  );
}

function mastheadHtml(issue: Issue, config: BanmianConfig): string {
  const d = issueDateText(issue.date);
  return (
    `<div class="masthead"><div><span class="title">${esc(config.paper.name)}</span>${config.paper.nameLatin ? `<span class="latin">${esc(config.paper.nameLatin)}</span>` : ''}</div>` +
    `<div class="facts"><div class="big">${d.date}　${d.weekday}</div><div>农历${esc(d.lunar)}</div><div>${issueNumberText(issue.number)}${issueTotalText(issue.total)}</div></div>` +
    `<div class="cn"><div>国内统一连续出版物号</div><div><b>${esc(config.paper.cn)}</b></div>${config.paper.publisher ? `<div>${esc(config.paper.publisher)}出版</div>` : ''}</div></div>`
  );
}

/** Paged.js page rules: trim size, margins that put the body grid where the grid says, margin boxes. */
function pageCss(grid: Grid, marks: boolean): string {
  const left = grid.typeX;
  const top = grid.typeY;
  const right = grid.trimW - grid.typeX - grid.typeW;
  // The content box is a hair taller than the sheet so Paged.js never spills a page.
  const bottom = Math.max(12, grid.trimH - grid.typeY - grid.lines * grid.line - 2);
  return `@page{size:${grid.trimW.toFixed(3)}pt ${grid.trimH.toFixed(3)}pt;margin:${top.toFixed(3)}pt ${right.toFixed(3)}pt ${bottom.toFixed(3)}pt ${left.toFixed(3)}pt;${marks ? 'marks:crop cross;bleed:3mm;' : ''}
@top-center{content:element(pageHeader);vertical-align:bottom;padding-bottom:${grid.line}pt}
@bottom-center{content:element(folio);vertical-align:top;padding-top:${grid.line / 2}pt}}`;
}

/** The issue document, one sheet a page, with the page rules Paged.js lays it out by (src/print/sheet.ts `paginate`). */
export function issueDocument(grid: Grid, issue: Issue, pages: PageRender[], config: BanmianConfig): string {
  let body = '';
  for (const p of pages) {
    body += `<section class="sheet" data-page="${p.page.number}">${pageHeaderHtml(issue, p.page, config)}`;
    if (p.masthead) body += mastheadHtml(issue, config);
    body += `<div class="grid" style="height:${(grid.lines - (p.masthead ? grid.mastheadLines : 0)) * grid.line}pt">${p.modules.map((m) => moduleHtml(grid, m)).join('')}</div></section>`;
  }
  const title = `${config.paper.name} ${issue.date} ${issueNumberText(issue.number)}`;
  const pagedSetup = `<style>${pageCss(grid, config.print.marks)}</style>`;
  return `${head(grid, pagedSetup)}<title>${esc(title)}</title><meta name="author" content="${esc(config.paper.name)}"></head><body>${body}</body></html>`;
}
