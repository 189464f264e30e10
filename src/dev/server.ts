/**
 * `banmian dev`: build, serve the output on localhost under the configured base path,
 * watch the inputs, rebuild what changed, and reload open tabs.
 *
 * A change first gets a quick pass (HTML at once, the previous print pages kept), then
 * the search index is merged again and the print pages of what changed are re-laid-out in the
 * background, and the tabs reload again. A broken edit keeps the last good output served
 * and shows the error in the terminal and as an overlay in the browser.
 *
 * The dev server changes the output folder in place, so it keeps the build manifest
 * honest: a page update drops the whole-output cache key (the next `banmian build`
 * renders the web edition again), and a print re-layout records the issue's new print
 * key only once its files are in place.
 */
import { isPublished } from '../archive/record.js';
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { cp, mkdtemp, readFile, rename, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import type { VFile } from 'vfile';
import { build } from '../build/build.js';
import { browserIdentity, issuePrintKey, printEnvironmentKey, updateManifest } from '../build/cache.js';
import type { BuildContext, Logger } from '../build/context.js';
import type { Issue } from '../ast/types.js';
import { parsePageFile } from '../parse/index.js';
import type { WebSite } from '../web/site.js';
import { findConfigFile, loadConfig } from '../config/index.js';
import type { BanmianConfig } from '../config/types.js';
import { BanmianError } from '../errors.js';
import { formatDiagnostics } from '../cli/report.js';

export interface DevServerOptions {
  root: string;
  issuesDir: string;
  outDir: string;
  port?: number;
  host?: string;
  log: Logger;
  /** Skip the print edition entirely (faster, for tests of the HTML loop). */
  htmlOnly?: boolean;
  /** Quiet period before a rebuild, in ms. */
  debounceMs?: number;
}

export interface DevServer {
  url: string;
  port: number;
  /** Resolves when the build started by the latest change (both passes) is done. */
  idle(): Promise<void>;
  /** Number of reload events sent so far. */
  reloads(): number;
  close(): Promise<void>;
}

const EVENTS_PATH = '/__banmian/events';
const PAGE_FILE = /^(\d+).*\.(md|txt)$/i;

const CLIENT_SCRIPT = `<script>(() => {
  const es = new EventSource(${JSON.stringify(EVENTS_PATH)});
  const overlay = (text) => {
    let el = document.getElementById('__banmian_overlay');
    if (!text) { if (el) el.remove(); return; }
    if (!el) {
      el = document.createElement('pre');
      el.id = '__banmian_overlay';
      el.style.cssText = 'position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;margin:0;padding:12px 16px;background:#2b0b0b;color:#ffd9d9;font:13px/1.5 ui-monospace,monospace;z-index:2147483647;white-space:pre-wrap;border-top:3px solid #e0312b';
      document.body.appendChild(el);
    }
    el.textContent = text;
    const close = document.createElement('button');
    close.textContent = '×';
    close.title = 'close';
    close.style.cssText = 'position:absolute;top:4px;right:8px;background:none;border:0;color:inherit;font:20px/1 sans-serif;cursor:pointer';
    close.onclick = () => el.remove();
    el.appendChild(close);
  };
  es.addEventListener('reload', () => location.reload());
  es.addEventListener('diagnostics', (e) => overlay(JSON.parse(e.data).text));
})();</script>`;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.pdf': 'application/pdf',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const { log } = opts;
  let config: BanmianConfig = (await loadConfig(opts.root)).config;
  const clients = new Set<http.ServerResponse>();
  let reloadCount = 0;
  let lastDiagnostics = '';

  const send = (event: string, data: unknown) => {
    const payload = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of clients) res.write(payload);
    if (event === 'reload') reloadCount++;
  };
  const showDiagnostics = (text: string) => {
    lastDiagnostics = text;
    send('diagnostics', { text });
  };

  // What the last good build left: the dev server updates it page by page.
  let state: { issues: Issue[]; web?: WebSite } = { issues: [] };

  // Builds run one at a time; a change during a build queues one more.
  let running: Promise<void> = Promise.resolve();
  const enqueue = (job: () => Promise<void>) => {
    running = running.then(async () => {
      try {
        await job();
      } catch (err) {
        const message = err instanceof BanmianError ? err.message : `internal error: ${(err as Error).message}`;
        log.warn(`banmian: ${message} (still serving the last good build)`);
        showDiagnostics(`banmian: ${message}\n\nThe last good build is still served.`);
      }
    });
    return running;
  };

  /** The whole build (first start; templates, styles, config or issue folders changed). */
  const fullBuild = (pass: 'full' | 'quick') =>
    enqueue(async () => {
      const result = await build({
        root: opts.root,
        config,
        issuesDir: opts.issuesDir,
        outDir: opts.outDir,
        only: opts.htmlOnly ? 'html' : undefined,
        stalePrint: pass === 'quick',
        keepSite: true,
        log,
      });
      state = { issues: result.issues, web: result.web };
      const { text } = formatDiagnostics(result.files as VFile[]);
      if (text) log.info(text);
      showDiagnostics(text);
      send('reload', { pass });
    });

  /**
   * One or more page files changed: parse only those, re-render only their issue's
   * HTML (WebSite.updateIssue writes only files whose bytes changed), reload; then lay
   * out that issue's print pages again in the background and reload once more.
   */
  const pageUpdate = (changed: Array<{ issueId: string; file: string; number: number }>) =>
    enqueue(async () => {
      const web = state.web;
      if (!web) {
        void fullBuild('quick');
        return;
      }
      const touched = new Map<string, Issue>();
      const files: VFile[] = [];
      for (const c of changed) {
        const issue = touched.get(c.issueId) ?? state.issues.find((i) => i.id === c.issueId);
        if (!issue) continue;
        const { page, file } = await parsePageFile(c.file, { number: c.number, root: opts.root });
        // A page that now says another page number (`page: 1` on page 2) may clash with
        // another page or move: only the whole build checks the issue's pages as
        // `banmian build` does (a clash is its error, the last good output stays served).
        if (issue.children.find((p) => p.file === page.file)?.number !== page.number) {
          void fullBuild('quick');
          if (!opts.htmlOnly) void fullBuild('full');
          return;
        }
        files.push(file);
        const children = issue.children.filter((p) => p.file !== page.file && p.number !== page.number).concat(page).sort((a, b) => a.number - b.number);
        touched.set(c.issueId, { ...issue, children });
      }
      const t = performance.now();
      let written = 0;
      for (const issue of touched.values()) {
        written += (await web.updateIssue(issue)).written.length;
        state.issues = state.issues.map((i) => (i.id === issue.id ? issue : i));
      }
      // The output no longer is what a full build of these inputs makes.
      await updateManifest(opts.outDir, (m) => void delete m.output);
      log.info(`updated ${written} file(s) of ${touched.size} issue(s) in ${Math.round(performance.now() - t)} ms`);
      const { text } = formatDiagnostics(files);
      if (text) log.info(text);
      showDiagnostics(text);
      send('reload', { pass: 'html' });
      if (written) searchUpdate();
      if (!opts.htmlOnly && config.editions.pdf) for (const issue of touched.values()) void enqueue(() => printUpdate(issue));
    });

  /**
   * Rebuilds the search index from the issues' search sources in the background into a
   * side folder, which then replaces `search-index/` (so a search never reads half an
   * index). Several page updates in a row queue one rebuild.
   */
  let searchQueued = false;
  const searchUpdate = () => {
    if (searchQueued) return;
    searchQueued = true;
    void enqueue(async () => {
      searchQueued = false;
      const t = performance.now();
      const outDir = path.resolve(opts.outDir);
      const side = await mkdtemp(path.join(path.dirname(outDir), '.banmian-dev-search-'));
      try {
        const { buildSearchIndex, SEARCH_INDEX_DIR } = await import('../web/search.js');
        const result = await buildSearchIndex(outDir, side);
        const target = path.join(outDir, SEARCH_INDEX_DIR);
        if (existsSync(target)) await rename(target, path.join(side, 'old'));
        await rename(path.join(side, SEARCH_INDEX_DIR), target);
        log.info(`search index rebuilt (${result.pages} page(s) read) in ${Math.round(performance.now() - t)} ms`);
      } finally {
        await rm(side, { recursive: true, force: true });
      }
    });
  };

  /** Lays out one issue's print pages into a side folder, then moves them into the served output. */
  const printUpdate = async (issue: Issue) => {
    const web = state.web;
    // A newer edit of the same issue queued after this one will print again; skip the stale one.
    if (state.issues.find((i) => i.id === issue.id) !== issue || !web) return;
    // A published issue is never laid out again (its print output is its record: src/archive/record.ts).
    if (isPublished(issue)) return void log.warn(`${issue.id} is published: its print pages stay as published (banmian publish --again ${issue.id} --reason "…" to lay it out again)`);
    const t = performance.now();
    const side = await mkdtemp(path.join(path.dirname(path.resolve(opts.outDir)), '.banmian-dev-print-'));
    try {
      const envKey = await printEnvironmentKey(opts.root, config, await browserIdentity(config));
      const key = await issuePrintKey(issue, envKey);
      const { buildPrintEdition } = await import('../print/index.js');
      const ctx: BuildContext = { root: opts.root, config, outDir: side, previousOutDir: opts.outDir, force: true, log };
      const layout = (await buildPrintEdition([issue], ctx)).get(issue.id);
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
      log.info(`print pages of ${issue.id} laid out again in ${Math.round(performance.now() - t)} ms`);
      send('reload', { pass: 'print' });
    } finally {
      await rm(side, { recursive: true, force: true });
    }
  };

  // Any error while answering a request is contained: the request gets an error status,
  // the server goes on. A malformed URL (`/%`, `/%E0%A4%A`) is the client's: 400.
  const server = http.createServer((req, res) =>
    void serve(req, res).catch((err: unknown) => {
      const bad = err instanceof BadRequest;
      if (!bad) log.warn(`banmian dev: ${req.method} ${JSON.stringify(req.url)}: ${(err as Error)?.message ?? err}`);
      if (res.headersSent) return void res.destroy();
      res.writeHead(bad ? 400 : 500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(bad ? `bad request: ${(err as Error).message}\n` : 'internal error\n');
    }),
  );
  const serve = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      throw new BadRequest('malformed URL');
    }
    if (url.pathname === EVENTS_PATH) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': banmian dev\n\n');
      if (lastDiagnostics) res.write(`event: diagnostics\ndata: ${JSON.stringify({ text: lastDiagnostics })}\n\n`);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    const base = config.site.basePath;
    if (url.pathname === '/' && base !== '/') {
      res.writeHead(302, { location: base });
      res.end();
      return;
    }
    if (!url.pathname.startsWith(base)) return notFound(res);
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname.slice(base.length));
    } catch {
      throw new BadRequest('malformed URL (bad percent-encoding)');
    }
    if (rel.includes('\0')) throw new BadRequest('malformed URL (NUL byte)');
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(opts.outDir, rel);
    if (!file.startsWith(path.resolve(opts.outDir) + path.sep)) return notFound(res);
    const info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) {
      res.writeHead(301, { location: url.pathname + '/' });
      res.end();
      return;
    }
    if (!info) return notFound(res);
    const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    let body: Buffer | string = await readFile(file);
    if (type.startsWith('text/html')) body = injectClient(body.toString('utf8'));
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };
  const notFound = async (res: http.ServerResponse) => {
    const page = path.join(opts.outDir, '404.html');
    const body = existsSync(page) ? injectClient(await readFile(page, 'utf8')) : 'not found';
    res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body);
  };

  // The port first: a port in use is one line before any build work.
  const host = opts.host ?? '127.0.0.1';
  const wantedPort = opts.port ?? 8080;
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new BanmianError(`port ${wantedPort} on ${host} is already in use: stop the other server or pass --port N (0 picks a free port)`));
      else if (err.code === 'EACCES') reject(new BanmianError(`no permission to listen on port ${wantedPort} on ${host}: pass --port N above 1023`));
      else reject(new BanmianError(`cannot listen on ${host}:${wantedPort}: ${err.message}`));
    });
    server.listen(wantedPort, host, () => resolve((server.address() as { port: number }).port));
  });
  // After listening, a server error (not a request's) is reported, never fatal.
  server.on('error', (err) => log.warn(`banmian dev: server error: ${err.message}`));

  await fullBuild('full');

  // Watch the inputs. fs.watch is recursive on Linux from Node 20 on.
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let configChanged = false;
  const pending = new Map<string, { issueId: string; file: string; number: number } | 'full'>();
  /** A page file of a known issue (edited in place) → a page update; anything else → a full build. */
  const classify = (file: string): { issueId: string; file: string; number: number } | 'full' => {
    const rel = path.relative(opts.issuesDir, file);
    const parts = rel.split(path.sep);
    const m = parts.length === 2 ? PAGE_FILE.exec(parts[1]) : null;
    const issue = m && state.issues.find((i) => i.id === parts[0]);
    if (!m || !issue || !existsSync(file)) return 'full';
    const known = issue.children.some((p) => path.resolve(opts.root, p.file) === path.resolve(file));
    return known ? { issueId: parts[0], file, number: Number(m[1]) } : 'full';
  };
  const onChange = (file: string) => {
    if (/(^|[\\/])\.|~$|\.swp$/.test(file)) return;
    if (findConfigFile(opts.root) === file) configChanged = true;
    pending.set(file, 'full');
    clearTimeout(timer);
    timer = setTimeout(() => {
      void (async () => {
        if (configChanged) {
          configChanged = false;
          try {
            config = (await loadConfig(opts.root)).config;
          } catch (err) {
            const message = (err as Error).message;
            log.warn(`banmian: ${message} (still serving the last good build)`);
            showDiagnostics(`banmian: ${message}`);
            pending.clear();
            return;
          }
          pending.set('<config>', 'full');
        }
        const changes = [...pending.keys()].map((f) => (f === '<config>' ? 'full' : classify(f)));
        for (const f of pending.keys()) log.info(`changed: ${path.relative(opts.root, f)}`);
        pending.clear();
        if (changes.some((c) => c === 'full')) {
          await fullBuild('quick');
          if (!opts.htmlOnly) await fullBuild('full');
        } else {
          await pageUpdate(changes as Array<{ issueId: string; file: string; number: number }>);
        }
      })();
    }, opts.debounceMs ?? 120);
  };
  for (const dir of [opts.issuesDir, path.join(opts.root, 'templates'), path.join(opts.root, 'styles')]) {
    if (!existsSync(dir)) continue;
    watchers.push(watch(dir, { recursive: true }, (_event, name) => name && onChange(path.join(dir, name.toString()))));
  }
  const configFile = findConfigFile(opts.root);
  if (configFile) watchers.push(watch(configFile, () => onChange(configFile)));

  const url = `http://${opts.host ?? '127.0.0.1'}:${port}${config.site.basePath}`;
  log.info(`serving ${path.relative(opts.root, opts.outDir) || opts.outDir}/ at ${url}`);
  return {
    url,
    port,
    async idle() {
      // Wait for the debounce and for every queued build.
      while (true) {
        await new Promise((r) => setTimeout(r, (opts.debounceMs ?? 120) + 30));
        const current = running;
        await current;
        if (current === running) return;
      }
    },
    reloads: () => reloadCount,
    async close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
      for (const res of clients) res.end();
      await new Promise<void>((r) => server.close(() => r()));
      await running;
    },
  };
}

/** A request the server cannot answer because of the request itself (answered 400). */
class BadRequest extends Error {}

function injectClient(html: string): string {
  const i = html.lastIndexOf('</body>');
  return i === -1 ? html + CLIENT_SCRIPT : html.slice(0, i) + CLIENT_SCRIPT + html.slice(i);
}
