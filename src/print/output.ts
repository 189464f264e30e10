/**
 * The files made from the paginated issue document (after Paged.js): page images and
 * PDFs. Written for speed on a small machine:
 *
 * - Page images: consecutive Paged.js pages captured in one screenshot, rasterised by
 *   Chromium at the width of `page.png` directly (the capture's clip scale); sharp cuts
 *   the pages and encodes them and their thumbnails while the browser goes on.
 * - PDFs: the issue PDF is printed once and its metadata set (`finishPdf`); each page
 *   PDF is cut from it (`pagePdf`, src/print/split.ts: the page with its branch of the
 *   structure tree and its outline entries) while the browser captures the images.
 */
import { writeFile } from 'node:fs/promises';
import sharp, { type OutputInfo } from 'sharp';
import type { Page as BrowserPage } from 'puppeteer-core';
import { PDFDocument } from 'pdf-lib';
import { finishPdf, type PdfMeta } from './pdf.js';
import { pagePdf } from './split.js';
import type { StageTimer } from './timing.js';

export interface ImageFiles {
  image: string;
  thumb: string;
}

export interface ImageSize {
  width: number;
  height: number;
}

const PDF_OPTIONS = { printBackground: true, preferCSSPageSize: true, tagged: true, outline: true } as const;

/**
 * The tallest capture, px (four broadsheet pages at 2200 px; below Chromium's 16,384 px
 * limit): each capture costs a pass over the whole document (measured at 2200 px: 8 pages
 * in 8 captures 10.1 s CPU, in 2 captures 7.5 s), so pages go in groups; more than one
 * group lets sharp cut and encode one group while the next is captured.
 */
const MAX_CAPTURE_PX = 12_500;

/**
 * Captures the `.pagedjs_page`s at `width` px, several consecutive pages in one
 * screenshot (each capture costs a pass over the whole document besides its pixels),
 * and writes each page's `page.png` and `thumb.png`. Returns when the screenshots are
 * taken; each promise settles when that page's files are written (sharp cuts and
 * encodes them while the browser goes on).
 */
export async function pageImages(tab: BrowserPage, files: ImageFiles[], width: number, thumbWidth: number, timer: StageTimer): Promise<Array<Promise<ImageSize>>> {
  const boxes = await tab.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.pagedjs_page')].map((p) => {
      const r = p.getBoundingClientRect();
      return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
    }),
  );
  if (boxes.length !== files.length) throw new Error(`page images: ${boxes.length} pages in the document, ${files.length} expected`);
  const out: Array<Promise<ImageSize>> = [];
  for (let first = 0; first < boxes.length; ) {
    const scale = width / boxes[first].width;
    let last = first;
    while (last + 1 < boxes.length && (boxes[last + 1].y + boxes[last + 1].height - boxes[first].y) * scale <= MAX_CAPTURE_PX) last++;
    const top = boxes[first].y;
    // Two px more than the pages, so the last page's rounded height is in the capture.
    const clip = { x: boxes[first].x, y: top, width: boxes[first].width, height: boxes[last].y + boxes[last].height - top + 2 / scale, scale };
    const png = await timer.time('screenshots', () => tab.screenshot({ type: 'png', optimizeForSpeed: true, clip, captureBeyondViewport: true }));
    // Decoded once for all its pages (sharp, off the main thread).
    const group = sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    group.catch(() => undefined);
    for (let i = first; i <= last; i++) {
      const area = { top: Math.round((boxes[i].y - top) * scale), height: Math.round(boxes[i].height * scale) };
      const encoded = encode(group, area, files[i], width, thumbWidth, timer);
      // Settled later; keep an early failure from being reported as unhandled meanwhile.
      encoded.catch(() => undefined);
      out.push(encoded);
    }
    first = last + 1;
  }
  return out;
}

type Pixels = { data: Buffer; info: OutputInfo };

async function encode(group: Promise<Pixels>, area: { top: number; height: number }, files: ImageFiles, width: number, thumbWidth: number, timer: StageTimer): Promise<ImageSize> {
  const { data, info } = await group;
  const stop = timer.start('sharp (overlapped)');
  try {
    const height = Math.min(area.height, info.height - area.top);
    let page = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).extract({ left: 0, top: area.top, width: info.width, height });
    // The capture is `width` px wide already; resized only if Chromium rounded otherwise.
    if (info.width !== width) page = page.resize({ width });
    const pixels = await page.raw().toBuffer({ resolveWithObject: true });
    const image = () => sharp(pixels.data, { raw: { width: pixels.info.width, height: pixels.info.height, channels: pixels.info.channels } });
    const [png, thumb] = await Promise.all([image().png({ compressionLevel: 6 }).toBuffer(), image().resize({ width: thumbWidth }).png({ compressionLevel: 6 }).toBuffer()]);
    await Promise.all([writeFile(files.image, png), writeFile(files.thumb, thumb)]);
    return { width: pixels.info.width, height: pixels.info.height };
  } finally {
    stop();
  }
}

export interface PdfJob {
  file: string;
  meta: PdfMeta;
}

/** Prints the issue PDF (every Paged.js page), sets its metadata, writes it; returns the bytes written. */
export async function printIssuePdf(tab: BrowserPage, job: PdfJob, timer: StageTimer): Promise<Uint8Array> {
  const printed = await timer.time('issue pdf', () => tab.pdf(PDF_OPTIONS));
  const bytes = await timer.time('pdf metadata', () => finishPdf(printed, job.meta));
  await writeFile(job.file, bytes);
  return bytes;
}

/**
 * Writes one PDF per page (`pages[i]` is the i-th page of the issue PDF `issuePdf`), cut
 * from the issue PDF (src/print/split.ts). pdf-lib yields to the event loop as it goes,
 * so this runs while the browser captures the page images.
 */
export async function splitPagePdfs(issuePdf: Uint8Array, pages: PdfJob[], timer: StageTimer): Promise<void> {
  const stop = timer.start('page pdfs (overlapped)');
  try {
    const src = await PDFDocument.load(issuePdf, { updateMetadata: false });
    if (src.getPageCount() !== pages.length) throw new Error(`page PDFs: ${src.getPageCount()} pages in the issue PDF, ${pages.length} expected`);
    for (const [i, job] of pages.entries()) await writeFile(job.file, await pagePdf(src, i, job.meta));
  } finally {
    stop();
  }
}
