/**
 * Copy fitting: places a page's articles as rectangular modules on the column grid.
 * Pure (numbers in, numbers out), so it is tested without a browser.
 *
 * Every module is a rectangle of whole columns and whole grid lines. A page is laid
 * out as: the lead article across the top of the main area, below it vertical stacks
 * of modules, and optionally a rail down the right edge for the page's last articles.
 * The packer weighs every split of the width into stacks and every way to share the
 * articles (in reading order) among them, and keeps the plan with the least overflow,
 * then the least spare space. Spare lines in a stack are given to its modules to grow
 * (bigger headline, larger photo, more space); text that does not fit is split off at
 * a block boundary and continues on a later page.
 *
 * Bounded work, however long the page: an article's body is summed once (prefix sums)
 * and cut points are found by bisection; each stack is scored once and the best sharing
 * of the articles among the stacks found by dynamic programming (`search`); and the
 * search takes only the articles that could be set here (`candidates`: about 1.5 pages
 * of them, at most `maxArticles`), the rest of an overlong page moving on whole. So a page
 * costs time linear in its blocks plus a capped search (`npm run bench -- pack`).
 */

import { DEFAULT_POLICY, type PackPolicy } from './policy.js';

/** What the print renderer measured of one article (all heights in grid lines). */
export interface ArticleMeasure {
  id: string;
  lead: boolean;
  /** Height of each body block set in one column; the body is their sum. */
  blockLines: number[];
  /** Header height (banner, labels, kicker, headline, subtitle, bylines) for a width of w columns: index w. */
  header: number[];
  /** Photos (with captions) at the top of the module for a width of w columns: index w (0 when none). */
  figures: number[];
  /** The editor asked for this many columns. */
  columns?: number;
  /** Lines added after a render showed the module needed more than predicted. */
  extra?: number;
  /** Block i may be cut between any two of its lines (running text); others only at their ends. */
  splittable?: boolean[];
  /**
   * A continuation from an earlier page: it may move on whole to a later page. An
   * article's own page always shows at least its start (never moved away unannounced).
   */
  movable?: boolean;
  /**
   * A continuation on the last page that takes continuations (the pages after it are themed
   * or special): it is not moved on, and cutting it again costs as much as moving an
   * article off its own page, so the page's own stories give way first.
   */
  stay?: boolean;
}

export interface ModulePlan {
  id: string;
  column: number;
  columns: number;
  line: number;
  lines: number;
  /** Lines the content needs at this width (the rest is growth). */
  need: number;
  /** Body blocks placed here whole (a prefix when the article jumps). */
  blocks: number;
  /** Lines of the next block set here before the jump: the article is cut inside that block. */
  partLines: number;
  /** Ends with a jump line to a later page. */
  jumps: boolean;
  /** Spare lines given to the module (bigger headline, photo, space). */
  grow: number;
  /** Has a rule below it (another module follows in its stack, or stacks follow under the lead). */
  ruleBelow: boolean;
}

export interface PagePlan {
  modules: ModulePlan[];
  /** Articles (or their tails) that did not fit: from block `from`, after its first `fromLine` lines, on. */
  overflow: Array<{ id: string; from: number; fromLine: number }>;
  /** Spare grid cells (column-lines) not given to any module's content. */
  spare: number;
}

export interface PackInput {
  columns: number;
  /** Grid lines available (the body grid minus the masthead on page 1). */
  lines: number;
  articles: ArticleMeasure[];
  /** Lines a jump line takes (下转第N版). */
  jumpLines?: number;
  /** No later page: text that does not fit here is overset, so avoid overflow at any cost. */
  lastPage?: boolean;
  /** Limits and cost weights (default: DEFAULT_POLICY.pack). */
  policy?: PackPolicy;
  /** Most articles that may jump from this page (the front page's limit); the rest are held to fewer. */
  maxJumps?: number;
}

/**
 * How overflow is weighed. `fit`: text that does not fit is costly per line, so a page
 * whose text fits is laid out without jumps. `full`: the page has more text than room
 * anyway, so a jump costs a fixed amount and spare space is what to avoid: every stack
 * ends with its columns full, cut at a line where needed.
 */
