/**
 * The dev server's rebuilds: changes reported by the watcher are coalesced over a quiet
 * period into one batch; batches and the background jobs they start run one at a time
 * from a queue. `settled()` resolves when nothing is waiting or running — the tests
 * await it (and `nextSettled()`, armed before an edit) instead of sleeping.
 *
 * A change first gets a quick pass (HTML at once, the previous print pages kept), then
 * the search index is merged again and the print pages of what changed are re-laid-out in the
 * background, and the tabs reload again. A broken edit keeps the last good output served
 * and shows the error in the terminal and as an overlay in the browser.
 *
 * The dev server changes the output folder in place, so it keeps the build manifest
 * honest: a page update drops the whole-output cache key (the next `banmian build`
 * renders the web edition again), and a print re-layout records the issue's new print
 * key only once its files are in place. Every in-place write holds the output folder's
 * build lock (src/build/lock.ts), like a build's swap: a `banmian build` into the same
 * folder and the dev server never write it at the same time.
 */
import { isPublished } from '../archive/record.js';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { VFile } from 'vfile';
import type { Issue, Page } from '../ast/types.js';
import { build } from '../build/build.js';
import { browserIdentity, issuePrintKey, printEnvironmentKey, updateManifest } from '../build/cache.js';
import type { BuildContext, Logger } from '../build/context.js';
import { onInterrupt } from '../build/interrupt.js';
import { lockOutDir } from '../build/lock.js';
import { BuildSession } from '../build/session.js';
import { formatDiagnostics } from '../report/diagnostics.js';
import { copyIssue } from '../ast/issue-folder.js';
import { findConfigFile, loadConfig } from '../config/index.js';
import type { BanmianConfig } from '../config/types.js';
import { BanmianError } from '../errors.js';
import { parsePageFile } from '../parse/index.js';
import type { WebSite } from '../web/site.js';

const PAGE_FILE = /^(\d+).*\.(md|txt)$/i;

export interface RebuildOptions {
  root: string;
  issuesDir: string;
  outDir: string;
  log: Logger;
  /** Skip the print edition entirely. */
  htmlOnly?: boolean;
  /** Quiet period before a batch of changes is built, in ms. */
  debounceMs?: number;
  /** Where reload and diagnostics events go (the served tabs). */
  notify: { reload(pass: string): void; diagnostics(text: string): void };
}

interface PageChange {
  issueId: string;
  file: string;
  number: number;
}

export class Rebuilder {
  config: BanmianConfig;
  /** What the last good build left: page updates change it issue by issue. */
  private state: { issues: Issue[]; web?: WebSite } = { issues: [] };
  private queue: Promise<void> = Promise.resolve();
  /** Jobs queued or running, plus one while a batch waits out its quiet period. */
  private busy = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<string>();
  private searchQueued = false;
  private closed = false;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly changeWaiters: Array<() => void> = [];

  constructor(
    private readonly opts: RebuildOptions,
    config: BanmianConfig,
  ) {
    this.config = config;
  }

