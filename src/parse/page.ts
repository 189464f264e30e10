/**
 * One page's VFile → Page AST + diagnostics on that VFile (parsePageVFile, the parser of
 * the `banmianParse` plugin, src/parse/plugin.ts). Pure and synchronous.
 *
 *   decode → front matter → Markdown blocks (remark-parse) → roles by own text →
 *   column-break repair → roles by context → articles (reading-order repair, interviews) → nodes
 */
import type { Article, Banner, BodyBlock, Page, PageMeta, StaffCredits, ArticleHeader } from '../ast/types.js';
import { BanmianError } from '../errors.js';
import type { VFile } from 'vfile';
import { type Block, MAX_NESTING, deepNestingRegions, parseMarkdownPieces, rawTextBlock, toBlocks } from './blocks.js';
import { splitFrontMatter } from './frontmatter.js';
import { classify, preClassify } from './infer.js';
import { detectInterview, isTurn } from './interview.js';
import { pageInfo as pageInfoPattern } from './patterns.js';
import { type ArticleDraft, repairColumnBreaks, reorderOrphanHeaders } from './repair.js';
import { type Source, makeSource, positionOf, report } from './source.js';
import { decodePageBytes } from './decode.js';
import {
  briefNode,
  bylineNode,
  endnoteNode,
  figureNode,
  jumpNode,
  pageInfoNode,
  pageNameNode,
  paragraphNode,
  spanOf,
  staffLineNode,
  subtitleNode,
  titleNode,
  turnNode,
} from './tree.js';
import { HEADER_TYPES } from '../ast/vocabulary.js';

export interface ParsePageOptions {
  file: string;
  number?: number;
  /** Characters per Markdown piece of a long page (blocks.ts markdownChunks); Infinity parses it whole. */
  pieceSize?: number;
}

type Item =
  | { kind: 'meta'; block: Block }
  | { kind: 'banner'; title?: Block; motto?: Block }
  | { kind: 'article'; draft: ArticleDraft };

const PRE_HEADER = new Set(['sectionLabel', 'kicker', 'lead']);
const HEADER_NODES = HEADER_TYPES;

function assemble(blocks: Block[]): Item[] {
  const items: Item[] = [];
  let cur: ArticleDraft | undefined;
  let pendingLead = false;
  let pendingColumns: number | undefined;
  let pendingRank: Block['rankMark'];
  const open = () => {
    cur = { blocks: [], leadMark: pendingLead, columns: pendingColumns, rankMark: pendingRank };
    pendingLead = false;
    pendingColumns = undefined;
    pendingRank = undefined;
    items.push({ kind: 'article', draft: cur });
    return cur;
  };
  const preHeaderOnly = (d: ArticleDraft | undefined, without?: string) =>
    !!d && d.blocks.every((x) => PRE_HEADER.has(x.kind) && !(x.kind === 'lead' && x.explicit)) && !d.blocks.some((x) => x.kind === without);
  for (const b of blocks) {
    switch (b.kind) {
      case 'staffLine':
      case 'pageName':
      case 'pageInfo':
        cur = undefined;
        items.push({ kind: 'meta', block: b });
        continue;
      case 'bannerTitle':
        cur = undefined;
        items.push({ kind: 'banner', title: b });
        continue;
      case 'motto': {
        cur = undefined;
        const last = items[items.length - 1];
        if (last && last.kind === 'banner' && !last.motto) last.motto = b;
        else items.push({ kind: 'banner', motto: b });
        continue;
      }
      case 'articleBreak':
        cur = undefined;
        continue;
      case 'headMark':
        // `[头条]` / `[3栏]` / `[简讯]` alone on a line: for the article that starts next
        if (b.leadMark) pendingLead = true;
        if (b.columns) pendingColumns = b.columns;
        if (b.rankMark) pendingRank = b.rankMark;
        continue;
      case 'sectionLabel':
        if (!preHeaderOnly(cur, 'sectionLabel') || cur!.blocks.some((x) => x.kind === 'kicker' || x.kind === 'lead')) open();
        break;
      case 'kicker':
        if (!preHeaderOnly(cur, 'kicker')) open();
        break;
      case 'headline':
        if (!preHeaderOnly(cur)) open();
        break;
      case 'lead':
        if (!cur || (!b.explicit && !preHeaderOnly(cur))) open();
        break;
      default:
        if (!cur) open();
    }
    cur!.blocks.push(b);
    if (b.leadMark) cur!.leadMark = true;
    if (b.columns) cur!.columns = b.columns;
    if (b.rankMark) cur!.rankMark = b.rankMark;
  }
  return items;
}

