/**
 * The print edition, read back from its PDFs with pdfjs: the text of every article is
 * on its pages in reading order (joining columns and jumps), every text item of the
 * grid lies in its article's module, modules tile without overlap, CJK line rules hold,
 * and the PDF has its metadata and bookmarks. On the sample issue (broadsheet) and on
 * an issue made of the three corpus pages (tabloid: a corpus page holds about 3,000
 * characters, a third of a broadsheet page).
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleParts } from '../../src/ast/parts.js';
import { significantChars } from '../../src/ast/text.js';
import type { Article, BodyBlock, Issue } from '../../src/ast/types.js';
import { loadConfig, resolveConfig } from '../../src/config/index.js';
import type { BanmianConfig } from '../../src/config/types.js';
import type { IssueLayout, ModuleLayout } from '../../src/layout/types.js';
import { loadIssue } from '../../src/parse/index.js';
import { BuildSession } from '../../src/build/session.js';
import { columnBlocks, photoFigures } from '../../src/layout/content.js';
import { bannerOwners } from '../../src/ast/vocabulary.js';
import { buildPrintEdition } from '../../src/print/index.js';
import { makeGrid } from '../../src/layout/grid.js';
import { centre, openPdf, pageItems, type TextItem } from './helpers.js';
import { corpusDir } from '../parse/helpers.js';
import { toString } from 'mdast-util-to-string';

const ROOT = path.resolve(import.meta.dirname, '../..');
// ../shared/corpus beside the project, or where BANMIAN_CORPUS points (tests/parse/helpers.ts).
const CORPUS = corpusDir;
const HAS_CORPUS = existsSync(CORPUS);
const silent = { info() {}, warn() {}, progress() {} };
/** One session for every build of this file: the safety check below covers them all. */
const session = new BuildSession();

const NO_LINE_START = new Set([...'、，。：；！？”’）》」』】·—…']);
const NO_LINE_END = new Set([...'“‘（《「『【']);

interface Built {
  issue: Issue;
  layout: IssueLayout;
  out: string;
  config: BanmianConfig;
}

async function buildIssue(issueDir: string, root: string, config: BanmianConfig, out: string): Promise<Built> {
  const { issue } = await loadIssue(issueDir, { root });
  const layouts = await buildPrintEdition([issue], { root: ROOT, config, outDir: out, previousOutDir: out, force: true, log: silent, session });
  return { issue, layout: layouts.get(issue.id)!, out, config };
}

/** The article's text in the order a reader meets it in its module: header, photos, columns. */
function expectedText(article: Article, bannerText: string): string {
  const parts = articleParts(article);
  const header = [...parts.sectionLabels, ...parts.kickers, ...(parts.headline ? [parts.headline] : []), ...parts.subtitles, ...parts.bylines];
  const blocks: BodyBlock[] = [...photoFigures(article), ...columnBlocks(article)];
  return significantChars(bannerText + header.map(plain).join('') + blocks.map(plain).join(''));
}

/** Text of a node as printed: text, inline code and raw HTML values (not an image's alt, which toString prefers). */
function plain(node: unknown): string {
  const n = node as { type: string; value?: string; children?: unknown[] };
  if ((n.type === 'text' || n.type === 'inlineCode' || n.type === 'html') && typeof n.value === 'string') return n.value;
  return n.children ? n.children.map(plain).join('') : '';
}

/** Items of one module in reading order: header zone by lines, then column by column. */
function moduleText(items: TextItem[], m: ModuleLayout, colStep: number, skipHeader: boolean): string {
  const inside = items.filter((t) => {
    const c = centre(t);
    return c.x >= m.rect.x - 2 && c.x <= m.rect.x + m.rect.w + 2 && c.y >= m.rect.y && c.y <= m.rect.y + m.rect.h;
  });
  const bodyY = m.bodyY ?? m.rect.y;
  const head = byLines(inside.filter((t) => centre(t).y < bodyY)).flat();
  const cols = new Map<number, TextItem[]>();
  for (const t of inside.filter((t) => centre(t).y >= bodyY)) {
    const col = Math.floor((centre(t).x - m.rect.x + 2) / colStep);
    cols.set(col, [...(cols.get(col) ?? []), t]);
  }
  const body = [...cols.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, items]) => byLines(items).flat());
  return significantChars((skipHeader ? [] : head).concat(body).map((t) => t.str).join(''));
}

/** Groups items into lines (baselines within half a glyph of each other), top to bottom, each left to right. */
function byLines(items: TextItem[]): TextItem[][] {
  const sorted = [...items].sort((a, b) => a.y - b.y);
  const lines: TextItem[][] = [];
  for (const t of sorted) {
    const last = lines[lines.length - 1];
    // Half the smaller glyph: a byline under a big headline is a line of its own.
    if (last && Math.abs(t.y - last[0].y) <= Math.max(3, Math.min(t.size, last[0].size) * 0.5)) last.push(t);
    else lines.push([t]);
  }
  return lines.map((l) => l.sort((a, b) => a.x - b.x));
}

