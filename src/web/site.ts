/**
 * The web edition's build: assets, then every site page rendered from the model, then
 * feed, sitemap and the search index. A `WebSite` keeps its compiled templates, model
 * and image sizes, so that after one page changed only that issue's views, the home
 * page, the feed and the sitemap are rendered again (`updatePage`) — the dev server's
 * fast path.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Issue, Page } from '../ast/types.js';
import type { BuildContext } from '../build/context.js';
import { BanmianError } from '../errors.js';
import type { IssueLayout } from '../layout/types.js';
import { FONT_CSS, figureSources, processFigure, pageImages, writeStaticAssets, writeStyles, type PageImages, type StyleResult } from './assets.js';
import { renderFeed } from './feed.js';
import { siteCharacterCollector, siteCharacters } from './fonts.js';
import { buildModel, issueRef, pageFootprint, replaceIssue, type IssueRef, type SiteModel } from './model.js';
import { ISSUE_DATES, issueViewKey, renderArchive, renderIssueDates, renderHome, renderIssueViews, renderPageFiles, renderSubscribe, renderNotFound, renderSearch, renderSearchSource, searchSourceFile, type Assets, type ImageRef, type RenderContext } from './render.js';
import { buildSearchIndex, type SearchIndexResult } from './search.js';
import { keepSitemapLines, renderRobots, renderSitemap } from './sitemap.js';
import { loadTemplates, type Templates } from './templates.js';
import { routeFile, routes, SiteUrls } from './urls.js';
import { copyIssue, issueFolder } from '../ast/issue-folder.js';
import { type PageWarning, warnAboutPage } from '../report/page-files.js';
import { fileStamps, type IssueViewsRecord, issueViewsKey, reuseIssueViews, type ViewsReuse } from '../build/issue-views.js';

export interface WebOptions {
  /** Run Pagefind after writing the pages (default true). */
  search?: boolean;
  /** Self-hosted fallback font slices, subset to the site's characters (default true). */
  fonts?: boolean;
  /** Templates folder (default `<root>/templates/web`). */
  templatesDir?: string;
  /** Render the views and search sources of these issues only (default: every issue) — a shard's share. */
  issues?: ReadonlySet<string>;
  /** Render what depends on every issue: home, archive, feed, sitemap, static pages (default true; false in a shard). */
  siteWide?: boolean;
  /** Where a published issue's web images were frozen (its print record's archive folder), or undefined. */
  frozenDir?: (issue: Issue) => string | undefined;
  /** Reuse the views of issues whose inputs are unchanged from the previous output (src/build/issue-views.ts). */
  reuse?: ViewsReuse;
  /**
   * sha256 of an output file the build already knows (a record's page image, checked against
   * its record; a reused print file): the page images' copies are named by it without reading
   * and hashing the PNG again (8,000 published pages: ~75 s CPU).
   */
  knownDigest?: (rel: string) => string | undefined;
  /**
   * Streams the edition: each issue's whole tree is got from this (src/build/load.ts) when
   * its turn comes, rendered, written and dropped; the model holds summaries (pages without
   * content) and the site-wide files are made from them. Without it every tree is held (the
   * dev server's site, which `updatePage` changes in place).
   */
  whole?: (issue: Issue) => Promise<Issue>;
}

export interface WebBuildResult {
  outDir: string;
  /** Site-relative paths of the HTML, XML and text files written (sorted). */
  files: string[];
  counts: { issues: number; pages: number; articles: number };
  warnings: string[];
  styles: StyleResult;
  search?: SearchIndexResult;
  /** Milliseconds per step. */
  timings: Record<string, number>;
  /** The site, for incremental rebuilds (`site.updatePage`). */
  site: WebSite;
}

export interface UpdateResult {
  /** Files whose content changed (site-relative). */
  written: string[];
  /** Files removed (articles that no longer exist). */
  removed: string[];
  rendered: number;
  ms: number;
  /** Where the time went (ms): model, images, render, write (compare and write changed files). */
  timings: { model: number; images: number; render: number; write: number };
}

