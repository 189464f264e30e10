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
 * edited issue rewrites only its own source). `buildSearchIndex` streams: it reads every
 * source once for its date and documents, then builds the index segment by segment
 * (reading that segment's sources again), writing each shard as soon as it is made, so
 * memory holds one segment's postings at most, never the archive's. A segment whose
 * sources did not change (same hash as in the previous manifest, or in this process's
 * last build) keeps its files and is not tokenised again.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
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
  /** Issue sources tokenised in this call (the others are in segments that did not change). */
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
  /** Bytes of the per-segment issue lists (`i/…`), fetched only for segments with hits. */
  issueListBytes: number;
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

// ---------------------------------------------------------------------------
// Tokenising for the index: the same grams as `searchGrams`, without building strings.
// A Han character is its code point; a Han bigram `a * 0x110000 + b` (a Han code point is
// ≥ 0x2E80, so a bigram key never equals a character's); words stay strings.

const HAN_CLASS = 2;
const WORD_CLASS = 1;
/** Character class of every BMP code point (0 other, 1 letter/digit, 2 Han), filled on first use. */
let bmpClasses: Uint8Array | undefined;
const astralClasses = new Map<number, number>();

function classOf(cp: number): number {
  if (cp < 0x10000) {
    if (!bmpClasses) {
      bmpClasses = new Uint8Array(0x10000);
      for (let c = 0; c < 0x10000; c++) {
        const ch = String.fromCharCode(c);
        bmpClasses[c] = HAN.test(ch) ? HAN_CLASS : WORD.test(ch) ? WORD_CLASS : 0;
      }
    }
    return bmpClasses[cp];
  }
  let k = astralClasses.get(cp);
  if (k === undefined) {
    const ch = String.fromCodePoint(cp);
    k = HAN.test(ch) ? HAN_CLASS : WORD.test(ch) ? WORD_CLASS : 0;
    astralClasses.set(cp, k);
  }
  return k;
}

const BIGRAM = 0x110000;

/** The key of a Han gram as the string the index and the browser use. */
function hanGram(key: number): string {
  return key < BIGRAM ? String.fromCodePoint(key) : String.fromCodePoint(Math.floor(key / BIGRAM), key % BIGRAM);
}

/** Dense ids of the Han code points this process has seen (id + 1; 0 = none), so a bigram key is a small integer. */
let hanIds: Int32Array | undefined;
const hanCodePoints: number[] = [];

function hanId(cp: number): number {
  hanIds ??= new Int32Array(0x110000);
  let id = hanIds[cp];
  if (id === 0) {
    hanCodePoints.push(cp);
    id = hanIds[cp] = hanCodePoints.length;
  }
  return id - 1;
}

/** A bigram of two Han ids below this packs into one small integer (a V8 Smi): `a << 15 | b`. */
const SMALL_ID = 1 << 15;

function grow(a: Int32Array, need: number, fill = 0): Int32Array {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  if (fill) b.fill(fill, a.length);
  return b;
}

/**
 * Posting lists of one segment under construction, in typed arrays: each gram is an entry
 * (a Han character by its id, a bigram by its packed ids, a word by its string); each
 * document appends the entries it has, once each, to one flat array. `finish` turns that
 * into each entry's ascending documents with a counting sort. About 4 bytes a posting while
 * building, 8 while finishing, and few objects for the garbage collector.
 */
class PostingLists {
  private charEntry: Int32Array = new Int32Array(1024); // Han id → entry + 1
  private readonly bigrams = new Map<number, number>(); // packed ids → entry
  private readonly others = new Map<string, number>(); // words (and bigrams of rare ids) → entry
  /** Per entry: its gram as a code (Han: cp or cp1 * BIGRAM + cp2) or, for a string entry, -1 and the string. */
  private readonly codes: number[] = [];
  private readonly strings: Array<string | undefined> = [];
  private lastDoc: Int32Array = new Int32Array(1024).fill(-1);
  private counts: Int32Array = new Int32Array(1024);
  private postings: Int32Array = new Int32Array(1 << 16);
  private used = 0;
  /** Start of each document's run in `postings`. */
  private docStarts: number[] = [];

  private entry(code: number, str: string | undefined): number {
    const e = this.codes.length;
    this.codes.push(code);
    this.strings.push(str);
    if (e >= this.lastDoc.length) {
      this.lastDoc = grow(this.lastDoc, e + 1, -1);
      this.counts = grow(this.counts, e + 1);
    }
    return e;
  }

  private post(e: number, doc: number): void {
    if (this.lastDoc[e] === doc) return;
    this.lastDoc[e] = doc;
    this.counts[e]++;
    if (this.used === this.postings.length) this.postings = grow(this.postings, this.used + 1);
    this.postings[this.used++] = e;
  }

  private han(cp: number, id: number, doc: number): void {
    if (id >= this.charEntry.length) this.charEntry = grow(this.charEntry, id + 1);
    let e = this.charEntry[id] - 1;
    if (e < 0) {
      e = this.entry(cp, undefined);
      this.charEntry[id] = e + 1;
    }
    this.post(e, doc);
  }

  private bigram(cp1: number, id1: number, cp2: number, id2: number, doc: number): void {
    if (id1 < SMALL_ID && id2 < SMALL_ID) {
      const key = (id1 << 15) | id2;
      let e = this.bigrams.get(key);
      if (e === undefined) this.bigrams.set(key, (e = this.entry(cp1 * BIGRAM + cp2, undefined)));
      this.post(e, doc);
    } else this.word(String.fromCodePoint(cp1, cp2), doc);
  }

  private word(word: string, doc: number): void {
    let e = this.others.get(word);
    if (e === undefined) this.others.set(word, (e = this.entry(-1, word)));
    this.post(e, doc);
  }

  /** Every gram of `text` (normalised here) for document `doc`, the next document (ascending): the grams of `searchGrams`. */
  addText(text: string, doc: number): void {
    if (this.docStarts.length <= doc) this.docStarts.push(this.used);
    const norm = normalizeSearchText(text);
    let prevCp = -1; // previous code point when it was Han, else -1
    let prevId = -1;
    let wordStart = -1; // start of the current letter/digit run in `norm`, else -1
    for (let i = 0; i < norm.length; ) {
      const cp = norm.codePointAt(i)!;
      const k = classOf(cp);
      if (k !== WORD_CLASS && wordStart >= 0) {
        this.word(norm.slice(wordStart, i), doc);
        wordStart = -1;
      }
      if (k === HAN_CLASS) {
        const id = hanId(cp);
        this.han(cp, id, doc);
        if (prevCp >= 0) this.bigram(prevCp, prevId, cp, id, doc);
        prevCp = cp;
        prevId = id;
      } else {
        prevCp = -1;
        if (k === WORD_CLASS && wordStart < 0) wordStart = i;
      }
      i += cp > 0xffff ? 2 : 1;
    }
    if (wordStart >= 0) this.word(norm.slice(wordStart), doc);
  }

  /**
   * Appends every entry to `grams` (with `prefix`) and its documents, ascending, as
   * [start, end) into the returned flat array (`ranges` gets start and end per entry).
   */
  finish(prefix: string, grams: string[], ranges: number[], flats: Int32Array[]): void {
    const entries = this.codes.length;
    const offsets = new Int32Array(entries + 1);
    for (let e = 0; e < entries; e++) offsets[e + 1] = offsets[e] + this.counts[e];
    const flat = new Int32Array(this.used);
    const fill = offsets.slice(0, entries);
    const starts = this.docStarts;
    for (let d = 0; d < starts.length; d++) {
      const end = d + 1 < starts.length ? starts[d + 1] : this.used;
      for (let i = starts[d]; i < end; i++) flat[fill[this.postings[i]]++] = d;
    }
    this.postings = new Int32Array(0);
    const f = flats.length;
    flats.push(flat);
    for (let e = 0; e < entries; e++) {
      const code = this.codes[e];
      grams.push(prefix + (code < 0 ? this.strings[e]! : hanGram(code)));
      ranges.push(f, offsets[e], offsets[e + 1]);
    }
  }
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

/** Title grams and page names share the shards with the text grams, under prefixes no gram has. */
const TITLE_PREFIX = '#';
const PAGE_PREFIX = '@';

/** What the first pass keeps of an issue: no text, no headline (its documents file is written then). */
interface IssueRow {
  file: string;
  id: string;
  date: string;
  /** sha256 of the source file. */
  hash: string;
  docs: number;
  /** Content hash of its documents file `d/<id>.<hash>.json`. */
  docsHash: string;
}

/** A segment as written: its number of shards and its issue list's hash. */
interface SegmentFiles {
  shards: number;
  issues: string;
}

/**
 * Segments built by this process, by their sources' hash (a dev server's rebuild re-merges
 * only the edited issue's segment). Only file names: the files are on disk, named by
 * content; a few hundred bytes a segment.
 */
const segmentCache = new Map<string, SegmentFiles>();
/** What the first pass learnt of each source, by its sha256 (about 150 bytes an issue). */
const rowCache = new Map<string, IssueRow>();

/** Forgets the segments this process built (tests: a build as a fresh process would do it). */
export function forgetSearchIndexCache(): void {
  segmentCache.clear();
  rowCache.clear();
}

/**
 * Builds one segment from its issues' sources (read again here, one at a time) and writes
 * its shards as they are made: the segment's posting lists are the only large thing held.
 */
async function buildSegment(key: string, src: string, sourceDir: string, issues: IssueRow[], writer: IndexWriter): Promise<SegmentFiles> {
  const text = new PostingLists();
  const title = new PostingLists();
  const pages = new Map<string, number[]>();
  let doc = 0;
  for (const issue of issues) {
    const source = JSON.parse(await readFile(path.join(sourceDir, issue.file), 'utf8')) as SearchSource;
    for (const d of source.docs) {
      text.addText(d.title + '\n' + d.text, doc);
      title.addText(d.title, doc);
      if (d.name) {
        const list = pages.get(d.name);
        if (!list) pages.set(d.name, [doc]);
        else if (list[list.length - 1] !== doc) list.push(doc);
      }
      doc++;
    }
  }
  // Every entry: its gram (with its prefix) and where its documents are: ranges[3i..3i+2] =
  // flat array, start, end. Pages are few: one flat array of their own.
  const grams: string[] = [];
  const ranges: number[] = [];
  const flats: Int32Array[] = [];
  text.finish('', grams, ranges, flats);
  title.finish(TITLE_PREFIX, grams, ranges, flats);
  const pageDocs: number[] = [];
  for (const [name, list] of pages) {
    grams.push(PAGE_PREFIX + name);
    ranges.push(flats.length, pageDocs.length, pageDocs.length + list.length);
    pageDocs.push(...list);
  }
  flats.push(Int32Array.from(pageDocs));
  // Shard count: a power of two that keeps a shard near 32 KB (≈ 3 bytes a posting).
  let total = 0;
  for (let i = 0; i < grams.length; i++) total += grams[i].length * 3 + 4 + (ranges[3 * i + 2] - ranges[3 * i + 1]) * 3;
  let shards = 1;
  while (shards < 4096 && total / shards > 32_000) shards *= 2;
  // Entries grouped by shard (a counting sort), then each shard sorted by gram, written, dropped.
  const shardOf = new Uint16Array(grams.length);
  const starts = new Uint32Array(shards + 1);
  for (let i = 0; i < grams.length; i++) starts[(shardOf[i] = gramShard(grams[i], shards)) + 1]++;
  for (let n = 0; n < shards; n++) starts[n + 1] += starts[n];
  const order = new Uint32Array(grams.length);
  const fill = starts.slice(0, shards);
  for (let i = 0; i < grams.length; i++) order[fill[shardOf[i]]++] = i;
  for (let n = 0; n < shards; n++) {
    const members = Array.from(order.subarray(starts[n], starts[n + 1]));
    members.sort((a, b) => (grams[a] < grams[b] ? -1 : grams[a] > grams[b] ? 1 : 0));
    const json = shardJson(members.map((i) => grams[i]), members.map((i) => encodeRange(flats[ranges[3 * i]], ranges[3 * i + 1], ranges[3 * i + 2])));
    await writer.put(shardFile(key, src, n), json);
  }
  const issueList = JSON.stringify(issues.map((i) => [i.id, i.date, i.docs, i.docsHash]));
  const issuesHash = contentHash(issueList);
  await writer.put(issuesFile(key, issuesHash), issueList);
  return { shards, issues: issuesHash };
}

/** A canonical array index ("0", "17"; no leading zero, below 2³² − 1): JSON.stringify of an object puts these keys first. */
function isArrayIndex(key: string): boolean {
  return /^(0|[1-9][0-9]{0,9})$/.test(key) && Number(key) < 4294967295;
}

/**
 * A shard's JSON, byte for byte what `JSON.stringify(Object.fromEntries(entries))` gave
 * with `grams` sorted (array-index keys first, ascending; then the rest in order), without
 * building an object of thousands of properties.
 */
function shardJson(grams: string[], values: string[]): string {
  const index: number[] = [];
  const rest: number[] = [];
  for (let i = 0; i < grams.length; i++) (isArrayIndex(grams[i]) ? index : rest).push(i);
  index.sort((a, b) => Number(grams[a]) - Number(grams[b]));
  const parts: string[] = [];
  for (const i of index) parts.push(`${JSON.stringify(grams[i])}:"${values[i]}"`);
  for (const i of rest) parts.push(`${JSON.stringify(grams[i])}:"${values[i]}"`);
  return `{${parts.join(',')}}`;
}

/** Base-36 digits of small gaps, made once (most gaps of a frequent gram are small). */
const BASE36 = Array.from({ length: 4096 }, (_, n) => n.toString(36));

/** `encodePostings` of ids[start, end). */
function encodeRange(ids: Int32Array, start: number, end: number): string {
  let out = '';
  let prev = 0;
  for (let i = start; i < end; i++) {
    const gap = ids[i] - prev;
    prev = ids[i];
    const digits = gap < 4096 ? BASE36[gap] : gap.toString(36);
    out += i > start ? ',' + digits : digits;
  }
  return out;
}

function contentHash(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, 10);
}

/** One segment's row of the manifest (version 3). */
interface ManifestSegment {
  key: string;
  /** First and last issue date. */
  from: string;
  to: string;
  /** Articles in the segment (article numbers are global: each segment starts after the previous). */
  docs: number;
  /** Hash of its sources (what was indexed): a later build keeps the segment's files when it matches. */
  src: string;
  /** Content hash of `i/<key>.<hash>.json`: [issue id, date, articles, documents hash] per issue. */
  issues: string;
  /** Number of its shards, `s/<key>/<src>/<n>.json` (named by the segment's sources hash: they change together). */
  shards: number;
}

/**
 * Builds the index from the sources in `outDir` and writes it to `<indexDir>/search-index`
 * (by default the site itself; the dev server writes a side folder and swaps it in).
 *
 * Layout (version 3): `manifest.json` lists the segments (`segmentKey`: the newest month,
 * the newest year's other quarters, five-year blocks before it), each with its date range,
 * article count, sources hash, shard count and the hash of its issue list: no issue row and
 * no shard name, so it grows with segments only (a few hundred bytes each), and it is all a
 * query reads before its shards. The issue list of
 * a segment, `i/<segment>.<hash>.json` ([id, date, articles, documents hash] per issue), is
 * fetched only when a query has hits in that segment. The documents of an issue (page,
 * page name, URL, headline) are in `d/<issue>.<hash>.json`, fetched only for the results
 * shown or checked. Shards `s/<segment>/<src>/<n>.json` map a gram to ascending article
 * numbers within the segment (base-36 gaps); `#gram` are headline grams (relevance),
 * `@name` the articles of a page name (the 版面 filter). Shards are named by their
 * segment's sources hash (with `FORMAT`: what they are made from), the other files by their
 * content: a segment that did not change keeps its files, and files already in the index
 * folder (or in `<outDir>/search-index` when writing elsewhere) are kept or linked, not
 * written again.
 */
export async function buildSearchIndex(outDir: string, indexDir = outDir): Promise<SearchIndexResult> {
  const started = performance.now();
  const sourceDir = path.join(outDir, SEARCH_SOURCE_DIR);
  const target = path.join(indexDir, SEARCH_INDEX_DIR);
  const live = path.join(outDir, SEARCH_INDEX_DIR);
  const files = existsSync(sourceDir) ? (await readdir(sourceDir)).filter((f) => f.endsWith('.json')).sort() : [];
  const writer = await IndexWriter.open(target, live);
  // Segments of the previous index (the live one): kept when their sources did not change.
  const previous = await readPreviousSegments(target, live);

  // First pass: each source's hash, date and documents file (written now); its text is dropped.
  // A source this process has seen (same hash) is not parsed again.
  const issues: IssueRow[] = [];
  for (const file of files) {
    const raw = await readFile(path.join(sourceDir, file), 'utf8');
    const hash = createHash('sha256').update(raw).digest('hex');
    const known = rowCache.get(hash);
    if (known && (await writer.keepAll([docsFile(known.id, known.docsHash)]))) {
      issues.push({ ...known, file });
      continue;
    }
    const source = JSON.parse(raw) as SearchSource;
    const docsJson = JSON.stringify(source.docs.map((d) => [d.page, d.name, d.url, d.title]));
    const docsHash = contentHash(docsJson);
    await writer.put(docsFile(source.id, docsHash), docsJson);
    const row = { file, id: source.id, date: source.date, hash, docs: source.docs.length, docsHash };
    rowCache.set(hash, row);
    issues.push(row);
  }
  const liveSources = new Set(issues.map((i) => i.hash));
  for (const hash of rowCache.keys()) if (!liveSources.has(hash)) rowCache.delete(hash);
  // Oldest first: article numbers grow with time, so a date sort is a number sort.
  issues.sort((a, b) => (a.date === b.date ? (a.id < b.id ? -1 : 1) : a.date < b.date ? -1 : 1));

  const latestDate = issues.length ? issues[issues.length - 1].date : '';
  const segments: Array<{ key: string; issues: IssueRow[] }> = [];
  for (const issue of issues) {
    const key = segmentKey(issue.date, latestDate);
    const last = segments[segments.length - 1];
    if (last?.key === key) last.issues.push(issue);
    else segments.push({ key, issues: [issue] });
  }

  const manifestSegments: ManifestSegment[] = [];
  const liveSegments = new Set<string>();
  let merged = 0;
  let tokenised = 0;
  for (const seg of segments) {
    const src = createHash('sha256').update(FORMAT).update(seg.key).update(seg.issues.map((i) => i.hash).join(',')).digest('hex').slice(0, 16);
    liveSegments.add(src);
    const names = (kept: SegmentFiles) => [issuesFile(seg.key, kept.issues), ...Array.from({ length: kept.shards }, (_, n) => shardFile(seg.key, src, n))];
    let built = segmentCache.get(src) ?? previous.get(src);
    if (!built || !(await writer.keepAll(names(built)))) {
      built = await buildSegment(seg.key, src, sourceDir, seg.issues, writer);
      merged++;
      tokenised += seg.issues.length;
    }
    segmentCache.set(src, built);
    manifestSegments.push({
      key: seg.key,
      from: seg.issues[0].date,
      to: seg.issues[seg.issues.length - 1].date,
      docs: seg.issues.reduce((n, i) => n + i.docs, 0),
      src,
      issues: built.issues,
      shards: built.shards,
    });
  }
  for (const hash of segmentCache.keys()) if (!liveSegments.has(hash)) segmentCache.delete(hash);
  const manifest = JSON.stringify({ version: 3, segments: manifestSegments });
  const done = await writer.finish(manifest);
  return {
    pages: files.length,
    indexed: issues.reduce((n, i) => n + i.docs, 0),
    tokenised,
    segments: segments.length,
    segmentsMerged: merged,
    shards: manifestSegments.reduce((n, s) => n + s.shards, 0),
    filesWritten: done.written,
    bytes: done.bytes,
    manifestBytes: Buffer.byteLength(manifest),
    issueListBytes: done.bytesUnder('i/'),
    ms: performance.now() - started,
  };
}

/** Segments of the index in `target` (else `live`) by their sources' hash, from its manifest. */
async function readPreviousSegments(target: string, live: string): Promise<Map<string, SegmentFiles>> {
  const out = new Map<string, SegmentFiles>();
  for (const dir of [target, live]) {
    const file = path.join(dir, 'manifest.json');
    if (!existsSync(file)) continue;
    try {
      const m = JSON.parse(await readFile(file, 'utf8')) as { version?: number; segments?: ManifestSegment[] };
      if (m.version !== 3 || !Array.isArray(m.segments)) continue;
      for (const s of m.segments) if (typeof s.src === 'string' && typeof s.issues === 'string' && Number.isInteger(s.shards)) out.set(s.src, { shards: s.shards, issues: s.issues });
    } catch {
      // an unreadable manifest: build every segment
    }
  }
  return out;
}

/** Where the manifest's hashes point (the search page's script builds the same names). */
export function shardFile(segment: string, src: string, n: number): string {
  return `s/${segment}/${src}/${n}.json`;
}
export function docsFile(issueId: string, hash: string): string {
  return `d/${issueId}.${hash}.json`;
}
export function issuesFile(segment: string, hash: string): string {
  return `i/${segment}.${hash}.json`;
}

/**
 * Version of the index layout, part of every segment's sources hash and so of its shards'
 * names: change it whenever what a shard holds for the same sources changes (tokenising,
 * prefixes, encoding), or old shards would be kept under the same names.
 */
const FORMAT = 'search-index-3';

/**
 * Makes `target` hold exactly the files put or kept, as they come (nothing is held in
 * memory): a file whose (content-hashed) name is already there stays; one in `existing`
 * (the live index, when building into a side folder) is hard-linked; the rest are
 * written; files no longer listed are removed at the end. The manifest is written last,
 * so a reader never sees a manifest naming a missing file.
 */
class IndexWriter {
  private readonly listed = new Map<string, number>();
  private readonly madeDirs = new Set<string>();
  private written = 0;

  private constructor(
    private readonly target: string,
    private readonly existing: string,
    private readonly have: Set<string>,
  ) {}

  static async open(target: string, existing: string): Promise<IndexWriter> {
    const have = new Set<string>();
    await mkdir(target, { recursive: true });
    for (const e of await readdir(target, { recursive: true, withFileTypes: true }))
      if (e.isFile()) have.add(path.relative(target, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
    return new IndexWriter(target, existing, have);
  }

  async put(name: string, json: string): Promise<void> {
    if (this.listed.has(name)) return;
    this.listed.set(name, Buffer.byteLength(json));
    if (this.have.has(name) || (await this.link(name))) return;
    const to = path.join(this.target, name);
    await this.mkdirFor(to);
    await writeFile(to, json);
    this.written++;
  }

  /** Keeps files already written (in `target` or linked from `existing`); false when one is missing. */
  async keepAll(names: string[]): Promise<boolean> {
    const sizes: number[] = [];
    for (const name of names) {
      const from = this.have.has(name) ? path.join(this.target, name) : path.join(this.existing, name);
      try {
        sizes.push((await stat(from)).size);
      } catch {
        return false;
      }
    }
    for (let i = 0; i < names.length; i++) {
      if (this.listed.has(names[i])) continue;
      if (!this.have.has(names[i]) && !(await this.link(names[i]))) return false;
      this.listed.set(names[i], sizes[i]);
    }
    return true;
  }

  private async mkdirFor(file: string): Promise<void> {
    const dir = path.dirname(file);
    if (this.madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.madeDirs.add(dir);
  }

  private async link(name: string): Promise<boolean> {
    if (this.existing === this.target || !existsSync(path.join(this.existing, name))) return false;
    const to = path.join(this.target, name);
    await this.mkdirFor(to);
    try {
      await link(path.join(this.existing, name), to);
      return true;
    } catch {
      return false; // another file system: written instead
    }
  }

  async finish(manifest: string): Promise<{ written: number; bytes: number; bytesUnder(prefix: string): number }> {
    await writeFile(path.join(this.target, 'manifest.json'), manifest);
    this.written++;
    this.listed.set('manifest.json', Buffer.byteLength(manifest));
    for (const name of this.have) if (!this.listed.has(name)) await rm(path.join(this.target, name), { force: true });
    let bytes = 0;
    for (const size of this.listed.values()) bytes += size;
    const listed = this.listed;
    return {
      written: this.written,
      bytes,
      bytesUnder(prefix) {
        let n = 0;
        for (const [name, size] of listed) if (name.startsWith(prefix)) n += size;
        return n;
      },
    };
  }
}

/** Ascending document numbers as base-36 gaps: `3,1,a` = 3, 4, 14. */
export function encodePostings(ids: number[]): string {
  let out = '';
  let prev = 0;
  for (let i = 0; i < ids.length; i++) {
    const gap = ids[i] - prev;
    prev = ids[i];
    out += i ? ',' + gap.toString(36) : gap.toString(36);
  }
  return out;
}

export function decodePostings(s: string): number[] {
  let prev = 0;
  return s.split(',').map((g) => (prev += parseInt(g, 36)));
}

interface Manifest {
  version: number;
  segments: ManifestSegment[];
}

/**
 * Answers a query from a written index the way the search page does (runs of 1–2 Han
 * characters and words from the postings; longer Han runs checked in the issue source's
 * text; `ban` keeps articles of that page name; `from`/`to` an issue date range, whose
 * segments outside it are not read). For tests and tools; returns site-relative URLs,
 * newest first, and the files it read from the index, in order.
 */
export async function querySearchIndex(
  siteDir: string,
  query: string,
  opts: { ban?: string; from?: string; to?: string } = {},
): Promise<Array<{ url: string; title: string; date: string }>> {
  return (await querySearchIndexWithFiles(siteDir, query, opts)).results;
}

export async function querySearchIndexWithFiles(
  siteDir: string,
  query: string,
  opts: { ban?: string; from?: string; to?: string } = {},
): Promise<{ results: Array<{ url: string; title: string; date: string }>; filesRead: string[] }> {
  const dir = path.join(siteDir, SEARCH_INDEX_DIR);
  const filesRead: string[] = [];
  const cache = new Map<string, Promise<unknown>>();
  const readJson = <T>(name: string): Promise<T> => {
    if (!cache.has(name)) {
      filesRead.push(name);
      cache.set(name, readFile(path.join(dir, name), 'utf8').then((s) => JSON.parse(s)));
    }
    return cache.get(name) as Promise<T>;
  };
  const manifest = await readJson<Manifest>('manifest.json');
  const runs = searchRuns(query);
  if (!runs.length) return { results: [], filesRead };
  // Global article number = segment base + number within the segment.
  const segBase: number[] = [];
  let n = 0;
  for (const seg of manifest.segments) {
    segBase.push(n);
    n += seg.docs;
  }
  const inRange = (seg: ManifestSegment) => (!opts.from || seg.to >= opts.from) && (!opts.to || seg.from <= opts.to);
  const postings = async (gram: string) => {
    const lists = await Promise.all(
      manifest.segments.map(async (seg, s) => {
        if (!inRange(seg)) return [];
        const n = gramShard(gram, seg.shards);
        const shard = await readJson<Record<string, string>>(shardFile(seg.key, seg.src, n));
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
  // The issue of an article: from its segment's issue list, read only for segments with hits.
  const issueOf = async (id: number): Promise<{ id: string; date: string; docs: string; index: number }> => {
    let s = segBase.length - 1;
    while (segBase[s] > id) s--;
    const seg = manifest.segments[s];
    let local = id - segBase[s];
    for (const [issueId, date, count, hash] of await readJson<Array<[string, string, number, string]>>(issuesFile(seg.key, seg.issues))) {
      if (local < count) return { id: issueId, date, docs: docsFile(issueId, hash), index: local };
      local -= count;
    }
    throw new Error(`search index: article ${id} is in no issue of segment ${seg.key}`);
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
    const issue = await issueOf(id);
    if ((opts.from && issue.date < opts.from) || (opts.to && issue.date > opts.to)) continue;
    const [, , url, title] = (await readJson<Array<[number, string, string, string]>>(issue.docs))[issue.index];
    if (runs.some((r) => r.han && [...r.text].length > 2)) {
      const text = await textOf(issue.id, url);
      if (!runs.every((r) => !r.han || text.includes(r.text))) continue;
    }
    results.push({ url, title, date: issue.date });
  }
  return { results, filesRead };
}
