/**
 * The sample issue's web edition (real parser, HTML only, fonts subset) in a real
 * browser at 375 px: what a phone with no CJK font the page can name downloads for an
 * article view and a page view (the budget: ≤ 300 KB of fonts), and the banner line
 * breaking only at its spaces (never with · at a line start).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Issue } from '../../src/ast/types.js';
import { launchBrowser, type LaunchedBrowser } from '../../src/print/browser.js';
import { buildWebEdition } from '../../src/web/index.js';
import { fixtureContext, REPO_ROOT } from './fixtures.js';
import { serveStatic } from './helpers.js';

const PARSER = path.join(REPO_ROOT, 'src', 'parse', 'index.ts');
const SAMPLE = path.join(REPO_ROOT, 'issues', '2026-11-20');
const ready = existsSync(PARSER) && existsSync(SAMPLE);
const FONT_BUDGET = 300_000;

let tmp: string;
let server: { origin: string; close(): Promise<void> };
let browser: LaunchedBrowser;

describe.skipIf(!ready)('sample issue in the browser at 375 px', () => {
  beforeAll(async () => {
    const parse = (await import(pathToFileURL(PARSER).href)) as { loadIssue(dir: string): Promise<{ issue: Issue }> };
    const { issue } = await parse.loadIssue(SAMPLE);
    tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-web-sample-views-'));
    const out = path.join(tmp, 'dist');
    await buildWebEdition([issue], new Map(), fixtureContext(out, '/'), { search: false });
    server = await serveStatic(out, '/');
    browser = await launchBrowser();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** Font bytes of a first visit (fresh profile) with the stylesheet's stacks rewritten to `"Banmian"` only. */
  async function fontsWithoutNamedCjkFont(rel: string) {
    const context = await browser.browser.createBrowserContext();
    try {
      const page = await context.newPage();
      await page.setViewport({ width: 375, height: 800 });
      await page.setRequestInterception(true);
      page.on('request', (req) => {
        const url = new URL(req.url()).pathname;
        if (/\/assets\/web\.[0-9a-f]+\.css$/.test(url))
          return void (async () => {
            const css = await (await fetch(req.url())).text();
            const body = css.replace(/--serif: [^;]+;/, '--serif: "Banmian", serif;').replace(/--sans: [^;]+;/, '--sans: "Banmian", sans-serif;');
            await req.respond({ status: 200, contentType: 'text/css', body });
          })();
        void req.continue();
      });
      const pending: Array<Promise<number>> = [];
      page.on('requestfinished', (req) => {
        if (req.url().endsWith('.woff2')) pending.push((async () => (await req.response()?.buffer().catch(() => undefined))?.length ?? 0)());
      });
      await page.goto(`${server.origin}/${rel}`, { waitUntil: 'networkidle0' });
      await page.evaluate(() => document.fonts.ready);
      await new Promise((r) => setTimeout(r, 300));
      const faces = await page.evaluate(() => [...document.fonts].map((f) => f.status));
      const sizes = await Promise.all(pending);
      return { bytes: sizes.reduce((a, b) => a + b, 0), files: sizes.length, failed: faces.filter((f) => f === 'error').length };
    } finally {
      await context.close();
    }
  }

  it('an article view and a page view download ≤ 300 KB of fonts with no named CJK font', async () => {
    for (const rel of ['2026-11-20/01/a1/', '2026-11-20/02/a3/', '2026-11-20/03/a1/', '2026-11-20/03/a2/', '2026-11-20/02/', '2026-11-20/01/']) {
      const r = await fontsWithoutNamedCjkFont(rel);
      console.log(`${rel} at 375 px, no named CJK font: ${r.files} font files, ${r.bytes} bytes`);
      expect(r.files, rel).toBeGreaterThan(0);
      expect(r.failed, rel).toBe(0);
      expect(r.bytes, rel).toBeLessThanOrEqual(FONT_BUDGET);
    }
  }, 180_000);

  it('the banner breaks only at its spaces: no line starts with ·', async () => {
    const page = await browser.browser.newPage();
    try {
      await page.setViewport({ width: 375, height: 800 });
      await page.goto(`${server.origin}/2026-11-20/03/a1/`, { waitUntil: 'networkidle0' });
      // The first character of each line of the banner, from the characters' boxes.
      const lines = await page.$eval('.banner-title', (el) => {
        const text = el.firstChild as Text;
        const starts: string[] = [];
        let lastTop = -Infinity;
        for (let i = 0; i < text.length; i++) {
          const range = document.createRange();
          range.setStart(text, i);
          range.setEnd(text, i + 1);
          const box = range.getBoundingClientRect();
          if (box.width === 0) continue;
          if (box.top > lastTop + box.height / 2) {
            starts.push(text.data.slice(i));
            lastTop = box.top;
          }
        }
        return starts;
      });
      expect(lines.length).toBeGreaterThan(1); // it does wrap at 375 px
      for (const rest of lines) expect(rest[0]).not.toBe('·');
      // Each line starts a phrase: the banner's first character or one after a space.
      const full = lines[0];
      for (const rest of lines.slice(1)) expect(full[full.length - rest.length - 1]).toBe(' ');
    } finally {
      await page.close();
    }
  }, 60_000);
});
