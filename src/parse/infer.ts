/**
 * Roles of unmarked blocks. Two stages around the column-break repair:
 * - `preClassify`: what a block is by its own text (staff line, byline, jump line,
 *   photo credit, kicker `…——`, subtitle `——…`, `■` items, page name + pinyin);
 * - `classify`: what it is by its neighbours (captions before credits, ■ captions
 *   versus ■ briefs, banners, header runs → section label / lead / headline /
 *   subtitle, lone short lines → subheads, the rest → paragraphs).
 * Explicit blocks keep their role and only serve as context.
 */
import type { Block, Kind } from './blocks.js';
import { makeBlock } from './blocks.js';
import { inlineEnd, inlineStart, plainText } from './inline.js';
import {
  BRIEF_COLUMN,
  SENTENCE_END,
  isCaptionMark,
  isEndnote,
  isKicker,
  isLabelLike,
  isMotto,
  isPageNameLike,
  isPinyin,
  isStaffLine,
  isTitleLike,
  jumpLine,
  looksLikeBriefItem,
  pageInfo,
  parseByline,
  photoCredit,
  speakerLabel,
  subtitleDash,
} from './patterns.js';
import { type Source, positionOf, report } from './source.js';
import { HEADER_TYPES } from '../ast/vocabulary.js';

function isOpen(b: Block): boolean {
  return b.kind === 'text' && !b.explicit && !b.noInfer;
}

export function preClassify(blocks: Block[]): Block[] {
  const out: Block[] = [];
  for (const b of blocks) {
    if (!isOpen(b)) {
      out.push(b);
      continue;
    }
    const t = b.text;
    const prev = out[out.length - 1];
    const lines = t.split('\n').map((l) => l.trim());
    if (isPinyin(t) && prev && isOpen(prev) && isPageNameLike(prev.text)) {
      prev.kind = 'pageName';
      prev.extra = b;
      prev.end = b.end;
      continue;
    }
    if (lines.length === 2 && isPageNameLike(lines[0]) && isPinyin(lines[1])) b.kind = 'pageName';
    else if (isStaffLine(t)) b.kind = 'staffLine';
    else if (pageInfo(t)) b.kind = 'pageInfo';
    else if (/^□/.test(t) && t.length <= 60 && !t.includes('\n')) b.kind = 'byline';
    else if (parseByline(t, false)) b.kind = 'byline';
    else if (isEndnote(t)) b.kind = 'endnote';
    else if (jumpLine(t)) b.kind = 'jump';
    else if (photoCredit(t)) b.kind = 'photoCredit';
    else if (lines.length === 1 && isKicker(t)) b.kind = 'kicker';
    else if (lines.length === 1 && subtitleDash(t)) b.kind = 'subtitle';
    else if (isCaptionMark(t)) b.kind = 'caption';
    out.push(b);
  }
  return out;
}

/** Title-like and not an interview turn. */
function titleText(b: Block): boolean {
  if (!isOpen(b) || !isTitleLike(b.text)) return false;
  const sp = speakerLabel(b.text);
  return !(sp && SENTENCE_END.test(b.text));
}

const PAGE_META = new Set<Kind>(['staffLine', 'pageName', 'pageInfo', 'bannerTitle', 'motto', 'headMark']);
/** After these, a short line starts a new article rather than being a subhead. */
const ARTICLE_START_CONTEXT = new Set<string>([
  'start',
  'endnote',
  'jump',
  'brief',
  'bannerTitle',
  'motto',
  'pageName',
  'staffLine',
  'pageInfo',
  'articleBreak',
  'headMark',
]);

function figureOf(parts: Block[]): Block {
  const b = makeBlock('figure', [], parts[0].start, parts[parts.length - 1].end);
  b.parts = parts;
  return b;
}

