/**
 * One function per kind of site page: each makes the view its template reads (plain
 * objects, every optional field an explicit `null` for Handlebars strict mode) and
 * renders it. These are the units an incremental rebuild calls.
 */
import { articleCorrections } from '../archive/corrections.js';
import { toString } from 'mdast-util-to-string';
import type { Article, Banner, BodyBlock } from '../ast/types.js';
import { issueNumberText, monthText, pageLabel, RUNNING_TEXT_TYPES, staffText } from '../ast/vocabulary.js';
import { createHash } from 'node:crypto';
import type { BanmianConfig } from '../config/types.js';
import type { Position } from 'unist';
import { continuationOf, originOf, type ArticleRef, type IssueRef, type PageRef, type SiteModel } from './model.js';
import type { NodeEnv, Templates } from './templates.js';
import { routeFile, routes, type SiteUrls } from './urls.js';
import { SEARCH_INDEX_DIR, SEARCH_SOURCE_DIR, type SearchSource } from './search.js';
import { issueFolder } from '../ast/issue-folder.js';
import type { PageWarning } from '../report/page-files.js';

export interface ImageRef {
  /** Site-relative path. */
  path: string;
  width: number;
  height: number;
  /** Site-relative path of a WebP copy (page images and thumbnails). */
  webp?: string;
  /** Responsive copies by width (page images): WebP and AVIF. */
  srcset?: { webp: Array<{ path: string; w: number }>; avif: Array<{ path: string; w: number }> };
}

/** What the renderers need besides the model: asset addresses and image sizes. */
export interface Assets {
  /** Site-relative path of the stylesheet, with its cache-busting query. */
  css: string;
  /** Site-relative path of the font faces' stylesheet (a fixed name), null without self-hosted faces. */
  fonts?: string | null;
  icon: string;
  searchScript: string;
  pageScript: string;
  /** Every view's script (src/web/view-client.js): font faces switched on, the date picker's calendar. */
  viewScript: string;
  figure(issueId: string, src: string): ImageRef | undefined;
  thumb(issueId: string, page: number): ImageRef | undefined;
  /** The page image of the print edition, with its WebP copy. */
  pageImage(issueId: string, page: number): ImageRef | undefined;
}

export interface RenderContext {
  templates: Templates;
  model: SiteModel;
  urls: SiteUrls;
  config: BanmianConfig;
  assets: Assets;
  /**
   * A warning about a page (`where`: its file, the place, the kind): on the page's VFile
   * when the build has one, else a log line `file:line: message` (src/report/page-files.ts).
   */
  warn(message: string, where: PageWarning): void;
}

// ---------------------------------------------------------------------------
// One issue at a time

/**
 * What an issue's views (front, page views, article views, search source) show from outside
 * the issue, as a digest: the site's fields (paper name, addresses, the stylesheet's and
 * scripts' content-hashed names; the font faces' sheet has a fixed name), the base address
 * and origin, and the neighbours' addresses and dates (上一期 / 下一期). Nothing else of
 * the archive is written into a view: the date picker's days come from ISSUE_DATES, the font
 * faces from assets/fonts.css, both fetched by the browser.
 *
 * So an issue's views are byte-identical to the previous build's when this key is equal and
 * so are its inputs the key does not cover: the issue's own page files and issue.yaml (its
 * corrections), its layout.json
 * and images (figures, page images), the templates and banmian's code. A new issue changes
 * the key of its older neighbour only (its 下一期).
 */
export function issueViewKey(rc: RenderContext, issue: IssueRef): string {
  const i = rc.model.issues.indexOf(issue);
  if (i < 0) throw new Error(`issueViewKey: issue ${issue.id} is not in the model`);
  const neighbour = (n: IssueRef | undefined) => (n ? [n.url, n.dateText] : null);
  const outside = { site: siteView(rc), base: rc.urls.basePath, origin: rc.urls.origin, newer: neighbour(rc.model.issues[i - 1]), older: neighbour(rc.model.issues[i + 1]) };
  return createHash('sha256').update(JSON.stringify(outside)).digest('hex');
}

