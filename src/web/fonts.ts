/**
 * Self-hosted fallback fonts, cut to the characters the site uses. Readers with a named
 * system CJK font (the stacks in styles/web.css) download none; a device without one
 * (many Android phones: their CJK font has no name a page can ask for) downloads only
 * the slices holding characters of the view it opens, each slice subset by harfbuzz
 * (`subset-font`, harfbuzz in wasm) to the site's characters and packed as WOFF2 by
 * src/web/woff2.js. The faces go inline into the stylesheet with
 * `font-display: swap`: no extra stylesheet in <head>, no text waiting for a font.
 *
 * Sources: the fontsource packages (Google's unicode-range slices of Noto Serif SC 400
 * and Noto Sans SC 700, one family "Banmian": regular text is Song, bold text Hei, as in
 * a printed paper). A slice's subset is named by the hash of its source and characters,
 * so it is reused from this process or the previous build's folder.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { toString } from 'mdast-util-to-string';
import type { ArticleRef, IssueRef, SiteModel } from './model.js';
import { BanmianError } from '../errors.js';
import { userFsError } from '../build/fs-errors.js';
import { groupByUse, type UseUnits } from './font-groups.js';

const require = createRequire(import.meta.url);

export const FONT_FAMILY = 'Banmian';
const FACES = [
  { pkg: '@fontsource/noto-serif-sc', weight: 400, tag: 'serif-400' },
  { pkg: '@fontsource/noto-sans-sc', weight: 700, tag: 'sans-700' },
];


/** AST nodes whose text the site sets bold (headlines, 小标题, speakers, strong, banners). */
const BOLD_NODES = new Set(['headline', 'subhead', 'speaker', 'strong', 'bannerTitle', 'motto', 'sectionLabel']);

export interface SiteCharacters {
  /** Every CJK character (code point) a reader can see. */
  all: Set<number>;
  /** Those set in bold: titles, headlines, speakers, page names, the templates' words. */
  bold: Set<number>;
  /**
   * Which views use which characters, for splitting slices by use (src/web/font-groups.ts):
   * one entry per article view and page view of the newest issues (up to MAX_UNITS), with
   * the characters of its own text and titles; characters on every view (templates,
   * labels, dates) are in `everywhere` instead.
   */
  units: Unit[];
  everywhere: Set<number>;
}

interface Unit {
  all: Set<number>;
  bold: Set<number>;
  weight: number;
}

/**
 * Characters the self-hosted faces carry: CJK ideographs, punctuation, full-width forms
 * (Latin comes from the system). Tested as numbers: the scan runs over every character of
 * the site, and a string per character was most of its time.
 */
function isCjk(c: number): boolean {
  return (
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0x3000 && c <= 0x303f) ||
    (c >= 0xff00 && c <= 0xffef) ||
    (c >= 0x2e80 && c <= 0x2fdf) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0x20000 && c <= 0x2fa1f)
  );
}

/** An article view with more distinct characters than this weighs more in the split (quadratically). */
const LONG_VIEW_CHARS = 300;

/** Views whose characters steer the split (newest first): enough for the issues readers open most, bounded for a large archive. */
const MAX_UNITS = 2048;

/**
 * The site's CJK characters: the text of every page, generated labels and the templates;
 * and the subset set bold (the bold face carries only these: a view downloads bold glyphs
 * only for its headlines and labels, not for its body text); and what each view shows.
 */
export async function siteCharacters(model: SiteModel, templatesDir: string, extra: string[]): Promise<SiteCharacters> {
  const collector = await siteCharacterCollector(templatesDir, extra);
  for (const issue of model.issues) collector.addIssue(issue);
  return collector.result();
}

/**
 * `siteCharacters` issue by issue: a streamed build (src/web/site.ts) hands each issue over
 * while its tree is loaded and drops it after. Fed newest first, the result is the same.
 */
