/**
 * Copy fitting: places a page's articles as rectangular modules on the column grid.
 * Pure (numbers in, numbers out), so it is tested without a browser.
 *
 * Every module is a rectangle of whole columns and whole grid lines. A page is laid
 * out as: the lead article across the top of the main area, below it vertical stacks
 * of modules, and optionally a rail down the right edge for the page's last articles.
 * The packer tries every split of the width into stacks and every way to share the
 * articles (in reading order) among them, and keeps the plan with the least overflow,
 * then the least spare space. Spare lines in a stack are given to its modules to grow
 * (bigger headline, larger photo, more space); text that does not fit is split off at
 * a block boundary and continues on a later page.
 */

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
}

export interface ModulePlan {
  id: string;
  column: number;
  columns: number;
  line: number;
  lines: number;
  /** Lines the content needs at this width (the rest is growth). */
  need: number;
  /** Body blocks placed here (a prefix when the article jumps). */
  blocks: number;
  /** Ends with a jump line to a later page. */
  jumps: boolean;
  /** Spare lines given to the module (bigger headline, photo, space). */
  grow: number;
  /** Has a rule below it (another module follows in its stack). */
  ruleBelow: boolean;
}

export interface PagePlan {
  modules: ModulePlan[];
  /** Articles (or their tails) that did not fit: blocks from `from` on. */
  overflow: Array<{ id: string; from: number }>;
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
}

/** Lines a module needs at `w` columns: header, photos, balanced body columns. */
export function moduleNeed(a: ArticleMeasure, w: number, blocks = a.blockLines.length, jump = 0): number {
  const body = sum(a.blockLines.slice(0, blocks)) + (a.extra ?? 0);
  const bodyLines = body > 0 ? Math.ceil(body / w) : 0;
  return (a.header[w] ?? a.header[a.header.length - 1]) + (a.figures[w] ?? 0) + bodyLines + jump;
}

interface Stack {
  column: number;
  width: number;
  line: number;
  height: number;
  articles: ArticleMeasure[];
}

/** Packs one page. Deterministic: the same input gives the same plan. */
export function packPage(input: PackInput): PagePlan {
  const { columns: C, lines: R, articles } = input;
  const jumpLines = input.jumpLines ?? 1;
  if (articles.length === 0) return { modules: [], overflow: [], spare: C * R };
  let best: { cost: number; stacks: Stack[] } | undefined;
  const consider = (stacks: Stack[]) => {
    const cost = planCost(stacks);
    if (!best || cost < best.cost - 1e-9) best = { cost, stacks };
  };
  const [lead, ...rest] = articles;
  const railWidths = rest.length >= 3 ? [0, 2, 3] : [0];
  for (const rail of railWidths) {
    const M = C - rail;
    // The rail takes a suffix of the articles (at least one), the main area the rest.
    const railCounts = rail ? range(1, Math.min(rest.length - 1, 4)) : [0];
    for (const rc of railCounts) {
      const main = rest.slice(0, rest.length - rc);
      const railArts = rest.slice(rest.length - rc);
      const leadH = Math.min(R, moduleNeed(lead, M));
      const below = R - leadH;
      const railStack: Stack[] = rail ? [{ column: M, width: rail, line: 0, height: R, articles: railArts }] : [];
      if (main.length === 0) {
        // Only the lead in the main area: it takes the whole height.
        consider([{ column: 0, width: M, line: 0, height: R, articles: [lead] }, ...railStack]);
        continue;
      }
      if (below < 6) continue;
      for (const widths of compositions(M, 2, Math.min(main.length, 4))) {
        for (const split of splits(main.length, widths.length)) {
          const stacks: Stack[] = [{ column: 0, width: M, line: 0, height: leadH, articles: [lead] }];
          let col = 0;
          let k = 0;
          widths.forEach((w, i) => {
            stacks.push({ column: col, width: w, line: leadH, height: below, articles: main.slice(k, k + split[i]) });
            col += w;
            k += split[i];
          });
          consider([...stacks, ...railStack]);
        }
      }
    }
  }
  return realise(best!.stacks, jumpLines);
}

