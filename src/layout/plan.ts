/**
 * The issue planner: from what the print renderer measured (plain data, metrics.ts), the
 * grid and the layout policy, every page's modules — where each sits, which of its body
 * blocks and lines it holds, its headline size, photo heights, leading, blank lines, and
 * where its text jumps to. Pure and deterministic: the same metrics give the same plan,
 * without a browser. src/print measures, calls this, renders the plan and writes.
 *
 * Pages are planned in order; what does not fit on a page (pack.ts) is carried to the
 * next as a continuation; what fits on no page is overset.
 */
import type { BodyBlock } from '../ast/types.js';
import { splitColumns } from './columns.js';
import { footBands, placeFillers } from './fillers.js';
import { columnGaps } from './gaps.js';
import type { Grid } from './grid.js';
import { headlineSizes, headlineStep, minModuleColumns, sizeSteps } from './headline.js';
import { loosenBody } from './leading.js';
import type { ArticleMetrics, IssueMetrics } from './metrics.js';
import { type ArticleMeasure, packPage } from './pack.js';
import { figureLines } from './photos.js';
import { type ArticleRef, articleKey, isContinuation, type PieceRef, pieceDomId, sameArticle } from './pieces.js';
import type { LayoutPolicy } from './policy.js';

/** Lines `fromLine` to `toLine` (exclusive; undefined: to its end) of body block `block`. */
export interface BlockPart {
  block: number;
  fromLine: number;
  toLine?: number;
}

export interface PlannedModule {
  piece: PieceRef;
  /** The body blocks set here, whole or cut at a line. */
  blocks: BlockPart[];
  /** Each photo's height in pt (none on a continuation). */
  photoHeights: number[];
  column: number;
  columns: number;
  /** First grid line, counted from the top of the page's body grid (below the masthead on page 1). */
  line: number;
  lines: number;
  headerLines: number;
  headlinePt: number;
  figureLines: number;
  /** The body's leading in pt when it is opened up on a page short of copy (else the grid's). */
  bodyLeading?: number;
  ruleBelow: boolean;
  /** The article continues on this page (下转第N版); undefined when the continuation landed on no page. */
  jumpTo?: number;
  lead: boolean;
  /** Blocks (by index in `blocks`) preceded by a blank line, so the columns end full (the fallback of columnBreaks). */
  gapsBefore: number[];
  /** Blocks (by index in `blocks`) that start a new column: the columns end at most a line short, no blank line inside. */
  columnBreaks: number[];
  /** The module's id in the issue document. */
  domId: string;
  /** A house filler (fillers.ts) set in the white at the page foot: extra content, not news. */
  filler?: boolean;
}

export interface PlannedPage {
  number: number;
  masthead: boolean;
  modules: PlannedModule[];
}

/** A header whose growth steps a module has room for but that are not measured yet. */
export interface SizeWanted {
  article: ArticleRef;
  w: number;
  cont: boolean;
}

export interface IssuePlan {
  pages: PlannedPage[];
  /** Column lines of text of each article that fit on no page. */
  overset: Array<{ article: ArticleRef; lines: number }>;
  /** Measure these headers' growth steps and plan again (packing does not depend on them, so the modules stay). */
  wanted: SizeWanted[];
  /**
   * Continuations set on a page that does not take them (themed, special), because no
   * later page takes continuations and the last one that does had no room: the build warns.
   */
  misplaced: Array<{ article: ArticleRef; page: number }>;
  /**
   * White left at a page's foot (a page short of copy): header space is capped, so what the
   * modules could not use collects below the stacks, the build warns. `cells`: column lines.
   */
  leftover: PageLeftover[];
}

/** The white band at the foot of a page short of copy. */
export interface PageLeftover {
  page: number;
  /** Column lines left white, and their share of the page's body grid (0–1). */
  cells: number;
  share: number;
  /** Per column: the first free grid line (the white runs from there to the grid's foot). */
  from: number[];
}