export async function siteCharacterCollector(templatesDir: string, extra: string[]): Promise<{ addIssue(issue: IssueRef): void; result(): SiteCharacters }> {
  const all = new Set<number>();
  const bold = new Set<number>();
  const everywhere = new Set<number>();
  const units: Unit[] = [];
  const add = (s: string, alsoBold = false, unit?: Unit, also?: Set<number>) => {
    for (let i = 0; i < s.length; i++) {
      let c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) c = s.codePointAt(i++)!;
      if (c < 0x2e80 || !isCjk(c)) continue;
      all.add(c);
      also?.add(c);
      unit?.all.add(c);
      if (alsoBold) {
        bold.add(c);
        unit?.bold.add(c);
      }
    }
  };
  const walk = (node: { type: string; children?: unknown[] }, unit?: Unit) => {
    if (BOLD_NODES.has(node.type)) add(toString(node), true, unit);
    else if (node.children) for (const c of node.children) walk(c as { type: string; children?: unknown[] }, unit);
  };
  const onEveryView = (s: string) => add(s, true, undefined, everywhere);
  const newUnit = () => {
    if (units.length >= MAX_UNITS) return undefined;
    const unit: Unit = { all: new Set(), bold: new Set(), weight: 1 };
    units.push(unit);
    return unit;
  };
  // The templates' own words: the layout, partials and node templates are on every view;
  // a page template's words only on its kind of view.
  const pageWords = new Map<string, string>();
  for (const file of await listTemplates(templatesDir)) {
    const text = await readFile(file, 'utf8');
    const rel = path.relative(templatesDir, file).split(path.sep).join('/');
    const kind = /^pages\/(.+)\.hbs$/.exec(rel)?.[1];
    if (kind) pageWords.set(kind, text);
    else onEveryView(text);
  }
  for (const s of extra) onEveryView(s);
  // Labels the code writes on many views (上接, 转自, 第NN版, dates).
  onEveryView('第版期年月日星期一二三四五六日农历上接转自见下转全部共篇查看标题：（）……“”');
  // The search page's script's messages.
  const searchUnit = newUnit();
  add('找到没有含的文章按相关度日期排序正在检索出错请输入汉字字母或数字最新候选中有', true, searchUnit);
  add(pageWords.get('search') ?? '', true, searchUnit);
  // A page template's characters, scanned once, given to each view of its kind.
  const kindChars = new Map<string, Set<number>>();
  for (const [kind, text] of pageWords) {
    const set = new Set<number>();
    add(text, true, undefined, set);
    kindChars.set(kind, set);
  }
  const addKind = (kind: string, unit?: Unit) => {
    if (unit)
      for (const c of kindChars.get(kind) ?? []) {
        unit.all.add(c);
        unit.bold.add(c);
      }
  };
  for (const [kind, text] of pageWords) if (!['article', 'page', 'issue', 'search'].includes(kind)) add(text, true, newUnit());
  const addIssue = (issue: IssueRef) => {
    // The masthead's date line and 版面导航 are on every view of the issue.
    onEveryView(issue.dateText + issue.weekday + issue.lunar);
    for (const page of issue.pages) onEveryView(page.title);
    const frontUnit = newUnit();
    addKind('issue', frontUnit);
    for (const page of issue.pages) {
      const pageUnit = newUnit();
      addKind('page', pageUnit);
      add(toString(page.page));
      walk(page.page);
      page.articles.forEach((a, i) => {
        // The page view's list: banner, kicker, title, subtitle, byline and the start of the text.
        add(a.title, true, pageUnit);
        add(a.title, true, frontUnit);
        const banner = page.banners.get(a.id);
        if (banner) walk(banner, pageUnit);
        for (const part of [...a.parts.kickers, ...a.parts.subtitles, ...a.parts.bylines]) add(toString(part), false, pageUnit);
        add(openingText(a), false, pageUnit);
        const unit = newUnit();
        if (!unit) return;
        addKind('article', unit);
        add(toString(a.article), false, unit);
        walk(a.article, unit);
        if (banner) walk(banner, unit);
        // 本版标题 (up to 15 around it) and 上一篇 / 下一篇.
        for (const other of page.articles.slice(Math.max(0, i - 8), i + 8)) add(other.title, true, unit);
        if (a.prev) add(a.prev.title, true, unit);
        if (a.next) add(a.next.title, true, unit);
        // Long articles weigh more: the budget is per view, and a view with many characters
        // is the one a split tuned for the average view pushes over it.
        unit.weight = Math.max(1, (unit.all.size / LONG_VIEW_CHARS) ** 3);
      });
      // A page view is opened about as often as its articles together: it weighs as much as half of them, or more when long.
      if (pageUnit) pageUnit.weight = Math.max(1, page.articles.length / 2, (pageUnit.all.size / LONG_VIEW_CHARS) ** 3);
    }
  };
  return { addIssue, result: () => ({ all, bold, units, everywhere }) };
}

