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
import { link, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
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
  /** Segments (`segmentKey`), and how many were merged again in this call. */
  segments: number;
  segmentsMerged: number;
  shards: number;
  /** Files written in this call (the others were already there, or linked from the live index). */
  filesWritten: number;
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
 * The issues of a segment, tiered by age so that a query over a long archive reads few
 * segments (one shard per gram per segment) while an edit or a new issue still touches a
 * small one: the newest issue's month is a segment of its own; the rest of its year goes
 * by quarter (`2026-Q3`); earlier years by fixed five-year blocks (`2020-2024`, aligned so
 * a block's key never changes). Twenty years of issues: at most 1 + 4 + 5 segments (was
 * 12 months + 19 years). A month moves into its quarter when the next month's first issue
 * comes, a year into its block when the next year's does: those segments are merged
 * again once then.
 */
export function segmentKey(date: string, latestDate: string): string {
  const year = date.slice(0, 4);
  if (year < latestDate.slice(0, 4)) {
    const start = Number(year) - (Number(year) % 5);
    return `${start}-${start + 4}`;
  }
  if (date.slice(0, 7) === latestDate.slice(0, 7)) return date.slice(0, 7);
  return `${year}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

/** A written segment: file name → JSON, and its shard names in order. */
interface SegmentFiles {
  shards: string[];
  files: Map<string, string>;
}
/** Segments by the hash of their issues' sources (a dev server's rebuild re-merges only the edited issue's segment). */
const segmentCache = new Map<string, SegmentFiles>();

/** Title grams and page names share the shards with the text grams, under prefixes no gram has. */
const TITLE_PREFIX = '#';
const PAGE_PREFIX = '@';

function buildSegment(key: string, issues: TokenisedIssue[]): SegmentFiles {
  const postings = new Map<string, number[]>();
  const push = (g: string, id: number) => {
    const list = postings.get(g);
    if (!list) postings.set(g, [id]);
    else if (list[list.length - 1] !== id) list.push(id);
  };
  let first = 0;
  for (const issue of issues) {
    for (const [g, locals] of issue.postings) for (const i of locals) push(g, first + i);
    issue.docs.forEach((doc, i) => {
      for (const g of searchGrams(doc.title)) push(TITLE_PREFIX + g, first + i);
      if (doc.name) push(PAGE_PREFIX + doc.name, first + i);
    });
    first += issue.docs.length;
  }
  // Each list is ascending as pushed: text grams issue by issue (ascending within an issue),
  // `#`/`@` keys (never a text gram) document by document.
  // Shard count: a power of two that keeps a shard near 32 KB (≈ 3 bytes a posting).
  let total = 0;
  for (const [g, list] of postings) total += g.length * 3 + 4 + list.length * 3;
  let shards = 1;
  while (shards < 4096 && total / shards > 32_000) shards *= 2;
  const buckets: Array<Array<[string, string]>> = Array.from({ length: shards }, () => []);
  for (const [g, list] of postings) buckets[gramShard(g, shards)].push([g, encodePostings(list)]);
  const files = new Map<string, string>();
  const names: string[] = [];
  buckets.forEach((bucket, n) => {
    bucket.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const json = JSON.stringify(Object.fromEntries(bucket));
    const name = shardFile(key, n, createHash('sha256').update(json).digest('hex').slice(0, 10));
    files.set(name, json);
    names.push(name);
  });
  return { shards: names, files };
}

/**
 * Builds the index from the sources in `outDir` and writes it to `<indexDir>/search-index`
 * (by default the site itself; the dev server writes a side folder and swaps it in).
 *
 * Layout (version 2): `manifest.json` lists the segments (`segmentKey`: the newest month, the
 * newest year's other quarters, five-year blocks before it), each with its shard files and its issues (id, date, number of articles,
 * documents file, by content hash); it holds no headline or URL, so it stays small. The
 * documents of an issue (page, page name, URL, headline) are in `d/<issue>.<hash>.json`,
 * fetched only for the results shown or checked. Shards `s/<segment>/<n>.<hash>.json`
 * map a gram to ascending article numbers within the segment (base-36 gaps); `#gram` are
 * headline grams (relevance), `@name` the articles of a page name (the 版面 filter).
 * Every file is named by its content: a segment that did not change keeps its files, and
 * files already in the index folder (or in `<outDir>/search-index` when writing elsewhere)
 * are kept or linked, not written again.
 */
export async function buildSearchIndex(outDir: string, indexDir = outDir): Promise<SearchIndexResult> {
  const started = performance.now();
  const sourceDir = path.join(outDir, SEARCH_SOURCE_DIR);
  const files = existsSync(sourceDir) ? (await readdir(sourceDir)).filter((f) => f.endsWith('.json')).sort() : [];
  const issues: Array<TokenisedIssue & { hash: string }> = [];
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
    issues.push({ ...entry, hash });
  }
  // Oldest first: article numbers grow with time, so a date sort is a number sort.
  issues.sort((a, b) => (a.date === b.date ? (a.id < b.id ? -1 : 1) : a.date < b.date ? -1 : 1));
  // Drop cache entries of sources that are gone (an edited issue's previous version).
  const liveHashes = new Set(issues.map((i) => i.hash));
  for (const hash of tokenCache.keys()) if (!liveHashes.has(hash)) tokenCache.delete(hash);

  const latestDate = issues.length ? issues[issues.length - 1].date : '';
  const segments: Array<{ key: string; issues: typeof issues }> = [];
  for (const issue of issues) {
    const key = segmentKey(issue.date, latestDate);
    const last = segments[segments.length - 1];
    if (last?.key === key) last.issues.push(issue);
    else segments.push({ key, issues: [issue] });
  }

  const out = new Map<string, string>();
  const manifestSegments = [];
  const liveSegments = new Set<string>();
  let merged = 0;
  for (const seg of segments) {
    const segHash = createHash('sha256').update(FORMAT).update(seg.key).update(seg.issues.map((i) => i.hash).join(',')).digest('hex');
    liveSegments.add(segHash);
    let built = segmentCache.get(segHash);
    if (!built) {
      built = buildSegment(seg.key, seg.issues);
      segmentCache.set(segHash, built);
      merged++;
    }
    for (const [name, json] of built.files) out.set(name, json);
    const issueRows = seg.issues.map((issue) => {
      const json = JSON.stringify(issue.docs.map((d) => [d.page, d.name, d.url, d.title]));
      const hash = createHash('sha256').update(json).digest('hex').slice(0, 10);
      out.set(docsFile(issue.id, hash), json);
      return [issue.id, issue.date, issue.docs.length, hash];
    });
    // Shards by their content hash only: the file is s/<segment>/<n>.<hash>.json.
    manifestSegments.push({ key: seg.key, shards: built.shards.map((name) => /\.([0-9a-f]+)\.json$/.exec(name)![1]), issues: issueRows });
  }
  for (const hash of segmentCache.keys()) if (!liveSegments.has(hash)) segmentCache.delete(hash);
  const manifest = JSON.stringify({ version: 2, segments: manifestSegments });
  out.set('manifest.json', manifest);

  const written = await writeIndexFiles(path.join(indexDir, SEARCH_INDEX_DIR), path.join(outDir, SEARCH_INDEX_DIR), out);
  let bytes = 0;
  for (const json of out.values()) bytes += Buffer.byteLength(json);
  return {
    pages: files.length,
    indexed: issues.reduce((n, i) => n + i.docs.length, 0),
    tokenised,
    segments: segments.length,
    segmentsMerged: merged,
    shards: manifestSegments.reduce((n, s) => n + s.shards.length, 0),
    filesWritten: written,
    bytes,
    manifestBytes: Buffer.byteLength(manifest),
    ms: performance.now() - started,
  };
}