/** Plans every page of the issue. */
export function planIssue(metrics: IssueMetrics, grid: Grid, policy: LayoutPolicy): IssuePlan {
  const out: IssuePlan = { pages: [], overset: [], wanted: [], misplaced: [], leftover: [] };
  const wanted = new Map<string, SizeWanted>();
  const byArticle = new Map<string, ArticleMetrics>();
  for (const p of metrics.pages) for (const a of p.articles) byArticle.set(articleKey({ page: a.page, article: a.id }), a);
  const info = (r: ArticleRef) => byArticle.get(articleKey(r))!;
  // Each article's headline size where it starts: its continuations' stay below it.
  const startPt = new Map<string, number>();
  let carried: PieceRef[] = [];
  const usedFillers = new Set<string>();
  const pages = [...metrics.pages].sort((a, b) => a.number - b.number);
  for (const [pi, page] of pages.entries()) {
    const masthead = pi === 0;
    const lines = grid.lines - (masthead ? grid.mastheadLines : 0);
    // Continuations land on the next page that takes them (a themed or special page does
    // not), or, when no later page does, on the next page all the same: never lost.
    const takes = page.takesContinuations !== false || !pages.slice(pi + 1).some((p) => p.takesContinuations !== false);
    // The last page that takes continuations: what is carried here cannot move on to a news
    // page, so it stays, set right after the page's lead (the packer cuts and moves the last
    // of a stack first): the page's own stories give way instead.
    const lastTaker = takes && !pages.slice(pi + 1).some((p) => p.takesContinuations !== false);
    const own: PieceRef[] = page.articles.map((a) => ({ page: a.page, article: a.id, from: 0, fromLine: 0 }));
    const pieces: PieceRef[] = !takes ? own : lastTaker ? [...own.slice(0, 1), ...carried, ...own.slice(1)] : [...own, ...carried];
    const held = takes ? [] : carried;
    carried = [];
    // The packer's ids are opaque keys of this page's pieces.
    const byId = new Map(pieces.map((p, i) => [`p${i}`, p]));
    const idOf = new Map(pieces.map((p, i) => [p, `p${i}`]));
    const pack = packPage({ columns: grid.columns, lines, articles: pieces.map((p) => measureOf(p, info(p), idOf.get(p)!, grid, policy, lastTaker)), lastPage: pi === pages.length - 1, jumpLines: policy.jumpLines, policy: policy.pack, ...(masthead ? { maxJumps: policy.maxFrontJumps } : {}) });
    const modules: PlannedModule[] = [];
    for (const m of pack.modules) {
      const piece = byId.get(m.id)!;
      const a = info(piece);
      const { from, fromLine } = piece;
      const w = m.columns;
      // Growth: a bigger headline first, then larger photos, then looser leading, then space in the header.
      const isCont = isContinuation(piece);
      const heads = (isCont ? a.contHeader[w] : a.header[w]) ?? [];
      if (m.grow > 0 && heads.length < sizeSteps(policy, isCont)) wanted.set(`${articleKey(piece)} ${w} ${isCont}`, { article: { page: piece.page, article: piece.article }, w, cont: isCont });
      const base = heads[0] ?? 0;
      const sizes = isCont ? policy.headline.continuation : headlineSizes(policy, a.rank, masthead, w);
      const below = isCont ? startPt.get(articleKey(piece)) : undefined;
      const size = below === undefined ? headlineStep(heads, m.grow) : smallerStep(heads, m.grow, sizes, below);
      const headLines = heads[size] ?? base;
      let grow = m.grow - (headLines - base);
      const fig = isCont ? { lines: 0, heights: [] } : figureLines(grid, policy, a.photoAspects, a.captionPt[w] ?? [], w, grow);
      grow -= fig.lines - (isCont ? 0 : figureLines(grid, policy, a.photoAspects, a.captionPt[w] ?? [], w).lines);
      grow = Math.max(0, grow);
      const parts: BlockPart[] = [];
      const counts: number[] = [];
      for (let i = 0; i < m.blocks; i++) {
        parts.push({ block: from + i, fromLine: i === 0 ? fromLine : 0 });
        counts.push(a.blockLines[from + i] - (i === 0 ? fromLine : 0));
      }
      if (m.partLines > 0) {
        const l0 = m.blocks === 0 ? fromLine : 0;
        parts.push({ block: from + m.blocks, fromLine: l0, toLine: l0 + m.partLines });
        counts.push(m.partLines);
      }
      const textLines = counts.reduce((x, y) => x + y, 0) + (m.jumps ? policy.jumpLines : 0);
      const kinds = parts.map((p) => blockKind(a, p));
      // Then looser leading in the body (not after a misfit: the fit check knows the base leading).
      const loose = a.extra > 0 ? { rows: 0, leading: grid.line } : loosenBody(grid, textLines, w, m.lines - (m.ruleBelow ? 1 : 0) - headLines - fig.lines - grow, grow, kinds.some((b) => b.type === 'subhead'), policy);
      grow -= loose.rows;
      // Header space is never inflated past one step: the rest of the spare rows leaves the
      // module (collectLeftover moves the modules below up, the white goes to the page foot).
      const shed = Math.max(0, grow - policy.shortPage.headerSpareLines);
      grow -= shed;
      const headerLines = headLines + grow;
      const moduleLines = m.lines - shed;
      const rows = moduleLines - (m.ruleBelow ? 1 : 0) - headerLines - fig.lines;
      // Columns that end short: the text is dealt out so each ends at most a line short at its
      // foot (forced column breaks); blank lines between blocks only where it cannot be.
      let gapsBefore: number[] = [];
      let columnBreaks: number[] = [];
      // After a misfit (extra rows) the columns are dealt out too: no blank lines are added
      // then, but no column is left to end with a subhead or far short.
      // At a looser leading the columns hold fewer (taller) lines.
      const rowsAtLeading = loose.rows > 0 ? Math.floor((rows * grid.line) / loose.leading + 1e-9) : rows;
      if (w * rowsAtLeading - textLines >= 2) {
        const split = splitColumns({ parts, counts, types: parts.map((p) => a.blockTypes[p.block]), cuttable: parts.map((p) => a.lineStarts[p.block].length > 1), columns: w, rows: rowsAtLeading, tail: m.jumps ? policy.jumpLines : 0 });
        if (split) {
          parts.splice(0, parts.length, ...split.parts);
          columnBreaks = split.breaks;
        } else if (a.extra === 0 && loose.rows === 0) gapsBefore = columnGaps(kinds, w * rows - textLines);
      }
      if (!isCont) startPt.set(articleKey(piece), sizes[size]);
      modules.push({
        piece,
        blocks: parts,
        photoHeights: fig.heights,
        column: m.column,
        columns: w,
        line: m.line,
        lines: moduleLines,
        headerLines,
        headlinePt: sizes[size],
        figureLines: fig.lines,
        ...(loose.rows > 0 ? { bodyLeading: loose.leading } : {}),
        ruleBelow: m.ruleBelow,
        jumpTo: m.jumps ? page.number + 1 : undefined,
        lead: a.lead && !isCont,
        gapsBefore,
        columnBreaks,
        domId: pieceDomId(piece),
      });
    }
    for (const o of pack.overflow) {
      const piece = byId.get(o.id)!;
      // Once its header is printed here, what follows is a continuation (上接), without photos.
      const placed = pack.modules.some((m) => m.id === o.id);
      const next: PieceRef = {
        page: piece.page,
        article: piece.article,
        from: piece.from + o.from,
        fromLine: (o.from === 0 ? piece.fromLine : 0) + o.fromLine,
        continuedFrom: placed ? page.number : piece.continuedFrom,
      };
      if (pi === pages.length - 1) {
        const lines = info(piece).blockLines.slice(next.from).reduce((x, y) => x + y, 0) - next.fromLine;
        const at = out.overset.find((x) => sameArticle(x.article, piece));
        if (at) at.lines = lines;
        else out.overset.push({ article: { page: piece.page, article: piece.article }, lines });
      } else carried.push(next);
    }
    carried = [...held, ...carried];
    const leftover = collectLeftover(modules, pack.modules, grid.columns, lines);
    if (leftover.cells > 0 && metrics.fillers?.length) {
      // House fillers in the white at the foot, each once per issue; what they leave stays reported.
      const set = placeFillers(footBands(leftover.from, lines), metrics.fillers, usedFillers, grid, policy, page.number);
      modules.push(...set);
      leftover.cells -= set.reduce((s, m) => s + m.columns * m.lines, 0);
      leftover.share = leftover.cells / (grid.columns * lines);
    }
    if (leftover.cells > 0) out.leftover.push({ page: page.number, ...leftover });
    out.pages.push({ number: page.number, masthead, modules });
  }
  // A jump line names the page its continuation really landed on. A continuation that
  // landed on no page (the last page's overflow, or text moved on until it ran out of
  // pages) is overset: no jump line then, never one to a page that does not exist or
  // does not carry it; the overset is reported instead.
  for (const p of out.pages) {
    for (const m of p.modules) {
      if (!m.jumpTo) continue;
      const later = out.pages.find((x) => x.number > p.number && x.modules.some((y) => sameArticle(y.piece, m.piece) && y.piece.continuedFrom === p.number));
      m.jumpTo = later?.number;
    }
  }
  out.wanted = [...wanted.values()];
  for (const [pi, p] of out.pages.entries()) {
    if (pages[pi].takesContinuations !== false) continue;
    for (const m of p.modules) if (isContinuation(m.piece)) out.misplaced.push({ article: { page: m.piece.page, article: m.piece.article }, page: p.number });
  }
  return out;
}

