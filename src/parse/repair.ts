/**
 * Repairs of extraction defects.
 *
 * Column breaks: a paragraph cut mid-sentence by a column break arrives as two
 * blocks. They are joined again when the evidence says so — the first half does not
 * end a sentence, a word straddles the cut (Intl.Segmenter), the second half starts
 * with a character that cannot start a sentence, an open quote or clause — and never
 * when one side looks like a headline without strong evidence. A `■` caption that the
 * extraction dropped between the halves is lifted out and placed after the paragraph.
 *
 * Reading order: an article header with no body, directly followed by another header
 * whose body matches the first header better (character bigrams), gets that body;
 * the second header moves after it.
 */
import type { Block } from './blocks.js';
import type { Inl } from './inline.js';
import {
  CLAUSE_OPEN_END,
  NON_STARTER,
  SENTENCE_END,
  isTitleLike,
  speakerLabel,
} from './patterns.js';
import { type Source, report } from './source.js';
import { HEADER_TYPES } from '../ast/vocabulary.js';

let segmenter: Intl.Segmenter | undefined;
function words(text: string): Intl.Segments {
  segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' });
  return segmenter.segment(text);
}

/** A word of the segmenter straddles the boundary between `a` and `b`. */
export function wordStraddles(a: string, b: string): boolean {
  const left = a.slice(-6);
  const right = b.slice(0, 6);
  if (!left || !right) return false;
  const cut = left.length;
  for (const seg of words(left + right)) {
    if (seg.index < cut && seg.index + seg.segment.length > cut && seg.isWordLike) return true;
    if (seg.index >= cut) break;
  }
  return false;
}

const UNIT_START = /^[个万亿千百元米名家处项人次件岁天年月日号届期批类座栋户条种只台辆吨亩%％]/;

function openQuote(a: string): boolean {
  let depth = 0;
  for (const ch of a) {
    if (ch === '“') depth++;
    else if (ch === '”') depth = Math.max(0, depth - 1);
  }
  return depth > 0;
}

/** Strong evidence that `b` continues `a` across a cut. */
function strongEvidence(a: string, b: string): boolean {
  return (
    NON_STARTER.test(b) ||
    CLAUSE_OPEN_END.test(a) ||
    openQuote(a) ||
    (/[0-9０-９]$/.test(a) && UNIT_START.test(b)) ||
    wordStraddles(a, b)
  );
}

/**
 * `b` starts something of its own: a mark, a dash line, or a speaker label — unless a
 * word straddles the cut (`…另一` / `番景象：…` is a word cut in two, not a speaker 番景象).
 */
function blocksB(a: string, b: string): boolean {
  if (/^[□■▲△●◆]/.test(b) || /^(?:——|—|--)/.test(b)) return true;
  return !!speakerLabel(b) && !wordStraddles(a, b);
}

/** Should `b` be joined to `a` (two halves of one paragraph)? */
export function shouldJoin(a: string, b: string): boolean {
  if (!a || !b || a.includes('\n') || SENTENCE_END.test(a)) return false;
  if (blocksB(a, b)) return false;
  const aTitle = isTitleLike(a);
  const bTitle = isTitleLike(b) && !SENTENCE_END.test(b);
  if (aTitle || bTitle) return strongEvidence(a, b);
  return true;
}

function joinable(b: Block | undefined): b is Block {
  return !!b && b.kind === 'text' && !b.explicit && !b.noInfer;
}

/** A `■`-headed item the first stage took for a caption (a brief or a photo caption). */
function markedItem(b: Block | undefined): b is Block {
  return !!b && b.kind === 'caption' && !b.explicit && !b.noInfer && /^[■◆●]/.test(b.text);
}

function concat(a: Inl[], b: Inl[]): Inl[] {
  return [...a, ...b];
}