/**
 * `fillFloor`: the least fill of any page (the issue's target is 0.97; a page with less text
 * than room cannot reach it, and the build reports how much text it lacks).
 */
function checkIssue(name: string, get: () => Built, fillFloor: number, skip = false) {
  describe.skipIf(skip)(name, () => {
    it('writes the issue PDF, a PDF, image and thumbnail per page, and layout.json', async () => {
      const { issue, layout, out } = get();
      const dir = path.join(out, issue.id);
      expect(existsSync(path.join(dir, layout.pdf))).toBe(true);
      expect(layout.pages.map((p) => p.number)).toEqual(issue.children.map((p) => p.number));
      for (const p of layout.pages) for (const f of [p.pdf, p.image, p.thumb]) expect(existsSync(path.join(dir, f))).toBe(true);
      const saved = JSON.parse(await readFile(path.join(dir, 'layout.json'), 'utf8'));
      expect(saved).toEqual(layout);
      expect(layout.browser).toMatch(/Chrom/);
    });

    it('modules stay in the type area, do not overlap, and cover it', () => {
      const { layout, config } = get();
      const grid = makeGrid(config.print);
      for (const p of layout.pages) {
        const area = p.typeArea;
        for (const m of p.modules) {
          expect(m.rect.x).toBeGreaterThanOrEqual(area.x - 0.5);
          expect(m.rect.x + m.rect.w).toBeLessThanOrEqual(area.x + area.w + 0.5);
          expect(m.rect.y + m.rect.h).toBeLessThanOrEqual(area.y + area.h + 0.5);
          expect(m.column + m.columns).toBeLessThanOrEqual(grid.columns);
        }
        for (const [i, a] of p.modules.entries())
          for (const b of p.modules.slice(i + 1)) {
            const overlap = a.rect.x < b.rect.x + b.rect.w - 0.5 && b.rect.x < a.rect.x + a.rect.w - 0.5 && a.rect.y < b.rect.y + b.rect.h - 0.5 && b.rect.y < a.rect.y + a.rect.h - 0.5;
            expect(overlap, `page ${p.number}: ${a.articleId} and ${b.articleId} overlap`).toBe(false);
          }
        // Grid cells covered by modules: the packer leaves no hole between modules; a page
        // short of copy has its house fillers and the white reported at its foot besides.
        const cells = [...p.modules, ...(p.fillers ?? [])].reduce((s, m) => s + m.columns * m.lines, 0) + (p.white ?? 0);
        const first = Math.min(...p.modules.map((m) => m.line));
        expect(cells, `page ${p.number}: ${JSON.stringify(p.modules.map((m) => [m.articleId, m.column, m.columns, m.line, m.lines]))}`).toBe(grid.columns * (grid.lines - first));
      }
    });

    it('every article is on its page(s), in reading order, across columns and jumps', async () => {
      const { issue, layout, out, config } = get();
      const grid = makeGrid(config.print);
      const { pages } = await pageItems(path.join(out, issue.id, layout.pdf));
      expect(pages.length).toBe(layout.pages.length);
      for (const page of issue.children) {
        const banners = bannerOwners(page);
        for (const article of page.children.filter((c): c is Article => c.type === 'article')) {
          const pieces = layout.pages.flatMap((p, i) => p.modules.filter((m) => m.page === page.number && m.articleId === article.id).map((m) => ({ m, items: pages[i] })));
          expect(pieces.length, `${page.number}/${article.id} placed`).toBeGreaterThan(0);
          let got = '';
          for (const { m, items } of pieces) {
            let text = moduleText(items, m, grid.columnW + grid.gutter, !!m.jumpFrom);
            if (m.jumpTo) text = text.replace(new RegExp(`下转第${m.jumpTo}版$`), '');
            got += text;
          }
          const banner = banners.get(article.id);
          const want = expectedText(article, banner ? plain(banner) : '');
          let k = 0;
          while (k < want.length && got[k] === want[k]) k++;
          expect(got, `page ${page.number} ${article.id} differs at ${k}: got …${got.slice(k - 10, k + 30)} want …${want.slice(k - 10, k + 30)}`).toBe(want);
        }
      }
    });

    it('every text item in the grid lies inside a module', async () => {
      const { issue, layout, out } = get();
      const { pages } = await pageItems(path.join(out, issue.id, layout.pdf));
      for (const [i, p] of layout.pages.entries()) {
        const top = Math.min(...p.modules.map((m) => m.rect.y));
        const stray = pages[i].filter((t) => {
          const c = centre(t);
          const inGrid = c.x > p.typeArea.x && c.x < p.typeArea.x + p.typeArea.w && c.y > top && c.y < p.typeArea.y + p.typeArea.h;
          // 2 pt of slack: an opening quote set half-width at a line start sits half an em left.
          return inGrid && ![...p.modules, ...(p.fillers ?? [])].some((m) => c.x >= m.rect.x - 2 && c.x <= m.rect.x + m.rect.w + 2 && c.y >= m.rect.y && c.y <= m.rect.y + m.rect.h);
        });
        expect(stray.map((t) => t.str)).toEqual([]);
      }
    });

    it('no line starts with a closing mark or ends with an opening mark', async () => {
      const { issue, layout, out, config } = get();
      const grid = makeGrid(config.print);
      const { pages } = await pageItems(path.join(out, issue.id, layout.pdf));
      const bad: string[] = [];
      let lines = 0;
      for (const [i, p] of layout.pages.entries()) {
        for (const m of p.modules) {
          const cols = new Map<number, TextItem[]>();
          for (const t of pages[i]) {
            const c = centre(t);
            if (c.x < m.rect.x - 2 || c.x > m.rect.x + m.rect.w + 2 || c.y < (m.bodyY ?? m.rect.y) || c.y > m.rect.y + m.rect.h) continue;
            const col = Math.floor((centre(t).x - m.rect.x + 2) / (grid.columnW + grid.gutter));
            cols.set(col, [...(cols.get(col) ?? []), t]);
          }
          for (const row of [...cols.values()].flatMap(byLines)) {
            const text = row.map((t) => t.str).join('').trim();
            if (!text) continue;
            lines++;
            if (NO_LINE_START.has(text[0]) || NO_LINE_END.has(text[text.length - 1])) bad.push(text);
          }
        }
      }
      expect(lines).toBeGreaterThan(100);
      expect(bad).toEqual([]);
    });

    it('has title, author, dates from the issue, and bookmarks page › article', async () => {
      const { issue, layout, out, config } = get();
      const doc = await openPdf(path.join(out, issue.id, layout.pdf));
      const { info } = (await doc.getMetadata()) as unknown as { info: Record<string, string> };
      expect(info.Title).toContain(config.paper.name);
      expect(info.Author).toBe(config.paper.name);
      expect(info.CreationDate).toContain(issue.date.replaceAll('-', ''));
      const outline = (await doc.getOutline()) ?? [];
      expect(outline.length).toBe(issue.children.length);
      expect(outline[0].title).toContain('第01版');
      expect(outline.some((o) => o.items.length > 0)).toBe(true);
      await doc.destroy();
    });

    it(`page fill (share of the body grid holding text) stays at or above ${fillFloor}`, () => {
      const { layout } = get();
      // Measured by the renderer from the line boxes in each column; see docs/print.md.
      console.log(`${name}: fill ${layout.pages.map((p) => `${p.number}:${(p.fill * 100).toFixed(1)}%`).join(' ')}`);
      for (const p of layout.pages) expect(p.fill, `page ${p.number}`).toBeGreaterThanOrEqual(fillFloor);
    });

    it('no hole taller than 2 lines inside any module, on full pages and on pages short of copy (their white is at the foot)', () => {
      const { layout, config } = get();
      const grid = makeGrid(config.print);
      for (const p of layout.pages) for (const m of p.modules) expect(m.hole, `page ${p.number} ${m.articleId}: blank of ${m.hole} pt`).toBeLessThanOrEqual(2 * grid.line + 1);
    });

    it('a page with more text than room (its text jumps on) is full: fill ≥ 0.95, jumping modules cut at a line', () => {
      const { layout } = get();
      const full = layout.pages.filter((p) => p.modules.some((m) => m.jumpTo && m.page === p.number));
      for (const p of full) {
        expect(p.fill, `page ${p.number}`).toBeGreaterThanOrEqual(0.95);
        // The module that jumps ends with its columns full: cut inside a paragraph where needed.
        for (const m of p.modules.filter((x) => x.jumpTo)) expect(m.fill, `page ${p.number} ${m.articleId}`).toBeGreaterThanOrEqual(0.95);
      }
    });
  });
}

