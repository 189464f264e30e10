/**
 * The issue planner without a browser: the sample issue's recorded measures replayed
 * (tests/fixtures/layout, recorded by record.ts there) give the modules of its
 * layout.json; on made-up measures (fast-check) every plan keeps its invariants.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Grid } from '../../src/layout/grid.js';
import { headlineSizes } from '../../src/layout/headline.js';
import type { ArticleMetrics, IssueMetrics } from '../../src/layout/metrics.js';
import { sameArticle } from '../../src/layout/pieces.js';
import { type IssuePlan, type PlannedModule, planIssue } from '../../src/layout/plan.js';
import { DEFAULT_POLICY, type LayoutPolicy } from '../../src/layout/policy.js';
import { rankArticles } from '../../src/layout/rank.js';

interface Fixture {
  grid: Grid;
  metrics: IssueMetrics;
  layout: Array<{ number: number; modules: Array<{ page: number; articleId: string; column: number; columns: number; line: number; lines: number; jumpTo?: number; jumpFrom?: number; overset: number }> }>;
}
const sample: Fixture = JSON.parse(readFileSync(path.join(import.meta.dirname, '../fixtures/layout/sample-2026-11-20.json'), 'utf8'));
const grid = sample.grid;

/** A plan's modules as layout.json writes them (lines counted from the type area's top). */
function asLayout(plan: IssuePlan, g: Grid) {
  return plan.pages.map((p) => ({
    number: p.number,
    modules: p.modules.map((m) => ({
      page: m.piece.page,
      articleId: m.piece.article,
      column: m.column,
      columns: m.columns,
      line: m.line + (p.masthead ? g.mastheadLines : 0),
      lines: m.lines,
      ...(m.jumpTo ? { jumpTo: m.jumpTo } : {}),
      ...(m.piece.continuedFrom ? { jumpFrom: m.piece.continuedFrom } : {}),
      overset: plan.overset.find((o) => sameArticle(o.article, m.piece))?.lines ?? 0,
    })),
  }));
}

const articleOf = (metrics: IssueMetrics, m: PlannedModule): ArticleMetrics => [...metrics.pages.flatMap((p) => p.articles), ...(metrics.fillers ?? [])].find((a) => a.page === m.piece.page && a.id === m.piece.article)!;

/** Lines of body text a module sets (its block parts) and the rows its body has. */
function bodyOf(metrics: IssueMetrics, m: PlannedModule, policy: LayoutPolicy) {
  const a = articleOf(metrics, m);
  const text = m.blocks.reduce((s, b) => s + (b.toLine ?? a.blockLines[b.block]) - b.fromLine, 0) + (m.jumpTo !== undefined || jumps(metrics, m) ? policy.jumpLines : 0);
  const rows = m.lines - (m.ruleBelow ? 1 : 0) - m.headerLines - m.figureLines;
  return { text, rows };
}

/** The module ends before its article's text does (it carries a jump line, whether or not it names a page). */
function jumps(metrics: IssueMetrics, m: PlannedModule): boolean {
  const a = articleOf(metrics, m);
  const last = m.blocks[m.blocks.length - 1];
  if (!last) return m.piece.from < a.blockLines.length;
  return last.block < a.blockLines.length - 1 || (last.toLine !== undefined && last.toLine < a.blockLines[last.block]);
}

/** On every page its lead's headline is bigger than any other; ranks come in order of size (lead > second > ordinary > brief). */
function checkRanks(metrics: IssueMetrics, p: IssuePlan['pages'][number], front: boolean): void {
  const own = p.modules.filter((m) => m.piece.continuedFrom === undefined && m.piece.from === 0 && m.piece.fromLine === 0);
  const order = ['lead', 'second', 'ordinary', 'brief'];
  for (const m of own) {
    for (const z of p.modules) {
      if (z === m) continue;
      const cont = z.piece.continuedFrom !== undefined || z.piece.from > 0 || z.piece.fromLine > 0;
      const [rm, rz] = [articleOf(metrics, m).rank, articleOf(metrics, z).rank];
      if (cont || order.indexOf(rm) < order.indexOf(rz)) expect(m.headlinePt, `${p.number} ${m.domId} (${rm}) vs ${z.domId} (${cont ? 'cont' : rz})${front ? ' front' : ''}`).toBeGreaterThan(z.headlinePt);
    }
  }
}