/** Overflow first (it makes a jump), then spare space spread unevenly, then odd shapes. */
function planCost(stacks: Stack[]): number {
  let cost = 0;
  for (const s of stacks) {
    const needs = s.articles.map((a) => moduleNeed(a, s.width));
    const need = sum(needs) + (s.articles.length - 1);
    const over = Math.max(0, need - s.height);
    const spare = Math.max(0, s.height - need);
    cost += over * s.width * 100;
    // Spare lines become growth; a little per module is fine, much is a hole in disguise.
    const perModule = spare / s.articles.length;
    cost += s.width * (perModule <= 2 ? perModule * 0.5 : perModule * perModule);
    for (const [i, a] of s.articles.entries()) {
      const body = sum(a.blockLines);
      const depth = body / s.width;
      // A short text spread over many columns, or a long one in a narrow stack, reads badly.
      if (depth < 5 && s.width > 1) cost += (5 - depth) * 4;
      if (a.columns && a.columns !== s.width) cost += 50;
      if (needs[i] > s.height && s.articles.length > 1) cost += 20;
    }
  }
  return cost;
}

function realise(stacks: Stack[], jumpLines: number): PagePlan {
  const modules: ModulePlan[] = [];
  const overflow: PagePlan['overflow'] = [];
  let spare = 0;
  for (const stack of stacks) {
    let arts = stack.articles;
    const rules = () => arts.length - 1;
    let needs = arts.map((a) => moduleNeed(a, stack.width));
    let blocks = arts.map((a) => a.blockLines.length);
    let jumps = arts.map(() => false);
    while (stack.height - sum(needs) - rules() < 0) {
      // Too much text for the stack: the last article keeps what fits and jumps.
      const last = arts.length - 1;
      const a = arts[last];
      const room = stack.height - sum(needs.slice(0, last)) - rules();
      let keep = a.blockLines.length;
      while (keep > 0 && moduleNeed(a, stack.width, keep, jumpLines) > room) keep--;
      if (keep === 0 && arts.length > 1) {
        // Not even one block fits under its header: the whole article moves on.
        overflow.unshift({ id: a.id, from: 0 });
        arts = arts.slice(0, last);
        needs = needs.slice(0, last);
        blocks = blocks.slice(0, last);
        jumps = jumps.slice(0, last);
        continue;
      }
      blocks[last] = keep;
      jumps[last] = keep < a.blockLines.length;
      if (jumps[last]) overflow.push({ id: a.id, from: keep });
      needs[last] = Math.min(room, moduleNeed(a, stack.width, keep, jumps[last] ? jumpLines : 0));
      break;
    }
    const n = arts.length;
    const free = Math.max(0, stack.height - sum(needs) - rules());
    // Share the spare lines, the most to the first (the bigger headline sits there).
    const grow = needs.map(() => Math.floor(free / n));
    const remainder = free - grow[0] * n;
    for (let i = 0; i < remainder; i++) grow[i]++;
    let line = stack.line;
    arts.forEach((a, i) => {
      const lines = needs[i] + grow[i] + (i < n - 1 ? 1 : 0);
      modules.push({ id: a.id, column: stack.column, columns: stack.width, line, lines, need: needs[i], blocks: blocks[i], jumps: jumps[i], grow: grow[i], ruleBelow: i < n - 1 });
      line += lines;
    });
    spare += free * stack.width;
  }
  modules.sort((a, b) => a.line - b.line || a.column - b.column);
  return { modules, overflow, spare };
}

/** Ordered ways to write `total` as a sum of `parts` counts ≥ 1 (articles per stack). */
function splits(total: number, parts: number): number[][] {
  if (parts === 1) return total >= 1 ? [[total]] : [];
  const out: number[][] = [];
  for (let first = 1; first <= total - parts + 1; first++) for (const rest of splits(total - first, parts - 1)) out.push([first, ...rest]);
  return out;
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