let tmp: string;
let sample: Built;
let corpus: Built;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-print-'));
  const { config } = await loadConfig(ROOT);
  sample = await buildIssue(path.join(ROOT, 'issues', '2026-11-20'), ROOT, config, path.join(tmp, 'sample'));
  // The corpus pages as one issue, on the tabloid preset (only where ../shared is beside the project).
  if (!HAS_CORPUS) return;
  const dir = path.join(tmp, 'issues', '2023-09-20');
  await mkdir(dir, { recursive: true });
  // Four tabloid pages: 002, 004, and 000 cut before its second interview (two long
  // interviews are more than one tabloid page holds).
  const { writeFile } = await import('node:fs/promises');
  await copyFile(path.join(CORPUS, '002_6d4dff7fc7251387.txt'), path.join(dir, '01-品质.txt'));
  await copyFile(path.join(CORPUS, '004_bb79a988b909a362.txt'), path.join(dir, '02-专题.txt'));
  const interviews = (await readFile(path.join(CORPUS, '000_4c27dc6f5b443fbc.txt'), 'utf8')).split('\n');
  const second = interviews.findIndex((l, i) => i > 20 && l.startsWith('抓机遇谋创新求突破'));
  expect(second).toBeGreaterThan(0);
  await writeFile(path.join(dir, '03-访谈.txt'), interviews.slice(0, second).join('\n'));
  await writeFile(path.join(dir, '04-访谈.txt'), interviews.slice(second).join('\n'));
  await writeFile(path.join(dir, 'issue.yaml'), 'date: 2023-09-20\nnumber: 100\n');
  const tabloid = resolveConfig({ paper: config.paper, site: config.site, editions: config.editions, print: { preset: 'tabloid' } }, 'test config');
  expect(tabloid.print.columns).toBe(6);
  corpus = await buildIssue(dir, tmp, tabloid, path.join(tmp, 'corpus'));
}, 300_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