type Mode = 'fit' | 'full';

/**
 * Lines a module needs at `w` columns: header, photos, balanced body columns. The body
 * is `blocks` whole blocks plus `partLines` lines of the next one, then the jump line.
 */
export function moduleNeed(a: ArticleMeasure, w: number, blocks = a.blockLines.length, jump = 0, partLines = 0): number {
  const body = prefix(a)[blocks] + partLines + jump;
  // `extra` is whole rows: a render showed the columns needed that much more depth.
  const bodyLines = (body > 0 ? Math.ceil(body / w) : 0) + (a.extra ?? 0);
  return (a.header[w] ?? a.header[a.header.length - 1]) + (a.figures[w] ?? 0) + bodyLines;
}

interface Stack {
  column: number;
  width: number;
  line: number;
  height: number;
  articles: ArticleMeasure[];
  /**
   * Another module sits right below the stack's last one (the lead's stack when stacks
   * follow under it): that module gets a rule below too, its line reserved like the
   * rules between the modules of a stack, so no headline ever sits under its last line.
   */
  ruledFoot?: boolean;
}

/**
 * Most articles the search looks at on one page (the lead and the next in reading
 * order), whatever their length: a real page has a dozen; a page with more moves the
 * rest on whole. The limits and weights live in the layout policy (policy.ts).
 */
export const MAX_ARTICLES = DEFAULT_POLICY.pack.maxArticles;

/** Cumulative body lines of each article: prefix(a)[k] is the sum of its first k blocks. */
const prefixes = new WeakMap<ArticleMeasure, number[]>();
function prefix(a: ArticleMeasure): number[] {
  let p = prefixes.get(a);
  if (!p || p.length !== a.blockLines.length + 1) {
    p = [0];
    for (const x of a.blockLines) p.push(p[p.length - 1] + x);
    prefixes.set(a, p);
  }
  return p;
}
const bodyLines = (a: ArticleMeasure) => prefix(a)[a.blockLines.length];

/** Packs one page. Deterministic: the same input gives the same plan. */
export function packPage(input: PackInput): PagePlan {
  const jumpLines = input.jumpLines ?? 1;
  const policy = input.policy ?? DEFAULT_POLICY.pack;
  if (input.articles.length === 0) return { modules: [], overflow: [], spare: input.columns * input.lines };
  const { take, later } = candidates(input);
  const pick = { ...input, articles: take };
  let plan = realise(search(pick, 'fit'), jumpLines, policy);
  if (plan.overflow.length > 0 && !input.lastPage) {
    plan = realise(search(pick, 'full'), jumpLines, policy);
    // Over the page's jump limit: jumps made dearer until the plan keeps to it (an article
    // then moves on whole, or the one above it gives up its rows instead).
    const jumpCount = (p: PagePlan) => p.modules.filter((m) => m.jumps).length;
    for (let k = 4; input.maxJumps !== undefined && jumpCount(plan) > input.maxJumps && k <= 4 ** 4; k *= 4) {
      const dearer = { ...policy, cost: { ...policy.cost, jump: policy.cost.jump * k } };
      plan = realise(search({ ...pick, policy: dearer }, 'full'), jumpLines, dearer);
    }
  }
  // The articles the search did not look at move on whole, in reading order.
  for (const a of later) plan.overflow.push({ id: a.id, from: 0, fromLine: 0 });
  return plan;
}

/**
 * The articles the search considers (the lead first, then reading order) and those it
 * leaves for later pages. It takes articles while their modules, each at its most
 * compact width and at most half the page (a longer text is cut anyway), add up to
 * `textShare` times the page: the real pages of the sample issue and the corpus stay
 * under 1.15 times, so they are searched whole; a page with far more text keeps what
 * can be set and moves the rest on whole. Never more than MAX_ARTICLES.
 */
