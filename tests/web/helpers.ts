/** Test helpers: files of a built site, a link checker, article text, a static server. */
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Element, Root, RootContent } from 'hast';
import rehypeParse from 'rehype-parse';
import { unified } from 'unified';

export async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, r)));
    else out.push(r);
  }
  return out.sort();
}

const parser = unified().use(rehypeParse);

export function parseHtml(html: string): Root {
  return parser.parse(html) as Root;
}

export function walk(node: Root | RootContent, fn: (el: Element) => void): void {
  if (node.type === 'element') fn(node);
  if ('children' in node) for (const c of node.children) walk(c as RootContent, fn);
  // <template> content is not searched: the site has none.
}

export function textOf(node: Root | RootContent): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'element' && (node.tagName === 'script' || node.tagName === 'style')) return '';
  if ('children' in node) return node.children.map((c) => textOf(c as RootContent)).join('');
  return '';
}

/** Text content of the page's first `<article>` element. */
export function articleText(html: string): string | undefined {
  let found: Element | undefined;
  walk(parseHtml(html), (el) => {
    if (!found && el.tagName === 'article') found = el;
  });
  return found ? textOf(found) : undefined;
}

export interface BrokenLink {
  file: string;
  url: string;
  why: string;
}

/**
 * Resolves every href/src of every HTML file (and url() in CSS) against the site served
 * under `basePath` at `siteUrl`, and checks the file (and a #fragment's id) exists.
 */
export async function checkLinks(outDir: string, basePath: string, siteUrl: string): Promise<{ broken: BrokenLink[]; checked: number }> {
  const broken: BrokenLink[] = [];
  let checked = 0;
  const idCache = new Map<string, Set<string>>();
  const idsOf = (file: string) => {
    let ids = idCache.get(file);
    if (!ids) {
      ids = new Set();
      const s = ids;
      walk(parseHtml(readFileSync(file, 'utf8')), (el) => {
        if (typeof el.properties.id === 'string') s.add(el.properties.id);
      });
      idCache.set(file, ids);
    }
    return ids;
  };
  const resolve = (file: string, url: string) => {
    checked++;
    let target = url;
    if (target.startsWith(siteUrl + '/')) target = target.slice(siteUrl.length);
    else if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return; // external
    // Resolve like a browser would, from the referring file's address on the server.
    const from = new URL(basePath + path.relative(outDir, file).split(path.sep).join('/'), 'http://site.test');
    const resolved = new URL(target, from);
    if (!resolved.pathname.startsWith(basePath)) return broken.push({ file, url, why: `not under the base path ${basePath}` });
    let rel = decodeURIComponent(resolved.pathname.slice(basePath.length));
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const abs = path.join(outDir, rel);
    if (!existsSync(abs)) return broken.push({ file, url, why: `no file ${rel}` });
    const fragment = resolved.hash.slice(1);
    if (fragment && abs.endsWith('.html') && !idsOf(abs).has(decodeURIComponent(fragment))) broken.push({ file, url, why: `no id "${fragment}" in ${rel}` });
  };
  for (const rel of await listFiles(outDir)) {
    const file = path.join(outDir, rel);
    if (rel.startsWith('search-index/')) continue;
    if (rel.endsWith('.html')) {
      walk(parseHtml(await readFile(file, 'utf8')), (el) => {
        for (const prop of ['href', 'src']) {
          const v = el.properties[prop];
          if (typeof v === 'string') resolve(file, v);
        }
        // <source srcset> / <img srcset>: "url [descriptor], url [descriptor]"
        const srcset = el.properties.srcSet;
        const candidates = Array.isArray(srcset) ? srcset.join(',') : typeof srcset === 'string' ? srcset : '';
        for (const c of candidates.split(',')) if (c.trim()) resolve(file, c.trim().split(/\s+/)[0]);
      });
    } else if (rel.endsWith('.css')) {
      const css = await readFile(file, 'utf8');
      for (const m of css.matchAll(/url\(["']?([^)"']+)["']?\)/g)) resolve(file, m[1]);
    }
  }
  return { broken, checked };
}

/** A static server for `dir` mounted at `basePath` (404.html for misses), on 127.0.0.1. */
export async function serveStatic(dir: string, basePath: string): Promise<{ origin: string; close(): Promise<void> }> {
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json',
    '.xml': 'application/xml', '.txt': 'text/plain', '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg',
    '.woff2': 'font/woff2', '.wasm': 'application/wasm', '.pdf': 'application/pdf', '.pf_meta': 'application/octet-stream',
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let pathname = decodeURIComponent(url.pathname);
    const notFound = () => {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(existsSync(path.join(dir, '404.html')) ? readFileSync(path.join(dir, '404.html')) : 'not found');
    };
    if (!pathname.startsWith(basePath)) return notFound();
    pathname = pathname.slice(basePath.length);
    if (pathname === '' || pathname.endsWith('/')) pathname += 'index.html';
    const file = path.join(dir, pathname);
    if (!file.startsWith(dir) || !existsSync(file) || !file.includes('.')) return notFound();
    try {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      notFound();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