/** Where an issue's search source goes (site-relative). */
export function searchSourceFile(issueId: string): string {
  return `${SEARCH_SOURCE_DIR}/${issueId}.json`;
}

/**
 * Every file of one issue — its front, page views, article views and search source — into
 * `out` (site-relative path → content). The unit a build renders (and hands to the writer)
 * before the next issue, so an archive of any size is rendered issue by issue.
 */
export function renderIssueViews(rc: RenderContext, issue: IssueRef, out: Map<string, string> = new Map()): Map<string, string> {
  out.set(routeFile(issue.url), renderIssueFront(rc, issue));
  out.set(searchSourceFile(issue.id), renderSearchSource(issue));
  for (const page of issue.pages) renderPageFiles(rc, page, out);
  return out;
}

/** A page's own views: its page view and the views of its articles. */
export function renderPageFiles(rc: RenderContext, page: PageRef, out: Map<string, string> = new Map()): Map<string, string> {
  out.set(routeFile(page.url), renderPageView(rc, page));
  for (const article of page.articles) out.set(routeFile(article.url), renderArticle(rc, article));
  return out;
}

// ---------------------------------------------------------------------------
// Shared parts of every view

/**
 * Parts of a view that are the same on many views (an issue's masthead line and issue bar,
 * a page's sidebar), built once per render context: less to allocate per view, and the
 * templates' block cache finds the JSON of its key already made for the same object.
 */
const shared = new WeakMap<RenderContext, Map<string, unknown>>();
function once<T>(rc: RenderContext, key: string, build: () => T): T {
  let byKey = shared.get(rc);
  if (!byKey) shared.set(rc, (byKey = new Map()));
  if (!byKey.has(key)) byKey.set(key, build());
  return byKey.get(key) as T;
}

/** The site's fields, one object per render context: every view shows the same (the templates' block cache keys on it). */
const siteViews = new WeakMap<RenderContext, ReturnType<typeof buildSiteView>>();
function siteView(rc: RenderContext) {
  let v = siteViews.get(rc);
  if (!v) siteViews.set(rc, (v = buildSiteView(rc)));
  return v;
}

function buildSiteView(rc: RenderContext) {
  const { paper } = rc.config;
  const h = (rel: string) => rc.urls.href(rel);
  return {
    name: paper.name,
    nameLatin: paper.nameLatin ?? null,
    cn: paper.cn,
    publisher: paper.publisher ?? null,
    address: paper.address ?? null,
    phone: paper.phone ?? null,
    home: h(routes.home()),
    archive: h(routes.archive()),
    subscribe: h(routes.subscribe()),
    search: h(routes.search()),
    feed: h(routes.feed()),
    css: h(rc.assets.css),
    fonts: rc.assets.fonts ? h(rc.assets.fonts) : null,
    script: h(rc.assets.viewScript),
    dates: h(ISSUE_DATES),
    icon: h(rc.assets.icon),
  };
}

function issueInfo(rc: RenderContext, issue: IssueRef) {
  return once(rc, `issueInfo ${issue.id}`, () => ({
    url: rc.urls.href(issue.url),
    date: issue.date,
    dateText: issue.dateText,
    weekday: issue.weekday,
    lunar: issue.lunar,
    number: issue.issue.number,
    total: issue.issue.total ?? null,
  }));
}

/**
 * 上一期 / 下一期 and the date picker of every issue view. The picker names only the issue's
 * month and the issue: its calendar (the days with an issue) is built by the view's script
 * from ISSUE_DATES when opened, and without scripts it links to the month in 往期回顾; so a
 * view shows nothing of other issues but its neighbours' dates.
 */
function issueNavView(rc: RenderContext, issue: IssueRef) {
  return once(rc, `issueNav ${issue.id}`, () => buildIssueNav(rc, issue));
}

function buildIssueNav(rc: RenderContext, issue: IssueRef) {
  const i = rc.model.issues.indexOf(issue);
  const newer = rc.model.issues[i - 1];
  const older = rc.model.issues[i + 1];
  const month = issue.date.slice(0, 7);
  return {
    older: older ? { url: rc.urls.href(older.url), text: older.dateText } : null,
    newer: newer ? { url: rc.urls.href(newer.url), text: newer.dateText } : null,
    dateText: issue.dateText,
    month,
    current: rc.urls.href(issue.url),
    monthArchive: `${rc.urls.href(routes.archive())}#m-${month}`,
  };
}

