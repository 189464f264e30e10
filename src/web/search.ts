/**
 * Search: Pagefind indexes the article views (marked `data-pagefind-body`) of the
 * written site through its Node API and writes its bundle to `pagefind/`. The pages
 * say `lang="zh-CN"`, so Pagefind segments Chinese into words.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { BanmianError } from '../errors.js';

export interface SearchIndexResult {
  /** HTML files Pagefind read. */
  pages: number;
  /** Pages in the index (the article views: only they carry `data-pagefind-body`). */
  indexed: number;
  ms: number;
}

/**
 * Indexes the site in `outDir` and writes the bundle to `<indexDir>/pagefind` (by default
 * the site itself; the dev server writes a side folder and swaps it in).
 */
export async function buildSearchIndex(outDir: string, indexDir = outDir): Promise<SearchIndexResult> {
  const started = performance.now();
  const pagefind = await import('pagefind');
  try {
    const { index, errors } = await pagefind.createIndex({});
    if (!index) throw new BanmianError(`search index: Pagefind did not start: ${errors.join('; ')}`);
    const added = await index.addDirectory({ path: outDir });
    if (added.errors.length) throw new BanmianError(`search index: ${added.errors.join('; ')}`);
    const written = await index.writeFiles({ outputPath: path.join(indexDir, 'pagefind') });
    if (written.errors.length) throw new BanmianError(`search index: ${written.errors.join('; ')}`);
    const indexed = (await readdir(path.join(indexDir, 'pagefind', 'fragment'))).length;
    return { pages: added.page_count, indexed, ms: performance.now() - started };
  } finally {
    await pagefind.close();
  }
}