export function candidates(input: PackInput): { take: ArticleMeasure[]; later: ArticleMeasure[] } {
  const { maxArticles, textShare } = input.policy ?? DEFAULT_POLICY.pack;
  const [lead, ...rest] = leadFirst(input.articles);
  const area = input.columns * input.lines;
  const share = (a: ArticleMeasure) => Math.min(area / 2, compactArea(a, input.columns, (input.policy ?? DEFAULT_POLICY.pack).minColumns));
  let k = 0;
  for (let used = share(lead); k < rest.length && k + 1 < maxArticles && used <= area * textShare; k++) used += share(rest[k]);
  if (k === rest.length) return { take: input.articles, later: [] };
  // Keep the input's own order among the taken (the search puts the lead first itself).
  const taken = new Set([lead, ...rest.slice(0, k)]);
  return { take: input.articles.filter((a) => taken.has(a)), later: rest.slice(k) };
}

/** Grid cells of article `a`'s whole module at its most compact width (`minColumns` or more). */
function compactArea(a: ArticleMeasure, columns: number, minColumns: number): number {
  let least = Infinity;
  for (let w = minColumns; w <= columns; w++) least = Math.min(least, w * moduleNeed(a, w));
  return least;
}

/**
 * The best arrangement of stacks for the page under `mode`. The cost of a plan is the sum
 * of its stacks' costs, so for each shape (rail, lead depth, stack widths) the best way
 * to share the articles among the stacks is found by dynamic programming over stack
 * costs computed once each (memo), not by trying every split: the work is quadratic in
 * the articles searched (at most MAX_ARTICLES), not of the power of the stack count.
 * Among plans of equal cost the first in the old enumeration order wins (rail widths,
 * rail counts, lead depths, width compositions, then splits with the smaller first
 * stacks first), so the plans are those of an exhaustive search.
 */
function search(input: PackInput, mode: Mode): Stack[] {
  const { columns: C, lines: R, articles } = input;
  const jumpLines = input.jumpLines ?? 1;
  const policy = input.policy ?? DEFAULT_POLICY.pack;
  let best: { cost: number; stacks: Stack[] } | undefined;
  const consider = (cost: number, stacks: () => Stack[]) => {
    if (!best || cost < best.cost - 1e-9) best = { cost, stacks: stacks() };
  };
  const [lead, ...rest] = leadFirst(articles);
  // Cost of a stack of rest[i..j) (i = -1: the lead) at width w and height h, computed once.
  const size = rest.length + 2;
  const memo = new Map<number, Float64Array>();
  const costOf = (w: number, h: number, i: number, j: number): number => {
    let table = memo.get(w * 100_000 + h);
    if (!table) memo.set(w * 100_000 + h, (table = new Float64Array(size * size).fill(NaN)));
    const at = (i + 1) * size + (j + 1);
    let c = table[at];
    if (Number.isNaN(c)) table[at] = c = stackCost({ column: 0, width: w, line: 0, height: h, articles: i < 0 ? [lead] : rest.slice(i, j), ruledFoot: i < 0 && h < R }, mode, jumpLines, policy);
    return c;
  };
  const railWidths = rest.length >= 3 ? policy.railWidths : [0];
  for (const rail of railWidths) {
    const M = C - rail;
    // The rail takes a suffix of the articles (at least one), the main area the rest.
    const railCounts = rail ? range(1, Math.min(rest.length - 1, policy.maxRailArticles)) : [0];
    for (const rc of railCounts) {
      const n = rest.length - rc;
      const railStack: Stack[] = rail ? [{ column: M, width: rail, line: 0, height: R, articles: rest.slice(n) }] : [];
      const railCost = rail ? costOf(rail, R, n, rest.length) : 0;
      if (n === 0) {
        // Only the lead in the main area: it takes the whole height.
        consider(costOf(M, R, -1, -1) + railCost, () => [{ column: 0, width: M, line: 0, height: R, articles: [lead] }, ...railStack]);
        continue;
      }
      // The lead at its natural depth; a lead longer than most of the page may also be
      // held to part of it (it then jumps), so that the other articles find room below.
      // Its natural depth includes the line of the rule under it.
      const natural = moduleNeed(lead, M) + 1;
      const depths = new Set<number>();
      if (R - natural >= policy.minBelow) depths.add(natural);
      if (natural > R / 2) for (const share of policy.leadShares) if (Math.floor(R * share) < natural && R - Math.floor(R * share) >= policy.minBelow) depths.add(Math.floor(R * share));
      for (const leadH of depths) {
        const below = R - leadH;
        const leadCost = costOf(M, leadH, -1, -1);
        for (const widths of compositions(M, policy.minColumns, Math.min(n, policy.maxStacks))) {
          const p = widths.length;
          // after[s][k]: least cost of rest[k..n) in stacks s..p-1 (each at least one article).
          const after: number[][] = Array.from({ length: p + 1 }, () => new Array<number>(n + 1).fill(Infinity));
          after[p][n] = 0;
          for (let s = p - 1; s >= 0; s--) {
            for (let k = s; k <= n - (p - s); k++) {
              let m = Infinity;
              for (let j = k + 1; j <= n - (p - s - 1); j++) {
                const c = costOf(widths[s], below, k, j) + after[s + 1][j];
                if (c < m) m = c;
              }
              after[s][k] = m;
            }
          }
          // The plan's cost summed as a plan is (lead, stacks left to right, rail).
          const total = leadCost + after[0][0] + railCost;
          consider(total, () => {
            // The first split (smallest first stacks) within rounding of the least cost.
            const stacks: Stack[] = [{ column: 0, width: M, line: 0, height: leadH, articles: [lead], ruledFoot: leadH < R }];
            let k = 0;
            let col = 0;
            for (let s = 0; s < p; s++) {
              let j = k + 1;
              if (s === p - 1) j = n;
              else while (costOf(widths[s], below, k, j) + after[s + 1][j] > after[s][k] + 1e-9) j++;
              stacks.push({ column: col, width: widths[s], line: leadH, height: below, articles: rest.slice(k, j) });
              col += widths[s];
              k = j;
            }
            return [...stacks, ...railStack];
          });
        }
      }
    }
  }
  // No shape left room below the lead: the lead takes the main area alone.
  if (!best) return [{ column: 0, width: C, line: 0, height: R, articles: [lead, ...rest] }];
  return best.stacks;
}

