/**
 * The files made from the paginated issue document (after Paged.js): page images and
 * PDFs. Written for speed on a small machine:
 *
 * - Page images: one screenshot per Paged.js page, rasterised by Chromium at the width
 *   of `page.png` directly (the capture's clip scale), then encoded by sharp while the
 *   browser goes on with the PDFs.
 * - PDFs: the issue PDF is printed once and its metadata set (`finishPdf`); each page
 *   PDF is cut from it (`pagePdf`, src/print/split.ts: the page with its branch of the
 *   structure tree and its outline entries) while the browser captures the images.
 */
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
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
 * Screenshots each `.pagedjs_page` at `width` px and writes `page.png` and `thumb.png`.
 * Returns when the screenshots are taken; each promise settles when that page's files
 * are written (sharp encodes them meanwhile).
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
  for (const [i, box] of boxes.entries()) {
    const png = await timer.time('screenshots', () => tab.screenshot({ type: 'png', optimizeForSpeed: true, clip: { ...box, scale: width / box.width }, captureBeyondViewport: true }));
    const encoded = encode(png, files[i], width, thumbWidth, timer);
    // Settled later; keep an early failure from being reported as unhandled meanwhile.
    encoded.catch(() => undefined);
    out.push(encoded);
  }
  return out;
}

async function encode(png: Uint8Array, files: ImageFiles, width: number, thumbWidth: number, timer: StageTimer): Promise<ImageSize> {
  const stop = timer.start('sharp (overlapped)');
  try {
    const src = sharp(png);
    const meta = await src.metadata();
    // The capture is `width` px wide already; resize only if Chromium rounded otherwise.
    const full = meta.width === width ? src.clone() : src.clone().resize({ width });
    const [image, thumb] = await Promise.all([
      full.png({ compressionLevel: 6 }).toBuffer({ resolveWithObject: true }),
      src.clone().resize({ width: thumbWidth }).png({ compressionLevel: 6 }).toBuffer(),
    ]);
    await Promise.all([writeFile(files.image, image.data), writeFile(files.thumb, thumb)]);
    return { width: image.info.width, height: image.info.height };
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
