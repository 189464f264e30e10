/**
 * The files made from the paginated issue document (after Paged.js): page images and
 * PDFs. Written for speed on a small machine:
 *
 * - Page images: one screenshot per Paged.js page, rasterised by Chromium at the width
 *   of `page.png` directly (the capture's clip scale), then encoded by sharp while the
 *   browser goes on with the PDFs.
 * - PDFs: the issue PDF is printed once; each page PDF is printed from the same
 *   document with every other page `display: none`, so Chromium lays out and paints
 *   one page, not the whole issue again as `pageRanges` does. Each page PDF is a real
 *   Chromium print: its own tagged structure, its own outline (the page's h1 › its
 *   headlines' h2) and fonts subset to that page. `finishPdf` then sets the metadata
 *   (`finishPdf`), overlapped with the next print.
 */
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { Page as BrowserPage } from 'puppeteer-core';
import { finishPdf, type PdfMeta } from './pdf.js';
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

/**
 * Prints the issue PDF and one PDF per Paged.js page (`pages[i]` is the i-th page), and
 * sets their metadata. Leaves every page shown again.
 */
export async function printPdfs(tab: BrowserPage, issue: PdfJob, pages: PdfJob[], timer: StageTimer): Promise<void> {
  let pending: Promise<void> = Promise.resolve();
  const finish = (bytes: Uint8Array, job: PdfJob) => timer.time('pdf metadata', async () => writeFile(job.file, await finishPdf(bytes, job.meta)));
  try {
    const whole = await timer.time('issue pdf', () => tab.pdf(PDF_OPTIONS));
    pending = finish(whole, issue);
    for (const [i, job] of pages.entries()) {
      await showOnly(tab, i);
      // Chromium prints this page while pdf-lib finishes the previous file here.
      const printing = timer.time('page pdfs', () => tab.pdf(PDF_OPTIONS));
      printing.catch(() => undefined);
      await pending;
      pending = finish(await printing, job);
    }
    await pending;
  } finally {
    pending.catch(() => undefined);
    await showOnly(tab, -1).catch(() => undefined);
  }
}

/** Hides every Paged.js page but the i-th (all shown for -1). */
async function showOnly(tab: BrowserPage, index: number): Promise<void> {
  const shown = await tab.evaluate((k: number) => {
    let n = 0;
    document.querySelectorAll<HTMLElement>('.pagedjs_page').forEach((p, i) => {
      if (k < 0 || i === k) {
        p.style.removeProperty('display');
        n++;
      } else p.style.setProperty('display', 'none', 'important');
    });
    return n;
  }, index);
  if (index >= 0 && shown !== 1) throw new Error(`page PDF: no page ${index + 1} in the document`);
}