// The sample issue is made up full: every page at the 0.97 target. The corpus pages 3 and 4
// each hold half an interview page (~1,700 characters for ~4,900 of room): no layout fills
// them (the build says how much text each lacks; they are opened up with bigger headlines
// and looser leading to 90 % and 76 %), so only a regression floor there.
// Page 2 is the last news page before the themed pages: it holds the front page's
// continuations whole and fills to 97.1 % (issue 13; gutters between side-by-side modules
// count as white in this measure, so a page of narrow stacks has less headroom).
checkIssue('sample issue (broadsheet)', () => sample, 0.97);
// Headline sizes follow news value first (issue 13: a page's lead within its rank's band,
// src/layout/policy.ts headline.ranks), so corpus page 4, short of text, can no longer be
// opened up with a lead headline past the band. And its header is no longer inflated
// (policy.shortPage: at most 2 blank lines beyond the headline's size step): the 25 spare
// lines it took (counted as fill up to 2 lines per header gap) are white at the page foot,
// reported by the build; a pull quote and house fillers (fillers/) take some of it. Page 4: 68.5 % (was 67.4 %); the floor follows.
checkIssue('corpus pages (tabloid)', () => corpus, 0.68, !HAS_CORPUS);

describe.skipIf(!HAS_CORPUS)('corpus pages short of copy (tabloid)', () => {
  it("get a pull quote and the project's house fillers at their foot, printed inside their own boxes, and the white left is reported", async () => {
    const { issue, layout, out } = corpus;
    const { pages } = await pageItems(path.join(out, issue.id, layout.pdf));
    const placed = layout.pages.flatMap((p, i) => (p.fillers ?? []).map((f) => ({ f, page: p.number, text: pages[i].filter((t) => { const c = centre(t); return c.x >= f.rect.x && c.x <= f.rect.x + f.rect.w && c.y >= f.rect.y && c.y <= f.rect.y + f.rect.h; }).map((t) => t.str).join('') })));
    expect(placed.length).toBeGreaterThan(0);
    // Each box holds one of fillers/ whole (headline, then its text), or a pull quote: a
    // sentence of that page's text verbatim, in quotation marks under its label 引语; never news text otherwise.
    const heads = ['节约用水从点滴做起', '礼让斑马线文明你我他', '垃圾分一分环境美十分'];
    let quotes = 0;
    for (const { text, page } of placed) {
      const flat = text.replace(/\s+/g, '');
      const quote = /^引语“(.+)”$/u.exec(flat);
      if (quote) {
        quotes++;
        expect(significantChars(toString(issue.children.find((p) => p.number === page)!))).toContain(significantChars(quote[1]));
      } else expect(heads.some((h) => flat.startsWith(h)), flat.slice(0, 20)).toBe(true);
    }
    expect(quotes).toBeGreaterThan(0);
    expect(new Set(placed.map((x) => x.text)).size).toBe(placed.length);
    // Page 4, half an interview: far more white than the quote and fillers take, reported at the foot.
    expect(layout.pages[3].white).toBeGreaterThan(100);
  });
});

describe('print renderer safety', () => {
  it('requests nothing outside the build', () => {
    expect(session.refused).toEqual([]);
  });
});
