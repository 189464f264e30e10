/**
 * 转版 on the real sample issue: the real parser, the real print edition (browser, layout
 * passes — the slow part, about a minute) and then the web edition under a sub-path.
 *
 * - every module of `layout.json` has a hot area on its page view with the module's
 *   rectangle, linking to the view of the article it belongs to: for a continuation
 *   (上接, `jumpFrom`) or an article the print edition moved to another page, that is the
 *   article's own view under the page it starts on, and the page's 标题导航 lists it;
 * - every 转版 line of an article view (下转第N版 / 上接第N版) links to the article on
 *   page N that continues it / that it continues, and that article links back.
 *
 * Skipped until the parser and the sample issue exist.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Element } from 'hast';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Issue } from '../../src/ast/types.js';
import { paths } from '../../src/build/context.js';
import { BuildSession } from '../../src/build/session.js';
import { loadConfig } from '../../src/config/index.js';
import type { IssueLayout } from '../../src/layout/types.js';
import { buildPrintEdition } from '../../src/print/index.js';
import { buildWebEdition } from '../../src/web/index.js';
import { recordingLogger, REPO_ROOT } from './fixtures.js';
import { HtmlValidate } from 'html-validate';
import { checkLinks, listFiles, parseHtml, textOf, walk } from './helpers.js';

const PARSER = path.join(REPO_ROOT, 'src', 'parse', 'index.ts');
const SAMPLE = path.join(REPO_ROOT, 'issues', '2026-11-20');
const ready = existsSync(PARSER) && existsSync(SAMPLE);
const BASE = '/epaper/';

let tmp: string;
let out: string;
let issue: Issue;
let layout: IssueLayout;
let siteUrl: string;

const articleHref = (page: number, id: string) => `${BASE}${paths.articleDir(issue.id, page, id)}/`;
const read = (rel: string) => readFile(path.join(out, rel), 'utf8');

interface HotArea {
  href: string;
  label: string;
  rect: { x: number; y: number; w: number; h: number };
}

function hotAreas(html: string): HotArea[] {
  const found: HotArea[] = [];
  walk(parseHtml(html), (el) => {
    if (el.tagName !== 'svg' || !String(el.properties.className ?? '').includes('hot-areas')) return;
    walk(el, (a) => {
      if (a.tagName !== 'a') return;
      let rect: Element | undefined;
      walk(a, (r) => {
        if (r.tagName === 'rect') rect = r;
      });
      const n = (k: string) => Number(rect?.properties[k]);
      found.push({ href: String(a.properties.href), label: String(a.properties.ariaLabel ?? ''), rect: { x: n('x'), y: n('y'), w: n('width'), h: n('height') } });
    });
  });
  return found;
}

/** Links of the page view's 标题导航. */
function titleNavLinks(html: string): Array<{ href: string; text: string }> {
  const links: Array<{ href: string; text: string }> = [];
  walk(parseHtml(html), (el) => {
    if (el.tagName !== 'section' || !String(el.properties.className ?? '').includes('title-nav')) return;
    walk(el, (a) => {
      if (a.tagName === 'a') links.push({ href: String(a.properties.href), text: textOf(a) });
    });
  });
  return links;
}

/** The 转版 lines of an article view: direction and link. */
function jumpLinks(html: string): Array<{ direction: string; href: string | null; text: string }> {
  const jumps: Array<{ direction: string; href: string | null; text: string }> = [];
  walk(parseHtml(html), (el) => {
    const cls = el.properties.className;
    if (el.tagName !== 'p' || !Array.isArray(cls) || !cls.includes('jump')) return;
    let href: string | null = null;
    walk(el, (a) => {
      if (a.tagName === 'a') href = String(a.properties.href);
    });
    jumps.push({ direction: cls.includes('jump-to') ? 'to' : 'from', href, text: textOf(el) });
  });
  return jumps;
}

const near = (a: number, b: number) => Math.abs(a - b) < 0.01;