/**
 * Invariants of any plan: modules inside their page's grid and not overlapping; every
 * article's text set once, in order, across its pages (or counted as overset); a jump
 * names the page its continuation is on; each module's parts add up to its height.
 */
function checkPlan(metrics: IssueMetrics, g: Grid, policy: LayoutPolicy, plan: IssuePlan): void {
  expect(plan.pages.map((p) => p.number)).toEqual([...metrics.pages].map((p) => p.number).sort((a, b) => a - b));
  for (const [pi, p] of plan.pages.entries()) {
    const rows = g.lines - (pi === 0 ? g.mastheadLines : 0);
    const cells = new Uint8Array(g.columns * rows);
    for (const m of p.modules) {
      expect(m.column).toBeGreaterThanOrEqual(0);
      expect(m.column + m.columns).toBeLessThanOrEqual(g.columns);
      expect(m.line).toBeGreaterThanOrEqual(0);
      expect(m.line + m.lines).toBeLessThanOrEqual(rows);
      for (let c = m.column; c < m.column + m.columns; c++) for (let l = m.line; l < m.line + m.lines; l++) cells[l * g.columns + c]++;
      // Header, photos, body and rule fill the module's lines exactly; the body has room for its text.
      const { text, rows: bodyRows } = bodyOf(metrics, m, policy);
      const a = articleOf(metrics, m);
      const cont = m.piece.from > 0 || m.piece.continuedFrom !== undefined;
      const heads = (cont ? a.contHeader : a.header)[m.columns] ?? [];
      expect(m.headerLines).toBeGreaterThanOrEqual(heads[0] ?? 0);
      expect(cont ? policy.headline.continuation : headlineSizes(policy, a.rank, pi === 0, m.columns)).toContain(m.headlinePt);
      // At the body's leading (the grid's, or opened up on a page short of copy) every column holds its share.
      const rowsAtLeading = m.bodyLeading === undefined ? bodyRows : Math.floor((bodyRows * g.line) / m.bodyLeading + 1e-9);
      // Known limit of the packer: a stack lower than one article's header and photos
      // (tall photos on a short page) still gets that article, with no room for text; it
      // sets none then (all of it moves on, nothing lost) and the render's fit check reports it.
      if (bodyRows < 0 || Math.ceil(text / m.columns) > rowsAtLeading) expect(m.blocks, `${p.number} ${m.domId}: ${text} lines in ${bodyRows} rows`).toEqual([]);
      if (m.bodyLeading !== undefined) expect(m.bodyLeading).toBeGreaterThan(g.line);
      // Column breaks (columns.ts) instead of blank lines: never both, never after a subhead.
      if (m.columnBreaks.length) expect(m.gapsBefore).toEqual([]);
      for (const b of m.columnBreaks) {
        expect(b).toBeGreaterThan(0);
        expect(b).toBeLessThan(m.blocks.length);
        expect(a.blockTypes[m.blocks[b - 1].block], `${p.number} ${m.domId}: subhead ends a column`).not.toBe('subhead');
      }
      // Photos (not on a continuation) fill their lines exactly with their captions.
      if (cont) expect(m.photoHeights).toEqual([]);
      else if (a.photoAspects.length) {
        const captions = a.photoAspects.reduce((s, _x, i) => s + (a.captionPt[m.columns]?.[i] ?? 0), 0);
        expect(m.photoHeights.reduce((s, h) => s + h, 0) + captions + policy.photoPadPt).toBeCloseTo(m.figureLines * g.line, 6);
        for (const h of m.photoHeights) expect(h).toBeGreaterThan(0);
      }
      // A jump names the next page carrying this article, continued from here.
      if (m.jumpTo !== undefined) {
        const next = plan.pages.find((x) => x.number === m.jumpTo)!;
        expect(next.modules.some((y) => sameArticle(y.piece, m.piece) && y.piece.continuedFrom === p.number)).toBe(true);
      }
    }
    // Modules never overlap (the packer tiles the grid, pack.test.ts).
    expect([...cells].every((x) => x <= 1)).toBe(true);
    // Separation: a module with another right below it (sharing a column) has a rule
    // below, its line reserved inside the module; side by side, the lower one's column rule.
    for (const m of p.modules) {
      const under = p.modules.filter((z) => z.line === m.line + m.lines && z.column < m.column + m.columns && m.column < z.column + z.columns);
      if (under.length) expect(m.ruleBelow, `${p.number} ${m.domId} above ${under.map((z) => z.domId)}`).toBe(true);
    }
    // Above each column's white foot the modules tile the grid; below it nothing: the white
    // a page short of copy leaves is in one place, and it is reported.
    const foot = plan.leftover.find((x) => x.page === p.number);
    for (let c = 0; c < g.columns; c++) {
      const from = foot ? foot.from[c] : rows;
      for (let l = 0; l < rows; l++) {
        // Below the foot only house fillers, a line of white above each.
        const filler = p.modules.some((m) => m.filler && m.column <= c && c < m.column + m.columns && m.line <= l && l < m.line + m.lines);
        expect(cells[l * g.columns + c], `${p.number} column ${c} line ${l}`).toBe(l < from || filler ? 1 : 0);
      }
    }
    for (const m of p.modules.filter((x) => x.filler)) expect(foot?.from[m.column], `${p.number} ${m.domId} a line below the foot`).toBe(m.line - 1);
    if (foot) {
      const fillerCells = p.modules.filter((m) => m.filler).reduce((s, m) => s + m.columns * m.lines, 0);
      expect(foot.cells).toBe(foot.from.reduce((s, f) => s + rows - f, 0) - fillerCells);
      expect(foot.cells).toBeGreaterThan(0);
      expect(foot.share).toBeCloseTo(foot.cells / (g.columns * rows), 9);
    }
    // Header space is never inflated past one step: at most headerSpareLines beyond the headline's size step.
    for (const m of p.modules) {
      const a = articleOf(metrics, m);
      const cont = m.piece.from > 0 || m.piece.fromLine > 0 || m.piece.continuedFrom !== undefined;
      const heads = (cont ? a.contHeader : a.header)[m.columns] ?? [];
      const sizes = cont ? policy.headline.continuation : headlineSizes(policy, a.rank, pi === 0, m.columns);
      const spare = Math.min(...sizes.map((pt, s) => (pt === m.headlinePt ? m.headerLines - (heads[s] ?? heads[0] ?? 0) : Infinity)));
      expect(spare, `${p.number} ${m.domId} header spare`).toBeLessThanOrEqual(policy.shortPage.headerSpareLines);
    }
    checkRanks(metrics, p, pi === 0);
    // Continuations land only on pages that take them, unless no later page does.
    const src = [...metrics.pages].sort((a, b) => a.number - b.number);
    const takes = src[pi].takesContinuations !== false || !src.slice(pi + 1).some((x) => x.takesContinuations !== false);
    if (!takes) expect(p.modules.filter((m) => m.piece.continuedFrom !== undefined)).toEqual([]);
    // Every continuation on a page that takes none is reported (the build warns), and only those.
    const misplaced = src[pi].takesContinuations === false ? p.modules.filter((m) => m.piece.from > 0 || m.piece.fromLine > 0 || m.piece.continuedFrom !== undefined) : [];
    expect(plan.misplaced.filter((x) => x.page === p.number)).toEqual(misplaced.map((m) => ({ article: { page: m.piece.page, article: m.piece.article }, page: p.number })));
  }
  // At most maxFrontJumps articles jump from the front page.
  expect(plan.pages[0]?.modules.filter((m) => jumps(metrics, m)).length ?? 0).toBeLessThanOrEqual(policy.maxFrontJumps);
  // The front page's lead headline is the biggest of the issue; a continuation's is below its original's.
  const first = plan.pages[0]?.modules.find((m) => m.lead);
  if (first) for (const q of plan.pages) for (const m of q.modules) if (m !== first) expect(m.headlinePt, `${q.number} ${m.domId}`).toBeLessThan(first.headlinePt);
  for (const q of plan.pages) {
    for (const m of q.modules.filter((x) => x.piece.continuedFrom !== undefined)) {
      const orig = plan.pages.flatMap((x) => x.modules).find((y) => sameArticle(y.piece, m.piece) && y.piece.from === 0 && y.piece.fromLine === 0 && y.piece.continuedFrom === undefined);
      if (orig) expect(m.headlinePt, `${q.number} ${m.domId}`).toBeLessThan(orig.headlinePt);
    }
  }
  // Every article's text once, in order: its parts, page after page, pick up where the last ended.
  for (const a of metrics.pages.flatMap((p) => p.articles)) {
    let block = 0;
    let line = 0;
    for (const p of plan.pages) {
      for (const m of p.modules.filter((x) => x.piece.page === a.page && x.piece.article === a.id)) {
        expect([m.piece.from, m.piece.fromLine]).toEqual([block, line]);
        for (const b of m.blocks) {
          expect([b.block, b.fromLine], `${a.page}-${a.id}`).toEqual([block, line]);
          if (b.toLine === undefined || b.toLine >= a.blockLines[b.block]) {
            block = b.block + 1;
            line = 0;
          } else line = b.toLine;
        }
      }
    }
    const left = a.blockLines.slice(block).reduce((s, x) => s + x, 0) - line;
    expect(plan.overset.find((o) => o.article.page === a.page && o.article.article === a.id)?.lines ?? 0, `${a.page}-${a.id}`).toBe(left);
  }
}