/** The first 100 characters of an article's text blocks: a little more than the page view's excerpt shows. */
function openingText(a: ArticleRef): string {
  let text = '';
  for (const block of a.parts.body) {
    if (block.type !== 'lead' && block.type !== 'paragraph' && block.type !== 'answer' && block.type !== 'question') continue;
    text += toString(block);
    if (text.length >= 100) break;
  }
  return text.slice(0, 100);
}

async function listTemplates(dir: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile() && e.name.endsWith('.hbs')) out.push(path.join(e.parentPath, e.name));
  return out.sort();
}

const subsetCache = new Map<string, Buffer>();
/** Goes into each file's name: a change of the packing (woff2.js) must not reuse old files. */
const PACKING = 'woff2-null-q5-trim1-from-slice-subset';

export interface FontJob {
  /** The @font-face rules, known before any slice is cut (names come from hashes). */
  css: string;
  /** Resolves when every slice file is written. */
  done: Promise<{ files: number; bytes: number; subset: number }>;
}

/**
 * Starts writing the subset slices into `<outDir>/assets/fonts/` and returns their
 * @font-face rules (URLs relative to `assets/`) at once: slices not made before (this
 * process, the previous build) are cut by a worker thread while the caller renders.
 */
export async function writeFonts(outDir: string, chars: SiteCharacters, previousOutDir?: string): Promise<FontJob> {
  try {
    require.resolve('subset-font');
  } catch {
    // subset-font is not installed: no web fonts, the named system fonts are used (the site still works).
    return { css: '', done: Promise.resolve({ files: 0, bytes: 0, subset: 0 }) };
  }
  await mkdir(path.join(outDir, 'assets', 'fonts'), { recursive: true });
  const sorted = (set: Set<number>) => [...set].sort((a, b) => a - b);
  const codesByWeight = { 400: sorted(chars.all), 700: sorted(chars.bold) };
  const useByWeight = { 400: useUnits(chars, 'all'), 700: useUnits(chars, 'bold') };
  let css = '';
  const slices: Slice[] = [];
  for (const face of FACES) {
    let dir: string;
    try {
      dir = path.dirname(require.resolve(`${face.pkg}/package.json`));
    } catch {
      continue; // the package is optional: the system font stack still works
    }
    const source = await readFile(path.join(dir, `${face.weight}.css`), 'utf8');
    for (const block of source.match(/@font-face\s*{[^}]*}/g) ?? []) {
      const file = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(block)?.[1];
      const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
      if (!file || !range) continue;
      const ranges = parseUnicodeRange(range);
      const used = codesByWeight[face.weight as 400 | 700].filter((c) => ranges.some(([lo, hi]) => c >= lo && c <= hi));
      if (!used.length) continue;
      const sliceNo = file.replace(/^.*-(\d+)-\d+-normal\.woff2$/, '$1');
      for (const group of groupByUse(used, useByWeight[face.weight as 400 | 700], GROUP_COSTS)) {
        const text = String.fromCodePoint(...group);
        const hash = createHash('sha256').update(PACKING).update(file).update('\0').update(text).digest('hex').slice(0, 10);
        const name = `${face.tag}-${sliceNo}.${hash}.woff2`;
        slices.push({ name, source: path.join(dir, 'files', file), sliceText: String.fromCodePoint(...used), text });
        css += `@font-face{font-family:"${FONT_FAMILY}";font-style:normal;font-weight:${face.weight};font-display:swap;src:url(fonts/${name}) format("woff2");unicode-range:${formatUnicodeRange(group)}}\n`;
      }
    }
  }
  return { css, done: writeSlices(outDir, slices, previousOutDir) };
}

/**
 * Measured on the sample issue's subsets (Noto Serif SC 400 / Noto Sans SC 700, our WOFF2
 * packing, src/web/woff2.js): about 250 bytes a glyph and 750 bytes a file (tables, header).
 */
const GROUP_COSTS = { glyphBytes: 250, fileBytes: 750 };

