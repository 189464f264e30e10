/**
 * Issue 14, item 3 — clean once, in the AST: a page with hostile raw HTML in its headline
 * and body is built (web and print editions, through the CLI), and the text of every output
 * — HTML <title>, 版面/标题导航, feed, JSON-LD, the search index and the PDF text — holds no
 * markup and no script: the parser cleaned the text once, so every edition reads it clean.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles, parseHtml, textOf, walk } from '../web/helpers.js';
import { pageItems } from '../print/helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/banmian.js');

const HOSTILE = '<script>alert(1)</script>';
const IMG = '<img src=x onerror=alert(1)>';
const IFRAME = '<iframe src=javascript:alert(1)></iframe>';
const PAGE = `# 社区食堂开业${HOSTILE}迎客${IMG}${IFRAME}

□本报记者 丁霞

社区食堂${HOSTILE}今天开业${IMG}，${IFRAME}老人们吃上了热乎饭菜。食堂每天供应午餐和晚餐，价格实惠，荤素搭配。

${IMG}

${IFRAME}

${HOSTILE}

街道负责人介绍，下一步将在更多社区开设食堂。
`;

/** What must not be left in any text a reader sees. */
const FORBIDDEN = ['<', 'script', 'onerror', 'iframe', 'javascript:', 'alert'];

function expectClean(what: string, text: string): void {
  for (const bad of FORBIDDEN) expect(text, `${what} holds ${JSON.stringify(bad)}: ${text.slice(0, 300)}`).not.toContain(bad);
}

let dir: string;
let out: string;
let build: { code: number | null; stdout: string; stderr: string };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-hostile-'));
  const issue = path.join(dir, 'issues', '2026-11-21');
  await mkdir(issue, { recursive: true });
  await writeFile(path.join(issue, 'issue.yaml'), 'date: 2026-11-21\nnumber: 7\n');
  await writeFile(path.join(issue, '01-要闻.md'), PAGE);
  out = path.join(dir, 'dist');
  const r = spawnSync(process.execPath, [BIN, 'build', '--issues', path.join(dir, 'issues'), '--out', out], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  build = { code: r.status, stdout: r.stdout, stderr: r.stderr };
}, 240_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a hostile page, built into both editions', () => {
  it('builds, and check names each removal with file:line', () => {
    expect(build.stderr).not.toMatch(/internal error/);
    expect(build.code).toBe(0);
    const r = spawnSync(process.execPath, [BIN, 'check', path.join(dir, 'issues')], { cwd: ROOT, encoding: 'utf8' });
    const lines = r.stdout.split('\n').filter((l) => l.includes('html-removed'));
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const l of lines) expect(l).toMatch(/01-要闻\.md:\d+:\d+ +warning +removed .+ from raw HTML/);
    expect(r.stdout).toMatch(/01-要闻\.md:1:\d+ +warning +removed <script>/);
  });

  it('every HTML page: <title>, navigation and visible text, JSON-LD — clean', async () => {
    const files = (await listFiles(out)).filter((f) => f.endsWith('.html'));
    expect(files.length).toBeGreaterThan(3);
    let titles = 0;
    for (const f of files) {
      const html = await readFile(path.join(out, f), 'utf8');
      const tree = parseHtml(html);
      expectClean(`${f} text`, textOf(tree));
      walk(tree, (el) => {
        if (el.tagName === 'title') {
          titles++;
          expectClean(`${f} <title>`, textOf(el));
        }
        if (el.tagName === 'script' && el.properties?.type === 'application/ld+json') {
          const data = JSON.parse(textOf({ ...el, tagName: 'div' }));
          expectClean(`${f} JSON-LD`, JSON.stringify(data));
        }
        // no broken image left from an <img src=x>
        if (el.tagName === 'img') expect(String(el.properties?.src ?? '')).not.toMatch(/^x$/);
        if (el.tagName === 'iframe') throw new Error(`${f} has an <iframe>`);
      });
    }
    expect(titles).toBeGreaterThanOrEqual(files.length);
    const article = await readFile(path.join(out, '2026-11-21/01/a1/index.html'), 'utf8');
    expect(article).toContain('<title>社区食堂开业迎客');
    // the text around the removed markup is all there
    expect(textOf(parseHtml(article))).toContain('老人们吃上了热乎饭菜');
  });

  it('the feed: titles and summaries clean, content without script', async () => {
    const feed = await readFile(path.join(out, 'feed.xml'), 'utf8');
    const texts = [...feed.matchAll(/<(title|summary)[^>]*>([^<]*)</g)].map((m) => m[2]);
    expect(texts).toContain('社区食堂开业迎客');
    for (const t of texts) expectClean('feed title/summary', t.replace(/&lt;/g, '<').replace(/&amp;/g, '&'));
    for (const bad of ['script', 'onerror', 'iframe', 'javascript:', 'alert']) expect(feed).not.toContain(bad);
  });

  it('the search index holds only clean text', async () => {
    // titles, urls and postings (src/web/search.ts): the manifest and every gram shard
    const files = (await listFiles(path.join(out, 'search-index'))).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(1);
    let seen = false;
    for (const f of files) {
      const text = await readFile(path.join(out, 'search-index', f), 'utf8');
      if (text.includes('社区食堂')) seen = true;
      for (const bad of ['script', 'onerror', 'iframe', 'javascript:', 'alert', '&lt;']) expect(text, f).not.toContain(bad);
    }
    expect(seen).toBe(true);
  });

  it('the PDF text is clean', async () => {
    const pdfs = (await listFiles(out)).filter((f) => f.endsWith('.pdf'));
    expect(pdfs.length).toBeGreaterThan(0);
    for (const f of pdfs) {
      const { pages } = await pageItems(path.join(out, f));
      const text = pages.flat().map((t) => t.str).join('');
      expect(text).toContain('迎客');
      expectClean(`${f} text`, text);
    }
  });
});
