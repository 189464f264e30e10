/**
 * Search: an exact index of our own (Pagefind segments Chinese into words at build time
 * and again in the browser; the two disagree, so 疫情 found 情况 and a quoted phrase
 * found nothing). Every run of Han characters is indexed as its characters and their
 * bigrams, every Latin/digit run as a whole lower-case word:
 *
 * - a query's Han run of one or two characters is answered exactly by one posting list;
 *   a longer run by the intersection of its bigrams, then checked word for word in the
 *   article's text by the browser (phrase semantics);
 * - Latin letters and digits match whole words, case-insensitively.
 *
 * Input: one `search/source/<issue>.json` per issue, written with the issue's views (so an
 * edited issue rewrites only its own source). `buildSearchIndex` tokenises each source
 * once per process (cached by content hash: after an edit only that issue is tokenised
 * again), merges the postings and writes `search-index/`: `manifest.json` (issues,
 * documents, page names, shard file names) and posting shards `g/<n>.<hash>.json`,
 * named by content so unchanged shards stay cached in browsers.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Folder of the written index, relative to the site root. */
export const SEARCH_INDEX_DIR = 'search-index';
/** Folder of the per-issue sources, relative to the site root. */
export const SEARCH_SOURCE_DIR = 'search/source';

/** What an issue contributes: one entry per article view. */
export interface SearchSource {
  id: string;
  date: string;
  docs: Array<{ page: number; name: string; url: string; title: string; text: string }>;
}

export interface SearchIndexResult {
  /** Issue sources read. */
  pages: number;
  /** Articles in the index. */
  indexed: number;
  /** Issue sources tokenised in this call (the others came from the cache). */
  tokenised: number;
  shards: number;
  bytes: number;
  /** Bytes of manifest.json, which every search loads first. */
  manifestBytes: number;
  ms: number;
}

const HAN = /\p{Script=Han}/u;
const WORD = /[\p{L}\p{N}\p{M}]/u;