/** Where the manifest's hashes point (the search page's script builds the same names). */
export function shardFile(segment: string, n: number, hash: string): string {
  return `s/${segment}/${n}.${hash}.json`;
}
export function docsFile(issueId: string, hash: string): string {
  return `d/${issueId}.${hash}.json`;
}

/** Version of the index layout, part of every segment's cache key. */
const FORMAT = 'search-index-2';

/**
 * Makes `target` hold exactly `files`: a file whose (content-hashed) name is already there
 * stays; one in `existing` (the live index, when building into a side folder) is
 * hard-linked; the rest are written; files no longer listed are removed. The manifest is
 * written last, so a reader never sees a manifest naming a missing file. Returns how many
 * files were written.
 */
async function writeIndexFiles(target: string, existing: string, files: Map<string, string>): Promise<number> {
  const have = new Set<string>();
  await mkdir(target, { recursive: true });
  for (const e of await readdir(target, { recursive: true, withFileTypes: true }))
    if (e.isFile()) have.add(path.relative(target, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
  let written = 0;
  for (const [name, json] of files) {
    if (name === 'manifest.json' || have.has(name)) continue;
    const to = path.join(target, name);
    await mkdir(path.dirname(to), { recursive: true });
    if (existing !== target && existsSync(path.join(existing, name))) {
      try {
        await link(path.join(existing, name), to);
        continue;
      } catch {
        // another file system: write it
      }
    }
    await writeFile(to, json);
    written++;
  }
  await writeFile(path.join(target, 'manifest.json'), files.get('manifest.json')!);
  written++;
  for (const name of have) if (!files.has(name)) await rm(path.join(target, name), { force: true });
  return written;
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

interface Manifest {
  version: number;
  segments: Array<{ key: string; shards: string[]; issues: Array<[string, string, number, string]> }>;
}

/**
 * Answers a query from a written index the way the search page does (runs of 1–2 Han
 * characters and words from the postings; longer Han runs checked in the issue source's
 * text; `ban` keeps articles of that page name). For tests and tools; returns
 * site-relative URLs, newest first, and the files it read from the index.
 */
export async function querySearchIndex(siteDir: string, query: string, opts: { ban?: string } = {}): Promise<Array<{ url: string; title: string; date: string }>> {
  return (await querySearchIndexWithFiles(siteDir, query, opts)).results;
}

export async function querySearchIndexWithFiles(
  siteDir: string,
  query: string,
  opts: { ban?: string } = {},
): Promise<{ results: Array<{ url: string; title: string; date: string }>; filesRead: string[] }> {
  const dir = path.join(siteDir, SEARCH_INDEX_DIR);
  const filesRead: string[] = [];
  const readJson = async <T>(name: string): Promise<T> => {
    filesRead.push(name);
    return JSON.parse(await readFile(path.join(dir, name), 'utf8')) as T;
  };
  const manifest = await readJson<Manifest>('manifest.json');
  const runs = searchRuns(query);
  if (!runs.length) return { results: [], filesRead };
  // Global article number = segment base + number within the segment; issue of each article.
  const segBase: number[] = [];
  const docIssue: Array<[string, string, string, number]> = []; // [issue id, date, docs file, index in issue]
  for (const seg of manifest.segments) {
    segBase.push(docIssue.length);
    for (const [id, date, count, hash] of seg.issues) for (let i = 0; i < count; i++) docIssue.push([id, date, docsFile(id, hash), i]);
  }
  const shardCache = new Map<string, Promise<Record<string, string>>>();
  const postings = async (gram: string) => {
    const lists = await Promise.all(
      manifest.segments.map(async (seg, s) => {
        const n = gramShard(gram, seg.shards.length);
        const file = shardFile(seg.key, n, seg.shards[n]);
        if (!shardCache.has(file)) shardCache.set(file, readJson(file));
        const shard = await shardCache.get(file)!;
        return Object.hasOwn(shard, gram) ? decodePostings(shard[gram]).map((id) => segBase[s] + id) : [];
      }),
    );
    return lists.flat();
  };
  const grams = runs.flatMap((run) => {
    const chars = [...run.text];
    return !run.han ? [run.text] : chars.length === 1 ? chars : chars.slice(1).map((c, i) => chars[i] + c);
  });
  if (opts.ban) grams.push(PAGE_PREFIX + opts.ban);
  let ids: number[] | undefined;
  for (const g of grams) {
    const list = new Set(await postings(g));
    ids = (ids ?? [...list]).filter((id) => list.has(id));
  }
  const docsCache = new Map<string, Promise<Array<[number, string, string, string]>>>();
  const docOf = async (id: number) => {
    const [, , file, i] = docIssue[id];
    if (!docsCache.has(file)) docsCache.set(file, readJson(file));
    return (await docsCache.get(file)!)[i];
  };
  const texts = new Map<string, string>();
  const textOf = async (issueId: string, url: string) => {
    if (!texts.has(issueId)) {
      const source = JSON.parse(await readFile(path.join(siteDir, SEARCH_SOURCE_DIR, `${issueId}.json`), 'utf8')) as SearchSource;
      for (const d of source.docs) texts.set(d.url, normalizeSearchText(d.title + '\n' + d.text));
      texts.set(issueId, '');
    }
    return texts.get(url) ?? '';
  };
  const results = [];
  for (const id of (ids ?? []).sort((a, b) => b - a)) {
    const [, , url, title] = await docOf(id);
    const [issueId, date] = docIssue[id];
    if (runs.some((r) => r.han && [...r.text].length > 2)) {
      const text = await textOf(issueId, url);
      if (!runs.every((r) => !r.han || text.includes(r.text))) continue;
    }
    results.push({ url, title, date });
  }
  return { results, filesRead };
}
