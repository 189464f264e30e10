/**
 * The dev server's HTTP side on its own (src/dev/serve.ts), on a small output folder:
 * HTML with the live-reload client, other files through sirv with ETag revalidation and
 * Range requests, and the guard in front (base path, no path outside the folder, 400
 * for malformed URLs, folder redirects, the site's 404 page).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_PATH, type OutputServer, serveOutput } from '../../src/dev/serve.js';

const quiet = { info() {}, warn() {}, progress() {} };

/** A raw request (fetch would normalise the path and add its own headers). */
function raw(port: number, target: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: target, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dev server: serving the output folder', () => {
  let tmp: string;
  let server: OutputServer;
  const pdf = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-serve-'));
    const out = path.join(tmp, 'dist');
    await mkdir(path.join(out, '2026-11-20', '01'), { recursive: true });
    await writeFile(path.join(out, 'index.html'), '<!doctype html><title>首页</title><body><p>首页</p></body>');
    await writeFile(path.join(out, '404.html'), '<!doctype html><title>找不到</title><body><p>找不到此页</p></body>');
    await writeFile(path.join(out, 'style.css'), 'body { color: #111 }\n');
    await writeFile(path.join(out, '2026-11-20', '01', 'page.pdf'), pdf);
    // Beside the output folder: must never be reachable.
    await writeFile(path.join(tmp, 'secret.txt'), 'not for the browser');
    server = await serveOutput({ outDir: out, host: '127.0.0.1', port: 0, basePath: () => '/epaper/', log: quiet });
  });

  afterAll(async () => {
    await server?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('serves HTML with the live-reload client injected, uncached', async () => {
    const r = await raw(server.port, '/epaper/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-store');
    const html = r.body.toString('utf8');
    expect(html).toContain('<p>首页</p>');
    expect(html.indexOf(EVENTS_PATH)).toBeLessThan(html.indexOf('</body>'));
  });

  it('serves other files with an ETag, and answers a matching If-None-Match with 304', async () => {
    const r = await raw(server.port, '/epaper/style.css');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(r.body.toString()).toBe('body { color: #111 }\n');
    const etag = r.headers.etag!;
    expect(etag).toBeTruthy();
    const again = await raw(server.port, '/epaper/style.css', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    // Changed on disk: a new ETag, the new bytes.
    await writeFile(path.join(tmp, 'dist', 'style.css'), 'body { color: #222; margin: 0 }\n');
    const changed = await raw(server.port, '/epaper/style.css', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.body.toString()).toContain('#222');
  });

  it('answers a Range request with 206 and exactly those bytes', async () => {
    const r = await raw(server.port, '/epaper/2026-11-20/01/page.pdf', { range: 'bytes=100-199' });
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe(`bytes 100-199/${pdf.length}`);
    expect(r.body).toEqual(pdf.subarray(100, 200));
    const whole = await raw(server.port, '/epaper/2026-11-20/01/page.pdf');
    expect(whole.status).toBe(200);
    expect(whole.body).toEqual(pdf);
  });

  it('never serves a file outside the output folder', async () => {
    for (const target of ['/epaper/../secret.txt', '/epaper/%2e%2e/secret.txt', '/epaper/..%2fsecret.txt', '/epaper/2026-11-20/..%2f..%2f..%2fsecret.txt', '/secret.txt']) {
      const r = await raw(server.port, target);
      expect([target, r.status]).toEqual([target, 404]);
      expect(r.body.toString()).not.toContain('not for the browser');
    }
  });

  it('redirects / to the base path and a folder to its slash; unknown paths get the 404 page; malformed URLs 400', async () => {
    const root = await raw(server.port, '/');
    expect([root.status, root.headers.location]).toEqual([302, '/epaper/']);
    const folder = await raw(server.port, '/epaper/2026-11-20');
    expect([folder.status, folder.headers.location]).toEqual([301, '/epaper/2026-11-20/']);
    const missing = await raw(server.port, '/epaper/no-such-page/');
    expect(missing.status).toBe(404);
    expect(missing.body.toString()).toContain('找不到此页');
    for (const target of ['/epaper/%', '/epaper/%E0%A4%A', '/epaper/%00']) expect(await raw(server.port, target).then((r) => r.status)).toBe(400);
  });

  it('streams reload and diagnostics events; a tab opened later gets the current diagnostics', async () => {
    const received: string[] = [];
    const wake: Array<() => void> = [];
    const seen = (s: string) => new Promise<void>(function check(resolve) {
      if (received.join('').includes(s)) resolve();
      else wake.push(() => check(resolve));
    });
    const sse = await new Promise<http.ClientRequest>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: server.port, path: EVENTS_PATH }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          received.push(c);
          for (const w of wake.splice(0)) w();
        });
        resolve(req);
      });
    });
    try {
      await seen(': banmian dev');
      const before = server.reloads();
      server.reload('html');
      server.diagnostics('01-要闻.md:3: 警告');
      await seen('警告');
      expect(received.join('')).toContain('event: reload\ndata: {"pass":"html"}');
      expect(server.reloads()).toBe(before + 1);
    } finally {
      sse.destroy();
    }
    const late = await new Promise<string>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: server.port, path: EVENTS_PATH }, (res) => {
        res.setEncoding('utf8');
        let text = '';
        res.on('data', (c: string) => {
          text += c;
          if (text.includes('警告')) {
            req.destroy();
            resolve(text);
          }
        });
      });
    });
    expect(late).toContain('event: diagnostics');
  });
});
