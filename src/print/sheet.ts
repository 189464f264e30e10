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
 * `paginate` runs Paged.js in the same document, for the page boxes, margin boxes,
 * marks and running header and folio, through its public API: two registered handlers
 * (`Paged.registerHandlers`) cut the document's font faces to those in use before its
 * font step, and put each page's placed modules into the page once Paged.js has laid it out.
 */
import type { Page as BrowserPage } from 'puppeteer-core';
import { fontFaceCss, ORIGIN, type AssetTable } from './assets.js';

/** The head (without its @font-face rules) of the document each tab shows now. */
const shown = new WeakMap<BrowserPage, string>();

export interface ShowOptions {
  /** Leave the body hidden (not laid out). */
  hidden?: boolean;
  /** Subtrees whose text was shown before in the same fonts: their faces are loaded. */
  known?: string;
}

/**
 * Shows `html` (a whole document of the print sheets) in the tab and waits until its
 * text is set in its own fonts.
 */
export async function showDocument(tab: BrowserPage, table: AssetTable, path: string, html: string, options: ShowOptions = {}): Promise<void> {
  if (!shown.has(tab)) {
    // The first document of the tab: open its head alone (font faces, print.css), then swap the body in like any later one.
    const head = html.slice(0, html.indexOf('<body>'));
    table.docs.set(path, { type: 'text/html; charset=utf-8', body: `${head}<body></body></html>` });
    await tab.goto(`${ORIGIN}${path}`, { waitUntil: 'load' });
    // Paged.js is fetched and compiled now, alongside the measuring, for `paginate` at the end.
    await tab.evaluate((src: string) => {
      const script = document.createElement('script');
      script.src = src;
      script.async = true;
      script.dataset.keep = '';
      document.head.append(script);
    }, `${ORIGIN}/paged.js`);
  }
  table.docs.set(path, { type: 'text/html; charset=utf-8', body: html });
  // The head is sent only when it changed, and without its @font-face rules (some 300 KB,
  // the same in every document of a build: the style that holds them stays as it is).
  const split = (h: string) => {
    const open = h.indexOf('<body>');
    return { head: h.slice(0, open).replace(fontFaceCss(), ''), body: h.slice(open + 6, h.lastIndexOf('</body>')) };
  };
  const next = split(html);
  const headChanged = shown.get(tab) !== next.head;
  await tab.evaluate(
    async (headHtml: string | null, bodyHtml: string, keepHidden: boolean, known: string | null) => {
      if (headHtml !== null) {
        const nextHead = new DOMParser().parseFromString(`${headHtml}</head><body></body></html>`, 'text/html').head;
        // Kept for the whole build: the @font-face style, the Paged.js script.
        const kept = (e: Element) => e.matches('style[data-pagedjs-ignore], [data-keep]');
        const mine = [...document.head.children].filter((e) => !kept(e));
        const theirs = [...nextHead.children].filter((e) => !kept(e));
        const have = new Set(mine.map((e) => e.outerHTML));
        const want = new Set(theirs.map((e) => e.outerHTML));
        for (const e of mine) if (!want.has(e.outerHTML)) e.remove();
        for (const e of theirs) if (!have.has(e.outerHTML)) document.head.append(document.importNode(e, true));
      }
      const body = document.body;
      body.style.setProperty('display', 'none');
      body.innerHTML = bodyHtml;
      // The text each face sets: style is computed for hidden elements too, without layout.
      const byFont = new Map<string, Set<string>>();
      const fontOf = new Map<Element, string>();
      const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT, {
        acceptNode: (n) => (n.nodeType === Node.TEXT_NODE ? NodeFilter.FILTER_ACCEPT : known && (n as Element).matches(known) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP),
      });
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
      // Generated text (a rule's `content: '□'` before a byline, a caption's `■`): its faces
      // too. A face first asked for by the layout makes the whole sheet be laid out again.
      const generated = (rules: CSSRuleList) => {
        for (const r of rules) {
          if ('cssRules' in r && !(r instanceof CSSStyleRule)) generated((r as CSSGroupingRule).cssRules);
          if (!(r instanceof CSSStyleRule)) continue;
          const text = /^"(.+)"$/.exec(r.style.getPropertyValue('content'))?.[1];
          if (!text) continue;
          for (const part of r.selectorText.split(',')) {
            const pseudo = /::?(before|after)\s*$/.exec(part);
            if (!pseudo) continue;
            for (const el of body.querySelectorAll(part.slice(0, pseudo.index) || '*')) {
              if (known && el.closest(known)) continue;
              const st = getComputedStyle(el, `::${pseudo[1]}`);
              const font = `${st.fontStyle} ${st.fontWeight} 16px ${st.fontFamily}`;
              let chars = byFont.get(font);
              if (!chars) byFont.set(font, (chars = new Set()));
              for (const ch of text) chars.add(ch);
            }
          }
        }
      };
      for (const sheet of document.styleSheets) {
        try {
          generated(sheet.cssRules);
        } catch {
          // A sheet whose rules cannot be read: its generated text is left to the layout.
        }
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
    headChanged ? next.head : null,
    next.body,
    options.hidden ?? false,
    options.known ?? null,
  );
  shown.set(tab, next.head);
}

/**
 * Shows the issue document `html` and lets Paged.js make its pages, in the tab's document
 * (fonts stay loaded). The document's @font-face style carries `data-pagedjs-ignore`.
 */
export async function paginate(tab: BrowserPage, table: AssetTable, html: string): Promise<void> {
  // The modules' text was measured in this document, in these fonts: only the page
  // frames' text is new (a fresh document, after a misfit pass, loads them all).
  await showDocument(tab, table, '/issue.html', html, { hidden: true, known: shown.has(tab) ? '.module' : undefined });
  // Loading since the tab's first document (showDocument): wait for it to run.
  await tab.evaluate(async (src: string) => {
    if ('Paged' in window) return;
    let script = document.querySelector<HTMLScriptElement>(`script[src="${src}"]`);
    if (!script) {
      script = document.createElement('script');
      script.src = src;
      document.head.append(script);
    }
    const s = script;
    await new Promise((resolve, reject) => {
      s.addEventListener('load', resolve);
      s.addEventListener('error', () => reject(new Error('Paged.js did not load')));
      if ('Paged' in window) resolve(undefined);
    });
  }, `${ORIGIN}/paged.js`);
  await tab.evaluate(async () => {
    const Paged = (window as unknown as { Paged: PagedModule }).Paged;
    // Registered once per document (Paged.js keeps its handler list for the page's life).
    const w = window as unknown as { banmianHandlers?: boolean };
    if (!w.banmianHandlers) {
      w.banmianHandlers = true;
      /**
       * Fonts. Before its layout Paged.js loads every @font-face of the document (some 700
       * CJK subsets, 20 MB, of which a page uses about 120). The faces the pages use are
       * loaded already (showDocument); before the content is parsed, the other faces'
       * rules are deleted from the document's font style, so Paged.js's own font step
       * finds every face it is left with loaded.
       */
      class Fonts extends Paged.Handler {
        beforeParsed(): void {
          const style = document.querySelector<HTMLStyleElement>('style[data-pagedjs-ignore]');
          if (!style?.sheet) return;
          const face = (family: string, weight: string, fontStyle: string, range: string) => `${family.replace(/['"]/g, '')}|${weight || '400'}|${fontStyle || 'normal'}|${range || 'U+0-10FFFF'}`;
          const used = new Set<string>();
          document.fonts.forEach((f) => {
            if (f.status === 'loaded') used.add(face(f.family, f.weight, f.style, f.unicodeRange));
          });
          const rules = [...style.sheet.cssRules].filter((r): r is CSSFontFaceRule => r instanceof CSSFontFaceRule);
          const keep = rules.filter((r) => used.has(face(r.style.getPropertyValue('font-family'), r.style.getPropertyValue('font-weight'), r.style.getPropertyValue('font-style'), r.style.getPropertyValue('unicode-range'))));
          // Every face in use must be found again, or its text would fall back to another font.
          if (keep.length < used.size) throw new Error(`font faces in use: ${used.size}, found ${keep.length}`);
          // Rule by rule, not by new text: the faces kept stay the same objects, loaded (new
          // text would make new faces, fetched and decoded again: 4 s for the sample).
          const kept = new Set<CSSRule>(keep);
          for (let i = style.sheet.cssRules.length - 1; i >= 0; i--) if (!kept.has(style.sheet.cssRules[i])) style.sheet.deleteRule(i);
        }
      }
      /**
       * Page content. The modules are placed already (src/layout): Paged.js makes each
       * sheet's page (page box, margin boxes with the running header and folio, marks)
       * around its grid, and the page's modules go into the grid once the page is laid
       * out. Given the modules, its chunker would walk and measure every paragraph of
       * text it has no decision to make about.
       */
      class PageContent extends Paged.Handler {
        modules = new Map<string, DocumentFragment>();
        beforeParsed(content: DocumentFragment): void {
          for (const grid of content.querySelectorAll<HTMLElement>('.sheet > .grid')) {
            const f = document.createDocumentFragment();
            f.append(...grid.childNodes);
            this.modules.set((grid.parentElement as HTMLElement).dataset.page!, f);
          }
        }
        afterPageLayout(page: HTMLElement): void {
          const grid = page.querySelector<HTMLElement>('.sheet > .grid');
          const key = (grid?.parentElement as HTMLElement | undefined)?.dataset.page;
          const modules = key === undefined ? undefined : this.modules.get(key);
          if (!grid || !modules) return;
          grid.append(modules);
          this.modules.delete(key!);
        }
        afterRendered(): void {
          if (this.modules.size) throw new Error(`Paged.js made no page for sheet(s) ${[...this.modules.keys()].join(', ')}`);
        }
      }
      Paged.registerHandlers(Fonts, PageContent);
    }
    const previewer = new Paged.Previewer();
    const content = previewer.wrapContent();
    document.body.style.removeProperty('display');
    await previewer.preview(content);
    void document.body.offsetHeight;
    await document.fonts.ready;
    // Photos are printed as they are when the PDF is made: wait for every one to load.
    await Promise.all(
      [...document.images].map((img) =>
        img.complete
          ? undefined
          : new Promise((resolve) => {
              img.addEventListener('load', resolve, { once: true });
              img.addEventListener('error', resolve, { once: true });
            }),
      ),
    );
  });
  // The document is Paged.js's now: the next document is opened afresh.
  shown.delete(tab);
}

/** The parts of Paged.js's public API used here (pagedjs/src/index.js). */
interface PagedModule {
  /** Base of a handler: its methods named after Paged.js hooks are registered on them. */
  Handler: new (chunker: unknown, polisher: unknown, caller: unknown) => object;
  registerHandlers(...handlers: Array<new (chunker: unknown, polisher: unknown, caller: unknown) => object>): void;
  Previewer: new () => { wrapContent(): DocumentFragment; preview(content?: DocumentFragment): Promise<unknown> };
}