  /** Resolves once no change waits out its quiet period and no build or background job is queued or running. */
  settled(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Resolves at the first settled moment after the watcher reports another change (arm it before the edit). */
  nextSettled(): Promise<void> {
    return new Promise((resolve) => this.changeWaiters.push(() => void this.settled().then(resolve)));
  }

  /** A file or folder under the watched inputs changed: built with the others of its batch after the quiet period. */
  changed(file: string): void {
    if (this.closed) return;
    this.pending.add(file);
    if (this.timer) clearTimeout(this.timer);
    else this.busy++;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const files = [...this.pending];
      this.pending.clear();
      this.enqueue(() => this.batch(files));
      this.done();
    }, this.opts.debounceMs ?? 120);
    for (const wake of this.changeWaiters.splice(0)) wake();
  }

  /** The whole build (first start; templates, styles, config or issue folders changed). */
  fullBuild(pass: 'full' | 'quick'): Promise<void> {
    return this.enqueue(() => this.runFullBuild(pass));
  }

  /** Stops taking changes; what is queued still runs (it may hold the output folder's lock). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.pending.clear();
      this.done();
    }
    await this.settled();
  }

  /** Queues a job; its error is reported (terminal and overlay), the last good output stays served. */
  private enqueue(job: () => Promise<void>): Promise<void> {
    this.busy++;
    this.queue = this.queue.then(async () => {
      try {
        await job();
      } catch (err) {
        const message = err instanceof BanmianError ? err.message : `internal error: ${(err as Error).message}`;
        this.opts.log.warn(`banmian: ${message} (still serving the last good build)`);
        this.opts.notify.diagnostics(`banmian: ${message}\n\nThe last good build is still served.`);
      } finally {
        this.done();
      }
    });
    return this.queue;
  }

  private done(): void {
    if (--this.busy === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** One batch of changes: page files of a known issue edited in place → a page update; anything else → a full build. */
  private async batch(files: string[]): Promise<void> {
    const { log, root } = this.opts;
    const configFile = findConfigFile(root);
    if (configFile && files.includes(configFile)) {
      try {
        this.config = (await loadConfig(root)).config;
      } catch (err) {
        const message = (err as Error).message;
        log.warn(`banmian: ${message} (still serving the last good build)`);
        this.opts.notify.diagnostics(`banmian: ${message}`);
        return;
      }
    }
    for (const f of files) log.info(`changed: ${path.relative(root, f)}`);
    const changes = files.map((f) => (f === configFile ? 'full' : this.classify(f)));
    if (changes.some((c) => c === 'full')) {
      await this.runFullBuild('quick');
      if (!this.opts.htmlOnly) void this.fullBuild('full');
    } else {
      await this.pageUpdate(changes as PageChange[]);
    }
  }

  private classify(file: string): PageChange | 'full' {
    const rel = path.relative(this.opts.issuesDir, file);
    const parts = rel.split(path.sep);
    const m = parts.length === 2 ? PAGE_FILE.exec(parts[1]) : null;
    const issue = m && this.state.issues.find((i) => i.id === parts[0]);
    if (!m || !issue || !existsSync(file)) return 'full';
    const known = issue.children.some((p) => path.resolve(this.opts.root, p.file) === path.resolve(file));
    return known ? { issueId: parts[0], file, number: Number(m[1]) } : 'full';
  }

  private async runFullBuild(pass: 'full' | 'quick'): Promise<void> {
    const { opts } = this;
    const result = await build({
      root: opts.root,
      config: this.config,
      issuesDir: opts.issuesDir,
      outDir: opts.outDir,
      only: opts.htmlOnly ? 'html' : undefined,
      stalePrint: pass === 'quick',
      keepSite: true,
      log: opts.log,
    });
    this.state = { issues: result.issues, web: result.web };
    this.report(result.files as VFile[]);
    opts.notify.reload(pass);
  }

  /** Parser messages to the terminal and the overlay (empty: the overlay goes). */
  private report(files: VFile[]): void {
    const { text } = formatDiagnostics(files);
    if (text) this.opts.log.info(text);
    this.opts.notify.diagnostics(text);
  }

  /** Runs `fn` holding the output folder's build lock (released on Ctrl-C too). */
  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    const outDir = path.resolve(this.opts.outDir);
    const lock = await lockOutDir(outDir, this.opts.log, path.relative(process.cwd(), outDir) || outDir);
    const unregister = onInterrupt(() => lock.release());
    try {
      return await fn();
    } finally {
      unregister();
      lock.release();
    }
  }

  /**
   * One or more page files changed: parse only those, re-render only their issue's
   * HTML (WebSite.updateIssue writes only files whose bytes changed), reload; then lay
   * out that issue's print pages again in the background and reload once more.
   */
  private async pageUpdate(changed: PageChange[]): Promise<void> {
    const { opts } = this;
    const web = this.state.web;
    if (!web) {
      void this.fullBuild('quick');
      return;
    }
    const touched = new Map<string, Issue>();
    /** The pages parsed again, by issue: one page alone takes `updatePage`'s narrower path. */
    const pagesOf = new Map<string, Page[]>();
    const files: VFile[] = [];
    for (const c of changed) {
      const issue = touched.get(c.issueId) ?? this.state.issues.find((i) => i.id === c.issueId);
      if (!issue) continue;
      const { page, file } = await parsePageFile(c.file, { number: c.number, root: opts.root });
      // A page that now says another page number (`page: 1` on page 2) may clash with
      // another page or move: only the whole build checks the issue's pages as
      // `banmian build` does (a clash is its error, the last good output stays served).
      if (issue.children.find((p) => p.file === page.file)?.number !== page.number) {
        void this.fullBuild('quick');
        if (!opts.htmlOnly) void this.fullBuild('full');
        return;
      }
      files.push(file);
      const children = issue.children.filter((p) => p.file !== page.file && p.number !== page.number).concat(page).sort((a, b) => a.number - b.number);
      touched.set(c.issueId, copyIssue(issue, { children }));
      pagesOf.set(c.issueId, [...(pagesOf.get(c.issueId) ?? []).filter((p) => p.number !== page.number), page]);
    }
    const t = performance.now();
    let written = 0;
    await this.locked(async () => {
      for (const issue of touched.values()) {
        const pages = pagesOf.get(issue.id) ?? [];
        written += (pages.length === 1 ? await web.updatePage(issue.id, pages[0]) : await web.updateIssue(issue)).written.length;
        this.state.issues = this.state.issues.map((i) => (i.id === issue.id ? issue : i));
      }
      // The output no longer is what a full build of these inputs makes.
      await updateManifest(opts.outDir, (m) => void delete m.output);
    });
    opts.log.info(`updated ${written} file(s) of ${touched.size} issue(s) in ${Math.round(performance.now() - t)} ms`);
    this.report(files);
    opts.notify.reload('html');
    if (written) this.searchUpdate();
    if (!opts.htmlOnly && this.config.editions.pdf) for (const issue of touched.values()) void this.enqueue(() => this.printUpdate(issue));
  }

  /**
   * Rebuilds the search index from the issues' search sources in the background into a
   * side folder, which then replaces `search-index/` (so a search never reads half an
   * index). Several page updates in a row queue one rebuild.
   */
  private searchUpdate(): void {
    if (this.searchQueued) return;
    this.searchQueued = true;
    void this.enqueue(async () => {
      this.searchQueued = false;
      const t = performance.now();
      const outDir = path.resolve(this.opts.outDir);
      const side = await mkdtemp(path.join(path.dirname(outDir), '.banmian-dev-search-'));
      try {
        const { buildSearchIndex, SEARCH_INDEX_DIR } = await import('../web/search.js');
        const result = await buildSearchIndex(outDir, side);
        const target = path.join(outDir, SEARCH_INDEX_DIR);
        await this.locked(async () => {
          if (existsSync(target)) await rename(target, path.join(side, 'old'));
          await rename(path.join(side, SEARCH_INDEX_DIR), target);
        });
        this.opts.log.info(`search index rebuilt (${result.pages} page(s) read) in ${Math.round(performance.now() - t)} ms`);
      } finally {
        await rm(side, { recursive: true, force: true });
      }
    });
  }

  /** Lays out one issue's print pages into a side folder, then moves them into the served output. */
  private async printUpdate(issue: Issue): Promise<void> {
    const { opts, config } = this;
    const web = this.state.web;
    // A newer edit of the same issue queued after this one will print again; skip the stale one.
    if (this.state.issues.find((i) => i.id === issue.id) !== issue || !web) return;
    // A published issue is never laid out again (its print output is its record: src/archive/record.ts).
    if (isPublished(issue)) return void this.opts.log.warn(`${issue.id} is published: its print pages stay as published (banmian publish --again ${issue.id} --reason "…" to lay it out again)`);
    const t = performance.now();
    const side = await mkdtemp(path.join(path.dirname(path.resolve(opts.outDir)), '.banmian-dev-print-'));
    try {
      const envKey = await printEnvironmentKey(opts.root, config, await browserIdentity(config));
      const key = await issuePrintKey(issue, envKey);
      const { buildPrintEdition } = await import('../print/index.js');
      const ctx: BuildContext = { root: opts.root, config, outDir: side, previousOutDir: opts.outDir, force: true, log: opts.log, session: new BuildSession() };
      const layout = (await buildPrintEdition([issue], ctx)).get(issue.id);
      await this.locked(async () => {
        // The issue's print files change in place: no key while they do, the new one after
        // (unless the page files changed again meanwhile — a later pass handles that).
        await updateManifest(opts.outDir, (m) => {
          delete m.output;
          delete m.print[issue.id];
        });
        await cp(path.join(side, issue.id), path.join(opts.outDir, issue.id), { recursive: true, force: true });
        const keyNow = await issuePrintKey(issue, envKey);
        if (keyNow === key) await updateManifest(opts.outDir, (m) => void (m.print[issue.id] = key));
        await web.updateIssue(issue, layout);
      });
      opts.log.info(`print pages of ${issue.id} laid out again in ${Math.round(performance.now() - t)} ms`);
      opts.notify.reload('print');
    } finally {
      await rm(side, { recursive: true, force: true });
    }
  }
}
