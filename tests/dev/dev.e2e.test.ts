/**
 * The editor's loop: `banmian dev` serves the build, an edit to a page file changes the
 * served article and sends a reload event; a broken edit keeps the old page served and
 * sends the error to the browser overlay.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST } from '../../src/build/cache.js';
import { lockOutDir, lockPath } from '../../src/build/lock.js';
import { startDevServer, type DevServer } from '../../src/dev/index.js';
import { querySearchIndex } from '../../src/web/search.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SAMPLE = path.join(ROOT, 'issues', '2026-11-20');

const logged: string[] = [];
// Woken by each logged line: a wait for a line is on the log, not on a clock.
const onLog: Array<() => void> = [];
const record = (m: string) => {
  logged.push(m);
  for (const wake of onLog.splice(0)) wake();
};
const silent = { info: record, warn: record, progress() {} };
const logs = (re: RegExp) => new Promise<void>(function check(resolve) {
  if (logged.some((l) => re.test(l))) resolve();
  else onLog.push(() => check(resolve));
});



describe('banmian dev', () => {
  let server: DevServer;
  let tmp: string;
  let pageFile: string;
  let original: string;
  const events: string[] = [];
  let sse: http.ClientRequest;
  // Woken by each chunk of the event stream: a wait for an event is on the stream, not on a clock.
  const onEvent: Array<() => void> = [];
  const streamed = (ok: () => boolean) => new Promise<void>(function check(resolve) {
    if (ok()) resolve();
    else onEvent.push(() => check(resolve));
  });

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-dev-'));
    await cp(SAMPLE, path.join(tmp, 'issues', '2026-11-20'), { recursive: true });
    // A project of its own (templates, styles, the sample's config as plain data), so
    // that edits others make in the checkout's templates/ or styles/ meanwhile do not
    // trigger full builds in this server.
    for (const d of ['templates', 'styles']) await cp(path.join(ROOT, d), path.join(tmp, d), { recursive: true });
    const userConfig = ((await import(pathToFileURL(path.join(ROOT, 'banmian.config.ts')).href)) as { default: unknown }).default;
    await writeFile(path.join(tmp, 'banmian.config.mjs'), `export default ${JSON.stringify(userConfig)};\n`);
    const pages = (await readdir(path.join(tmp, 'issues', '2026-11-20'))).filter((f) => /^01.*\.(md|txt)$/.test(f));
    pageFile = path.join(tmp, 'issues', '2026-11-20', pages[0]);
    original = await readFile(pageFile, 'utf8');
    server = await startDevServer({ root: tmp, issuesDir: path.join(tmp, 'issues'), outDir: path.join(tmp, 'dist'), port: 0, htmlOnly: true, log: silent, debounceMs: 50 });
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
  });

  afterAll(async () => {
    sse?.destroy();
    await server?.close();
  });

  const get = async (p: string) => {
    const res = await fetch(new URL(p, server.url));
    return { status: res.status, text: await res.text() };
  };

  it('serves the built article with the reload client injected', async () => {
    const r = await get('2026-11-20/01/a1/');
    expect(r.status).toBe(200);
    expect(r.text).toContain('/__banmian/events');
  });

  it('an edit changes the served article and sends a reload event', async () => {
    const before = server.reloads();
    const text = await readFile(pageFile, 'utf8');
    // Append a distinctive paragraph to the first article's body, right after its first paragraph.
    const marker = '编辑刚刚补充的一句话测试';
    const lines = text.split('\n');
    const at = lines.findIndex((l, i) => i > 0 && /[。！？]$/.test(l.trim()) && !l.startsWith('['));
    lines.splice(at + 1, 0, '', `${marker}。`);
    const built = server.nextSettled();
    await writeFile(pageFile, lines.join('\n'));
    await built;
    expect(server.reloads()).toBeGreaterThan(before);
    // The event is written before the rebuild settles; its bytes reach this client a tick later.
    await streamed(() => events.join('').includes('event: reload'));
    expect(events.join('')).toContain('event: reload');
    const r = await get('2026-11-20/01/a1/');
    expect(r.text).toContain(marker);
    // Only the changed page was parsed and its issue re-rendered, not a whole build.
    expect(logged.some((l) => /^updated [1-9]\d* file\(s\) of 1 issue\(s\)/.test(l))).toBe(true);
    expect(logged.filter((l) => l.startsWith('parsed ')).length).toBe(1);
  });

  it('rebuilds the search index after a page update, and marks the output as no longer a full build', async () => {
    // nextSettled() waited for the background search job queued by the edit above.
    expect(logged.some((l) => /^search index rebuilt/.test(l))).toBe(true);
    expect((await querySearchIndex(path.join(tmp, 'dist'), '编辑刚刚补充的一句话测试')).length).toBeGreaterThan(0);
    const manifest = JSON.parse(await readFile(path.join(tmp, 'dist', MANIFEST), 'utf8')) as { output?: unknown };
    expect(manifest.output).toBeUndefined();
    // The served index is whole: its entry file and the search page's script are there.
    expect((await get('search-index/manifest.json')).status).toBe(200);
    expect((await readdir(tmp)).filter((f) => f.startsWith('.banmian-dev-search-'))).toEqual([]);
  });

  it('a broken edit keeps the last good page served and reports the error', async () => {
    const good = (await get('2026-11-20/01/a1/')).text;
    const built = server.nextSettled();
    await writeFile(pageFile, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3]));
    await built;
    const r = await get('2026-11-20/01/a1/');
    expect(r.status).toBe(200);
    expect(r.text).toBe(good);
    await streamed(() => events.join('').includes('event: diagnostics'));
    const all = events.join('');
    expect(all).toContain('event: diagnostics');
    expect(all).toMatch(/01[^"]*\.(md|txt)/);
  });

  it('writes into the output folder only while holding its build lock (a `banmian build` into it waits, and so does the dev server)', async () => {
    const marker = '加锁期间写入的第二句测试';
    const lock = await lockOutDir(path.join(tmp, 'dist'), silent, 'dist');
    let released = false;
    try {
      const built = server.nextSettled();
      const lines = original.split('\n');
      const at = lines.findIndex((l, i) => i > 0 && /[。！？]$/.test(l.trim()) && !l.startsWith('['));
      lines.splice(at + 1, 0, '', `${marker}。`);
      await writeFile(pageFile, lines.join('\n'));
      // The page update is parsed, then waits for the lock this test holds: nothing written meanwhile.
      await logs(/^waiting for another build into \S*dist\/ \(pid \d+\)/);
      expect((await get('2026-11-20/01/a1/')).text).not.toContain(marker);
      lock.release();
      released = true;
      await built;
      expect((await get('2026-11-20/01/a1/')).text).toContain(marker);
      expect(existsSync(lockPath(path.join(tmp, 'dist')))).toBe(false);
    } finally {
      if (!released) lock.release();
    }
  });
});
