/**
 * Photos for the press: once the pages are planned, every photo is resampled with sharp
 * to the print resolution of the width it is placed at (never enlarged), so the PDF
 * carries neither a camera original of many megapixels nor a blurred upscale, and the
 * editor hears about a photo too small for its place.
 */
import path from 'node:path';
import sharp from 'sharp';
import { MAX_IMAGE_PIXELS } from '../images/check.js';
import { spanWidth, type Grid } from '../layout/grid.js';
import { ORIGIN, type AssetTable } from './assets.js';
import type { PageRender } from './document.js';

/** Resolution of photos in the print PDF, and the least that still prints acceptably. */
export const PRINT_DPI = 300;
export const MIN_DPI = 150;

export interface PhotoReport {
  /** The page and article the photo is placed in, and its file. */
  page: number;
  article: string;
  file: string;
  widthPx: number;
  /** Resolution at its placed width, before resampling. */
  dpi: number;
}

/**
 * Replaces each placed photo's source by a resampled copy served from the build's own
 * table (a new address, so the browser's cache never hands back the full-size original).
 * Returns the photos whose resolution at their placed width is below MIN_DPI, and
 * `ready`, settled when every copy is encoded: the copies are encoded while the browser
 * goes on (the table serves a copy when it is ready).
 */
export async function preparePrintPhotos(grid: Grid, table: AssetTable, renders: PageRender[]): Promise<{ low: PhotoReport[]; ready: Promise<unknown> }> {
  const low: PhotoReport[] = [];
  const encoding: Array<Promise<Buffer>> = [];
  const done = new Map<string, string>();
  const widths = new Map<string, Promise<{ width: number; orientation: number }>>();
  // Read each file's header once, however many modules place it.
  const sizeOf = (file: string) => {
    let w = widths.get(file);
    if (!w) widths.set(file, (w = sharp(file, { limitInputPixels: MAX_IMAGE_PIXELS }).metadata().then((m) => ({ width: m.autoOrient?.width ?? m.width ?? 0, orientation: m.orientation ?? 1 }))));
    return w;
  };
  for (const r of renders) {
    for (const m of r.modules) {
      const widthPt = spanWidth(grid, m.columns);
      for (const p of m.photos) {
        const urlPath = decodeURIComponent(new URL(p.src).pathname);
        const file = table.files.get(urlPath);
        if (!file) continue;
        const { width: original, orientation } = await sizeOf(file);
        const dpi = (original / widthPt) * 72;
        if (dpi < MIN_DPI) low.push({ page: r.page.number, article: m.article.id, file, widthPx: original, dpi: Math.round(dpi) });
        const target = Math.min(original, Math.ceil((widthPt / 72) * PRINT_DPI));
        // Already at or below print resolution and upright: the original bytes go in as they are.
        if (target >= original && orientation === 1) continue;
        const ext = path.extname(file).toLowerCase() === '.png' ? '.png' : '.jpg';
        const key = `${urlPath}@${target}`;
        let printUrl = done.get(key);
        if (!printUrl) {
          const img = sharp(file, { limitInputPixels: MAX_IMAGE_PIXELS }).rotate().resize({ width: target, withoutEnlargement: true });
          const body = ext === '.png' ? img.png({ compressionLevel: 9 }).toBuffer() : img.jpeg({ quality: 88, chromaSubsampling: '4:4:4' }).toBuffer();
          // Awaited through `ready`; kept from counting as unhandled meanwhile.
          body.catch(() => undefined);
          encoding.push(body);
          printUrl = `/print-images/${path.basename(urlPath, path.extname(urlPath))}-${target}${ext}`;
          table.docs.set(printUrl, { type: ext === '.png' ? 'image/png' : 'image/jpeg', body });
          done.set(key, printUrl);
        }
        p.src = ORIGIN + printUrl;
      }
    }
  }
  return { low, ready: Promise.all(encoding) };
}