/** The date picker's data (site-relative): every issue's day, by month. */
export const ISSUE_DATES = 'archive/dates.json';

/**
 * ISSUE_DATES: `{"months": {"2026-11": [[20, "/2026-11-20/", "2026年11月20日 第3000期"], …]}}`,
 * months newest first, days in order; a day with two issues links the one 往期回顾's calendars link.
 */
export function renderIssueDates(rc: RenderContext): string {
  const months: Record<string, Array<[number, string, string]>> = {};
  for (const issue of rc.model.issues) {
    const key = issue.date.slice(0, 7);
    const day = Number(issue.date.slice(8, 10));
    const list = (months[key] ??= []);
    if (list.some((d) => d[0] === day)) continue;
    list.push([day, rc.urls.href(issue.url), `${issue.dateText} ${issueNumberText(issue.issue.number)}`]);
  }
  const newestFirst = Object.fromEntries(Object.entries(months).sort(([a], [b]) => (a < b ? 1 : -1)).map(([k, days]) => [k, days.sort((a, b) => a[0] - b[0])]));
  return `${JSON.stringify({ months: newestFirst })}\n`;
}

/** Calendars by render context and month (every view of a month shows the same one). */
const calendars = new WeakMap<RenderContext, Map<string, ReturnType<typeof buildMonthCalendar>>>();

/** A month's calendar (往期回顾): weeks of days, a day with an issue links to it. */
function monthCalendar(rc: RenderContext, key: string) {
  let byMonth = calendars.get(rc);
  if (!byMonth) calendars.set(rc, (byMonth = new Map()));
  let month = byMonth.get(key);
  if (!month) byMonth.set(key, (month = buildMonthCalendar(rc, key)));
  return month;
}

function buildMonthCalendar(rc: RenderContext, key: string) {
  const [y, m] = key.split('-').map(Number);
  const days = new Map<number, IssueRef>();
  for (const issue of rc.model.issues) {
    if (issue.date.slice(0, 7) !== key) continue;
    const day = Number(issue.date.slice(8, 10));
    if (!days.has(day)) days.set(day, issue);
  }
  const first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
  const count = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const cells: Array<{ day: number | null; url: string | null; label: string; current: boolean }> = [];
  for (let i = 0; i < first; i++) cells.push({ day: null, url: null, label: '', current: false });
  for (let d = 1; d <= count; d++) {
    const issue = days.get(d);
    cells.push({ day: d, url: issue ? rc.urls.href(issue.url) : null, label: issue ? `${issue.dateText} ${issueNumberText(issue.issue.number)}` : '', current: false });
  }
  while (cells.length % 7) cells.push({ day: null, url: null, label: '', current: false });
  const weeks = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push({ days: cells.slice(i, i + 7) });
  // Everything the calendar shows, for the templates' block cache.
  const signature = `${rc.urls.basePath}${key}:${cells.map((c) => (c.url ? `${c.day}=${c.url}=${c.label}` : '')).join(',')}`;
  return { id: `m-${key}`, year: y, label: monthText(y, m), weeks, count: days.size, key: signature };
}

function imageView(rc: RenderContext, img: ImageRef | undefined) {
  return img ? { src: rc.urls.href(img.path), width: img.width, height: img.height, webp: img.webp ? rc.urls.href(img.webp) : null } : null;
}

function sidebarView(rc: RenderContext, issue: IssueRef, current?: PageRef) {
  return once(rc, `sidebar ${issue.id} ${current?.number ?? ''}`, () => ({
    pages: issue.pages.map((p) => ({
      title: p.title,
      url: rc.urls.href(p.url),
      thumb: p.layout ? imageView(rc, rc.assets.thumb(issue.id, p.number)) : null,
      current: p === current,
    })),
    pdf: issue.layout?.pdf ? rc.urls.href(routes.issueFile(issue.id, issue.layout.pdf)) : null,
  }));
}

