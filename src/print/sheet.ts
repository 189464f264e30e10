/**
 * The one document a print tab shows, from the measuring sheet to the PDFs.
 *
 * Loading and decoding the CJK font subsets is the largest fixed cost of a print build
 * (about 120 subset files for the sample issue), so a tab opens one document and keeps
 * it: the measuring sheet, the headline sizes, the fit check and the paginated issue are
 * each swapped into it in place, and the font faces it has loaded stay decoded.
 *
 * A swapped-in body is first kept hidden while the faces its text needs are loaded all at
 * once (`document.fonts.load` per family and weight, from the computed style of every
 * element holding text). Laid out directly, Chromium would lay the whole sheet out with
 * fallback glyphs, ask for the subsets it found missing, and lay it out again as they
 * arrive — two or three full layouts of a large sheet instead of one.
 *
 * `paginate` runs Paged.js in the same document. Paged.js would call `load()` on every
 * @font-face of the document first (some 700 subsets, 20 MB); the faces in use are
 * already loaded, so its font step just waits for them.
 */
import type { Page as BrowserPage } from 'puppeteer-core';
import { ORIGIN, type AssetTable } from './assets.js';

/** The HTML each tab shows now. */
const shown = new WeakMap<BrowserPage, string>();

/**
 * Shows `html` (a whole document of the print sheets) in the tab and waits until its
 * text is set in its own fonts. With `hidden`, the body is left hidden (not laid out).
 */
export async function showDocument(tab: BrowserPage, table: AssetTable, path: string, html: string, hidden = false): Promise<void> {
  if (!shown.has(tab)) {
    // The first document of the tab: open its head alone (font faces, print.css), then swap the body in like any later one.
    const head = html.slice(0, html.indexOf('<body'));
    table.docs.set(path, { type: 'text/html; charset=utf-8', body: `${head}<body></body></html>` });
    await tab.goto(`${ORIGIN}${path}`, { waitUntil: 'load' });
  }
  table.docs.set(path, { type: 'text/html; charset=utf-8', body: html });
  await tab.evaluate(
    async (h: string, keepHidden: boolean) => {
      const next = new DOMParser().parseFromString(h, 'text/html');
      const have = new Set([...document.head.children].map((e) => e.outerHTML));
      const want = new Set([...next.head.children].map((e) => e.outerHTML));
      for (const e of [...document.head.children]) if (!want.has(e.outerHTML)) e.remove();
      for (const e of [...next.head.children]) if (!have.has(e.outerHTML)) document.head.append(document.importNode(e, true));
      const body = document.body;
      body.style.setProperty('display', 'none');
      body.innerHTML = next.body.innerHTML;
      // The text each face sets: style is computed for hidden elements too, without layout.
      const byFont = new Map<string, Set<string>>();
      const fontOf = new Map<Element, string>();
      const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
      for (let t = walker.nextNode() as Text | null; t; t = walker.nextNode() as Text | null) {
        const el = t.parentElement;
        if (!el || !t.data.trim()) continue;
        let font = fontOf.get(el);
        if (font === undefined) {
          const st = getComputedStyle(el);
          font = `${st.fontStyle} ${st.fontWeight} 16px ${st.fontFamily}`;
          fontOf.set(el, font);
        }
        let chars = byFont.get(font);
        if (!chars) byFont.set(font, (chars = new Set()));
        for (const ch of t.data) chars.add(ch);
      }
      await Promise.all([...byFont].map(([font, chars]) => document.fonts.load(font, [...chars].join('')).catch(() => [])));
      if (keepHidden) return;
      body.style.removeProperty('display');
      // A glyph no face of its family has falls back to another family: that face loads now.
      for (let i = 0; i < 3; i++) {
        void body.offsetHeight;
        if (document.fonts.status === 'loaded') break;
        await document.fonts.ready;
      }
    },
    html,
    hidden,
  );
  shown.set(tab, html);
}

/**
 * Shows the issue document `html` and lets Paged.js make its pages, in the tab's document
 * (fonts stay loaded). The document's @font-face style carries `data-pagedjs-ignore`.
 */
export async function paginate(tab: BrowserPage, table: AssetTable, html: string): Promise<void> {
  await showDocument(tab, table, '/issue.html', html, true);
  await tab.addScriptTag({ url: `${ORIGIN}/paged.js` });
  await tab.evaluate(async () => {
    const Paged = (window as unknown as { Paged: PagedModule }).Paged;
    // The faces the pages use are loaded (showDocument); the others are never needed.
    Paged.Chunker.prototype.loadFonts = () => document.fonts.ready;
    const previewer = new Paged.Previewer();
    const content = previewer.wrapContent();
    document.body.style.removeProperty('display');
    await previewer.preview(content);
    void document.body.offsetHeight;
    await document.fonts.ready;
  });
  // The document is Paged.js's now: the next document is opened afresh.
  shown.delete(tab);
}

interface PagedModule {
  Chunker: { prototype: { loadFonts: () => Promise<unknown> } };
  Previewer: new () => { wrapContent(): DocumentFragment; preview(content?: DocumentFragment): Promise<unknown> };
}
