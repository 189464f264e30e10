/**
 * Self-hosted fallback fonts, cut to the characters the site uses. Readers with a named
 * system CJK font (the stacks in styles/web.css) download none; a device without one
 * (many Android phones: their CJK font has no name a page can ask for) downloads only
 * the slices holding characters of the view it opens, each slice subset by harfbuzz
 * (`subset-font`, harfbuzz in wasm) to the site's characters and packed as WOFF2 by
 * src/web/woff2.ts. The faces go inline into the stylesheet with
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
import type { SiteModel } from './model.js';
import { BanmianError } from '../errors.js';
import { sfntToWoff2 } from './woff2.js';

const require = createRequire(import.meta.url);

export const FONT_FAMILY = 'Banmian';
const FACES = [
  { pkg: '@fontsource/noto-serif-sc', weight: 400, tag: 'serif-400' },
  { pkg: '@fontsource/noto-sans-sc', weight: 700, tag: 'sans-700' },
];

/** Characters the self-hosted faces carry: CJK ideographs, punctuation, full-width forms (Latin comes from the system). */
const CJK = /[\u2E80-\u2FDF\u3000-\u303F\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF\u{20000}-\u{2FA1F}]/u;

/** AST nodes whose text the site sets bold (headlines, 小标题, speakers, strong, banners). */
const BOLD_NODES = new Set(['headline', 'subhead', 'speaker', 'strong', 'bannerTitle', 'motto', 'sectionLabel']);

export interface SiteCharacters {
  /** Every CJK character a reader can see. */
  all: Set<string>;
  /** Those set in bold: titles, headlines, speakers, page names, the templates' words. */
  bold: Set<string>;
}

/**
 * The site's CJK characters: the text of every page, generated labels and the templates;
 * and the subset set bold (the bold face carries only these: a view downloads bold glyphs
 * only for its headlines and labels, not for its body text).
 */
export async function siteCharacters(model: SiteModel, templatesDir: string, extra: string[]): Promise<SiteCharacters> {
  const all = new Set<string>();
  const bold = new Set<string>();
  const add = (s: string, alsoBold = false) => {
    for (const ch of s)
      if (CJK.test(ch)) {
        all.add(ch);
        if (alsoBold) bold.add(ch);
      }
  };
  const walk = (node: { type: string; children?: unknown[] }) => {
    if (BOLD_NODES.has(node.type)) add(toString(node), true);
    else if (node.children) for (const c of node.children) walk(c as { type: string; children?: unknown[] });
  };
  for (const issue of model.issues) {
    add(issue.dateText + issue.weekday + issue.lunar);
    for (const page of issue.pages) {
      add(page.title, true);
      add(toString(page.page));
      walk(page.page);
      for (const a of page.articles) add(a.title, true);
    }
  }
  for (const s of extra) add(s, true);
  // The templates' own words (版面导航, 上一版, …) and the labels the code writes.
  for (const file of await listTemplates(templatesDir)) add(await readFile(file, 'utf8'), true);
  add('第版期年月日星期一二三四五六日农历上接转自见下转全部共篇查看标题找到没有含的文章按相关度日期排序正在检索出错请输入汉字字母或数字最新候选中有：（）……“”', true);
  return { all, bold };
}

async function listTemplates(dir: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile() && e.name.endsWith('.hbs')) out.push(path.join(e.parentPath, e.name));
  return out.sort();
}

const subsetCache = new Map<string, Buffer>();

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
  const sorted = (set: Set<string>) => [...set].map((c) => c.codePointAt(0)!).sort((a, b) => a - b);
  const codesByWeight = { 400: sorted(chars.all), 700: sorted(chars.bold) };
  let css = '';
  const slices: Array<{ name: string; source: string; text: string }> = [];
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
      const text = String.fromCodePoint(...used);
      const hash = createHash('sha256').update(file).update('\0').update(text).digest('hex').slice(0, 10);
      const name = `${face.tag}-${file.replace(/^.*-(\d+)-\d+-normal\.woff2$/, '$1')}.${hash}.woff2`;
      slices.push({ name, source: path.join(dir, 'files', file), text });
      css += `@font-face{font-family:"${FONT_FAMILY}";font-style:normal;font-weight:${face.weight};font-display:swap;src:url(fonts/${name}) format("woff2");unicode-range:${formatUnicodeRange(used)}}\n`;
    }
  }
  return { css, done: writeSlices(outDir, slices, previousOutDir) };
}

async function writeSlices(outDir: string, slices: Array<{ name: string; source: string; text: string }>, previousOutDir?: string) {
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
    const worker = new Worker(new URL('./font-worker.js', import.meta.url));
    try {
      const pending = new Map<number, { resolve(b: Buffer): void; reject(e: Error): void }>();
      worker.on('message', (m: { id: number; data?: Uint8Array; error?: string }) => {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.error || !m.data) p?.reject(new BanmianError(`font subset: ${m.error ?? 'no data'}`));
        else p?.resolve(Buffer.from(m.data));
      });
      worker.on('error', (err) => {
        for (const p of pending.values()) p.reject(err);
        pending.clear();
      });
      await Promise.all(
        toCut.map(async (slice, id) => {
          const sfnt = await new Promise<Buffer>((resolve, reject) => {
            pending.set(id, { resolve, reject });
            worker.postMessage({ id, file: slice.source, text: slice.text });
          });
          const data = await sfntToWoff2(sfnt);
          await writeFile(path.join(outDir, 'assets', 'fonts', slice.name), data);
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