interface HeadInput {
  title: string;
  description: string;
  /** Site-relative address of this page; null for pages without a canonical (404). */
  rel: string | null;
  ogType?: 'website' | 'article';
  ogTitle?: string;
  ogImage?: string | null;
  jsonLd?: object | null;
  noindex?: boolean;
  extraCss?: string | null;
}

function headView(rc: RenderContext, h: HeadInput) {
  return {
    title: h.title,
    description: h.description,
    canonical: h.rel === null ? null : rc.urls.abs(h.rel),
    noindex: h.noindex ?? false,
    ogType: h.ogType ?? 'website',
    ogTitle: h.ogTitle ?? h.title,
    ogImage: h.ogImage ?? null,
    jsonLd: h.jsonLd ?? null,
    extraCss: h.extraCss ?? null,
  };
}

function nodeEnv(rc: RenderContext, page: PageRef): NodeEnv {
  const file = page.page.file;
  const issue = page.issue;
  return {
    file,
    warn: (message: string, position?: Position, ruleId = 'web-render') => rc.warn(message, { file, place: position, ruleId }),
    figureImage: (src) => {
      const img = rc.assets.figure(issue.id, src);
      return img ? { src: rc.urls.href(img.path), width: img.width, height: img.height } : undefined;
    },
    jumpHref: (direction, target) => {
      const targetPage = issue.pages.find((p) => p.number === target);
      if (!targetPage) return undefined;
      const article = direction === 'to' ? continuationOf(issue, page.number, target) : originOf(issue, page.number, target);
      return rc.urls.href(article?.url ?? targetPage.url);
    },
  };
}

/** A page render without AST nodes still needs an env (the templates insist). */
function plainEnv(rc: RenderContext, file: string): NodeEnv {
  return { file, warn: (m, position, ruleId = 'web-render') => rc.warn(m, { file, place: position, ruleId }), figureImage: () => undefined, jumpHref: () => undefined };
}

/**
 * A site-wide view (home without issues, archive, subscribe, search, 404): the same frame
 * — no issue navigation, no sidebar, the latest issue's bar unless `issueBar` is false —
 * around the template's own fields.
 */
function renderSiteView(
  rc: RenderContext,
  view: { template: string; file: string; bodyClass: string; head: HeadInput; issueBar?: boolean },
  fields: Record<string, unknown>,
): string {
  const latest = rc.model.issues[0];
  return rc.templates.render(
    view.template,
    {
      site: siteView(rc),
      head: headView(rc, view.head),
      issueInfo: view.issueBar !== false && latest ? issueInfo(rc, latest) : null,
      issueNav: null,
      sidebar: null,
      bodyClass: view.bodyClass,
      ...fields,
    },
    plainEnv(rc, view.file),
  );
}

function pageMeta(issue: IssueRef): string {
  return `${issue.dateText} ${issue.weekday} ${issueNumberText(issue.issue.number)}`;
}

// ---------------------------------------------------------------------------
// Issue front and home

function frontView(rc: RenderContext, issue: IssueRef) {
  const newer = rc.model.issues[rc.model.issues.indexOf(issue) - 1];
  const older = rc.model.issues[rc.model.issues.indexOf(issue) + 1];
  return {
    dateText: issue.dateText,
    weekday: issue.weekday,
    number: issue.issue.number,
    pages: issue.pages.map((p) => ({
      url: rc.urls.href(p.url),
      title: p.title,
      label: p.label,
      name: p.name,
      thumb: p.layout ? imageView(rc, rc.assets.thumb(issue.id, p.number)) : null,
      articles: p.articles.map((a) => ({ url: rc.urls.href(a.url), title: a.title })),
    })),
    older: older ? { url: rc.urls.href(older.url), text: older.dateText } : null,
    newer: newer ? { url: rc.urls.href(newer.url), text: newer.dateText } : null,
    pdf: issue.layout?.pdf ? rc.urls.href(routes.issueFile(issue.id, issue.layout.pdf)) : null,
  };
}

