/**
 * The image files an issue's figures point at, checked once for both editions before
 * anything decodes them: the file must lie inside the issue folder (also after following
 * symlinks: a link to a file elsewhere would publish it), be a regular file, be an image
 * sharp reads whole (not truncated, not random bytes) and not be a decompression bomb
 * (more pixels than MAX_IMAGE_PIXELS). Every refusal is one BanmianError naming the page
 * file, the line and the image.
 *
 * SVG figures are never copied as they are (a script or an external reference inside
 * would go out with them): both editions rasterise them to PNG (`rasterSvg`), from the
 * bytes in memory, so librsvg has no base folder to load other files from.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import type { Figure, Issue, Page } from '../ast/types.js';
import { BanmianError } from '../errors.js';

/** Most pixels an input image may have (a 150-megapixel camera original passes; a 30000×30000 bomb does not). */
export const MAX_IMAGE_PIXELS = 150_000_000;
/** Formats the editions take (sharp's names). */
const FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif', 'tiff', 'svg']);

export interface CheckedImage {
  /** The real file (symlinks resolved), inside the issue folder. */
  file: string;
  format: string;
  width: number;
  height: number;
  svg: boolean;
}

/** Where a figure's image is named: the page file (relative, as messages show it) and the line. */
export interface ImageUse {
  src: string;
  file: string;
  line?: number;
}

const checked = new Map<string, Promise<CheckedImage>>();

/** The first figure of the issue that names `src`: where a message about the image points. */
export function imageUse(issue: Issue, src: string): ImageUse {
  for (const page of issue.children)
    for (const node of page.children)
      if (node.type === 'article') for (const c of node.children) if (c.type === 'figure' && c.src === src) return { src, file: page.file, line: c.position?.start.line };
  return { src, file: issue.id };
}

export function figureUse(page: Page, figure: Figure): ImageUse {
  return { src: figure.src ?? '', file: page.file, line: figure.position?.start.line };
}

/**
 * Checks the image `use.src` of an issue in `issueDir`. Undefined when there is no such
 * file (the caller decides: the web edition warns, the print edition stops); a refused
 * or broken image throws a BanmianError naming page file, line and image.
 */
export async function checkImage(issueDir: string, use: ImageUse): Promise<CheckedImage | undefined> {
  const fail = (why: string): never => {
    throw new BanmianError(`image ${use.src}: ${why}`, { file: use.file, line: use.line });
  };
  const dir = path.resolve(issueDir);
  const named = path.resolve(dir, use.src);
  if (!inside(dir, named)) fail('is outside the issue folder');
  let real: string;
  try {
    real = await realpath(named);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return fail(code === 'ELOOP' ? 'is a symlink loop' : `cannot be read (${code ?? (err as Error).message})`);
  }
  const realDir = await realpath(dir);
  if (!inside(realDir, real)) fail(`is a symlink (or in a symlinked folder) that leads outside the issue folder, to ${real}; copy the image into the issue folder`);
  const info = await stat(real);
  if (!info.isFile()) fail(info.isDirectory() ? 'is a folder, not an image file' : 'is not a regular file');
  const key = `${real}\0${info.size}\0${info.mtimeMs}`;
  let p = checked.get(key);
  if (!p) {
    p = inspect(real);
    checked.set(key, p);
    p.catch(() => checked.delete(key));
  }
  try {
    return await p;
  } catch (err) {
    return fail((err as Error).message);
  }
}

/** Reads the file whole: its format and size, and a decode (a truncated file fails here, not in a browser). */
async function inspect(file: string): Promise<CheckedImage> {
  const bytes = await readFile(file);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new Error('is not an image sharp can read (not JPEG, PNG, WebP, GIF, AVIF, TIFF or SVG, or damaged)');
  }
  const format = meta.format ?? 'unknown';
  if (!FORMATS.has(format)) throw new Error(`is in a format the editions do not take (${format})`);
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width * height > MAX_IMAGE_PIXELS) throw new Error(`is ${width}×${height} pixels, more than the ${MAX_IMAGE_PIXELS / 1e6}-megapixel limit; scale it down`);
  try {
    // A small decode reads every byte of the image (a JPEG's whole scan, a PNG's every row).
    await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'truncated' }).resize({ width: 16 }).raw().toBuffer();
  } catch (err) {
    throw new Error(`is damaged and cannot be decoded (${(err as Error).message.split('\n')[0]})`);
  }
  return { file, format, width, height, svg: format === 'svg' };
}

/**
 * An SVG as PNG bytes, `width` px wide at most: rendered from memory (no base folder, so
 * no external file is loaded; scripts never run in librsvg).
 */
export async function rasterSvg(file: string, width: number): Promise<{ png: Buffer; width: number; height: number }> {
  const bytes = await readFile(file);
  const meta = await sharp(bytes).metadata();
  // Render at a density that gives at least `width` px, then scale to it.
  const density = Math.min(2400, Math.max(72, Math.ceil((72 * width) / Math.max(1, meta.width ?? width))));
  const { data, info } = await sharp(bytes, { density, limitInputPixels: MAX_IMAGE_PIXELS }).resize({ width, withoutEnlargement: true }).png({ compressionLevel: 9 }).toBuffer({ resolveWithObject: true });
  return { png: data, width: info.width, height: info.height };
}

function inside(dir: string, file: string): boolean {
  return file.startsWith(dir + path.sep);
}