describe.skipIf(!ready)('转版 on the sample issue (real parser, real print layout)', () => {
  beforeAll(async () => {
    const parse = (await import(pathToFileURL(PARSER).href)) as { loadIssue(dir: string): Promise<{ issue: Issue }> };
    issue = (await parse.loadIssue(SAMPLE)).issue;
    const { config } = await loadConfig(REPO_ROOT);
    config.site = { ...config.site, basePath: BASE };
    siteUrl = config.site.url.replace(/\/+$/, '');
    tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-web-jumps-'));
    out = path.join(tmp, 'dist');
    const ctx = { root: REPO_ROOT, config, outDir: out, previousOutDir: out + '.previous', force: true, log: recordingLogger(), session: new BuildSession() };
    const layouts = await buildPrintEdition([issue], ctx);
    layout = layouts.get(issue.id)!;
    await buildWebEdition([issue], layouts, ctx, { fonts: false, search: false });
  }, 600_000);

  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('the print layout of the sample continues articles on later pages', () => {
    const continued = layout.pages.flatMap((p) => p.modules.filter((m) => m.jumpFrom !== undefined));
    expect(continued.length).toBeGreaterThan(0);
    for (const m of continued) expect(m.page, `${m.articleId}`).toBeLessThan(layout.pages.find((p) => p.modules.includes(m))!.number);
  });

  it('every module has a hot area on its page linking to its article, continuations to the page the article starts on', async () => {
    let continuations = 0;
    for (const pl of layout.pages) {
      const html = await read(path.join(paths.pageDir(issue.id, pl.number), 'index.html'));
      const areas = hotAreas(html);
      expect(areas.length, `page ${pl.number}`).toBe(pl.modules.length);
      const nav = titleNavLinks(html);
      for (const m of pl.modules) {
        const area = areas.find((a) => near(a.rect.x, m.rect.x) && near(a.rect.y, m.rect.y) && near(a.rect.w, m.rect.w) && near(a.rect.h, m.rect.h));
        expect(area, `page ${pl.number}: hot area for ${m.page}/${m.articleId}`).toBeDefined();
        const href = articleHref(m.page, m.articleId);
        expect(area!.href).toBe(href);
        // The article's own view exists, and its canonical is that address.
        const articleHtml = await read(path.join(paths.articleDir(issue.id, m.page, m.articleId), 'index.html'));
        expect(articleHtml).toContain(`<link rel="canonical" href="${siteUrl}${href}">`);
        if (m.page !== pl.number) {
          // A guest on this page: labelled with where it comes from, and in the 标题导航.
          const from = `第${String(m.jumpFrom ?? m.page).padStart(2, '0')}版`;
          expect(area!.label, `page ${pl.number} ${m.page}/${m.articleId}`).toContain(from);
          expect(nav.some((l) => l.href === href), `page ${pl.number} title nav lists ${href}`).toBe(true);
        }
        if (m.jumpFrom !== undefined) continuations++;
      }
      // The page's own articles that the print edition placed wholly on another page say where.
      for (const node of issue.children.find((p) => p.number === pl.number)!.children) {
        if (node.type !== 'article' || pl.modules.some((m) => m.page === pl.number && m.articleId === node.id)) continue;
        const where = layout.pages.find((p) => p.modules.some((m) => m.page === pl.number && m.articleId === node.id));
        const item = nav.find((l) => l.href === articleHref(pl.number, node.id));
        expect(item, `page ${pl.number} lists ${node.id}`).toBeDefined();
        // The title may carry BudouX's <wbr> phrase breaks.
        if (where) expect(html).toMatch(new RegExp(`href="${articleHref(pl.number, node.id)}">(?:[^<]|<wbr>)*</a><span class="guest-note">（见第${String(where.number).padStart(2, '0')}版）</span>`));
      }
    }
    expect(continuations).toBeGreaterThan(0);
  });

  it('with page images: every page passes html-validate and every link (and WebP source) resolves', async () => {
    const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });
    const failures: string[] = [];
    for (const rel of (await listFiles(out)).filter((f) => f.endsWith('.html'))) {
      const report = await validator.validateString(await read(rel), rel);
      for (const r of report.results) for (const m of r.messages) if (m.severity === 2) failures.push(`${rel}:${m.line} ${m.ruleId} ${m.message}`);
    }
    expect(failures).toEqual([]);
    const { broken } = await checkLinks(out, BASE, siteUrl);
    expect(broken).toEqual([]);
  });

  it('article views link their 转版 lines to the continuation and back', async () => {
    let checked = 0;
    for (const page of issue.children)
      for (const node of page.children) {
        if (node.type !== 'article') continue;
        const jumps = node.children.filter((c) => c.type === 'jump');
        if (!jumps.length) continue;
        const html = await read(path.join(paths.articleDir(issue.id, page.number, node.id), 'index.html'));
        const shown = jumpLinks(html);
        expect(shown.map((j) => j.direction)).toEqual(jumps.map((j) => j.direction));
        for (const [i, jump] of jumps.entries()) {
          const link = shown[i];
          expect(link.href, `${page.file} ${node.id} ${link.text}`).not.toBeNull();
          // The target is an article on the page the jump names …
          const m = new RegExp(`^${BASE}${issue.id}/(\\d+)/([^/]+)/$`).exec(link.href!);
          expect(m, link.href!).not.toBeNull();
          expect(Number(m![1])).toBe(jump.page);
          // … with the opposite jump, pointing back at this article.
          const back = jumpLinks(await read(path.join(paths.articleDir(issue.id, Number(m![1]), m![2]), 'index.html')));
          const opposite = jump.direction === 'to' ? 'from' : 'to';
          expect(back.some((b) => b.direction === opposite && b.href === articleHref(page.number, node.id)), `${link.href} links back`).toBe(true);
          checked++;
        }
      }
    expect(checked).toBeGreaterThan(0);
  });
});
