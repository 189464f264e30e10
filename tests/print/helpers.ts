/** Reading a built PDF back with pdfjs: text items with positions in pt from the top-left. */
import { readFile } from 'node:fs/promises';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface TextItem {
  str: string;
  /** Left edge and baseline, pt from the page's top-left. */
  x: number;
  y: number;
  w: number;
  size: number;
}

export async function openPdf(file: string) {
  const data = new Uint8Array(await readFile(file));
  return getDocument({ data, useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
}

export async function pageItems(file: string): Promise<{ pages: TextItem[][]; numPages: number }> {
  const doc = await openPdf(file);
  const pages: TextItem[][] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const h = page.view[3] - page.view[1];
    const content = await page.getTextContent();
    const items: TextItem[] = [];
    for (const it of content.items) {
      if (!('str' in it) || !it.str.trim()) continue;
      const [a, b, , , e, f] = it.transform as number[];
      items.push({ str: it.str, x: e, y: h - f, w: it.width, size: Math.hypot(a, b) });
    }
    pages.push(items);
  }
  await doc.destroy();
  return { pages, numPages: pages.length };
}

/** Centre of an item's glyph box. */
export function centre(t: TextItem): { x: number; y: number } {
  return { x: t.x + t.w / 2, y: t.y - t.size * 0.35 };
}