export function classify(src: Source, input: Block[]): Block[] {
  // 1. Figures: a credit line closes a figure; the caption is the block before it.
  let blocks: Block[] = [];
  for (const b of input) {
    if (b.kind === 'photoCredit') {
      const prev = blocks[blocks.length - 1];
      if (prev && (prev.kind === 'caption' || (isOpen(prev) && !speakerLabel(prev.text) && prev.text.length <= 400))) {
        blocks.pop();
        if (prev.kind !== 'caption') {
          prev.kind = 'caption';
          report(src, 'treated this paragraph as a photo caption (it stands before a photo credit)', 'inferred-caption', prev.start, prev.end, 'info');
        }
        blocks.push(figureOf([prev, b]));
      } else blocks.push(figureOf([b]));
      continue;
    }
    blocks.push(b);
  }

  // 2. ■ items: briefs in a column, or photo captions.
  const out: Block[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (b.kind === 'caption' && b.explicit) {
      out.push(figureOf([b]));
      continue;
    }
    if (b.kind === 'brief' && b.explicit) {
      b.parts = [makeBlock('paragraph', b.inlines, b.start, b.end, true)];
      out.push(b);
      continue;
    }
    if (b.kind !== 'caption') {
      out.push(b);
      continue;
    }
    const items: Block[][] = [];
    let j = i;
    while (j < blocks.length && blocks[j].kind === 'caption' && !blocks[j].explicit && /^[■◆●]/.test(blocks[j].text)) {
      const item = [blocks[j]];
      const titleItem = isTitleLike(blocks[j].text.replace(/^[■◆●][ \u3000]*/, ''));
      j++;
      if (titleItem) {
        while (j < blocks.length && isOpen(blocks[j]) && !titleText(blocks[j]) && !speakerLabel(blocks[j].text)) item.push(blocks[j++]);
      }
      items.push(item);
    }
    const prev = out[out.length - 1];
    const briefContext =
      items.length >= 2 ||
      (items.length === 1 && looksLikeBriefItem(items[0][0].text)) ||
      (prev && prev.kind === 'brief') ||
      (prev && (prev.kind === 'text' || prev.kind === 'headline' || prev.kind === 'subtitle' || prev.kind === 'sectionLabel') && prev.text.length <= 40 && BRIEF_COLUMN.test(prev.text)) ||
      (items.length === 1 && items[0].length > 1);
    if (!items.length || !briefContext) {
      out.push(figureOf([b]));
      continue;
    }
    for (const item of items) {
      const brief = makeBlock('brief', [], item[0].start, item[item.length - 1].end);
      brief.parts = item.map((p) => ({ ...p, kind: 'paragraph' as Kind }));
      brief.parts[0].kind = 'brief'; // first part carries the ■ mark
      out.push(brief);
    }
    i = j - 1;
  }
  blocks = out;

  // 3. Banners: a short title over a motto line, or a `##` heading before the first article.
  let articleSeen = false;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    const next = blocks[i + 1];
    if (!articleSeen && b.explicit && b.kind === 'subhead' && b.depth === 2) b.kind = 'bannerTitle';
    if (isOpen(b) && next && isOpen(next) && isMotto(next.text.replace(/\s+/g, '')) && isTitleLike(b.text) && !b.text.includes('\n')) {
      b.kind = 'bannerTitle';
    }
    if (b.kind === 'bannerTitle' && next && isOpen(next) && isMotto(next.text.replace(/[ \u3000]+/g, ''))) {
      next.kind = 'motto';
      i++;
      continue;
    }
    if (!PAGE_META.has(b.kind) && b.kind !== 'articleBreak') articleSeen = true;
  }

  // 4. The lines right before a `——` subtitle are the headline (up to 3 lines, whatever their punctuation).
  headlinesBeforeDash(src, blocks);

  // 5. Header runs and subheads.
  for (let i = 0; i < blocks.length; ) {
    if (!isHeaderElem(blocks[i])) {
      i++;
      continue;
    }
    let j = i;
    let bylineSeen = false;
    let titleSeen = false;
    while (j < blocks.length) {
      const b = blocks[j];
      if (isHeaderElem(b)) {
        // after a byline, a title-like line or a kicker starts the next header
        if (bylineSeen && (titleText(b) || b.kind === 'headline' || b.kind === 'kicker' || b.kind === 'sectionLabel')) break;
        // a kicker after a headline belongs to the next article
        if (titleSeen && b.kind === 'kicker' && j > i) break;
        if (b.kind === 'byline') bylineSeen = true;
        if (b.kind === 'headline' || b.kind === 'subtitle') titleSeen = true;
        j++;
        continue;
      }
      if (isLeadable(blocks, i, j)) {
        j++;
        continue;
      }
      break;
    }
    decideRun(src, blocks, i, j);
    i = Math.max(j, i + 1);
  }

  // 6. Everything else is a paragraph.
  for (const b of blocks) if (b.kind === 'text') b.kind = 'paragraph';
  return blocks;
}