describe('planIssue on the sample issue (recorded measures)', () => {
  const plan = planIssue(sample.metrics, grid, DEFAULT_POLICY);

  it("gives the modules of the sample's layout.json: pages, places, sizes, jumps, overset", () => {
    expect(asLayout(plan, grid)).toEqual(sample.layout);
    // Every growth step the plan uses was measured when the measures were recorded.
    expect(plan.wanted).toEqual([]);
  });

  it('keeps the invariants of a plan', () => {
    checkPlan(sample.metrics, grid, DEFAULT_POLICY, plan);
  });

  it('tiles every page: the modules and the white reported at its foot cover the body grid', () => {
    for (const [pi, p] of plan.pages.entries()) {
      const area = p.modules.reduce((s, m) => s + m.columns * m.lines, 0) + (plan.leftover.find((x) => x.page === p.number)?.cells ?? 0);
      expect(area, `page ${p.number}`).toBe(grid.columns * (grid.lines - (pi === 0 ? grid.mastheadLines : 0)));
    }
  });

  it("sets each page's articles in reading order: the lead on top, then left to right, top to bottom", () => {
    for (const p of plan.pages) {
      const own = p.modules.filter((m) => m.piece.page === p.number && m.piece.from === 0 && m.piece.fromLine === 0);
      const lead = own.find((m) => m.lead);
      if (lead) expect([lead.line, lead.column]).toEqual([0, 0]);
    }
  });

  it('a module that jumps ends with its columns full, cut inside a paragraph where needed', () => {
    const jumping = plan.pages.flatMap((p) => p.modules.filter((m) => m.jumpTo !== undefined));
    expect(jumping.length).toBeGreaterThan(0);
    for (const m of jumping) {
      const { text, rows } = bodyOf(sample.metrics, m, DEFAULT_POLICY);
      // Every column reaches the body's last row (the text is balanced over the columns).
      expect(text, m.domId).toBeGreaterThan(m.columns * (rows - 1));
    }
    expect(jumping.some((m) => m.blocks.some((b) => b.toLine !== undefined))).toBe(true);
  });

  it('a continuation carries 上接 (its page) and no photos; the article it continues names its page', () => {
    const conts = plan.pages.flatMap((p) => p.modules.filter((m) => m.piece.continuedFrom !== undefined).map((m) => ({ p, m })));
    expect(conts.length).toBeGreaterThan(0);
    for (const { p, m } of conts) {
      expect(m.photoHeights).toEqual([]);
      expect(m.domId).toBe(`${m.piece.page}-${m.piece.article}-${m.piece.from}_${m.piece.fromLine}`);
      const from = plan.pages.find((x) => x.number === m.piece.continuedFrom)!;
      expect(from.modules.some((y) => sameArticle(y.piece, m.piece) && y.jumpTo === p.number)).toBe(true);
    }
  });

  it('takes its limits from the policy: a lower photo cap gives the photos fewer lines', () => {
    const policy = { ...DEFAULT_POLICY, photoMaxShare: 0.1 };
    const capped = planIssue(sample.metrics, grid, policy);
    checkPlan(sample.metrics, grid, policy, capped);
    const photoLines = (p: IssuePlan) => p.pages.flatMap((x) => x.modules).reduce((s, m) => s + m.figureLines, 0);
    expect(photoLines(capped)).toBeLessThan(photoLines(plan));
  });

  it('is deterministic and leaves its input as it was', () => {
    const before = JSON.stringify(sample.metrics);
    expect(planIssue(sample.metrics, grid, DEFAULT_POLICY)).toEqual(plan);
    expect(JSON.stringify(sample.metrics)).toBe(before);
  });
});