function buildArticle(src: Source, draft: ArticleDraft, id: string): Article {
  const children: Array<ArticleHeader | BodyBlock> = [];
  for (const item of detectInterview(src, draft.blocks)) {
    if (isTurn(item)) {
      children.push(turnNode(src, item));
      continue;
    }
    const b = item;
    switch (b.kind) {
      case 'sectionLabel':
      case 'kicker':
      case 'headline':
      case 'subhead':
      case 'lead':
        children.push(titleNode(src, b.kind, b));
        break;
      case 'bannerTitle':
      case 'motto':
        children.push(titleNode(src, 'subhead', b));
        break;
      case 'subtitle':
        children.push(subtitleNode(src, b));
        break;
      case 'byline':
        children.push(bylineNode(src, b));
        break;
      case 'figure':
        children.push(figureNode(src, b));
        break;
      case 'brief':
        children.push(briefNode(src, b));
        break;
      case 'endnote':
        children.push(endnoteNode(src, b));
        break;
      case 'jump':
        children.push(jumpNode(src, b));
        break;
      case 'pass':
        if (b.pass) children.push(b.pass);
        break;
      case 'question':
      case 'answer':
        // explicit turns are handled by detectInterview; fall through defensively
        children.push(paragraphNode(src, b));
        break;
      default:
        children.push(paragraphNode(src, b));
    }
  }
  const first = draft.blocks[0];
  const article: Article = {
    type: 'article',
    id,
    lead: false,
    children,
    position: spanOf(src, children, first ?? { start: 0, end: 0 }),
  };
  if (draft.columns) article.data = { columns: draft.columns };
  if (draft.rankMark) article.data = { ...article.data, rank: draft.rankMark };
  return article;
}

function pageMetaNode(src: Source, b: Block): PageMeta {
  if (b.kind === 'staffLine') return staffLineNode(src, b);
  if (b.kind === 'pageName') return pageNameNode(src, b);
  const node = pageInfoNode(src, b);
  const info = pageInfoPattern(b.text);
  return info?.page ? { ...node, page: info.page } : node;
}

function bannerNode(src: Source, item: { title?: Block; motto?: Block }): Banner {
  const children: Banner['children'] = [];
  if (item.title) children.push(titleNode(src, 'bannerTitle', item.title));
  if (item.motto) children.push(titleNode(src, 'motto', item.motto));
  return { type: 'banner', children, position: spanOf(src, children, item.title ?? item.motto!) };
}

/** Splits the page text into blocks and infers what they are. */
function inferPage(src: Source, markdownText: string, pieceSize?: number): Item[] {
  // Piece by piece: only one piece's Markdown tree is alive at a time (bounded memory on huge pages).
  let blocks: Block[] = [];
  // Text nested deeper than MAX_NESTING is kept out of Markdown and read as unmarked text.
  const deep = deepNestingRegions(markdownText);
  let text = markdownText;
  if (deep.length) {
    const parts: string[] = [];
    let from = 0;
    for (const r of deep) {
      parts.push(text.slice(from, r.start), text.slice(r.start, r.end).replace(/[^\n]/g, ' '));
      from = r.end;
      report(src, `lists or quotes nested more than ${MAX_NESTING} levels deep: read as plain text, not as Markdown`, 'nesting-too-deep', r.start, r.end, 'warning');
    }
    parts.push(text.slice(from));
    text = parts.join('');
  }
  for (const root of parseMarkdownPieces(text, pieceSize)) {
    for (const block of toBlocks(src, root)) blocks.push(block);
  }
  if (deep.length) {
    for (const r of deep) {
      let at = blocks.findIndex((b) => b.start >= r.end);
      if (at < 0) at = blocks.length;
      blocks.splice(at, 0, ...rawTextBlock(src, r.start, r.end));
    }
  }
  blocks = preClassify(blocks);
  blocks = repairColumnBreaks(src, blocks);
  blocks = classify(src, blocks);
  const items = assemble(blocks);
  // reading-order repair works on runs of consecutive articles
  let run: ArticleDraft[] = [];
  const flush = () => {
    if (run.length > 1) reorderOrphanHeaders(src, run);
    run = [];
  };
  for (const it of items) {
    if (it.kind === 'article') run.push(it.draft);
    else flush();
  }
  flush();
  return items;
}

/** Last resort when inference fails on strange input: every block a paragraph of one article. */
function fallbackItems(src: Source, markdownText: string): Item[] {
  const blocks: Block[] = [];
  const re = /[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(markdownText))) {
    const raw = m[0];
    if (!raw.trim()) continue;
    const s = m.index;
    const e = s + raw.length;
    const value = src.text.slice(s, e);
    blocks.push({ kind: 'paragraph', explicit: true, inlines: [{ type: 'text', value, position: positionOf(src, s, e) }], start: s, end: e, text: value.trim() });
  }
  return blocks.length ? [{ kind: 'article', draft: { blocks, leadMark: false } }] : [];
}

