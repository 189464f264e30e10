/**
 * Static assets of the e-paper: the stylesheet (with self-hosted CJK font subsets as a
 * fallback after the readers' system fonts), the icon, the search script, figure images
 * resized for the web, and the sizes of the print edition's page thumbnails.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Issue } from '../ast/types.js';
import { paths } from '../build/context.js';
import { BanmianError } from '../errors.js';
import { checkImage, imageUse, MAX_IMAGE_PIXELS, rasterSvg } from '../images/check.js';
import type { IssueLayout } from '../layout/types.js';
import type { ImageRef } from './render.js';
import { writeFonts, type SiteCharacters } from './fonts.js';
import { routes } from './urls.js';
import { issueFolder } from '../ast/issue-folder.js';


/** Widest figure image the web edition serves (px). */
export const MAX_IMAGE_WIDTH = 1200;

export interface StyleResult {
  /** Site-relative path of the stylesheet (its name carries a content hash). */
  css: string;
  cssBytes: number;
  fontFiles: number;
  fontBytes: number;
  /** Font slices subset by this build (the others were reused). */
  fontsSubset: number;
}

/** The stylesheet is written at once; the font slice files may still be being cut. */
export interface StyleJob {
  css: string;
  cssBytes: number;
  /** Site-relative path of the font faces' stylesheet (a fixed name), null without self-hosted faces. */
  fonts: string | null;
  /** Resolves with the whole result when the font files are written. */
  done: Promise<StyleResult>;
}

/** The font faces' stylesheet: a fixed name, so that no view's HTML names the site's characters. */
export const FONT_CSS = 'fonts.css';

/**
 * Writes `assets/web.<hash>.css` (styles/web.css) and, when `chars` is given,
 * `assets/fonts.css`: the @font-face rules of the self-hosted fallback slices
 * (src/web/fonts.ts). The faces' rules change with every new character of the site; under
 * a fixed name they change no view's HTML (each view stays byte-identical when a later
 * issue is added), and views load the file without waiting for it (templates/web/layouts/base.hbs).
 */