/**
 * Modules that shed rows (`planned[i].lines` below the packer's `packed[i].lines`) leave
 * a gap under them: every module below moves up by what the modules above it shed (the
 * least, where it sits under several), so no band of white stays between modules and the
 * white collects at the foot of each stack. Returns that white per column.
 */
function collectLeftover(planned: PlannedModule[], packed: ReadonlyArray<{ line: number; lines: number }>, columns: number, lines: number): Omit<PageLeftover, 'page'> {
  const order = planned.map((_, i) => i).sort((a, b) => packed[a].line - packed[b].line || planned[a].column - planned[b].column);
  const lift = new Array<number>(planned.length).fill(0);
  for (const i of order) {
    const m = planned[i];
    const above = order.filter((k) => packed[k].line + packed[k].lines === packed[i].line && planned[k].column < m.column + m.columns && m.column < planned[k].column + planned[k].columns);
    lift[i] = above.length ? Math.min(...above.map((k) => lift[k] + packed[k].lines - planned[k].lines)) : 0;
  }
  for (const [i, m] of planned.entries()) m.line = packed[i].line - lift[i];
  const from = new Array<number>(columns).fill(0);
  for (const m of planned) for (let c = m.column; c < m.column + m.columns; c++) from[c] = Math.max(from[c], m.line + m.lines);
  const cells = from.reduce((s, f) => s + (lines - f), 0);
  return { cells, share: cells / (columns * lines), from };
}