/**
 * The article that takes the top of the page, then the rest in reading order. The lead
 * is the article marked lead (the parser marks the first); but a text with no headline
 * (a caption or an intro standing first on the page) cannot head a page, so then the
 * longest article with a headline leads.
 */
function leadFirst(articles: ArticleMeasure[]): ArticleMeasure[] {
  const hasHeadline = (a: ArticleMeasure) => (a.header[1] ?? 0) > 0;
  let i = articles.findIndex((a) => a.lead);
  if (i < 0) i = 0;
  if (!hasHeadline(articles[i])) {
    let best = -1;
    for (const [k, a] of articles.entries()) if (hasHeadline(a) && (best < 0 || bodyLines(a) > bodyLines(articles[best]))) best = k;
    if (best >= 0) i = best;
  }
  return [articles[i], ...articles.slice(0, i), ...articles.slice(i + 1)];
}

/**
 * The most of article `a` that fits in `room` rows at width `w` with a jump line: whole
 * blocks, then the lines of the next block where it may be cut, so the columns end full.
 */
function cutToFit(a: ArticleMeasure, w: number, room: number, jumpLines: number): { keep: number; part: number; startRows: number } {
  // The need grows with the blocks and lines kept: the most that fits is found by bisection.
  const keep = lastFitting(0, a.blockLines.length, (k) => moduleNeed(a, w, k, jumpLines) <= room);
  let part = 0;
  if (keep < a.blockLines.length && a.splittable?.[keep]) part = lastFitting(0, a.blockLines[keep] - 1, (k) => moduleNeed(a, w, keep, jumpLines, k) <= room);
  return { keep, part, startRows: room - (a.header[w] ?? 0) - (a.figures[w] ?? 0) };
}

/** The largest k in lo..hi with fits(k) (fits holds up to some k, then never), or lo when none does. */
function lastFitting(lo: number, hi: number, fits: (k: number) => boolean): number {
  if (hi <= lo || !fits(lo + 1)) return lo;
  let a = lo + 1;
  let b = hi;
  while (a < b) {
    const mid = (a + b + 1) >> 1;
    if (fits(mid)) a = mid;
    else b = mid - 1;
  }
  return a;
}