/** The views' use of one weight's characters, identical character sets counted once (weighted). */
function useUnits(chars: SiteCharacters, which: 'all' | 'bold'): UseUnits {
  const byKey = new Map<string, number>();
  const weights: number[] = [];
  const users = new Map<number, number[]>();
  for (const unit of chars.units) {
    const set = [...unit[which]].filter((c) => !chars.everywhere.has(c));
    if (!set.length) continue;
    const key = String.fromCodePoint(...set.sort((a, b) => a - b));
    let id = byKey.get(key);
    if (id !== undefined) {
      weights[id] += unit.weight;
      continue;
    }
    id = weights.length;
    byKey.set(key, id);
    weights.push(unit.weight);
    for (const code of set) {
      const list = users.get(code);
      if (list) list.push(id);
      else users.set(code, [id]);
    }
  }
  // A character on every view, or only on views beyond MAX_UNITS, has no list: on every view / none.
  return { count: weights.length, weights, usersOf: (code) => (chars.everywhere.has(code) ? undefined : (users.get(code) ?? [])) };
}

/** One file to cut: from the slice `source`, the characters `text` (a group of `sliceText`, the slice's characters on the site). */
interface Slice {
  name: string;
  source: string;
  sliceText: string;
  text: string;
}

async function writeSlices(outDir: string, slices: Slice[], previousOutDir?: string) {
  let bytes = 0;
  let subset = 0;
  const toCut: typeof slices = [];
  for (const slice of slices) {
    const to = path.join(outDir, 'assets', 'fonts', slice.name);
    const previous = previousOutDir ? path.join(previousOutDir, 'assets', 'fonts', slice.name) : undefined;
    let data = subsetCache.get(slice.name);
    if (!data && previous && existsSync(previous)) {
      await copyFile(previous, to);
      data = await readFile(to);
      subsetCache.set(slice.name, data);
    } else if (data) await writeFile(to, data);
    if (data) bytes += data.length;
    else toCut.push(slice);
  }
  if (toCut.length) {
    // The worker cuts, packs (src/web/woff2.js) and writes each file; it only reports back.
    // No tsx in it (plain JS): a worker inheriting `--import tsx` spent about a second loading it.
    const worker = new Worker(new URL('./font-worker.js', import.meta.url), { execArgv: [] });
    try {
      const pending = new Map<number, { resolve(b: Buffer): void; reject(e: Error): void }>();
      worker.on('message', (m: { id: number; data?: Uint8Array; error?: string; fs?: { code: string; syscall?: string; path?: string } }) => {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.fs) p?.reject(userFsError(Object.assign(new Error(m.error), m.fs)) as Error);
        else if (m.error || !m.data) p?.reject(new BanmianError(`font subset: ${m.error ?? 'no data'}`));
        else p?.resolve(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
      });
      worker.on('error', (err) => {
        for (const p of pending.values()) p.reject(err);
        pending.clear();
      });
      await Promise.all(
        toCut.map(async (slice, id) => {
          const data = await new Promise<Buffer>((resolve, reject) => {
            pending.set(id, { resolve, reject });
            worker.postMessage({ id, file: slice.source, sliceText: slice.sliceText, text: slice.text, to: path.join(outDir, 'assets', 'fonts', slice.name) });
          });
          subsetCache.set(slice.name, data);
          bytes += data.length;
          subset++;
        }),
      );
    } finally {
      await worker.terminate();
    }
  }
  return { files: slices.length, bytes, subset };
}

/** `U+4e00-4e0f,U+4e20` → [[0x4e00, 0x4e0f], [0x4e20, 0x4e20]] */
export function parseUnicodeRange(s: string): Array<[number, number]> {
  return s.split(',').map((part) => {
    const [lo, hi] = part.trim().replace(/^U\+/i, '').split('-');
    return [parseInt(lo, 16), parseInt(hi ?? lo, 16)];
  });
}

/** Sorted code points → the shortest unicode-range list. */
export function formatUnicodeRange(codes: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < codes.length; ) {
    let j = i;
    while (j + 1 < codes.length && codes[j + 1] === codes[j] + 1) j++;
    out.push(i === j ? `U+${codes[i].toString(16)}` : `U+${codes[i].toString(16)}-${codes[j].toString(16)}`);
    i = j + 1;
  }
  return out.join(',');
}