export function renderIssueFront(rc: RenderContext, issue: IssueRef): string {
  const name = rc.config.paper.name;
  return rc.templates.render(
    'issue',
    {
      site: siteView(rc),
      head: headView(rc, {
        title: `${name} ${issue.dateText} ${issueNumberText(issue.issue.number)}`,
        description: `${name}${issue.dateText}数字报：${issue.pages.map((p) => p.title).join('，')}`,
        rel: issue.url,
        ogImage: firstPageImage(rc, issue),
      }),
      issueInfo: issueInfo(rc, issue),
      sidebar: sidebarView(rc, issue),
      issueNav: issueNavView(rc, issue),
      bodyClass: 'issue-view',
      heading: `${name} · ${issue.dateText}`,
      front: frontView(rc, issue),
    },
    plainEnv(rc, issueFolder(issue.issue)),
  );
}

/**
 * `/`: the latest issue's first page view (as national e-papers open), with 版面导航 and
 * 标题导航; its canonical address is the page view's. Without issues, a notice.
 */
export function renderHome(rc: RenderContext): string {
  const latest = rc.model.issues[0];
  if (latest?.pages[0]) return renderPageView(rc, latest.pages[0], { home: true });
  const name = rc.config.paper.name;
  return renderSiteView(
    rc,
    { template: 'home', file: 'index.html', bodyClass: 'home-view', head: { title: `${name} 数字报`, description: `${name}数字报`, rel: routes.home() }, issueBar: false },
    { heading: name },
  );
}

/** 往期回顾: years, newest first, each with a calendar per month that has issues. */
function archiveView(rc: RenderContext) {
  const keys = [...new Set(rc.model.issues.map((i) => i.date.slice(0, 7)))];
  const years: Array<{ year: number; id: string; months: ReturnType<typeof monthCalendar>[]; count: number }> = [];
  for (const key of keys) {
    const month = monthCalendar(rc, key);
    let year = years.at(-1);
    if (!year || year.year !== month.year) years.push((year = { year: month.year, id: `y-${month.year}`, months: [], count: 0 }));
    year.months.push(month);
    year.count += month.count;
  }
  return { years, total: rc.model.issues.length };
}

export function renderArchive(rc: RenderContext): string {
  const name = rc.config.paper.name;
  return renderSiteView(
    rc,
    {
      template: 'archive',
      file: 'archive/index.html',
      bodyClass: 'archive-view',
      head: { title: `往期回顾 - ${name}`, description: `${name}数字报往期回顾：按年月浏览全部${rc.model.issues.length}期`, rel: routes.archive() },
    },
    { archive: archiveView(rc) },
  );
}

/** 订阅: what the feed is and its address. */
export function renderSubscribe(rc: RenderContext): string {
  const name = rc.config.paper.name;
  return renderSiteView(
    rc,
    {
      template: 'subscribe',
      file: 'feed/index.html',
      bodyClass: 'subscribe-view',
      head: { title: `订阅 - ${name}`, description: `用阅读器订阅${name}数字报的最新文章`, rel: routes.subscribe() },
    },
    { feed: { url: rc.urls.abs(routes.feed()), href: rc.urls.href(routes.feed()), size: rc.config.site.feedSize ?? null } },
  );
}

function firstPageImage(rc: RenderContext, issue: IssueRef): string | null {
  const first = issue.pages[0];
  return first?.layout ? rc.urls.abs(routes.issueFile(issue.id, first.layout.image)) : null;
}

// ---------------------------------------------------------------------------
// Page view

