/**
 * Font faces for the paginated issue document. The font packages split every face into
 * ~100 unicode-range subsets; Chromium fetches only the subsets a page shows, but
 * Paged.js calls `load()` on every @font-face of the document before it paginates —
 * 600 subset files (20 MB) for the sample issue, each fetched through request
 * interception and decoded. So the issue document gets only the faces its text uses:
 *
 * - `facesInUse`: the faces Chromium loaded for the same pages laid out without Paged.js
 *   (the fit check's document, running header and folio shown) — exact;
 * - `fontFaceCssFor(text)`: else the faces whose unicode-range touches a character of
 *   the text (any family or weight) — a superset.
 *
 * Leaving out a face whose characters a document does not set changes no glyph.
 */
import type { Page as BrowserPage } from 'puppeteer-core';
import { fontFaceCss, ORIGIN, type AssetTable } from './assets.js';

interface Rule {
  css: string;
  key: string;
  ranges: Array<[number, number]>;
}

let rulesCache: { css: string; rules: Rule[] } | undefined;

function parseRanges(list: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const part of list.split(',')) {
    const m = /U\+([0-9a-f?]+)(?:-([0-9a-f]+))?/i.exec(part.trim());
    if (!m) continue;
    const lo = parseInt(m[1].replace(/\?/g, '0'), 16);
    const hi = m[2] ? parseInt(m[2], 16) : parseInt(m[1].replace(/\?/g, 'f'), 16);
    out.push([lo, hi]);
  }
  return out;
}

/** Identifies a face by family, weight, style and unicode-range (as CSS or a FontFace gives them). */
export function faceKey(family: string, weight: string, style: string, unicodeRange: string): string {
  const ranges = parseRanges(unicodeRange)
    .map(([a, b]) => `${a.toString(16)}-${b.toString(16)}`)
    .join(',');
  return `${family.replace(/['"]/g, '').trim().toLowerCase()}|${weight.trim()}|${style.trim() || 'normal'}|${ranges}`;
}

function rules(): Rule[] {
  const css = fontFaceCss();
  if (rulesCache?.css === css) return rulesCache.rules;
  const out: Rule[] = [];
  for (const rule of css.match(/@font-face\s*\{[^}]*\}/g) ?? []) {
    const get = (prop: string) => new RegExp(`${prop}:\\s*([^;}]+)`).exec(rule)?.[1] ?? '';
    const range = get('unicode-range');
    out.push({ css: rule, key: faceKey(get('font-family'), get('font-weight') || '400', get('font-style') || 'normal', range || 'U+0-10ffff'), ranges: range ? parseRanges(range) : [[0, 0x10ffff]] });
  }
  rulesCache = { css, rules: out };
  return out;
}

/** The @font-face rules whose key is in `keys`. */
export function fontFaceCssOf(keys: Set<string>): string {
  return rules()
    .filter((r) => keys.has(r.key))
    .map((r) => r.css)
    .join('\n');
}