/** At most this many lines make a headline; each at most this many characters. */
const HEADLINE_LINES = 3;
const HEADLINE_LINE_CHARS = 32;
/** Blocks after which a headline starts (its lines are all that follows up to the `——` line). */
const HEADLINE_ANCHOR = new Set<Kind>(['kicker', 'bannerTitle', 'motto', 'sectionLabel']);

/** Lines of a block that may be headline lines: short, not a sentence, not a turn or a mark. */
function headlineLines(b: Block): number {
  if (!isOpen(b) || /^[□■▲△●◆]/.test(b.text) || speakerLabel(b.text)) return 0;
  const lines = b.text.split('\n').map((l) => l.trim());
  for (const line of lines) {
    const len = line.replace(/[\s\u3000]/g, '').length;
    if (len === 0 || len > HEADLINE_LINE_CHARS || /[。；;]$/.test(line)) return 0;
  }
  return lines.length;
}

/** No blank line between two blocks: they were lines of one paragraph of the page. */
function adjacent(src: Source, a: Block, b: Block): boolean {
  return !/\n[ \t\u3000]*\n/.test(src.text.slice(a.end, b.start));
}

/**
 * A `——` subtitle follows the headline directly. The lines before it form the headline:
 * all of them back to a kicker, section label or banner (up to 3 lines), or, without
 * such an anchor, the lines of the one paragraph right before it (a two-line 主题 whose
 * lines end in quotes or commas was read as a headline plus a subtitle, or not as a
 * headline at all). A title-like block alone needs nothing: the header run reads it right.
 */
function headlinesBeforeDash(src: Source, blocks: Block[]): void {
  for (let i = 1; i < blocks.length; i++) {
    const dash = blocks[i];
    if (dash.kind !== 'subtitle' || !subtitleDash(dash.text)) continue;
    const group: Block[] = [];
    let lines = 0;
    let k = i - 1;
    for (; k >= 0; k--) {
      const n = headlineLines(blocks[k]);
      if (!n || lines + n > HEADLINE_LINES) break;
      group.unshift(blocks[k]);
      lines += n;
    }
    if (!group.length || (group.length === 1 && (titleText(group[0]) || /[，,、：:]$/.test(group[0].text)))) continue;
    const anchored = k >= 0 && HEADLINE_ANCHOR.has(blocks[k].kind) && !isOpen(blocks[k]);
    if (!anchored) {
      // only the paragraph right before the dash line: blocks cut from it without blank lines
      let from = group.length - 1;
      while (from > 0 && adjacent(src, group[from - 1], group[from])) from--;
      group.splice(0, from);
      // one title-like block alone: the header run reads it right
      if (group.length === 1 && (titleText(group[0]) || /[，,、：:]$/.test(group[0].text))) continue;
    }
    const first = group[0];
    const last = group[group.length - 1];
    if (group.length === 1) {
      first.kind = 'headline';
      report(src, 'treated the line(s) before the `——` subtitle as the headline', 'inferred-headline', first.start, first.end, 'warning');
      continue;
    }
    const inlines: Block['inlines'] = [];
    for (const b of group) {
      if (inlines.length) inlines.push({ type: 'break', position: positionOf(src, inlineEnd(inlines), inlineStart(b.inlines)) });
      inlines.push(...b.inlines);
    }
    const merged = makeBlock('headline', inlines, first.start, last.end);
    merged.leadMark = group.some((b) => b.leadMark) || undefined;
    merged.columns = group.find((b) => b.columns)?.columns;
    merged.rankMark = group.find((b) => b.rankMark)?.rankMark;
    report(src, `treated these ${group.length} lines before the \`——\` subtitle as one headline`, 'inferred-headline', first.start, last.end, 'warning');
    blocks.splice(i - group.length, group.length, merged);
    i -= group.length - 1;
  }
}