/** Made-up measures of an issue: pages of articles with headers, photos, blocks and their line starts. */
const kinds = ['paragraph', 'paragraph', 'paragraph', 'subhead', 'question', 'answer', 'endnote'] as const;
const splittableKind = (t: string) => t === 'paragraph' || t === 'question' || t === 'answer';
const articleArb = fc.record({
  headline: fc.integer({ min: 0, max: 8 }),
  photos: fc.array(fc.double({ min: 0.5, max: 2.5, noNaN: true }), { maxLength: 2 }),
  blocks: fc.array(fc.record({ kind: fc.constantFrom(...kinds), lines: fc.integer({ min: 1, max: 24 }) }), { minLength: 1, maxLength: 24 }),
  columns: fc.option(fc.integer({ min: 2, max: 8 }), { nil: undefined }),
  extra: fc.integer({ min: 0, max: 1 }),
});
const issueArb = fc.array(fc.array(articleArb, { minLength: 1, maxLength: 9 }), { minLength: 1, maxLength: 4 });

type MadeUp = { headline: number; photos: number[]; blocks: Array<{ kind: ArticleMetrics['blockTypes'][number]; lines: number }>; columns?: number; extra: number };

function toMetrics(pages: MadeUp[][], g: Grid): IssueMetrics {
  return {
    pages: pages.map((articles, pi) => {
      const ranks = rankArticles(
        articles.map((x, i) => ({ lead: i === 0, headline: x.headline > 0, bodyChars: x.blocks.reduce((s, b) => s + b.lines, 0) * g.charsPerColumn, photos: x.photos.length })),
        DEFAULT_POLICY.headline.briefChars,
      );
      return {
      number: pi + 1,
      ...(pi === 2 ? { takesContinuations: false } : {}),
      articles: articles.map((x, i): ArticleMetrics => {
        const header: ArticleMetrics['header'] = [];
        const contHeader: ArticleMetrics['contHeader'] = [];
        const captionPt: ArticleMetrics['captionPt'] = [];
        for (let w = 2; w <= g.columns; w++) {
          // A headline wraps less as the module widens; a header with none is empty.
          // A headline wraps less as the module widens, and grows a line every other size step;
          // a header with none is empty.
          const base = x.headline + Math.ceil(8 / w);
          header[w] = x.headline === 0 ? [0] : [base, base, base + 1, base + 1, base + 2];
          contHeader[w] = [3];
          captionPt[w] = x.photos.map(() => g.line * Math.ceil(6 / w));
        }
        return {
          page: pi + 1,
          id: `a${i + 1}`,
          lead: i === 0,
          rank: ranks[i],
          ...(x.columns ? { columns: Math.min(x.columns, g.columns) } : {}),
          header,
          contHeader,
          photoAspects: x.photos,
          captionPt,
          blockTypes: x.blocks.map((b) => b.kind),
          blockLines: x.blocks.map((b) => b.lines),
          lineStarts: x.blocks.map((b) => (splittableKind(b.kind) && b.lines > 1 ? Array.from({ length: b.lines }, (_, k) => k * g.charsPerColumn) : [])),
          extra: x.extra,
        };
      }),
      };
    }),
  };
}