/** How the index and the browser see text: NFKC (full-width letters and digits fold), lower case. */
export function normalizeSearchText(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

/** Runs of a text: Han runs and Latin/digit words, in order (the browser splits queries the same way). */
export function searchRuns(text: string): Array<{ han: boolean; text: string }> {
  const out: Array<{ han: boolean; text: string }> = [];
  let cur: { han: boolean; text: string } | undefined;
  for (const ch of normalizeSearchText(text)) {
    const han = HAN.test(ch);
    if (!han && !WORD.test(ch)) {
      cur = undefined;
      continue;
    }
    if (!cur || cur.han !== han) {
      cur = { han, text: '' };
      out.push(cur);
    }
    cur.text += ch;
  }
  return out;
}

/** Index keys of a text: each Han character and bigram, each word. */
export function searchGrams(text: string): Set<string> {
  const out = new Set<string>();
  for (const run of searchRuns(text)) {
    if (!run.han) {
      out.add(run.text);
      continue;
    }
    const chars = [...run.text];
    for (let i = 0; i < chars.length; i++) {
      out.add(chars[i]);
      if (i + 1 < chars.length) out.add(chars[i] + chars[i + 1]);
    }
  }
  return out;
}

/** FNV-1a over UTF-16 code units: the browser computes the same shard number. */
export function gramShard(gram: string, shards: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < gram.length; i++) {
    h ^= gram.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

/**
 * Tokenised issues by source content hash (a dev server's rebuilds tokenise only what
 * changed): the issue's documents without their text, and gram → its documents (indices
 * within the issue) — a few thousand map entries an issue instead of a set per article.
 */
interface TokenisedIssue {
  id: string;
  date: string;
  docs: Array<Omit<SearchSource['docs'][number], 'text'>>;
  postings: Map<string, number[]>;
}
const tokenCache = new Map<string, TokenisedIssue>();

function tokenise(source: SearchSource): TokenisedIssue {
  const postings = new Map<string, number[]>();
  source.docs.forEach((d, i) => {
    for (const g of searchGrams(d.title + '\n' + d.text)) {
      const list = postings.get(g);
      if (list) list.push(i);
      else postings.set(g, [i]);
    }
  });
  return { id: source.id, date: source.date, docs: source.docs.map(({ text: _text, ...rest }) => rest), postings };
}

/**
 * Builds the index from the sources in `outDir` and writes it to `<indexDir>/search-index`
 * (by default the site itself; the dev server writes a side folder and swaps it in).
 */
export async function buildSearchIndex(outDir: string, indexDir = outDir): Promise<SearchIndexResult> {
  const started = performance.now();
  const sourceDir = path.join(outDir, SEARCH_SOURCE_DIR);
  const files = existsSync(sourceDir) ? (await readdir(sourceDir)).filter((f) => f.endsWith('.json')).sort() : [];
  const issues: TokenisedIssue[] = [];
  let tokenised = 0;
  for (const file of files) {
    const raw = await readFile(path.join(sourceDir, file), 'utf8');
    const hash = createHash('sha256').update(raw).digest('hex');
    let entry = tokenCache.get(hash);
    if (!entry) {
      entry = tokenise(JSON.parse(raw) as SearchSource);
      tokenCache.set(hash, entry);
      tokenised++;
    }
    issues.push(entry);
  }
  // Oldest first: document numbers grow with time, so a date sort is a number sort.
  issues.sort((a, b) => (a.date === b.date ? (a.id < b.id ? -1 : 1) : a.date < b.date ? -1 : 1));
  // Drop cache entries of sources that are gone (an edited issue's previous version).
  const live = new Set(issues);
  for (const [hash, entry] of tokenCache) if (!live.has(entry)) tokenCache.delete(hash);

  const pageNames: string[] = [];
  const nameIndex = new Map<string, number>();
  const docs: Array<[number, number, number, string, string]> = [];
  const postings = new Map<string, number[]>();
  issues.forEach((issue, issueIdx) => {
    const first = docs.length;
    for (const doc of issue.docs) {
      if (!nameIndex.has(doc.name)) {
        nameIndex.set(doc.name, pageNames.length);
        pageNames.push(doc.name);
      }
      docs.push([issueIdx, doc.page, nameIndex.get(doc.name)!, doc.url, doc.title]);
    }
    for (const [g, locals] of issue.postings) {
      let list = postings.get(g);
      if (!list) postings.set(g, (list = []));
      for (const i of locals) list.push(first + i);
    }
  });

  // Shard count: a power of two that keeps a shard near 32 KB (≈ 3 bytes a posting).
  let total = 0;
  for (const [g, list] of postings) total += g.length * 3 + 4 + list.length * 3;
  let shards = 8;
  while (shards < 4096 && total / shards > 32_000) shards *= 2;
  const buckets: Array<Array<[string, string]>> = Array.from({ length: shards }, () => []);
  for (const [g, list] of postings) buckets[gramShard(g, shards)].push([g, encodePostings(list)]);

  const target = path.join(indexDir, SEARCH_INDEX_DIR);
  await rm(target, { recursive: true, force: true });
  await mkdir(path.join(target, 'g'), { recursive: true });
  const shardFiles: string[] = [];
  let bytes = 0;
  for (let n = 0; n < shards; n++) {
    const bucket = buckets[n].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const json = JSON.stringify(Object.fromEntries(bucket));
    const name = `g/${n}.${createHash('sha256').update(json).digest('hex').slice(0, 10)}.json`;
    await writeFile(path.join(target, name), json);
    shardFiles.push(name);
    bytes += Buffer.byteLength(json);
  }
  const manifest = JSON.stringify({
    version: 1,
    shards: shardFiles,
    issues: issues.map((i) => [i.id, i.date]),
    pageNames,
    // [issue index, page number, page name index, site-relative URL, headline]
    docs,
  });
  await writeFile(path.join(target, 'manifest.json'), manifest);
  bytes += Buffer.byteLength(manifest);
  return { pages: files.length, indexed: docs.length, tokenised, shards, bytes, manifestBytes: Buffer.byteLength(manifest), ms: performance.now() - started };
}

/** Ascending document numbers as base-36 gaps: `3,1,a` = 3, 4, 14. */
export function encodePostings(ids: number[]): string {
  let prev = 0;
  return ids.map((id) => {
    const gap = id - prev;
    prev = id;
    return gap.toString(36);
  }).join(',');
}

export function decodePostings(s: string): number[] {
  let prev = 0;
  return s.split(',').map((g) => (prev += parseInt(g, 36)));
}

/**
 * Answers a query from a written index the way the search page does (runs of 1–2 Han
 * characters and words from the postings; longer Han runs checked in the issue source's
 * text). For tests and tools; returns site-relative URLs, newest first.
 */
export async function querySearchIndex(siteDir: string, query: string): Promise<Array<{ url: string; title: string; date: string }>> {
  const dir = path.join(siteDir, SEARCH_INDEX_DIR);
  const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as {
    shards: string[];
    issues: Array<[string, string]>;
    docs: Array<[number, number, number, string, string]>;
  };
  const runs = searchRuns(query);
  if (!runs.length) return [];
  let ids: number[] | undefined;
  for (const run of runs) {
    const chars = [...run.text];
    const grams = !run.han ? [run.text] : chars.length === 1 ? chars : chars.slice(1).map((c, i) => chars[i] + c);
    for (const g of grams) {
      const shard = JSON.parse(await readFile(path.join(dir, manifest.shards[gramShard(g, manifest.shards.length)]), 'utf8')) as Record<string, string>;
      const list = Object.hasOwn(shard, g) ? decodePostings(shard[g]) : [];
      ids = ids ? ids.filter((id) => list.includes(id)) : list;
    }
  }
  const texts = new Map<string, string>();
  const textOf = async (issueIdx: number, url: string) => {
    const id = manifest.issues[issueIdx][0];
    if (!texts.has(id)) {
      const source = JSON.parse(await readFile(path.join(siteDir, SEARCH_SOURCE_DIR, `${id}.json`), 'utf8')) as SearchSource;
      for (const d of source.docs) texts.set(d.url, normalizeSearchText(d.title + '\n' + d.text));
      texts.set(id, '');
    }
    return texts.get(url) ?? '';
  };
  const out = [];
  for (const id of (ids ?? []).sort((a, b) => b - a)) {
    const [issueIdx, , , url, title] = manifest.docs[id];
    if (runs.some((r) => r.han && [...r.text].length > 2)) {
      const text = await textOf(issueIdx, url);
      if (!runs.every((r) => !r.han || text.includes(r.text))) continue;
    }
    out.push({ url, title, date: manifest.issues[issueIdx][1] });
  }
  return out;
}