/** The @font-face rules whose unicode-range holds a code point of `text` (ASCII always). */
export function fontFaceCssFor(text: string): string {
  const used = new Set<number>();
  for (const ch of text) used.add(ch.codePointAt(0)!);
  // Numeric character references stand for their characters.
  for (const m of text.matchAll(/&#(x[0-9a-f]+|\d+);/gi)) used.add(m[1][0].toLowerCase() === 'x' ? parseInt(m[1].slice(1), 16) : Number(m[1]));
  for (let c = 0x20; c < 0x7f; c++) used.add(c);
  const points = [...used].sort((a, b) => a - b);
  const hits = (lo: number, hi: number) => {
    let a = 0;
    let b = points.length;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (points[mid] < lo) a = mid + 1;
      else b = mid;
    }
    return a < points.length && points[a] <= hi;
  };
  return rules()
    .filter((r) => r.ranges.some(([lo, hi]) => hits(lo, hi)))
    .map((r) => r.css)
    .join('\n');
}

/**
 * The keys of the faces Chromium loads for `html` (the issue laid out without Paged.js),
 * with the running header and folio shown. Uses the tab's current document when it is
 * already `html` at `url` (the last fit check), else opens it.
 */
export async function facesInUse(tab: BrowserPage, table: AssetTable, html: string, url: string): Promise<Set<string>> {
  const p = new URL(url).pathname;
  // Where the images come from (photos resampled for print after the fit check) sets no font.
  const fontWise = (h: unknown) => (typeof h === 'string' ? h.replace(/ src="[^"]*"/g, '') : undefined);
  // The tab shows `html` when it was opened at `url`, or swapped in (showDocument).
  const showing = shownDocument.get(tab) ?? (tab.url() === url ? table.docs.get(p)?.body : undefined);
  if (fontWise(showing) !== fontWise(html)) {
    table.docs.set('/faces.html', { type: 'text/html; charset=utf-8', body: html });
    await tab.goto(`${ORIGIN}/faces.html`, { waitUntil: 'load' });
    shownDocument.set(tab, html);
  }
  const faces = await tab.evaluate(async () => {
    const hidden = [...document.querySelectorAll<HTMLElement>('.running-header, .running-folio')];
    for (const el of hidden) el.style.setProperty('display', 'block', 'important');
    void document.body.offsetHeight;
    await document.fonts.ready;
    const out: Array<[string, string, string, string]> = [];
    document.fonts.forEach((f) => {
      if (f.status === 'loaded' || f.status === 'loading') out.push([f.family, f.weight, f.style, f.unicodeRange]);
    });
    for (const el of hidden) el.style.removeProperty('display');
    return out;
  });
  return new Set(faces.map(([family, weight, style, range]) => faceKey(family, weight, style, range)));
}

/** What each tab shows when its content was swapped in rather than loaded (showDocument). */
export const shownDocument = new WeakMap<BrowserPage, string>();

/**
 * Shows `html` in the tab. When the tab already holds a document of the build's print
 * sheets (same fonts, same styles), the body (and any extra head styles) is swapped in
 * place: the font faces the tab has loaded and decoded stay loaded, where a new document
 * would fetch and decode them all again. Otherwise the document is loaded from `path`.
 */
export async function showDocument(tab: BrowserPage, table: AssetTable, path: string, html: string): Promise<void> {
  table.docs.set(path, { type: 'text/html; charset=utf-8', body: html });
  if (shownDocument.has(tab)) {
    await tab.evaluate((h: string) => {
      const next = new DOMParser().parseFromString(h, 'text/html');
      const have = new Set([...document.head.children].map((e) => e.outerHTML));
      const want = new Set([...next.head.children].map((e) => e.outerHTML));
      for (const e of [...document.head.children]) if (!want.has(e.outerHTML)) e.remove();
      for (const e of [...next.head.children]) if (!have.has(e.outerHTML)) document.head.append(document.importNode(e, true));
      document.body.innerHTML = next.body.innerHTML;
    }, html);
  } else {
    await tab.goto(`${ORIGIN}${path}`, { waitUntil: 'load' });
  }
  shownDocument.set(tab, html);
  // Lay the content out first: that is what requests the font subsets its text needs;
  // only then does `fonts.ready` wait for them (twice: a fallback glyph can ask for more).
  await tab.evaluate(async () => {
    for (let i = 0; i < 2; i++) {
      void document.body.offsetHeight;
      await document.fonts.ready;
    }
  });
}

/**
 * `pagedHtml` with its @font-face rules cut down to the faces in use: those Chromium
 * loads for `plainHtml` (the same pages without Paged.js; `plainUrl` is where the tab
 * may have it open already), else — if that fails — those the text can touch.
 */
export async function withFacesInUse(tab: BrowserPage, table: AssetTable, pagedHtml: string, plainHtml: string, plainUrl: string): Promise<string> {
  const all = fontFaceCss();
  if (!pagedHtml.includes(all)) return pagedHtml;
  let css: string;
  try {
    const keys = await facesInUse(tab, table, plainHtml, plainUrl);
    const known = new Set(rules().map((r) => r.key));
    const unknown = [...keys].filter((k) => !known.has(k));
    if (keys.size === 0 || unknown.length) throw new Error(`faces not matched to a rule: ${unknown.slice(0, 3).join(' ')}`);
    css = fontFaceCssOf(keys);
  } catch (err) {
    if (process.env.BANMIAN_DEBUG) console.error(`fonts in use: ${err instanceof Error ? err.message : err}; keeping the faces the text touches`);
    css = fontFaceCssFor(pagedHtml.replace(all, ''));
  }
  return pagedHtml.replace(all, () => css);
}