describe('front-page stories continue on a news page, never on a themed page', () => {
  // Page 1: a long lead and stories that jump; page 2: a news page; page 3 takes no continuations.
  const story = (paras: number): MadeUp => ({ headline: 3, photos: [], blocks: Array.from({ length: paras }, () => ({ kind: 'paragraph' as const, lines: 8 })), extra: 0 });
  const front = [story(40), story(12), story(14), story(12), story(10), story(9)];
  const themed = [story(20), story(10)];
  const continuations = (plan: IssuePlan, page: number) => plan.pages.find((p) => p.number === page)!.modules.filter((m) => m.piece.continuedFrom !== undefined || m.piece.from > 0);

  it('with room on the news page, every front-page continuation lands there', () => {
    const metrics = toMetrics([front, [story(10), story(6)], themed], grid);
    const plan = planIssue(metrics, grid, DEFAULT_POLICY);
    checkPlan(metrics, grid, DEFAULT_POLICY, plan);
    const jumped = plan.pages[0].modules.filter((m) => m.jumpTo !== undefined);
    expect(jumped.length).toBeGreaterThan(0);
    for (const m of jumped) expect(m.jumpTo).toBe(2);
    expect(continuations(plan, 3)).toEqual([]);
    expect(plan.misplaced).toEqual([]);
  });

  it('when the news page has no room, its own stories give way; what cannot stay is reported, not hidden', () => {
    // Page 2 already full with its own copy.
    const metrics = toMetrics([front, [story(30), story(20), story(20), story(20), story(20), story(20)], themed], grid);
    const plan = planIssue(metrics, grid, DEFAULT_POLICY);
    checkPlan(metrics, grid, DEFAULT_POLICY, plan);
    // The front page's stories continue on page 2 (the last news page), not on the themed page 3.
    const fromFront = continuations(plan, 3).filter((m) => m.piece.page === 1);
    expect(fromFront).toEqual([]);
    for (const m of plan.pages[0].modules.filter((x) => x.jumpTo !== undefined)) expect(m.jumpTo).toBe(2);
    // Page 2's own overflow had to go to page 3: reported, one entry per continuation there.
    expect(plan.misplaced.length).toBe(continuations(plan, 3).length);
    expect(plan.misplaced.length).toBeGreaterThan(0);
    expect(plan.misplaced.every((x) => x.page === 3 && x.article.page === 2)).toBe(true);
  });
});