/** What one stack holds once its text is fitted: modules' needs, cuts, and what moves on. */
interface StackFill {
  arts: ArticleMeasure[];
  needs: number[];
  blocks: number[];
  parts: number[];
  jumps: boolean[];
  overflow: PagePlan['overflow'];
  /** Lines of one column that did not fit (continued or moved to a later page). */
  overflowLines: number;
  /** Articles of this page (not continuations) moved on whole. */
  movedOwn: number;
  movedCont: number;
  /** An article of this page kept with fewer than `minStartRows` rows before its jump. */
  stubs: number;
  /** Continuations that should stay here (ArticleMeasure.stay) cut again. */
  stayCut: number;
  free: number;
}

/**
 * Fits a stack's articles into its height: while they need more, the last one keeps
 * what fits (cut at a line when its block allows) and jumps, or moves on whole when it
 * would only show a stub. Used both to score candidate plans and to realise the best.
 */
function fillStack(stack: Stack, jumpLines: number, policy: PackPolicy): StackFill {
  const minStartRows = policy.minStartRows;
  // Arrays shrink from the end (pop) and the total need is kept as a running sum, so a
  // stack of n articles is fitted in O(n) steps (each a bisection), however many move on.
  const arts = stack.articles.slice();
  const rules = () => arts.length - 1 + (stack.ruledFoot ? 1 : 0);
  const needs = arts.map((a) => moduleNeed(a, stack.width));
  const blocks = arts.map((a) => a.blockLines.length);
  const parts = arts.map(() => 0);
  const jumps = arts.map(() => false);
  let total = sum(needs);
  // Articles moved on whole (last first), then the cut ones: overflow is moved (in reading order), then cut.
  const moved: PagePlan['overflow'] = [];
  const cut: PagePlan['overflow'] = [];
  let overflowLines = 0;
  let movedOwn = 0;
  let movedCont = 0;
  let stubs = 0;
  while (stack.height - total - rules() < 0) {
    const last = arts.length - 1;
    const a = arts[last];
    const room = stack.height - (total - needs[last]) - rules();
    const c = cutToFit(a, stack.width, room, jumpLines);
    // A jump needs a real start here: a headline over a line or two of text reads as a
    // stub. A continuation then moves on whole (the stack above grows instead); an
    // article of this page keeps its start unless not even its headline and a line fit.
    const moveOn = (c.keep === 0 && c.part === 0) || c.startRows < (a.movable ? minStartRows : 1);
    if (moveOn && arts.length > 1) {
      moved.push({ id: a.id, from: 0, fromLine: 0 });
      overflowLines += bodyLines(a);
      if (a.movable) movedCont++;
      else movedOwn++;
      total -= needs[last];
      arts.pop();
      needs.pop();
      blocks.pop();
      parts.pop();
      jumps.pop();
      continue;
    }
    if (c.startRows < minStartRows && arts.length > 1 && !jumps[last - 1]) {
      // Rather than a stub, the article above gives up the rows this one lacks: it is cut
      // a little earlier and jumps too (two jumps, both with a real start here).
      const deficit = minStartRows - c.startRows;
      const prev = arts[last - 1];
      const pc = cutToFit(prev, stack.width, needs[last - 1] - deficit, jumpLines);
      if (pc.startRows >= minStartRows && (pc.keep > 0 || pc.part > 0) && pc.keep < prev.blockLines.length) {
        blocks[last - 1] = pc.keep;
        parts[last - 1] = pc.part;
        jumps[last - 1] = true;
        cut.push({ id: prev.id, from: pc.keep, fromLine: pc.part });
        overflowLines += bodyLines(prev) - prefix(prev)[pc.keep] - pc.part;
        needs[last - 1] -= deficit;
        total -= deficit;
        continue;
      }
    }
    if (c.startRows < minStartRows) stubs++;
    blocks[last] = c.keep;
    parts[last] = c.part;
    jumps[last] = c.keep < a.blockLines.length;
    if (jumps[last]) {
      cut.push({ id: a.id, from: c.keep, fromLine: c.part });
      overflowLines += bodyLines(a) - prefix(a)[c.keep] - c.part;
    }
    const need = Math.min(room, moduleNeed(a, stack.width, c.keep, jumps[last] ? jumpLines : 0, c.part));
    total += need - needs[last];
    needs[last] = need;
    break;
  }
  const free = Math.max(0, stack.height - total - rules());
  const overflow = [...moved.reverse(), ...cut];
  const stayCut = arts.filter((a, i) => jumps[i] && a.stay).length;
  return { arts, needs, blocks, parts, jumps, overflow, overflowLines, movedOwn, movedCont, stubs, stayCut, free };
}