export class WebSite {
  readonly ctx: BuildContext;
  /** Where files go; a dev server may point it at the final folder after the swap. */
  outDir: string;
  readonly urls: SiteUrls;
  readonly templates: Templates;
  readonly model: SiteModel;
  readonly warnings: string[] = [];
  /** sha256 of each file `build` wrote from memory (site-relative path → hex), for the output manifest. */
  readonly writtenDigests = new Map<string, string>();
  /** Per issue rendered or reused: its views' key and files, for the output manifest (`Manifest.views`). */
  readonly viewRecords = new Map<string, IssueViewsRecord>();
  /** Issues whose views were taken from the previous output. */
  reusedIssues = 0;
  private readonly reuse: ViewsReuse | undefined;
  /** Warnings of the issue being rendered, kept for its views record. */
  private captured: Array<{ message: string; where: PageWarning }> | undefined;
  private readonly layouts: Map<string, IssueLayout>;
  private readonly options: Required<Omit<WebOptions, 'templatesDir' | 'issues' | 'frozenDir' | 'reuse' | 'whole' | 'knownDigest'>>;
  /** Streamed: the issues as given (summaries or whole), by id, and how to get each one whole. */
  private readonly streamed: { sources: Map<string, Issue>; whole: (issue: Issue) => Promise<Issue> } | undefined;
  /** Streamed: articles counted as their issues were rendered (the summaries have none). */
  private articleCount = 0;
  private readonly frozenDir: (issue: Issue) => string | undefined;
  private readonly knownDigest: (rel: string) => string | undefined;
  private readonly only: ReadonlySet<string> | undefined;
  private readonly figures = new Map<string, Map<string, ImageRef>>();
  private readonly pageImages = new Map<string, Map<number, PageImages>>();
  private assetRefs: { css: string; fonts: string | null; icon: string; searchScript: string; pageScript: string; viewScript: string } | undefined;
  private readonly templatesDir: string;
  private styles: StyleResult | undefined;

  constructor(issues: Issue[], layouts: Map<string, IssueLayout>, ctx: BuildContext, options: WebOptions = {}) {
    this.ctx = ctx;
    this.outDir = ctx.outDir;
    this.urls = new SiteUrls(ctx.config.site);
    // Compiled once per build (fresh, so edited templates are seen), reused by updates.
    this.templatesDir = options.templatesDir ?? path.join(ctx.root, 'templates', 'web');
    this.templates = loadTemplates(this.templatesDir, true);
    this.layouts = layouts;
    if (options.whole) {
      // Summaries only: every issue is made whole again, one at a time, in renderAndWrite.
      this.streamed = { sources: new Map(checkIssues(issues).map((i) => [i.id, i])), whole: options.whole };
      this.model = buildModel(issues.map(summaryOf), layouts);
    } else this.model = buildModel(checkIssues(issues), layouts);
    this.options = { search: options.search ?? true, fonts: options.fonts ?? true, siteWide: options.siteWide ?? true };
    this.only = options.issues;
    this.frozenDir = options.frozenDir ?? (() => undefined);
    this.knownDigest = options.knownDigest ?? (() => undefined);
    this.reuse = options.reuse;
  }