/** A house filler's measures: a 2-line header at every width, one paragraph of `lines` lines. */
const filler = (id: string, lines: number, g: Grid): ArticleMetrics => ({ page: 0, id, lead: false, rank: 'brief', header: Array.from({ length: g.columns + 1 }, (_, w) => (w >= 2 ? [2] : null)), contHeader: [], photoAspects: [], captionPt: [], blockTypes: ['paragraph'], blockLines: [lines], lineStarts: [Array.from({ length: lines }, (_, k) => k * 12)], extra: 0 });

describe('a page short of copy', () => {
  // A tabloid page with half an interview: two short texts, far less copy than room.
  const tabloid: Grid = { ...grid, columns: 5, lines: 70, mastheadLines: 10 };
  const short: MadeUp[] = [
    { headline: 3, photos: [], blocks: Array.from({ length: 6 }, () => ({ kind: 'paragraph' as const, lines: 9 })), extra: 0 },
    { headline: 2, photos: [], blocks: Array.from({ length: 4 }, () => ({ kind: 'answer' as const, lines: 7 })), extra: 0 },
  ];
  const metrics = toMetrics([[...short, short[1]], short], tabloid);

  it('caps the header space and collects the white at the page foot, reported per page', () => {
    const plan = planIssue(metrics, tabloid, DEFAULT_POLICY);
    checkPlan(metrics, tabloid, DEFAULT_POLICY, plan);
    const foot = plan.leftover.find((x) => x.page === 2);
    expect(foot, 'page 2 leftover').toBeDefined();
    // Far more white than the modules could use: it is at the foot, not inside the headers.
    expect(foot!.cells).toBeGreaterThan(tabloid.columns * 10);
    const p2 = plan.pages[1];
    for (const m of p2.modules) expect(m.headerLines).toBeLessThanOrEqual(Math.max(...articleOf(metrics, m).header[m.columns]!.map((h) => h ?? 0)) + DEFAULT_POLICY.shortPage.headerSpareLines);
  });

  it('sets house fillers in the white at the foot, each once, a line of white above; what is left stays reported', () => {
    const withFillers: IssueMetrics = { ...metrics, fillers: [filler('f1', 6, tabloid), filler('f2', 4, tabloid)] };
    const bare = planIssue(metrics, tabloid, DEFAULT_POLICY);
    const plan = planIssue(withFillers, tabloid, DEFAULT_POLICY);
    checkPlan(withFillers, tabloid, DEFAULT_POLICY, plan);
    const set = plan.pages.flatMap((p) => p.modules.filter((m) => m.filler));
    expect(set.map((m) => m.piece.article).sort()).toEqual(['f1', 'f2']);
    // Each a module of its own at the narrowest width, its text whole in balanced columns.
    for (const m of set) {
      expect(m.columns).toBe(2);
      expect(m.blocks).toEqual(expect.arrayContaining([expect.objectContaining({ block: 0, fromLine: 0 })]));
      expect(m.lines).toBe(2 + Math.ceil(withFillers.fillers!.find((f) => f.id === m.piece.article)!.blockLines[0] / 2));
    }
    // The news modules are where they were without fillers; the white reported shrinks by the fillers' area.
    for (const [i, p] of bare.pages.entries()) expect(plan.pages[i].modules.filter((m) => !m.filler).map((m) => [m.domId, m.line, m.lines])).toEqual(p.modules.map((m) => [m.domId, m.line, m.lines]));
    const cells = (x: IssuePlan) => x.leftover.reduce((s, l) => s + l.cells, 0);
    expect(cells(plan)).toBe(cells(bare) - set.reduce((s, m) => s + m.columns * m.lines, 0));
  });

  it('without the cap the spare rows would go into the headers (what the cap prevents)', () => {
    const policy = { ...DEFAULT_POLICY, shortPage: { headerSpareLines: 1000 } };
    const plan = planIssue(metrics, tabloid, policy);
    expect(plan.leftover).toEqual([]);
    const spare = plan.pages[1].modules.map((m) => m.headerLines - Math.max(...articleOf(metrics, m).header[m.columns]!.map((h) => h ?? 0)));
    expect(Math.max(...spare)).toBeGreaterThan(DEFAULT_POLICY.shortPage.headerSpareLines);
  });
});

describe('planIssue on made-up measures (property)', () => {
  it('every plan keeps the invariants, on the broadsheet and a tabloid grid', () => {
    const tabloid: Grid = { ...grid, columns: 5, lines: 70, mastheadLines: 10 };
    fc.assert(
      fc.property(issueArb, fc.constantFrom(grid, tabloid), fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 3 }), (pages, g, fillers) => {
        const metrics = { ...toMetrics(pages, g), fillers: fillers.map((n, i) => filler(`f${i + 1}`, n, g)) };
        const plan = planIssue(metrics, g, DEFAULT_POLICY);
        checkPlan(metrics, g, DEFAULT_POLICY, plan);
        // The headers a module could grow into are asked for, never one already measured in full.
        for (const w of plan.wanted) expect(w.w).toBeGreaterThanOrEqual(2);
      }),
      { numRuns: 150, seed: 20261128 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(issueArb, (pages) => {
        const metrics = toMetrics(pages, grid);
        expect(planIssue(metrics, grid, DEFAULT_POLICY)).toEqual(planIssue(structuredClone(metrics), grid, DEFAULT_POLICY));
      }),
      { numRuns: 40, seed: 7 },
    );
  });
});
