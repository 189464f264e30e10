/**
 * The parser as unified plugins, as remark-parse is for Markdown:
 *
 *   unified().use(banmianParse)                        page text or bytes → Page
 *   unified().use(banmianParse).use(banmianNameFromFile)   + 版名 from the file name
 *
 * `banmianParse` sets the processor's parser; it runs the stages of src/parse/page.ts
 * (decode → front matter → blocks/inference/repair → tree) on the page's VFile, which they
 * share through the typed `file.data.banmian` (PageFileData, declared below for vfile's
 * DataMap). Every diagnostic goes on that VFile as a vfile message with a place, a
 * `ruleId` and `source: 'banmian'`; a fatal one (BanmianError) too, before it is thrown.
 *
 * `parsePage` and `parsePageFile` (src/parse/issue.ts) are the thin wrappers the rest of
 * Banmian calls.
 */
import type { Plugin } from 'unified';
import { unified } from 'unified';
import { VFile } from 'vfile';
import type { Page } from '../ast/types.js';
import type { FrontMatter } from './frontmatter.js';
import { type ParsePageOptions, parsePageVFile } from './page.js';

/** What the stages of one page share on its VFile (`file.data.banmian`). */
export interface PageFileData {
  /** In: the page number when the text and front matter give none (the file name's leading number). */
  number?: number;
  /** In: characters per Markdown piece of a long page (blocks.ts); Infinity parses it whole. */
  pieceSize?: number;
  /** Decode stage: the encoding the bytes were read in (absent when the file was given as text). */
  encoding?: string;
  /** Front-matter stage: offset where the page text starts after the front matter (0 without one). */
  bodyStart?: number;
  /** Front-matter stage: the front matter's keys, when the page has one. */
  frontMatter?: FrontMatter;
}

declare module 'vfile' {
  interface DataMap {
    banmian: PageFileData;
  }
}

/** The parser plugin: a page's VFile (text or bytes) → the Page node. */
export const banmianParse: Plugin<[], string, Page> = function () {
  this.parser = (_document: string, file: VFile) => parsePageVFile(file);
};

/** A page with no name in its text or front matter takes it from its file name (`04-专题.txt` → 专题). */
export const banmianNameFromFile: Plugin<[], Page> = () => {
  return (page: Page, file: VFile) => {
    if (page.name || !file.basename) return;
    const name = file.basename.replace(/\.(md|markdown|txt)$/i, '').replace(/^\d+[\s._\-—·]*/, '').trim();
    if (name && !/^\d+$/.test(name)) page.name = name;
  };
};

// Frozen once: a processor holds no per-page state (that is on each page's VFile).
const textProcessor = unified().use(banmianParse).freeze();
const fileProcessor = unified().use(banmianParse).use(banmianNameFromFile).freeze();

/** Text of one page → Page and its VFile (diagnostics). Pure and synchronous. */
export function parsePage(text: string, opts: ParsePageOptions): { page: Page; file: VFile } {
  const file = new VFile({ path: opts.file, value: text, data: { banmian: { number: opts.number, pieceSize: opts.pieceSize } } });
  return { page: textProcessor.parse(file), file };
}

/** Bytes of one page file → Page and its VFile; `path` is the name diagnostics show. */
export function parsePageBytes(bytes: Uint8Array, opts: { path: string; number?: number }): { page: Page; file: VFile } {
  const file = new VFile({ path: opts.path, value: bytes, data: { banmian: { number: opts.number } } });
  const page = fileProcessor.runSync(fileProcessor.parse(file), file);
  return { page, file };
}