export function repairColumnBreaks(src: Source, blocks: Block[]): Block[] {
  const out: Block[] = [];
  /** Captions lifted out of a cut paragraph, to be placed right after it. */
  const lifted = new Map<Block, Block[]>();
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    const a = out[out.length - 1];
    // a ■ item (brief or caption) cut by a column break: joined on strong evidence only
    if (markedItem(a) && joinable(b) && !a.text.includes('\n') && !SENTENCE_END.test(a.text) && !blocksB(a.text, b.text) && strongEvidence(a.text, b.text)) {
      join(src, a, b);
      continue;
    }
    if (!joinable(a)) {
      out.push(b);
      continue;
    }
    // A, B — or A, ■caption, B
    if (joinable(b) && shouldJoin(a.text, b.text)) {
      join(src, a, b);
      continue;
    }
    if (b.kind === 'caption' && !b.explicit && /^[■▲]/.test(b.text)) {
      const c = blocks[i + 1];
      const afterCaption = blocks[i + 2];
      const single = !(afterCaption && afterCaption.kind === 'caption');
      if (joinable(c) && single && shouldJoin(a.text, c.text)) {
        join(src, a, c);
        report(
          src,
          'moved a photo caption out of a paragraph cut by a column break (placed after the paragraph)',
          'moved-block',
          b.start,
          b.end,
          'warning',
        );
        // the caption goes after the paragraph, which stays last so that a further cut can join it too
        lifted.set(a, [...(lifted.get(a) ?? []), b]);
        i++;
        continue;
      }
    }
    out.push(b);
  }
  if (!lifted.size) return out;
  const final: Block[] = [];
  for (const b of out) {
    final.push(b);
    const caps = lifted.get(b);
    if (caps) final.push(...caps);
  }
  return final;
}

function join(src: Source, a: Block, b: Block): void {
  report(src, 'joined two paragraphs across a column break', 'column-break-join', a.end, b.start, 'warning');
  a.inlines = concat(a.inlines, b.inlines);
  a.end = b.end;
  a.text = a.text + b.text;
}

// ---------------------------------------------------------------------------
// Reading order of header blocks

export interface ArticleDraft {
  blocks: Block[];
  leadMark: boolean;
  /** `[3栏]`: the columns the editor asked for (Article.data.columns). */
  columns?: number;
  /** `[二条]` / `[普通]` / `[简讯]`: the rank the editor gave the article (Article.data.rank). */
  rankMark?: import('./blocks.js').RankMark;
}

/** Header kinds, with an inferred lead that stands among them. */
const HEADER: ReadonlySet<string> = new Set([...HEADER_TYPES, 'lead']);

function bigrams(text: string): Set<string> {
  const s = new Set<string>();
  const t = text.replace(/[^\p{Script=Han}A-Za-z0-9]/gu, '');
  for (let i = 0; i + 1 < t.length; i++) s.add(t.slice(i, i + 2));
  return s;
}

function overlap(header: string, body: Set<string>): number {
  const hb = bigrams(header);
  if (!hb.size) return 0;
  let hit = 0;
  for (const g of hb) if (body.has(g)) hit++;
  return hit / hb.size;
}

function headerText(blocks: Block[]): string {
  return blocks
    .filter((b) => b.kind === 'headline' || b.kind === 'kicker' || b.kind === 'subtitle' || b.kind === 'lead')
    .map((b) => b.text)
    .join('');
}

export function reorderOrphanHeaders(src: Source, articles: ArticleDraft[]): ArticleDraft[] {
  for (let k = 0; k + 1 < articles.length; k++) {
    const a = articles[k];
    const b = articles[k + 1];
    const aHasHeadline = a.blocks.some((x) => x.kind === 'headline');
    const aBody = a.blocks.filter((x) => !HEADER.has(x.kind));
    if (!aHasHeadline || aBody.length || a.blocks.some((x) => x.explicit) || b.blocks.some((x) => x.explicit)) continue;
    const bHeader = b.blocks.filter((x) => HEADER.has(x.kind) && x.kind !== 'lead');
    const bBody = b.blocks.filter((x) => !HEADER.has(x.kind) || x.kind === 'lead');
    if (!bHeader.some((x) => x.kind === 'headline') || !bBody.length) continue;
    // header blocks of b must all come before its body
    const firstBody = b.blocks.findIndex((x) => !HEADER.has(x.kind));
    if (b.blocks.slice(firstBody).some((x) => HEADER.has(x.kind) && x.kind !== 'lead')) continue;
    let bodyText = '';
    for (const x of bBody) {
      bodyText += x.text;
      if (bodyText.length > 20000) break;
    }
    const grams = bigrams(bodyText);
    const scoreA = overlap(headerText(a.blocks), grams);
    const scoreB = overlap(headerText(bHeader), grams);
    if (scoreA >= 0.5 && scoreA > scoreB + 0.2) {
      a.blocks.push(...bBody);
      b.blocks = bHeader;
      const start = Math.min(...bHeader.map((x) => x.start));
      const end = Math.max(...bHeader.map((x) => x.end));
      report(
        src,
        'moved a headline block that stood between the header and the body of another article (extraction order)',
        'moved-block',
        start,
        end,
        'warning',
      );
    }
  }
  return articles;
}
