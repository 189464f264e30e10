/**
 * Issue 10, cases 3, 10 and 13 (port): the dev server answers malformed URLs with 400
 * and keeps serving; a port in use is one line before any build work; a page-number
 * clash made in dev (`page: 1` on page 2) is reported as `banmian build` reports it
 * (terminal and overlay) while the last good output stays served, and undoing the
 * edit restores the page.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/dev/index.js';
import { BanmianError } from '../../src/errors.js';
import { banmian, digestTree, errorLines, ROOT, SAMPLE } from './child.js';

const logged: string[] = [];
const log = { info: (m: string) => void logged.push(m), warn: (m: string) => void logged.push(m), progress() {} };

/** A project of its own: the sample issue, templates, styles, the config as plain data. */
async function project(): Promise<string> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-rel-dev-'));
  await cp(SAMPLE, path.join(tmp, 'issues', '2026-11-20'), { recursive: true });
  for (const d of ['templates', 'styles']) await cp(path.join(ROOT, d), path.join(tmp, d), { recursive: true });
  const userConfig = ((await import(pathToFileURL(path.join(ROOT, 'banmian.config.ts')).href)) as { default: unknown }).default;
  await writeFile(path.join(tmp, 'banmian.config.mjs'), `export default ${JSON.stringify(userConfig)};\n`);
  return tmp;
}

/** A raw request (fetch would normalise the path): status code, or the error. */
function rawGet(port: number, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: target, method: 'GET' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}


describe('banmian dev under hostile or unlucky use', () => {
  let tmp: string;
  let server: DevServer;
  const events: string[] = [];
  let sse: http.ClientRequest;
  // Woken by each chunk of the event stream: a wait for an event is on the stream, not on a clock.
  const onEvent: Array<() => void> = [];
  const streamed = (ok: () => boolean) => new Promise<void>(function check(resolve) {
    if (ok()) resolve();
    else onEvent.push(() => check(resolve));
  });

  beforeAll(async () => {
    tmp = await project();
    server = await startDevServer({ root: tmp, issuesDir: path.join(tmp, 'issues'), outDir: path.join(tmp, 'dist'), port: 0, htmlOnly: true, log, debounceMs: 50 });
    await new Promise<void>((resolve) => {
      sse = http.get(new URL('/__banmian/events', server.url), (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          events.push(chunk);
          for (const wake of onEvent.splice(0)) wake();
        });
        resolve();
      });
    });
  }, 120_000);

  afterAll(async () => {
    sse?.destroy();
    await server?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('answers malformed URLs with 400 and goes on serving', async () => {
    for (const target of ['/%', '/%E0%A4%A', '/2026-11-20/%ZZ/', '/%00', '/a%2']) expect(await rawGet(server.port, target)).toBe(400);
    // Still alive and serving.
    expect(await rawGet(server.port, '/2026-11-20/01/a1/')).toBe(200);
    expect(await rawGet(server.port, '/no-such-page/')).toBe(404);
  });

  it('a page-number clash is reported like the build reports it, the page stays served, undoing restores it', async () => {
    const dir = path.join(tmp, 'issues', '2026-11-20');
    const page2 = path.join(dir, (await readdir(dir)).find((f) => f.startsWith('02'))!);
    const good = await readFile(page2, 'utf8');
    const page01 = await readFile(path.join(tmp, 'dist', '2026-11-20', '01', 'a1', 'index.html'), 'utf8');
    expect(good).toMatch(/^page: 2$/m);
    const sourcesBefore = await digestTree(path.join(tmp, 'issues'));
    // What `banmian build` says about the same clash.
    const clash = good.replace(/^page: 2$/m, 'page: 1');
    const copy = await mkdtemp(path.join(os.tmpdir(), 'banmian-rel-clash-'));
    await cp(path.join(tmp, 'issues'), path.join(copy, 'issues'), { recursive: true });
    await writeFile(path.join(copy, 'issues', '2026-11-20', path.basename(page2)), clash);
    const built = await banmian(['build', '--issues', path.join(copy, 'issues'), '--out', path.join(copy, 'dist'), '--only', 'html']);
    await rm(copy, { recursive: true, force: true });
    expect(built.code).toBe(1);
    const buildLine = errorLines(built)[0];
    expect(buildLine).toMatch(/duplicate page number 1/);
    // Paths differ (the build ran on a copy): compare with every path cut to its file name.
    const names = (l: string) => l.replace(/[^\s:()]*\/([^/\s:()]+)/g, '$1');
    const message = names(buildLine.replace(/^banmian: /, ''));
    expect(message).toMatch(/^02-综合\.md: duplicate page number 1 \(also 01-要闻\.md\)$/);

    const seen = logged.length;
    let settled = server.nextSettled();
    await writeFile(page2, clash);
    await settled;
    // Terminal: the build's message; overlay: the same.
    expect(logged.slice(seen).filter((l) => names(l).startsWith(`banmian: ${message}`))).toHaveLength(1);
    await streamed(() => names(events.join('')).includes(message));
    expect(names(events.join(''))).toContain(`banmian: ${message}`);
    // Page 01 never vanished: the last good output is served.
    expect(await rawGet(server.port, '/2026-11-20/01/a1/')).toBe(200);
    expect(await rawGet(server.port, '/2026-11-20/02/')).toBe(200);

    // Undo: both pages served as before, the overlay cleared.
    settled = server.nextSettled();
    await writeFile(page2, good);
    await settled;
    expect(await rawGet(server.port, '/2026-11-20/01/a1/')).toBe(200);
    expect(await rawGet(server.port, '/2026-11-20/02/')).toBe(200);
    expect(await readFile(path.join(tmp, 'dist', '2026-11-20', '01', 'a1', 'index.html'), 'utf8')).toBe(page01);
    await streamed(() => /event: diagnostics\ndata: \{"text":""\}/.test(events.join('').split('duplicate page number 1').pop()!));
    expect(events.join('').split('duplicate page number 1').pop()).toMatch(/event: diagnostics\ndata: \{"text":""\}/);
    expect(await digestTree(path.join(tmp, 'issues'))).toEqual(sourcesBefore);
  }, 120_000);
});

describe('banmian dev on a port in use', () => {
  it('fails with one line before any build work (library and CLI)', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const tmp = await project();
      try {
        const seen: string[] = [];
        const t = performance.now();
        const err = await startDevServer({ root: tmp, issuesDir: path.join(tmp, 'issues'), outDir: path.join(tmp, 'dist'), port, htmlOnly: true, log: { info: (m) => void seen.push(m), warn: (m) => void seen.push(m), progress() {} } }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(BanmianError);
        expect((err as Error).message).toMatch(new RegExp(`port ${port} .*already in use`));
        // No build ran: nothing parsed, no output folder.
        expect(seen.filter((l) => /^parsed /.test(l))).toEqual([]);
        expect((await readdir(tmp)).includes('dist')).toBe(false);
        expect(performance.now() - t).toBeLessThan(10_000);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
      const r = await banmian(['dev', '--port', String(port), '--only', 'html']);
      expect(r.code).toBe(1);
      const lines = errorLines(r);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^banmian: port ${port} on 127\\.0\\.0\\.1 is already in use`));
      expect(r.stdout).not.toMatch(/parsed|print edition|web edition/);
    } finally {
      blocker.close();
    }
  }, 120_000);
});