export function renderPageView(rc: RenderContext, page: PageRef, opts: { home?: boolean } = {}): string {
  const issue = page.issue;
  const name = rc.config.paper.name;
  const layout = page.layout;
  const hotAreas = [];
  /** Articles of other pages that the print edition placed (or continued) on this one. */
  const guests: Array<{ url: string; title: string; note: string }> = [];
  if (layout) {
    for (const m of layout.modules) {
      // A module belongs to the article of page `m.page` (its own page): a continuation
      // (上接) or an article moved here links to the article's own view.
      const target = issue.pages.find((p) => p.number === m.page)?.articles.find((a) => a.id === m.articleId);
      if (!target) {
        rc.warn(`layout.json has a module for ${m.page}/${m.articleId}, which is not in the text`, { file: page.page.file, ruleId: 'web-layout-mismatch' });
        continue;
      }
      const note = m.page === page.number ? null : m.jumpFrom ? `上接${pageLabel(m.jumpFrom)}` : `转自${target.page.label}`;
      const label = note ? `${target.title}（${note}）` : target.title;
      hotAreas.push({ url: rc.urls.href(target.url), title: label, x: r(m.rect.x), y: r(m.rect.y), w: r(m.rect.w), h: r(m.rect.h) });
      if (note && !guests.some((g) => g.url === rc.urls.href(target.url))) guests.push({ url: rc.urls.href(target.url), title: target.title, note });
    }
  }
  const pageImage = layout ? rc.assets.pageImage(issue.id, page.number) : undefined;
  const image = layout
    ? {
        src: rc.urls.href(routes.issueFile(issue.id, layout.image)),
        webp: pageImage?.webp ? rc.urls.href(pageImage.webp) : null,
        script: rc.urls.href(rc.assets.pageScript),
        srcsetWebp: pageImage?.srcset ? pageImage.srcset.webp.map((v) => `${rc.urls.href(v.path)} ${v.w}w`).join(', ') : null,
        srcsetAvif: pageImage?.srcset ? pageImage.srcset.avif.map((v) => `${rc.urls.href(v.path)} ${v.w}w`).join(', ') : null,
        width: layout.imageSize.w,
        height: layout.imageSize.h,
        viewBox: `0 0 ${r(layout.trim.w)} ${r(layout.trim.h)}`,
        hotAreas,
      }
    : null;
  const articles = page.articles.map((a) => {
    // A banner belongs to the one article after it (bannerOwners), so it shows once.
    const banner = page.banners.get(a.id);
    const bannerText = banner ? bannerTitle(banner) : null;
    return {
      url: rc.urls.href(a.url),
      title: a.title,
      lead: a.article.lead,
      elsewhere: layout ? placedElsewhere(page, a.id) : null,
      banner: bannerText,
      kicker: a.parts.kickers.length ? a.parts.kickers.map((k) => toString(k)).join(' ') : null,
      subtitle: a.parts.subtitles.length ? a.parts.subtitles.map((s) => (s.dash ? '——' : '') + toString(s)).join(' ') : null,
      byline: a.parts.bylines.length ? a.parts.bylines.map((b) => toString(b)).join(' ') : null,
      excerpt: excerpt(a.parts.body, 90),
    };
  });
  return rc.templates.render(
    'page',
    {
      site: siteView(rc),
      head: headView(rc, {
        title: opts.home ? `${name} 数字报 · ${issue.dateText} ${page.title}` : `${page.title} - ${name} ${issue.dateText}`,
        description: `${name}${issue.dateText}${page.title}：${page.articles.map((a) => a.title).join('；')}`.slice(0, 200),
        rel: page.url,
        ogImage: layout ? rc.urls.abs(routes.issueFile(issue.id, layout.image)) : null,
      }),
      issueInfo: issueInfo(rc, issue),
      sidebar: sidebarView(rc, issue, page),
      issueNav: issueNavView(rc, issue),
      bodyClass: opts.home ? 'page-view home-view' : 'page-view',
      page: {
        title: page.title,
        label: page.label,
        name: page.name,
        pinyin: page.page.pinyin ?? null,
        issueText: pageMeta(issue),
        prev: page.prev ? { url: rc.urls.href(page.prev.url), title: page.prev.title } : null,
        next: page.next ? { url: rc.urls.href(page.next.url), title: page.next.title } : null,
        pdf: layout?.pdf ? rc.urls.href(routes.issueFile(issue.id, layout.pdf)) : null,
        image,
        articles,
        guests,
        staff: staffText(page.page.staff, '　') || null,
      },
    },
    plainEnv(rc, page.page.file),
  );
}

/** `见第02版` when the print edition placed none of this page's article on the page itself. */
function placedElsewhere(page: PageRef, articleId: string): string | null {
  const mine = (m: { page: number; articleId: string }) => m.page === page.number && m.articleId === articleId;
  if (!page.layout || page.layout.modules.some(mine)) return null;
  const other = page.issue.pages.find((p) => p.layout?.modules.some(mine));
  return other ? `见${other.label}` : null;
}

