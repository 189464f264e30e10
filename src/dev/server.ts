/**
 * `banmian dev`: build, serve the output on localhost under the configured base path,
 * watch the inputs, rebuild what changed, and reload open tabs.
 *
 * A change first gets a quick pass (HTML at once, the previous print pages kept), then
 * the print pages of what changed are re-laid-out in the background and the tabs reload
 * again. A broken edit keeps the last good output served and shows the error in the
 * terminal and as an overlay in the browser.
 */
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import type { VFile } from 'vfile';
import { build } from '../build/build.js';
import type { Logger } from '../build/context.js';
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

  // Builds run one at a time; a change during a build queues one more.
  let running: Promise<void> = Promise.resolve();
  const runBuild = (pass: 'full' | 'quick') => {
    running = running.then(async () => {
      try {
        const result = await build({
          root: opts.root,
          config,
          issuesDir: opts.issuesDir,
          outDir: opts.outDir,
          only: opts.htmlOnly ? 'html' : undefined,
          stalePrint: pass === 'quick',
          log,
        });
        const { text } = formatDiagnostics(result.files as VFile[]);
        if (text) log.info(text);
        showDiagnostics('');
        send('reload', { pass });
      } catch (err) {
        const message = err instanceof BanmianError ? err.message : `internal error: ${(err as Error).message}`;
        log.warn(`banmian: ${message} (still serving the last good build)`);
        showDiagnostics(`banmian: ${message}\n\nThe last good build is still served.`);
      }
    });
    return running;
  };

  await runBuild('full');

  const server = http.createServer((req, res) => void serve(req, res));
  const serve = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
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
    let rel = decodeURIComponent(url.pathname.slice(base.length));
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

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, opts.host ?? '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });

  // Watch the inputs. fs.watch is recursive on Linux from Node 20 on.
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let configChanged = false;
  const onChange = (file: string) => {
    if (/(^|[\\/])\.|~$|\.swp$/.test(file)) return;
    if (findConfigFile(opts.root) === file) configChanged = true;
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
            return;
          }
        }
        log.info(`changed: ${path.relative(opts.root, file)}`);
        await runBuild('quick');
        if (!opts.htmlOnly) await runBuild('full');
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

function injectClient(html: string): string {
  const i = html.lastIndexOf('</body>');
  return i === -1 ? html + CLIENT_SCRIPT : html.slice(0, i) + CLIENT_SCRIPT + html.slice(i);
}