  /** Writes the whole web edition. */
  async build(): Promise<WebBuildResult> {
    const timings: Record<string, number> = {};
    const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const t = performance.now();
      try {
        return await fn();
      } finally {
        timings[name] = Math.round(performance.now() - t);
      }
    };
    await mkdir(this.outDir, { recursive: true });
    const extra = Object.values(this.ctx.config.paper).filter((v): v is string => typeof v === 'string');
    const previousOutDir = this.ctx.force ? undefined : this.ctx.previousOutDir;
    // Streamed, the characters are known only once every issue was rendered: the stylesheet is
    // written now, the font faces after (views link them under a fixed name, assets/fonts.css).
    const collector = this.streamed && this.options.fonts ? await siteCharacterCollector(this.templatesDir, extra) : undefined;
    let styles = await step('styles', async () =>
      writeStyles(this.ctx.root, this.outDir, {
        chars: this.options.fonts && !this.streamed ? await siteCharacters(this.model, this.templatesDir, extra) : null,
        previousOutDir,
      }),
    );
    const statics = await step('assets', () => writeStaticAssets(this.outDir));
    const fontsRef = this.streamed ? (collector ? routes.asset(FONT_CSS) : null) : styles.fonts;
    this.assetRefs = { css: styles.css, fonts: fontsRef, ...statics };
    styles.done.catch(() => undefined); // awaited below; a render failure must not leave it unhandled
    let outputs: Awaited<ReturnType<typeof this.renderAndWrite>>;
    try {
      // Issues whose views the previous output has for the same inputs: not rendered, their images not prepared.
      const keys = this.viewKeys();
      // A shard or a merge (src/archive/shard.ts): the images of the issues it renders; site-wide views show the latest issue's.
      const latest = this.model.issues[0];
      // Streamed, each issue's images are prepared when its tree is loaded (renderAndWrite).
      if (!this.streamed) await step('images', () => this.prepareImages(this.model.issues.filter((i) => (this.renders(i) && !keys.get(i)?.reusable) || (this.options.siteWide && i === latest))));
      outputs = await step('render+write', () => this.renderAndWrite(keys, collector));
    } catch (err) {
      // The font worker is still writing into the output folder: let it finish before the
      // caller removes that folder (else the removal races it: ENOTEMPTY instead of the real error).
      await styles.done.catch(() => undefined);
      throw err;
    }
    if (collector) {
      styles = await step('fonts', () => writeStyles(this.ctx.root, this.outDir, { chars: collector.result(), previousOutDir }));
      // The views were rendered linking assets/fonts.css before it was written: it must be there.
      if (styles.fonts !== fontsRef) {
        await styles.done.catch(() => undefined);
        throw new BanmianError(`web edition: the font faces (${FONT_CSS}) the views link were not written`);
      }
    }
    // Font slices are cut by a worker thread while the pages render (streamed: after).
    this.styles = await step('fonts (after render)', () => styles.done);
    const search = this.options.search ? await step('search', () => buildSearchIndex(this.outDir)) : undefined;
    if (search) this.ctx.log.info(`search index: ${search.indexed} article(s) indexed in ${Math.round(search.ms)} ms`);
    const counts = {
      issues: this.model.issues.length,
      pages: this.model.issues.reduce((n, i) => n + i.pages.length, 0),
      articles: this.streamed ? this.articleCount : this.model.issues.reduce((n, i) => n + i.articles.length, 0),
    };
    return { outDir: this.outDir, files: [...outputs.keys()].sort(), counts, warnings: this.warnings, styles: this.styles, search, timings, site: this };
  }

  /** Renders every site page and the XML/text files into memory: site-relative path → content. */
  renderAll(): Map<string, string> {
    const out = new Map<string, string>();
    const rc = this.renderContext();
    for (const issue of this.model.issues) this.renderIssue(rc, issue, out);
    this.renderSiteWide(rc, out);
    this.renderStatic(rc, out);
    return out;
  }

  /**
   * Renders issue by issue and hands each issue's files to the writer before rendering
   * the next, so memory holds one issue's files at a time. Returns the paths written.
   */
  private async renderAndWrite(keys: Map<IssueRef, { key: string; reusable: boolean }> = new Map(), collector?: { addIssue(issue: IssueRef): void }): Promise<Set<string>> {
    const rc = this.renderContext();
    const writer = new FileWriter(this.outDir, this.writtenDigests);
    const written = new Set<string>();
    const flush = async (out: Map<string, string>) => {
      for (const [rel, content] of out) {
        written.add(rel);
        await writer.write(rel, content);
      }
    };
    const dirs = new Set<string>();
    // Streamed: the latest issues stay whole until they hold the feed's articles (and the home page's).
    let feedArticles = 0;
    const feedSize = this.ctx.config.site.feedSize ?? Infinity;
    for (const [index, summary] of [...this.model.issues].entries()) {
      let issue = summary;
      if (this.streamed) {
        // The issue's tree, for its views, the fonts and the site-wide files; then dropped.
        issue = issueRef(checkArticles(await this.streamed.whole(this.streamed.sources.get(summary.id)!)), this.layouts.get(summary.id));
        this.model.issues[index] = issue;
        this.model.byId.set(issue.id, issue);
        this.articleCount += issue.articles.length;
        collector?.addIssue(issue);
      }
      try {
        // Streamed, a render context per issue: what it caches of the issue (src/web/render.ts `once`) goes with it.
        await this.writeIssue(this.streamed ? this.renderContext() : rc, issue, keys.get(summary), dirs, flush, written, index === 0);
      } finally {
        if (this.streamed) {
          const keepWhole = index === 0 || feedArticles < feedSize;
          feedArticles += issue.articles.length;
          if (!keepWhole) {
            keepSitemapLines(this.urls, issue, summary);
            this.model.issues[index] = summary;
            this.model.byId.set(summary.id, summary);
          }
        }
      }
    }
    const out = new Map<string, string>();
    if (this.options.siteWide) {
      this.renderSiteWide(rc, out);
      this.renderStatic(rc, out);
    }
    await flush(out);
    return written;
  }

  /** One issue's views: taken from the previous output when its key allows, else rendered and written. */
  private async writeIssue(
    rc: RenderContext,
    issue: IssueRef,
    key: { key: string; reusable: boolean } | undefined,
    dirs: Set<string>,
    flush: (out: Map<string, string>) => Promise<void>,
    written: Set<string>,
    latest: boolean,
  ): Promise<void> {
    // Streamed, images are prepared here: the issue's own (unless reused) and the latest issue's (site-wide views show it).
    if (this.streamed && ((this.renders(issue) && !key?.reusable) || (this.options.siteWide && latest))) await this.prepareImages([issue]);
    if (!this.renders(issue)) return;
    const previous = key?.reusable ? this.reuse!.previous![issue.id] : undefined;
    if (previous && (await reuseIssueViews(previous, this.reuse!.fromDir, this.outDir, this.reuse!.digests, this.writtenDigests, dirs))) {
      // The views (the result lists pages, not image copies).
      for (const [rel] of previous.files) if (/\.(html|json|xml|txt)$/.test(rel)) written.add(rel);
      for (const w of previous.warnings ?? []) rc.warn(w.message, w.where);
      this.viewRecords.set(issue.id, previous);
      this.reusedIssues++;
      return;
    }
    // Its images were not prepared when it looked reusable.
    if (previous) await this.prepareImages([issue]);
    const out = new Map<string, string>();
    const warnings: Array<{ message: string; where: PageWarning }> = [];
    this.captured = warnings;
    try {
      this.renderIssue(rc, issue, out);
    } finally {
      this.captured = undefined;
    }
    await flush(out);
    if (key) this.viewRecords.set(issue.id, { key: key.key, files: await this.issueFileSizes(issue, out), ...(warnings.length ? { warnings } : {}) });
  }

  /** Each rendered issue's views key, and whether the previous output has its views for that key. */
  private viewKeys(): Map<IssueRef, { key: string; reusable: boolean }> {
    const keys = new Map<IssueRef, { key: string; reusable: boolean }>();
    const reuse = this.reuse;
    if (!reuse) return keys;
    const rc = this.renderContext();
    for (const issue of this.model.issues) {
      if (!this.renders(issue)) continue;
      const inputs = reuse.issueInputs(issue.id);
      if (!inputs) continue;
      const key = issueViewsKey(reuse.siteKey, this.assetRefs, inputs, issueViewKey(rc, issue));
      keys.set(issue, { key, reusable: reuse.previous?.[issue.id]?.key === key });
    }
    return keys;
  }

  /** The files of an issue's views (`out`) and of its images' web copies, with their sizes and mtimes. */
  private async issueFileSizes(issue: IssueRef, out: Map<string, string>): Promise<Array<[string, number, number]>> {
    const images = new Set<string>(out.keys());
    const addRef = (img: ImageRef | undefined) => {
      if (!img) return;
      images.add(img.path);
      if (img.webp) images.add(img.webp);
      for (const c of [...(img.srcset?.webp ?? []), ...(img.srcset?.avif ?? [])]) images.add(c.path);
    };
    for (const img of this.figures.get(issue.id)?.values() ?? []) addRef(img);
    for (const p of this.pageImages.get(issue.id)?.values() ?? []) {
      addRef(p.image);
      addRef(p.thumb);
    }
    return fileStamps(this.outDir, images);
  }

  /** Whether this build renders the issue's own views (all, unless a shard's share was given). */
  private renders(issue: IssueRef): boolean {
    return !this.only || this.only.has(issue.id);
  }

  private renderStatic(rc: RenderContext, out: Map<string, string>): void {
    out.set(routeFile(routes.search()), renderSearch(rc));
    out.set(routeFile(routes.notFound()), renderNotFound(rc));
    out.set(routeFile(routes.subscribe()), renderSubscribe(rc));
    out.set(routes.robots(), renderRobots(this.urls));
  }

  /**
   * After one page of an issue changed: swaps it into the model and renders that issue's
   * front, page views and articles again, plus the home page, feed and sitemap; writes
   * only files whose bytes changed and removes the views of articles that are gone.
   * The issue's search source is rewritten; the index itself is merged again by
   * `buildSearchIndex` (only this issue is tokenised again).
   */
  async updatePage(issueId: string, page: Page): Promise<UpdateResult> {
    const current = this.model.byId.get(issueId);
    if (!current) throw new BanmianError(`web edition: no issue ${issueId} to update`);
    const pages = current.issue.children.filter((p) => p.number !== page.number).concat(page).sort((a, b) => a.number - b.number);
    const before = current.pages.find((p) => p.number === page.number);
    return this.update(copyIssue(current.issue, { children: pages }), this.layouts.get(issueId), before && { number: page.number, footprint: pageFootprint(before) });
  }

  /** Like `updatePage`, for a whole issue (new, or with several pages changed). */
  async updateIssue(issue: Issue, layout?: IssueLayout): Promise<UpdateResult> {
    return this.update(issue, layout);
  }

  /**
   * `onePage`: only that page changed, and what other views show of it was `footprint`
   * before; when it still is, only the page's own views are rendered (not the issue's
   * other pages and articles), besides the search source and the site-wide files.
   */
  private async update(issue: Issue, layout: IssueLayout | undefined, onePage?: { number: number; footprint: string }): Promise<UpdateResult> {
    const started = performance.now();
    if (!this.assetRefs) throw new BanmianError('web edition: updateIssue before build');
    if (layout) this.layouts.set(issue.id, layout);
    const before = this.model.byId.get(issue.id);
    const ref = replaceIssue(this.model, checkIssues([issue])[0], layout ?? this.layouts.get(issue.id));
    const changedPage = onePage && ref.pages.find((p) => p.number === onePage.number);
    const narrow = changedPage && pageFootprint(changedPage) === onePage.footprint ? changedPage : undefined;
    const oldPage = narrow && before?.pages.find((p) => p.number === narrow.number);
    const oldFiles = new Set(oldPage ? [routeFile(oldPage.url), ...oldPage.articles.map((a) => routeFile(a.url))] : before ? this.issueFiles(before) : []);
    const tModel = performance.now();
    await this.prepareImages([ref]);
    const tImages = performance.now();
    const rc = this.renderContext();
    const out = new Map<string, string>();
    if (narrow) {
      out.set(searchSourceFile(ref.id), renderSearchSource(ref));
      renderPageFiles(rc, narrow, out);
    } else this.renderIssue(rc, ref, out);
    this.renderSiteWide(rc, out);
    // A new issue: every view of its neighbours (上一期 / 下一期) and of the issues of its
    // month (the date picker's calendar) links to it.
    if (!before) {
      const i = this.model.issues.indexOf(ref);
      const month = ref.date.slice(0, 7);
      for (const n of this.model.issues)
        if (n !== ref && (n === this.model.issues[i - 1] || n === this.model.issues[i + 1] || n.date.slice(0, 7) === month)) this.renderIssue(rc, n, out);
    }
    const tRender = performance.now();
    const written: string[] = [];
    // Synchronous: a few dozen small files, each compared with what is there; awaiting
    // the thread pool once per file costs more than the reads (the dev server's edit loop).
    for (const [rel, content] of out) {
      oldFiles.delete(rel);
      const file = path.join(this.outDir, rel);
      const old = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
      if (old === content) continue;
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
      written.push(rel);
    }
    const removed: string[] = [];
    for (const rel of oldFiles) {
      await rm(path.join(this.outDir, rel), { force: true });
      removed.push(rel);
    }
    const end = performance.now();
    const timings = { model: tModel - started, images: tImages - tModel, render: tRender - tImages, write: end - tRender };
    return { written: written.sort(), removed: removed.sort(), rendered: out.size, ms: end - started, timings };
  }

  private issueFiles(issue: IssueRef): string[] {
    return [routeFile(issue.url), searchSourceFile(issue.id), ...issue.pages.map((p) => routeFile(p.url)), ...issue.articles.map((a) => routeFile(a.url))];
  }

  private renderIssue(rc: RenderContext, issue: IssueRef, out: Map<string, string>): void {
    renderIssueViews(rc, issue, out);
  }

  /** What depends on every issue: the home page (latest issue's first page), archive and the date picker's data, feed, sitemap. */
  private renderSiteWide(rc: RenderContext, out: Map<string, string>): void {
    out.set(routeFile(routes.home()), renderHome(rc));
    out.set(routeFile(routes.archive()), renderArchive(rc));
    out.set(ISSUE_DATES, renderIssueDates(rc));
    out.set(routes.feed(), renderFeed(this.model, this.urls, this.ctx.config));
    out.set(routes.sitemap(), renderSitemap(this.model, this.urls));
  }

  renderContext(): RenderContext {
    if (!this.assetRefs) throw new BanmianError('web edition: render before the assets were written');
    const refs = this.assetRefs;
    const assets: Assets = {
      ...refs,
      figure: (issueId, src) => this.figures.get(issueId)?.get(src),
      thumb: (issueId, page) => this.pageImages.get(issueId)?.get(page)?.thumb,
      pageImage: (issueId, page) => this.pageImages.get(issueId)?.get(page)?.image,
    };
    return {
      templates: this.templates,
      model: this.model,
      urls: this.urls,
      config: this.ctx.config,
      assets,
      warn: (message, where) => {
        this.captured?.push({ message, where });
        const place = where.place && 'start' in where.place ? where.place.start : where.place;
        this.warnings.push(`${where.file}${place?.line ? `:${place.line}` : ''}: ${message}`);
        warnAboutPage(this.ctx, message, where);
      },
    };
  }

  /** Resizes every figure image of these issues; WebP copies of the page images and thumbnails. */
  private async prepareImages(issues: IssueRef[]): Promise<void> {
    const jobs: Array<() => Promise<void>> = [];
    for (const ref of issues) {
      const figures = new Map<string, ImageRef>();
      this.figures.set(ref.id, figures);
      for (const src of figureSources(ref.issue)) {
        jobs.push(async () => {
          const img = await processFigure(ref.issue, src, this.outDir, this.ctx.force ? undefined : this.ctx.previousOutDir, this.frozenDir(ref.issue));
          if (img) figures.set(src, img);
        });
      }
      if (ref.layout)
        jobs.push(async () => void this.pageImages.set(ref.id, await pageImages(ref.id, ref.layout!, this.outDir, this.ctx.force ? undefined : this.ctx.previousOutDir, this.frozenDir(ref.issue), this.knownDigest)));
    }
    await runLimited(jobs, 4);
  }

}