/** The packer's view of a piece: its header, photos and remaining body at every width. */
function measureOf(piece: PieceRef, a: ArticleMetrics, id: string, grid: Grid, policy: LayoutPolicy, stay = false): ArticleMeasure {
  const { from, fromLine } = piece;
  const cont = isContinuation(piece);
  const header: number[] = [0];
  const figures: number[] = [0];
  for (let w = 1; w <= grid.columns; w++) {
    // Widths under the narrowest module are never used; they repeat it.
    const mw = Math.max(w, minModuleColumns(policy, grid.columns));
    header[w] = ((cont ? a.contHeader[mw] : a.header[mw]) ?? [])[0] ?? 0;
    figures[w] = cont ? 0 : figureLines(grid, policy, a.photoAspects, a.captionPt[mw] ?? [], mw).lines;
  }
  const blockLines = a.blockLines.slice(from);
  if (fromLine > 0) blockLines[0] -= fromLine;
  return {
    id,
    lead: from === 0 && fromLine === 0 && !piece.continuedFrom && a.lead,
    blockLines,
    splittable: a.lineStarts.slice(from).map((s, i) => s.length - (i === 0 ? fromLine : 0) > 1),
    header,
    figures,
    columns: from === 0 ? a.columns : undefined,
    movable: !stay && (from > 0 || fromLine > 0 || piece.continuedFrom !== undefined),
    stay: stay && (from > 0 || fromLine > 0 || piece.continuedFrom !== undefined),
    extra: a.extra,
  };
}

/**
 * What the blank-line and leading rules need of a block part: its kind, and whether it
 * starts inside a paragraph (a cut paragraph's rest takes no blank line before it).
 */
function blockKind(a: ArticleMetrics, p: BlockPart): Pick<BodyBlock, 'type'> & { data?: { cutStart?: boolean } } {
  const type = a.blockTypes[p.block];
  const whole = p.fromLine === 0 && p.toLine === undefined;
  const start = whole ? 0 : (a.lineStarts[p.block][p.fromLine] ?? 0);
  return { type, data: { cutStart: (type === 'paragraph' || type === 'lead') && start > 0 } };
}

/**
 * A continuation's size step: the biggest its spare rows allow whose size is below its
 * original's `below` pt (step 0 when none is, policy's smallest continuation size).
 */
function smallerStep(heads: ReadonlyArray<number | null | undefined>, spare: number, sizes: number[], below: number): number {
  for (let s = headlineStep(heads, spare); s > 0; s--) if (heads[s] != null && sizes[s] < below) return s;
  return 0;
}