/**
 * One stack's share of a plan's cost (a plan costs the sum of its stacks').
 * `fit`: text left over first (it makes jumps), then spare space spread unevenly, then
 * odd shapes. `full`: jumps are fixed costs, moving an article off its own page or
 * leaving a stub is dear, and spare space is what the plan must avoid.
 */
function stackCost(s: Stack, mode: Mode, jumpLines: number, policy: PackPolicy): number {
  const w = policy.cost;
  let cost = 0;
  const f = fillStack(s, jumpLines, policy);
  const jumps = f.jumps.filter(Boolean).length;
  if (mode === 'fit') cost += f.overflowLines * w.overflowLine;
  else cost += w.jump * jumps + f.overflowLines * w.carriedLine + f.free * s.width * w.fullSpareCell;
  cost += (f.movedOwn + f.stayCut) * w.movedOwn + f.movedCont * w.movedCont + f.stubs * w.stub;
  // Spare lines become growth; a little per module is fine, much is a hole in disguise.
  const perModule = f.free / Math.max(1, f.arts.length);
  cost += s.width * (perModule <= w.spareEasy ? perModule * w.spareEasyWeight : perModule * perModule);
  for (const a of f.arts) {
    const depth = bodyLines(a) / s.width;
    // A short text spread over many columns, or a long one in a narrow stack, reads badly.
    if (depth < w.shallowDepth && s.width > 1) cost += (w.shallowDepth - depth) * w.shallow;
    if (a.columns && a.columns !== s.width) cost += w.wrongWidth;
  }
  return cost;
}

function realise(stacks: Stack[], jumpLines: number, policy: PackPolicy): PagePlan {
  const modules: ModulePlan[] = [];
  const overflow: PagePlan['overflow'] = [];
  let spare = 0;
  for (const stack of stacks) {
    const { arts, needs, blocks, parts, jumps, overflow: over, free } = fillStack(stack, jumpLines, policy);
    overflow.push(...over);
    const n = arts.length;
    // Share the spare lines, the most to the first (the bigger headline sits there).
    const grow = needs.map(() => Math.floor(free / n));
    const remainder = free - grow[0] * n;
    for (let i = 0; i < remainder; i++) grow[i]++;
    let line = stack.line;
    arts.forEach((a, i) => {
      const ruleBelow = i < n - 1 || stack.ruledFoot === true;
      const lines = needs[i] + grow[i] + (ruleBelow ? 1 : 0);
      modules.push({ id: a.id, column: stack.column, columns: stack.width, line, lines, need: needs[i], blocks: blocks[i], partLines: parts[i], jumps: jumps[i], grow: grow[i], ruleBelow });
      line += lines;
    });
    spare += free * stack.width;
  }
  modules.sort((a, b) => a.line - b.line || a.column - b.column);
  return { modules, overflow, spare };
}

/** Ordered ways to write `total` as parts ≥ `min`, at most `maxParts` parts. */
export function compositions(total: number, min: number, maxParts: number): number[][] {
  const out: number[][] = [];
  const walk = (left: number, acc: number[]) => {
    if (left === 0) {
      out.push(acc);
      return;
    }
    if (acc.length >= maxParts) return;
    for (let p = min; p <= left; p++) if (left - p === 0 || left - p >= min) walk(left - p, [...acc, p]);
  };
  walk(total, []);
  return out;
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}

function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
