/**
 * Parsed pages kept in a print record (`archive/<issue>/pages.json`), so that a clean
 * checkout does not parse every page of a 20-year archive again: parsing is most of a
 * clean build's time per page (≈15 ms of markdown, roles and repair against <1 ms to
 * read the same tree back as JSON).
 *
 * An entry is used only when it is exactly what parsing would give now: the page file's
 * bytes have the sha256 it was parsed from, its number from the file name is the same,
 * and the parser's code (src/parse, src/ast, the locked dependency versions: `PARSER_KEY`)
 * is the one that made it. Anything else — an edited page, an upgraded parser, a missing
 * or malformed pages.json — parses the page as usual. Its sha256 is record.json's
 * `parsed`; it is checked before use, and by the build's record check.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { VFile } from 'vfile';
import type { Page } from '../ast/types.js';
import type { PageCache, PageCacheHit, PageCacheMessage } from '../parse/issue.js';
import { PAGES_FILE, RECORD_FILE, type RecordManifest, recordDir, sha256 } from './record.js';

const PAGES_VERSION = 1;

interface PagesFile {
  pages: number;
  /** PARSER_KEY of the code that parsed them. */
  parser: string;
  /** Issue-folder-relative page file → what parsing it gave. */
  entries: Record<string, { sha256: string; number: number; page: Page; messages: PageCacheMessage[] }>;
}

const PACKAGE_ROOT = path.resolve(import.meta.dirname, '..', '..');

let parserKey: Promise<string> | undefined;

/** sha256 of the parser's code and locked dependency versions (once per process). */
export function parserCodeKey(): Promise<string> {
  parserKey ??= (async () => {
    const hash = createHash('sha256').update(`pages ${PAGES_VERSION}\0`);
    const files: string[] = [];
    for (const dir of ['src/parse', 'src/ast']) {
      for (const name of (await readdir(path.join(PACKAGE_ROOT, dir))).sort()) files.push(`${dir}/${name}`);
    }
    files.push('src/errors.ts');
    if (existsSync(path.join(PACKAGE_ROOT, 'package-lock.json'))) files.push('package-lock.json');
    for (const rel of files) hash.update(rel).update('\0').update(await readFile(path.join(PACKAGE_ROOT, rel))).update('\0');
    return hash.digest('hex');
  })();
  return parserKey;
}

/** What to keep of a page's parse: the tree (its `file` is set again on reading) and the messages. */
export async function pagesFile(pages: Array<{ rel: string; bytes: Uint8Array; page: Page; file: VFile }>): Promise<string> {
  const entries: PagesFile['entries'] = {};
  for (const { rel, bytes, page, file } of [...pages].sort((a, b) => (a.rel < b.rel ? -1 : 1))) {
    const messages = file.messages.map((m) => {
      const out: PageCacheMessage = { reason: m.reason };
      if (m.place) out.place = m.place;
      if (m.ruleId) out.ruleId = m.ruleId;
      if (m.source) out.source = m.source;
      if (m.fatal !== undefined) out.fatal = m.fatal;
      if (m.note) out.note = m.note;
      if (m.url) out.url = m.url;
      return out;
    });
    entries[rel] = { sha256: sha256(bytes), number: page.number, page, messages };
  }
  const file: PagesFile = { pages: PAGES_VERSION, parser: await parserCodeKey(), entries };
  return JSON.stringify(file);
}

export async function writePagesFile(to: string, pages: Parameters<typeof pagesFile>[0]): Promise<void> {
  await writeFile(to, await pagesFile(pages));
}

/**
 * The page cache of the records under `archiveDir`, for the loader (src/parse/issue.ts).
 * Each record's pages.json is read once, when the loader asks for its first page.
 */
export function recordPageCache(archiveDir: string): PageCache & { hits: number } {
  const byIssue = new Map<string, Promise<PagesFile | undefined>>();
  const cache = {
    hits: 0,
    async get(issueDir: string, name: string, bytes: Uint8Array, number: number): Promise<PageCacheHit | undefined> {
      const id = path.basename(issueDir);
      let loaded = byIssue.get(id);
      if (!loaded) {
        loaded = readPages(archiveDir, id);
        byIssue.set(id, loaded);
      }
      const pages = await loaded;
      const entry = pages?.entries[name];
      if (!entry || entry.number !== number || entry.sha256 !== sha256(bytes)) return undefined;
      cache.hits++;
      // Each entry is handed out once (a build loads a page once): the record's copy is not kept.
      delete pages!.entries[name];
      return { page: entry.page, messages: entry.messages };
    },
  };
  return cache;
}

/** A record's pages.json when it is intact (its digest in record.json) and made by this parser. */
async function readPages(archiveDir: string, id: string): Promise<PagesFile | undefined> {
  const dir = recordDir(archiveDir, id);
  let text: Buffer;
  let record: RecordManifest;
  try {
    record = JSON.parse(await readFile(path.join(dir, RECORD_FILE), 'utf8')) as RecordManifest;
    if (typeof record?.parsed !== 'string') return undefined;
    text = await readFile(path.join(dir, PAGES_FILE));
  } catch {
    return undefined;
  }
  // A changed pages.json is never used; the build's record check names it (src/archive/record.ts).
  if (sha256(text) !== record.parsed) return undefined;
  let pages: PagesFile;
  try {
    pages = JSON.parse(text.toString('utf8')) as PagesFile;
  } catch {
    return undefined;
  }
  if (pages?.pages !== PAGES_VERSION || pages.parser !== (await parserCodeKey()) || typeof pages.entries !== 'object') return undefined;
  return pages;
}