const STRONG_HEADER: ReadonlySet<string> = HEADER_TYPES;

function isHeaderElem(b: Block): boolean {
  return titleText(b) || STRONG_HEADER.has(b.kind);
}

/** A longer paragraph inside a header run, between a label/kicker and the headline: the lead (导语). */
function isLeadable(blocks: Block[], runStart: number, j: number): boolean {
  const b = blocks[j];
  const next = blocks[j + 1];
  const prev = blocks[j - 1];
  if (!isOpen(b) || j === runStart || !next || b.text.length > 240 || b.text.includes('\n')) return false;
  if (speakerLabel(b.text) || /^[□■]/.test(b.text)) return false;
  if (!(next.kind === 'headline' || titleText(next))) return false;
  if (blocks.slice(runStart, j).some((x) => x.kind === 'headline' || x.kind === 'byline')) return false;
  return prev.kind === 'kicker' || prev.kind === 'sectionLabel' || (isOpen(prev) && isLabelLike(prev.text));
}

function prevKindOf(blocks: Block[], i: number): string {
  return i === 0 ? 'start' : blocks[i - 1].kind;
}

function decideRun(src: Source, blocks: Block[], i: number, j: number): void {
  const run = blocks.slice(i, j);
  const texts = run.filter((b) => isOpen(b));
  if (!texts.length) return;
  const next = blocks[j];
  const strong = run.some((b) => STRONG_HEADER.has(b.kind));
  const multiLine = texts.some((b) => b.text.includes('\n'));
  const prevKind = prevKindOf(blocks, i);
  const beforeBriefs = !!next && next.kind === 'brief';
  const header = strong || texts.length >= 2 || multiLine || ARTICLE_START_CONTEXT.has(prevKind) || beforeBriefs;
  if (!header) {
    for (const b of texts) {
      if (!next) continue; // a short last line of the page stays a paragraph
      b.kind = 'subhead';
      report(src, 'treated this line as a subhead', 'inferred-subhead', b.start, b.end, 'info');
    }
    return;
  }
  const explicitHeadline = run.findIndex((b) => b.kind === 'headline');
  let headlineDone = false;
  let labelDone = run.some((b) => b.kind === 'sectionLabel');
  let kickerSeen = false;
  let bylineOrSubtitle = false;
  for (let k = 0; k < run.length; k++) {
    const b = run[k];
    if (!isOpen(b)) {
      if (b.kind === 'headline') headlineDone = true;
      if (b.kind === 'kicker') kickerSeen = true;
      if (b.kind === 'byline' || b.kind === 'subtitle') bylineOrSubtitle = true;
      continue;
    }
    const single = !b.text.includes('\n');
    if (!headlineDone) {
      if (explicitHeadline > k) {
        b.kind = !labelDone && !kickerSeen && isLabelLike(b.text) ? 'sectionLabel' : 'kicker';
        if (b.kind === 'sectionLabel') labelDone = true;
        continue;
      }
      const following = run[k + 1];
      if (!labelDone && !kickerSeen && single && isLabelLike(b.text) && following && isOpen(following)) {
        b.kind = 'sectionLabel';
        labelDone = true;
        report(src, 'treated this line as a section label', 'inferred-section-label', b.start, b.end, 'info');
        continue;
      }
      if (!titleText(b)) {
        b.kind = 'lead';
        report(src, 'treated this paragraph as the lead of the headline after it', 'inferred-lead', b.start, b.end, 'info');
        continue;
      }
      b.kind = 'headline';
      headlineDone = true;
      report(src, 'treated this line as a headline', 'inferred-headline', b.start, b.end, 'warning');
      continue;
    }
    if (!bylineOrSubtitle) {
      b.kind = 'subtitle';
      bylineOrSubtitle = true;
      report(src, 'treated this line as a subtitle', 'inferred-subtitle', b.start, b.end, 'info');
    } else {
      b.kind = 'subhead';
      report(src, 'treated this line as a subhead', 'inferred-subhead', b.start, b.end, 'info');
    }
  }
}

export { plainText };