function r(n: number): number {
  return Math.round(n * 100) / 100;
}

function bannerTitle(banner: Banner): string {
  // A word joiner (U+2060) on each side of a middle dot: the banner breaks at its spaces,
  // never with · starting a line (browsers allow a break there even with keep-all).
  return banner.children.map((c) => toString(c).replace(/[·・]/g, '\u2060$&\u2060')).join(' ');
}


function excerpt(body: BodyBlock[], max: number): string {
  let text = '';
  for (const block of body) {
    if (!RUNNING_TEXT_TYPES.has(block.type)) continue;
    text += toString(block, { includeHtml: false });
    if (text.length >= max) break;
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > max ? text.slice(0, max) + '……' : text;
}

// ---------------------------------------------------------------------------
// Article view

export function renderArticle(rc: RenderContext, art: ArticleRef): string {
  const page = art.page;
  const issue = page.issue;
  const name = rc.config.paper.name;
  const canonicalRel = art.url;
  const images = figureImages(rc, issue.id, art.article);
  const authors = art.parts.bylines.flatMap((b) => b.names);
  const description = excerpt(art.parts.body, 110) || art.title;
  // 更正 to a published article: on the web only (src/archive/corrections.ts).
  const corrections = articleCorrections(issue.issue, page.number, art.id);
  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: art.title.slice(0, 110),
    datePublished: issue.date,
    dateModified: corrections.at(-1)?.date ?? issue.date,
    inLanguage: 'zh-CN',
    mainEntityOfPage: rc.urls.abs(canonicalRel),
    url: rc.urls.abs(canonicalRel),
    articleSection: page.title,
    author: authors.length
      ? authors.map((n) => ({ '@type': 'Person', name: n }))
      : [{ '@type': 'Organization', name }],
    publisher: { '@type': 'Organization', name },
    ...(images.length ? { image: images } : {}),
  };
  const banner = page.banners.get(art.id);
  const { parts } = art;
  return rc.templates.render(
    'article',
    {
      site: siteView(rc),
      head: headView(rc, {
        title: `${art.title} - ${name} ${issue.dateText} ${page.label}`,
        description,
        rel: canonicalRel,
        ogType: 'article',
        ogTitle: art.title,
        ogImage: images[0] ?? null,
        jsonLd,
      }),
      issueInfo: issueInfo(rc, issue),
      sidebar: sidebarView(rc, issue, page),
      issueNav: issueNavView(rc, issue),
      bodyClass: 'article-view',
      crumbs: { issue: { url: rc.urls.href(issue.url), text: `${issue.dateText} ${issueNumberText(issue.issue.number)}` }, page: { url: rc.urls.href(page.url), title: page.title } },
      banner: banner ? bannerTitle(banner) : null,
      art: {
        title: art.title,
        lead: art.article.lead,
        sectionLabels: parts.sectionLabels,
        kickers: parts.kickers,
        headline: parts.headline ?? null,
        // Plain headline lines (text and line breaks only) get phrase-aware breaking.
        headlineLines: parts.headline && parts.headline.children.every((c) => c.type === 'text' || c.type === 'break') ? headlineLines(parts.headline.children) : null,
        subtitles: parts.subtitles,
        bylines: parts.bylines,
        body: parts.body,
      },
      nav: {
        page: { url: rc.urls.href(page.url), title: page.title },
        prev: art.prev ? { url: rc.urls.href(art.prev.url), title: art.prev.title, page: art.prev.page.label } : null,
        next: art.next ? { url: rc.urls.href(art.next.url), title: art.next.title, page: art.next.page.label } : null,
      },
      pageTitles: boundedTitles(rc, art),
      miniPage: miniPageView(rc, art),
      corrections,
    },
    nodeEnv(rc, page),
  );
}

function headlineLines(children: Array<{ type: string }>): string[] {
  const lines = [''];
  for (const c of children) {
    if (c.type === 'break') lines.push('');
    else lines[lines.length - 1] += (c as unknown as { value: string }).value;
  }
  return lines;
}