/**
 * Writes files, making each folder once. Synchronous: a site is thousands of small files,
 * and a promise-based write costs about twice the CPU of a plain one (thread-pool round
 * trips and buffers kept alive until the write lands: 9,000 files of 24 KB, 4.1 s against
 * 1.7 s user+sys); the main thread is rendering the whole time anyway.
 */
class FileWriter {
  private readonly dirs = new Set<string>();

  /** `digests`: each written file's sha256, so the output manifest need not read it back. */
  constructor(
    private readonly root: string,
    private readonly digests?: Map<string, string>,
  ) {}

  async write(rel: string, text: string): Promise<void> {
    // Encoded to UTF-8 once, for both the digest and the file (each took a string and encoded it).
    const content = Buffer.from(text);
    this.digests?.set(rel, createHash('sha256').update(content).digest('hex'));
    const file = path.join(this.root, rel);
    const dir = path.dirname(file);
    if (!this.dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
    writeFileSync(file, content);
  }
}

async function runLimited(jobs: Array<() => Promise<unknown>>, limit: number): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  // After a failure no new job starts, and the first error is thrown only once every job
  // in flight has settled: none is still writing into the staging folder the build removes.
  const worker = async () => {
    while (next < jobs.length && !failure) {
      try {
        await jobs[next++]();
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  if (failure) throw failure.error;
}

/** Ids become folder names: refuse what would escape or collide. */
function checkIssues(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  for (const issue of issues) {
    if (!/^[\w.-]+$/.test(issue.id) || issue.id.startsWith('.')) throw new BanmianError(`issue id ${JSON.stringify(issue.id)} cannot be a folder name of the site`, { file: issueFolder(issue) });
    if (['assets', 'search', 'search-index', 'archive', 'feed'].includes(issue.id)) throw new BanmianError(`issue id "${issue.id}" is reserved by the web edition`, { file: issueFolder(issue) });
    if (seen.has(issue.id)) throw new BanmianError(`two issues have the id ${issue.id}`, { file: issueFolder(issue) });
    seen.add(issue.id);
    checkArticles(issue);
  }
  return issues;
}

/** Article ids become folder names too (a summary has none: checked when its tree is loaded). */
function checkArticles(issue: Issue): Issue {
  const articleIds = new Set<string>();
  for (const page of issue.children) {
    for (const child of page.children) {
      if (child.type !== 'article') continue;
      const key = `${page.number}/${child.id}`;
      if (!/^[\w.-]+$/.test(child.id)) throw new BanmianError(`article id ${JSON.stringify(child.id)} cannot be a folder name`, { file: page.file, line: child.position?.start.line });
      if (articleIds.has(key)) throw new BanmianError(`two articles on page ${page.number} have the id ${child.id}`, { file: page.file, line: child.position?.start.line });
      articleIds.add(key);
    }
  }
  return issue;
}

/** What the site-wide files need of an issue not being rendered: the issue and its pages, not their content. */
function summaryOf(issue: Issue): Issue {
  return copyIssue(issue, { children: issue.children.map((page) => ({ ...page, children: [] })) });
}
