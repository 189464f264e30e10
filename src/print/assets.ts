/**
 * What the print page may load, and nothing else. Pages are opened on a made-up origin
 * (https://banmian.print/); request interception answers from a fixed table of the
 * build's own files — fonts from the npm font packages, Paged.js, the print CSS, the
 * issue's images — and `data:` URLs. Every other request is aborted, so a page text can
 * make the renderer reach neither the network nor any other file.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HTTPRequest, Page as BrowserPage } from 'puppeteer-core';
import type { BuildSession } from '../build/session.js';

export const ORIGIN = 'https://banmian.print';

const PACKAGE_ROOT = path.resolve(import.meta.dirname, '../..');
const NODE_MODULES = path.join(PACKAGE_ROOT, 'node_modules');

/** Font packages and the weights the print edition uses. */
const FONT_CSS = [
  ['@fontsource/noto-serif-sc', '400.css'],
  ['@fontsource/noto-serif-sc', '700.css'],
  ['@fontsource/noto-serif-sc', '900.css'],
  ['@fontsource/noto-sans-sc', '500.css'],
  ['@fontsource/noto-sans-sc', '700.css'],
  ['lxgw-wenkai-webfont', 'lxgwwenkai-regular.css'],
] as const;

let fontCssCache: string | undefined;

/** The @font-face rules with their URLs pointed at the print origin. */
export function fontFaceCss(): string {
  if (fontCssCache) return fontCssCache;
  const parts: string[] = [];
  for (const [pkg, file] of FONT_CSS) {
    const css = readFileSync(path.join(NODE_MODULES, pkg, file), 'utf8');
    parts.push(css.replace(/url\((['"]?)\.\/files\/([^'")]+)\1\)/g, (_m, _q, name: string) => `url('${ORIGIN}/fonts/${pkg}/files/${name}')`).replace(/,\s*url\([^)]*\.woff\)\s*format\('woff'\)/g, ''));
  }
  fontCssCache = parts.join('\n');
  return fontCssCache;
}

export interface AssetTable {
  /** Extra files by URL path (`/images/…` → absolute file). */
  files: Map<string, string>;
  /** In-memory documents by URL path. */
  docs: Map<string, { type: string; body: string | Buffer | Promise<Buffer> }>;
}

const MIME: Record<string, string> = {
  '.woff2': 'font/woff2',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.html': 'text/html; charset=utf-8',
};

/** The font files and Paged.js are answered on every navigation: read them once. */
const fixedBytes = new Map<string, Buffer>();

async function fileBytes(file: string): Promise<Buffer> {
  if (!file.startsWith(NODE_MODULES + path.sep)) return readFile(file);
  let b = fixedBytes.get(file);
  if (!b) fixedBytes.set(file, (b = await readFile(file)));
  return b;
}

function resolveFixed(p: string): string | undefined {
  if (p === '/paged.js') return path.join(NODE_MODULES, 'pagedjs/dist/paged.js');
  const m = /^\/fonts\/((?:@fontsource\/noto-serif-sc|@fontsource\/noto-sans-sc|lxgw-wenkai-webfont))\/files\/([\w.-]+\.woff2)$/.exec(p);
  if (m) return path.join(NODE_MODULES, m[1], 'files', m[2]);
  return undefined;
}

/** Blocked requests go to `session.refused`, answered ones are counted in `session.served`. */
export async function guardPage(page: BrowserPage, table: AssetTable, session: Pick<BuildSession, 'refused' | 'served'>): Promise<void> {
  // Functions handed to page.evaluate come from TypeScript run through tsx/esbuild, which
  // wraps named functions in a `__name()` helper the page does not have: give it one.
  await page.evaluateOnNewDocument('globalThis.__name ??= (f) => f;');
  await page.setRequestInterception(true);
  page.on('request', (req: HTTPRequest) => void answer(req, table, session));
}

async function answer(req: HTTPRequest, table: AssetTable, { refused, served }: Pick<BuildSession, 'refused' | 'served'>): Promise<void> {
  const url = req.url();
  if (url.startsWith('data:')) return void req.continue();
  if (!url.startsWith(ORIGIN + '/')) {
    refused.push(url);
    return void req.abort('blockedbyclient');
  }
  const p = decodeURIComponent(new URL(url).pathname);
  const doc = table.docs.get(p);
  if (doc) {
    // A body still being made (a photo resampled for print) is answered when it is ready.
    const body = await Promise.resolve(doc.body).catch(() => undefined);
    if (body === undefined) return void req.respond({ status: 500, body: '' });
    return void req.respond({ status: 200, contentType: doc.type, body });
  }
  const file = table.files.get(p) ?? resolveFixed(p);
  if (!file) {
    refused.push(url);
    return void req.abort('blockedbyclient');
  }
  try {
    const body = await fileBytes(file);
    served.requests++;
    served.bytes += body.length;
    await req.respond({ status: 200, contentType: MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream', body, headers: { 'access-control-allow-origin': '*' } });
  } catch {
    // A listed file that cannot be read now: the browser gets a 404 as for any missing asset.
    await req.respond({ status: 404, body: '' });
  }
}