/** The article view's mini page: its page's thumbnail with the article's modules marked, linking to the page view. */
function miniPageView(rc: RenderContext, art: ArticleRef) {
  const page = art.page;
  const layout = page.layout;
  const thumb = layout ? rc.assets.thumb(page.issue.id, page.number) : undefined;
  const rects = layout?.modules.filter((m) => m.page === page.number && m.articleId === art.id) ?? [];
  if (!layout || !thumb || !rects.length) return null;
  return {
    url: rc.urls.href(page.url),
    title: page.title,
    thumb: imageView(rc, thumb),
    viewBox: `0 0 ${r(layout.trim.w)} ${r(layout.trim.h)}`,
    rects: rects.map((m) => ({ x: r(m.rect.x), y: r(m.rect.y), w: r(m.rect.w), h: r(m.rect.h) })),
  };
}

/** Most titles an article view lists of its page (a page of thousands of articles must not make every view carry them all). */
export const MAX_ARTICLE_TITLES = 15;

/**
 * 本版标题 of an article view: its own page's titles, at most MAX_ARTICLE_TITLES around
 * the article, and a link to the page view when some are left out.
 */
function boundedTitles(rc: RenderContext, art: ArticleRef) {
  const all = art.page.articles;
  const at = all.indexOf(art);
  const start = Math.max(0, Math.min(at - Math.floor(MAX_ARTICLE_TITLES / 2), all.length - MAX_ARTICLE_TITLES));
  const shown = all.slice(start, start + MAX_ARTICLE_TITLES);
  return {
    items: shown.map((a) => ({ url: rc.urls.href(a.url), title: a.title, current: a === art })),
    total: all.length,
    more: all.length > shown.length ? { url: rc.urls.href(art.page.url), count: all.length } : null,
  };
}

/** Absolute URLs of an article's web images (for OpenGraph and JSON-LD). */
function figureImages(rc: RenderContext, issueId: string, article: Article): string[] {
  const out: string[] = [];
  for (const node of article.children) {
    if (node.type !== 'figure' || !node.src) continue;
    const img = rc.assets.figure(issueId, node.src);
    if (img) out.push(rc.urls.abs(img.path));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Search and 404

/**
 * The issue's contribution to the search index (`search/source/<issue>.json`): each
 * article's headline, page and plain text, one block a line (so no bigram spans two
 * paragraphs; the browser checks phrases against the article view's text).
 */
export function renderSearchSource(issue: IssueRef): string {
  const source: SearchSource = {
    id: issue.id,
    date: issue.date,
    docs: issue.articles.map((a) => ({
      page: a.page.number,
      name: a.page.name,
      url: a.url,
      title: a.title,
      text: a.article.children.map((c) => toString(c, { includeHtml: false })).join('\n'),
    })),
  };
  return JSON.stringify(source);
}

export function renderSearch(rc: RenderContext): string {
  const name = rc.config.paper.name;
  return renderSiteView(
    rc,
    { template: 'search', file: 'search/index.html', bodyClass: 'search-view', head: { title: `检索 - ${name}`, description: `在${name}数字报的全部文章中检索`, rel: routes.search() } },
    {
      search: {
        index: rc.urls.href(`${SEARCH_INDEX_DIR}/manifest.json`),
        script: rc.urls.href(rc.assets.searchScript),
        baseUrl: rc.urls.basePath,
        pageNames: [...new Set(rc.model.issues.flatMap((i) => i.pages.map((p) => p.name)).filter(Boolean))].sort(),
        minDate: rc.model.issues.at(-1)?.date ?? null,
        maxDate: rc.model.issues[0]?.date ?? null,
      },
    },
  );
}

export function renderNotFound(rc: RenderContext): string {
  const name = rc.config.paper.name;
  const latest = rc.model.issues[0];
  return renderSiteView(
    rc,
    { template: '404', file: '404.html', bodyClass: 'not-found-view', head: { title: `页面不存在 - ${name}`, description: '您访问的页面不存在', rel: null, noindex: true }, issueBar: false },
    { latest: latest ? { url: rc.urls.href(latest.url), text: `${latest.dateText} ${issueNumberText(latest.issue.number)}` } : null },
  );
}
