/**
 * The dev server's HTTP side: the output folder under the configured base path, with
 * the live-reload client injected into every HTML page, and the event stream the
 * client listens on (`reload`, `diagnostics` for the error overlay).
 *
 * Files other than HTML are served by sirv (a maintained static server: ETag and
 * If-None-Match, Range requests for PDFs and images, content types). In front of it,
 * our own guard: a malformed URL is 400, a path that leaves the output folder is 404,
 * a folder without its trailing slash is redirected.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import sirv from 'sirv';
import type { Logger } from '../build/context.js';
import { BanmianError } from '../errors.js';

export const EVENTS_PATH = '/__banmian/events';

const TEXT_TYPES: Record<string, string> = {
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.txt': 'text/plain',
};

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

export interface ServeOptions {
  outDir: string;
  host: string;
  port: number;
  /** The site's base path now (the config may change while the server runs). */
  basePath: () => string;
  log: Logger;
}

export interface OutputServer {
  port: number;
  /** Tells every open tab to reload. */
  reload(pass: string): void;
  /** Shows `text` in every open tab's overlay (empty: hides it); a tab opened later gets it too. */
  diagnostics(text: string): void;
  /** Reload events sent so far. */
  reloads(): number;
  close(): Promise<void>;
}

/** A request the server cannot answer because of the request itself (answered 400). */
class BadRequest extends Error {}

/** Listens first (a port in use is one line before any build work), then serves `outDir`. */
export async function serveOutput(opts: ServeOptions): Promise<OutputServer> {
  const { log } = opts;
  const outDir = path.resolve(opts.outDir);
  const clients = new Set<http.ServerResponse>();
  let reloadCount = 0;
  let lastDiagnostics = '';
  const send = (event: string, data: unknown) => {
    const payload = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of clients) res.write(payload);
  };

  // Looked up per request (dev: the folder changes under it); exact names only, no `.html` guessing.
  const files = sirv(outDir, {
    dev: true,
    etag: true,
    extensions: [],
    // sirv's types carry no charset: the text ones get theirs (the pages are UTF-8).
    setHeaders(res, pathname) {
      const type = TEXT_TYPES[path.extname(pathname).toLowerCase()];
      if (type) res.setHeader('content-type', `${type}; charset=utf-8`);
    },
  });

  const notFound = async (res: http.ServerResponse) => {
    const page = path.join(outDir, '404.html');
    const body = existsSync(page) ? injectClient(await readFile(page, 'utf8')) : 'not found';
    res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body);
  };

  const answer = async (req: http.IncomingMessage, res: http.ServerResponse) => {
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
    const base = opts.basePath();
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
    const file = path.resolve(outDir, rel);
    if (!file.startsWith(outDir + path.sep)) return notFound(res);
    const info = await stat(file).catch(() => undefined);
    if (info?.isDirectory()) {
      res.writeHead(301, { location: url.pathname + '/' });
      res.end();
      return;
    }
    if (!info) return notFound(res);
    if (/\.html?$/i.test(file)) {
      // HTML gets the live-reload client: never cached, always the file as it is now.
      const body = injectClient(await readFile(file, 'utf8'));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    // The checked path, relative to the output folder, for sirv (which decodes it with decodeURI).
    req.url = '/' + encodeURI(path.relative(outDir, file).split(path.sep).join('/'));
    files(req, res, () => void notFound(res));
  };

  // Any error while answering a request is contained: the request gets an error status,
  // the server goes on. A malformed URL (`/%`, `/%E0%A4%A`) is the client's: 400.
  const server = http.createServer((req, res) =>
    void answer(req, res).catch((err: unknown) => {
      const bad = err instanceof BadRequest;
      if (!bad) log.warn(`banmian dev: ${req.method} ${JSON.stringify(req.url)}: ${(err as Error)?.message ?? err}`);
      if (res.headersSent) return void res.destroy();
      res.writeHead(bad ? 400 : 500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(bad ? `bad request: ${(err as Error).message}\n` : 'internal error\n');
    }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new BanmianError(`port ${opts.port} on ${opts.host} is already in use: stop the other server or pass --port N (0 picks a free port)`));
      else if (err.code === 'EACCES') reject(new BanmianError(`no permission to listen on port ${opts.port} on ${opts.host}: pass --port N above 1023`));
      else reject(new BanmianError(`cannot listen on ${opts.host}:${opts.port}: ${err.message}`));
    });
    server.listen(opts.port, opts.host, () => resolve((server.address() as { port: number }).port));
  });
  // After listening, a server error (not a request's) is reported, never fatal.
  server.on('error', (err) => log.warn(`banmian dev: server error: ${err.message}`));

  return {
    port,
    reload(pass) {
      reloadCount++;
      send('reload', { pass });
    },
    diagnostics(text) {
      lastDiagnostics = text;
      send('diagnostics', { text });
    },
    reloads: () => reloadCount,
    async close() {
      for (const res of clients) res.end();
      // A rebuild still finishing after this sends to no one.
      clients.clear();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function injectClient(html: string): string {
  const i = html.lastIndexOf('</body>');
  return i === -1 ? html + CLIENT_SCRIPT : html.slice(0, i) + CLIENT_SCRIPT + html.slice(i);
}