export async function writeStyles(root: string, outDir: string, opts: { chars: SiteCharacters | null; previousOutDir?: string }): Promise<StyleJob> {
  const css = await readFile(path.join(root, 'styles', 'web.css'), 'utf8');
  await mkdir(path.join(outDir, 'assets'), { recursive: true });
  const fonts = opts.chars ? await writeFonts(outDir, opts.chars, opts.previousOutDir) : { css: '', done: Promise.resolve({ files: 0, bytes: 0, subset: 0 }) };
  const hash = createHash('sha256').update(css).digest('hex').slice(0, 10);
  const cssName = `web.${hash}.css`;
  await writeFile(path.join(outDir, 'assets', cssName), css);
  if (fonts.css) await writeFile(path.join(outDir, 'assets', FONT_CSS), `/* Self-hosted fallback faces, subset to the site's characters (src/web/fonts.ts) */\n${fonts.css}`);
  const ref = routes.asset(cssName);
  const cssBytes = Buffer.byteLength(css);
  return { css: ref, cssBytes, fonts: fonts.css ? routes.asset(FONT_CSS) : null, done: fonts.done.then((f) => ({ css: ref, cssBytes, fontFiles: f.files, fontBytes: f.bytes, fontsSubset: f.subset })) };
}

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="4" fill="#c41e24"/><rect x="7" y="8" width="18" height="3" fill="#fff"/><rect x="7" y="14" width="8" height="10" fill="#fff"/><rect x="17" y="14" width="8" height="2" fill="#fff"/><rect x="17" y="18" width="8" height="2" fill="#fff"/><rect x="17" y="22" width="8" height="2" fill="#fff"/></svg>\n`;

/** The icon and the three scripts (search page, page view zoom, every view: src/web/view-client.js), named by content hash. */
export async function writeStaticAssets(outDir: string): Promise<{ icon: string; searchScript: string; pageScript: string; viewScript: string }> {
  await mkdir(path.join(outDir, 'assets'), { recursive: true });
  await writeFile(path.join(outDir, 'assets', 'icon.svg'), ICON);
  const script = async (source: string, stem: string) => {
    const code = await readFile(path.join(import.meta.dirname, source), 'utf8');
    const name = `${stem}.${createHash('sha256').update(code).digest('hex').slice(0, 10)}.js`;
    await writeFile(path.join(outDir, 'assets', name), code);
    return routes.asset(name);
  };
  return { icon: routes.asset('icon.svg'), searchScript: await script('search-client.js', 'search'), pageScript: await script('page-client.js', 'page'), viewScript: await script('view-client.js', 'view') };
}

// ---------------------------------------------------------------------------
// Figure images

export interface FigureJob {
  issue: Issue;
  src: string;
}

/** Site-relative output path of a figure image: under its issue's folder, as in the source. */
export function figureOutputPath(issueId: string, src: string): string | undefined {
  const clean = path.posix.normalize(src.replace(/\\/g, '/')).replace(/^\.\//, '');
  if (clean.startsWith('..') || path.posix.isAbsolute(clean)) return undefined;
  return `${paths.issueDir(issueId)}/${clean}`;
}

/** Every figure `src` of an issue. */
export function figureSources(issue: Issue): string[] {
  const out = new Set<string>();
  for (const page of issue.children)
    for (const node of page.children)
      if (node.type === 'article') for (const c of node.children) if (c.type === 'figure' && c.src) out.add(c.src);
  return [...out];
}

/**
 * Source (path, size, mtime) → its resized copy: a dev server's rebuilds resize nothing
 * twice, and an image used by many issues is resized once and then copied.
 */
const imageCache = new Map<string, { file: string; width: number; height: number }>();

/**
 * Resizes one figure image for the web (at most MAX_IMAGE_WIDTH wide, same format,
 * metadata stripped) into `outDir`. Reuses the previous build's copy when it is newer
 * than the source. Returns undefined (the caller warns) when the source is missing.
 */
export async function processFigure(issue: Issue, src: string, outDir: string, previousOutDir?: string, frozenDir?: string): Promise<ImageRef | undefined> {
  let rel = figureOutputPath(issue.id, src);
  const use = imageUse(issue, src);
  if (!rel) throw new BanmianError(`image ${src}: is outside the issue folder`, { file: use.file, line: use.line });
  // Inside the issue folder (symlinks followed), a whole image, not a bomb: src/images/check.ts.
  const image = await checkImage(issueFolder(issue), use);
  if (!image) return undefined;
  const from = image.file;
  const info = await stat(from);
  // An SVG is published as the PNG rendered from it, under a .png name (never as SVG, never PNG bytes named .svg).
  if (image.svg) rel += '.png';
  const to = path.join(outDir, rel);
  await mkdir(path.dirname(to), { recursive: true });
  const key = `${from}\0${info.size}\0${info.mtimeMs}`;
  const cached = imageCache.get(key);
  if (cached && existsSync(cached.file)) {
    if (cached.file !== to) await copyFile(cached.file, to);
    return { path: rel, width: cached.width, height: cached.height };
  }
  const previous = previousOutDir ? path.join(previousOutDir, rel) : undefined;
  const prevStat = previous ? await stat(previous).catch(() => undefined) : undefined;
  // A published issue's web copy kept in its print record (src/archive/record.ts): no resize on a clean checkout.
  const frozen = frozenDir && existsSync(path.join(frozenDir, rel)) ? path.join(frozenDir, rel) : undefined;
  let size: { width: number; height: number };
  if (frozen) {
    await linkOrCopy(frozen, to);
    const meta = await sharp(to).metadata();
    size = { width: meta.width ?? 0, height: meta.height ?? 0 };
  } else if (previous && prevStat && prevStat.mtimeMs >= info.mtimeMs) {
    await copyFile(previous, to);
    const meta = await sharp(to).metadata();
    size = { width: meta.width ?? 0, height: meta.height ?? 0 };
  } else if (image.svg) {
    const raster = await rasterSvg(from, MAX_IMAGE_WIDTH);
    await writeFile(to, raster.png);
    size = { width: raster.width, height: raster.height };
  } else {
    const ext = path.extname(from).toLowerCase();
    let pipeline = sharp(from, { limitInputPixels: MAX_IMAGE_PIXELS }).rotate().resize({ width: MAX_IMAGE_WIDTH, withoutEnlargement: true });
    if (ext === '.png') pipeline = pipeline.png({ compressionLevel: 9 });
    else if (ext === '.webp') pipeline = pipeline.webp({ quality: 80 });
    else if (ext === '.jpg' || ext === '.jpeg') pipeline = pipeline.jpeg({ quality: 82, mozjpeg: true, progressive: true });
    const out = await pipeline.toFile(to);
    size = { width: out.width, height: out.height };
  }
  imageCache.set(key, { file: to, ...size });
  return { path: rel, ...size };
}

// ---------------------------------------------------------------------------
// Page thumbnails of the print edition

/**
 * The print edition's page images and thumbnails as the web shows them: the PNG (kept
 * for OpenGraph and old browsers) plus a WebP copy, about a third of the bytes
 * (a 976 KB page PNG → 337 KB; a 50 KB thumbnail → 13 KB).
 */
export interface PageImages {
  image?: ImageRef;
  thumb?: ImageRef;
}

/**
 * Widths (px) of the page image's responsive copies: phone, tablet (and a 2× phone),
 * desktop (and a 3× phone), a 2× desktop column (820 px) or a desktop zoomed to 200%.
 * The PNG's own width (1100 px every day, 2200 px in a published issue's record:
 * print.publishImageWidth) caps them and is the last copy, for 2× screens zoomed in: a
 * page view not zoomed never needs it.
 */
export const PAGE_IMAGE_WIDTHS = [375, 768, 1280, 1640];
/** Copies wider than this are for zoom and 2× desktops. */
const ZOOM_FROM = 1280;
/** The phone copy's width: its AVIF keeps the slower, sharper effort. */
const PHONE_WIDTH = PAGE_IMAGE_WIDTHS[0];

export async function pageImages(
  issueId: string,
  layout: IssueLayout,
  outDir: string,
  previousOutDir?: string,
  frozenDir?: string,
  knownDigest: (rel: string) => string | undefined = () => undefined,
): Promise<Map<number, PageImages>> {
  // Every page at once: their encodes share the slots of `encodeSlot` (one per core).
  const entries = await Promise.all(
    layout.pages.map(async (page) => {
      const entry: PageImages = {};
      for (const [key, file] of [['image', page.image], ['thumb', page.thumb]] as const) {
        const rel = routes.issueFile(issueId, file);
        try {
          entry[key] = await webImage(rel, outDir, previousOutDir, key === 'image' ? PAGE_IMAGE_WIDTHS : [], frozenDir, knownDigest(rel));
        } catch {
          // Missing or unreadable image: the templates fall back (text label, no <source>).
        }
      }
      return [page.number, entry] as const;
    }),
  );
  return new Map(entries);
}

/**
 * At most one encode per core at a time, across all issues. sharp runs one libvips thread
 * per pipeline here (`sharp.concurrency()` is 1 on the reference machine), so one issue's
 * ~50 page-image encodes one after another used one core: in parallel they use both.
 */
const encodeSlots = { free: Math.max(1, os.availableParallelism()), waiting: [] as Array<() => void> };

async function encodeSlot<T>(job: () => Promise<T>): Promise<T> {
  if (encodeSlots.free > 0) encodeSlots.free--;
  else await new Promise<void>((resolve) => encodeSlots.waiting.push(resolve));
  try {
    return await job();
  } finally {
    const next = encodeSlots.waiting.shift();
    if (next) next();
    else encodeSlots.free++;
  }
}

/** PNG content hash → its copies (a dev server's rebuilds encode nothing twice). */
const webpCache = new Map<string, { width: number; height: number; files: Map<string, string> }>();

/**
 * Writes `<name>.<hash>.webp` next to the PNG at `rel` (the name carries the PNG's
 * content hash, so a cached copy is never stale) and, for `widths` narrower than the PNG,
 * `<name>.<hash>.<w>.webp` and `.avif` copies plus a full-width AVIF. Reuses copies made
 * in this process or found in the previous build's folder.
 */
async function webImage(rel: string, outDir: string, previousOutDir: string | undefined, widths: number[], frozenDir?: string, knownSha256?: string): Promise<ImageRef> {
  // The PNG is read only when its digest is not known already or a copy must be encoded.
  let png: Buffer | undefined;
  const bytes = async () => (png ??= await readFile(path.join(outDir, rel)));
  const hash = (knownSha256 ?? createHash('sha256').update(await bytes()).digest('hex')).slice(0, 10);
  const stem = rel.replace(/\.png$/i, '') + `.${hash}`;
  let cached = webpCache.get(hash);
  if (!cached) {
    const size = png ? await sharp(png).metadata() : await pngSize(path.join(outDir, rel));
    cached = { width: size.width ?? 0, height: size.height ?? 0, files: new Map() };
    webpCache.set(hash, cached);
  }
  const { width, height } = cached;
  const variants: Array<{ w: number; format: 'webp' | 'avif'; rel: string }> = [{ w: width, format: 'webp', rel: `${stem}.webp` }];
  if (widths.length) {
    for (const w of widths.filter((w) => w < width)) for (const format of ['webp', 'avif'] as const) variants.push({ w, format, rel: `${stem}.${w}.${format}` });
    variants.push({ w: width, format: 'avif', rel: `${stem}.avif` });
  }
  const made = await Promise.allSettled(
    variants.map(async (v) => {
      const to = path.join(outDir, v.rel);
      if (existsSync(to)) return;
      const done = cached.files.get(v.rel);
      const previous = previousOutDir ? path.join(previousOutDir, v.rel) : undefined;
      const frozen = frozenDir ? path.join(frozenDir, v.rel) : undefined;
      if (frozen && existsSync(frozen)) await linkOrCopy(frozen, to);
      else if (done && existsSync(done)) await copyFile(done, to);
      else if (previous && existsSync(previous)) await copyFile(previous, to);
      else {
        const from = await bytes();
        await encodeSlot(() => encode(from, v, width, to));
      }
      cached.files.set(v.rel, to);
    }),
  );
  // Every copy has settled (none is still being written) before an error is passed on.
  const failed = made.find((m) => m.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  const srcset = (format: string) => variants.filter((v) => v.format === format).sort((a, b) => a.w - b.w).map((v) => ({ path: v.rel, w: v.w }));
  return { path: rel, width, height, webp: `${stem}.webp`, srcset: widths.length ? { webp: srcset('webp'), avif: srcset('avif') } : undefined };
}

/** A PNG's width and height from its IHDR chunk (the first 24 bytes), without decoding it; sharp's metadata otherwise. */
async function pngSize(file: string): Promise<{ width?: number; height?: number }> {
  const fd = await open(file, 'r');
  try {
    const head = Buffer.alloc(24);
    const { bytesRead } = await fd.read(head, 0, 24, 0);
    if (bytesRead === 24 && head.readUInt32BE(0) === 0x89504e47 && head.toString('latin1', 12, 16) === 'IHDR') return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
  } finally {
    await fd.close();
  }
  return sharp(file).metadata();
}

/**
 * One copy of a page image. AVIF is encoded at effort 0 except the phone copy (375 px,
 * seen at 1:1 on the smallest screens: effort 2). On the 1,100 px page images of an
 * everyday build, effort 2 → 0 costs 8 pages' full-width AVIF 6.1 → 2.7 s CPU for
 * 1,464 → 1,579 KB and the 768 px copies 3.0 → 0.7 s for 656 → 699 KB; body text at 3×
 * magnification looks the same (compared by eye; notes/newissue.md). The zoom copies
 * (wider than ZOOM_FROM) also get less WebP effort: 2,200 px WebP effort 4 → 2 costs
 * 0.8 → 0.4 s for 583 → 597 KB; they are fetched only by a zoomed or a 2× desktop view.
 */
async function encode(png: Buffer, v: { w: number; format: 'webp' | 'avif' }, width: number, to: string): Promise<void> {
  const img = v.w < width ? sharp(png).resize({ width: v.w }) : sharp(png);
  const zoom = v.w > ZOOM_FROM;
  await (v.format === 'webp' ? img.webp({ quality: 80, effort: zoom ? 2 : 4 }) : img.avif({ quality: 55, effort: v.w <= PHONE_WIDTH ? 2 : 0 })).toFile(to);
}

/** A hard link (a frozen copy is never written in place), or a copy where links cannot be made. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  await link(from, to).catch(() => copyFile(from, to));
}
