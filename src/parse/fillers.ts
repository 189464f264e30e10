/**
 * House fillers (公益广告/补白): short texts in the folder the config names (`print.fillers`,
 * default `fillers/`), one per `.md`/`.txt` file, each parsed like a page holding one
 * article. They are extra content, not the news: flagged `data.filler`, set by the
 * print edition in a page's leftover white, never listed among the news.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Article, Page } from '../ast/types.js';
import '../ast/data.js';
import { BanmianError } from '../errors.js';
import { parsePageFile } from './issue.js';

const FILLER_FILE = /\.(md|markdown|txt)$/i;

/**
 * The fillers in `dir` (relative to `root`), in file-name order, ids `f1`, `f2`, …; none
 * when the folder does not exist. A file that holds more than one article is an error
 * naming the file and the line where the second starts.
 */
export async function loadFillers(dir: string, root = process.cwd()): Promise<Article[]> {
  return (await loadFillerPages(dir, root)).map((f) => f.article);
}

/** The same, each with the page it was parsed as (number 0: it belongs to no page of an issue). */
export async function loadFillerPages(dir: string, root = process.cwd()): Promise<Array<{ article: Article; page: Page }>> {
  const abs = path.resolve(root, dir);
  let names: string[];
  try {
    names = (await readdir(abs, { withFileTypes: true })).filter((e) => e.isFile() && FILLER_FILE.test(e.name) && !e.name.startsWith('.')).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException)?.code === 'ENOENT') return [];
    throw err;
  }
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: Array<{ article: Article; page: Page }> = [];
  for (const name of names) {
    const { page } = await parsePageFile(path.join(abs, name), { number: 1, root });
    const articles = page.children.filter((c): c is Article => c.type === 'article');
    if (articles.length === 0) continue;
    if (articles.length > 1) throw new BanmianError('a filler file holds one short text (one article), this one holds more', { file: page.file, line: articles[1].position?.start.line, ruleId: 'filler-file' });
    const [article] = articles;
    article.id = `f${out.length + 1}`;
    article.lead = false;
    article.data = { ...article.data, filler: true };
    page.number = 0;
    page.children = [article];
    out.push({ article, page });
  }
  return out;
}