/**
 * The stages of parsing one page, run by the `banmianParse` parser (src/parse/plugin.ts)
 * on the page's VFile. Each stage reads what the one before left in the file's typed
 * `file.data.banmian` (PageFileData) and adds its own part:
 *
 *   decode (bytes → text, `encoding`) → front matter (`frontMatter`, `bodyStart`)
 *   → blocks + inference + repair (items) → tree (the Page node)
 *
 * A fatal problem (an empty or binary file, broken front matter) is a BanmianError
 * (a fatal vfile message) on the file's messages, then thrown, as `file.fail` does.
 */
export function parsePageVFile(file: VFile): Page {
  try {
    const text = decodeStage(file);
    const fm = frontMatterStage(file, text);
    const src = makeSource(text, file);
    const items = inferStage(src, text, fm.bodyStart, file.data.banmian?.pieceSize);
    return treeStage(src, items, file);
  } catch (err) {
    if (err instanceof BanmianError && !file.messages.includes(err)) file.messages.push(err);
    throw err;
  }
}

/** Stage 1: a VFile of bytes is decoded (decode.ts), its warnings become its messages; its value is the text after. */
function decodeStage(file: VFile): string {
  const data = (file.data.banmian ??= {});
  if (typeof file.value === 'string') return file.value;
  const { text, encoding, warnings } = decodePageBytes(file.value ?? new Uint8Array(), file.path || '(input)');
  for (const w of warnings) file.messages.push(w);
  file.value = text;
  data.encoding = encoding;
  return text;
}

/** Stage 2: front matter, kept on the file's data for the tree stage. */
function frontMatterStage(file: VFile, text: string): { bodyStart: number } {
  const fm = splitFrontMatter(text, file.path);
  const data = file.data.banmian!;
  data.bodyStart = fm.bodyStart;
  if (fm.data) data.frontMatter = fm.data;
  return fm;
}

/** Stage 3: blocks, roles and repairs; a bug here falls back to plain paragraphs, never loses text. */
function inferStage(src: Source, text: string, bodyStart: number, pieceSize?: number): Item[] {
  // Front matter is blanked (newlines kept) so that offsets stay those of the file.
  const markdownText = bodyStart > 0 ? text.slice(0, bodyStart).replace(/[^\n]/g, ' ') + text.slice(bodyStart) : text;
  try {
    return inferPage(src, markdownText, pieceSize);
  } catch (err) {
    if (err instanceof BanmianError) throw err;
    // A bug in inference must not take the build down: keep every character, say so.
    report(src, `the parser failed on this page and kept it as plain paragraphs (${(err as Error).message})`, 'internal-fallback', bodyStart, text.length, 'warning');
    return fallbackItems(src, markdownText);
  }
}

/** Stage 4: the Page node. */
function treeStage(src: Source, items: Item[], file: VFile): Page {
  const text = src.text;
  const data = file.data.banmian!;
  const fm = { data: data.frontMatter };
  const children: Page['children'] = [];
  let n = 0;
  const articles: Array<{ node: Article; marked: boolean }> = [];
  let folio: number | undefined;
  for (const it of items) {
    if (it.kind === 'meta') {
      const node = pageMetaNode(src, it.block);
      if (node.type === 'pageInfo' && node.page && folio === undefined) folio = node.page;
      children.push(node);
    } else if (it.kind === 'banner') {
      children.push(bannerNode(src, it));
    } else {
      if (!it.draft.blocks.length) continue;
      const node = buildArticle(src, it.draft, `a${++n}`);
      if (!node.children.some((c) => !HEADER_NODES.has(c.type)) && node.children.some((c) => c.type === 'headline')) {
        // e.g. a side story whose body the extraction lost or put elsewhere: the editor should look
        report(src, 'this article has a headline but no body text (is its body missing or placed under another headline?)', 'article-without-body', node.position!.start.offset!, node.position!.end.offset!, 'warning');
      }
      articles.push({ node, marked: it.draft.leadMark });
      children.push(node);
    }
  }
  const marked = articles.find((a) => a.marked) ?? articles[0];
  if (marked) marked.node.lead = true;

  const pageName = children.find((c) => c.type === 'pageName');
  const staffLine = children.find((c) => c.type === 'staffLine');
  const staff: StaffCredits = fm.data?.staff ?? (staffLine?.type === 'staffLine' ? staffLine.credits : {});
  const page: Page = {
    type: 'page',
    number: fm.data?.page ?? data.number ?? folio ?? 1,
    file: file.path,
    staff,
    children,
    meta: fm.data?.meta ?? {},
    position: positionOf(src, 0, text.length),
  };
  const name = fm.data?.name ?? (pageName?.type === 'pageName' ? pageName.name : undefined);
  const pinyin = fm.data?.pinyin ?? (pageName?.type === 'pageName' ? pageName.pinyin : undefined);
  if (name) page.name = name;
  if (pinyin) page.pinyin = pinyin;
  return page;
}
