/**
 * The print record of a published issue (`archive/<issue>/`, next to the issues folder):
 * what went to the press, frozen. A build never lays a published issue out again; it
 * copies the record's files into the output after checking them against the record's
 * manifest (`record.json`).
 *
 * ```
 * archive/2026-11-20/
 *   record.json                  manifest: digests of sources and files, banmian version, history
 *   layout.json                  the print files, at the paths they have under dist/<issue>/
 *   2026-11-20.pdf
 *   01/2026-11-20-01.pdf  01/page.png  01/thumb.png  …
 *   press/20261120-01.pdf …      the press files, when they were made before publishing
 *   source/issue.yaml  source/01-要闻.md  …   the page texts as published (to name the first changed line)
 *   01/page.<hash>.768.webp …  images/…  the web edition's page-image copies and resized photos
 * ```
 *
 * Sources are the issue folder's files; `issue.yaml` is compared without its `published:`
 * and `corrections:` keys (publishing and a later 更正 do not change what was printed).
 *
 * What a build checks (hashing 16 GB of print files every build does not scale): every
 * listed file is there with the byte size `record.json` gives it, and `layout.json` and
 * `pages.json` (read anyway) match their sha256. A file whose bytes changed but not its size passes here; the
 * full check (`banmian build --verify-records`, and any record without sizes) hashes every
 * file. Either way a mismatch is one line naming the file.
 */
import { issueFolder } from '../ast/issue-folder.js';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Issue } from '../ast/types.js';
import { paths } from '../build/context.js';
import { BanmianError } from '../errors.js';
import type { IssueLayout } from '../layout/types.js';

export const RECORD_FILE = 'record.json';
/** Parsed pages of the issue (src/archive/page-cache.ts). */
export const PAGES_FILE = 'pages.json';
export const RECORD_VERSION = 1;
/** `issue.yaml` keys that are not part of what was printed. */
const UNPRINTED_KEYS = ['published', 'corrections'];

export interface RecordManifest {
  record: number;
  issue: string;
  /** When the issue was first published (ISO timestamp). */
  published: string;
  /** banmian version and code digest that laid out the files of this record. */
  banmian: string;
  /** Browser the PDFs were made with (from layout.json). */
  browser: string;
  /** Issue-folder-relative source path → sha256 (issue.yaml without its unprinted keys). */
  sources: Record<string, string>;
  /** Record-relative print file path → sha256 (layout.json, PDFs, page images, press files). */
  files: Record<string, string>;
  /**
   * The web edition's copies of the page images (WebP/AVIF) and resized photos, at their
   * output paths → sha256: a clean build links them instead of encoding 8,000 pages again.
   * Derived data, frozen with the print output (the web templates are still rendered afresh).
   */
  web?: Record<string, string>;
  /** sha256 of `pages.json`, the pages as parsed when published (src/archive/page-cache.ts); not a print file. */
  parsed?: string;
  /** Byte size of every file of `files`, `web` and `pages.json` (records without it are checked by full digests). */
  sizes?: Record<string, number>;
  /** Every (re)publication, oldest first. */
  history: Array<{ at: string; banmian: string; reason: string }>;
}

/** The archive folder of an issues folder: `archive/` beside it. */
export function archiveDirFor(issuesDir: string): string {
  return path.join(path.dirname(path.resolve(issuesDir)), 'archive');
}

export function recordDir(archiveDir: string, issueId: string): string {
  return path.join(archiveDir, issueId);
}

export function isPublished(issue: Pick<Issue, 'meta'>): boolean {
  return issue.meta?.published !== undefined && issue.meta.published !== null && issue.meta.published !== false;
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `issue.yaml` as far as print is concerned: the unprinted top-level keys blanked (line numbers kept), trailing blank lines dropped. */
export function printedYaml(text: string): string {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let skipping = false;
  const out = lines.map((line) => {
    const topKey = /^([A-Za-z_][\w-]*)\s*:/.exec(line);
    if (topKey) skipping = UNPRINTED_KEYS.includes(topKey[1]);
    else if (skipping && line.trim() !== '' && !/^[\s-]/.test(line)) skipping = false;
    return skipping ? '' : line;
  });
  while (out.length && out[out.length - 1].trim() === '') out.pop();
  return out.join('\n') + '\n';
}

/** Every file of an issue folder (sorted, relative, `/`-separated), skipping dot-files. */
export async function sourceFiles(issueDir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, rel: string) => {
    const entries = (await readdir(d, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(d, e.name), r);
      else out.push(r);
    }
  };
  await walk(issueDir, '');
  return out;
}

/** The bytes a source is compared by (issue.yaml: its printed part). */
async function sourceBytes(issueDir: string, rel: string): Promise<Buffer> {
  const bytes = await readFile(path.join(issueDir, rel));
  return rel === 'issue.yaml' ? Buffer.from(printedYaml(bytes.toString('utf8'))) : bytes;
}

export async function sourceDigests(issueDir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const rel of await sourceFiles(issueDir)) out[rel] = sha256(await sourceBytes(issueDir, rel));
  return out;
}

/** Text sources are kept in the record so that a later edit can be named by its line. */
export function isTextSource(rel: string): boolean {
  return rel === 'issue.yaml' || /\.(md|markdown|txt)$/i.test(rel);
}

/** Record-relative paths of the print files a layout lists. */
export function recordPrintFiles(issueId: string, layout: IssueLayout): string[] {
  const prefix = `${paths.issueDir(issueId)}/`;
  return [paths.layoutJson(issueId), `${prefix}${layout.pdf}`, ...layout.pages.flatMap((p) => [`${prefix}${p.pdf}`, `${prefix}${p.image}`, `${prefix}${p.thumb}`])].map((f) => f.slice(prefix.length));
}

/** Reads and checks the shape of a record's manifest; a missing or malformed one is a one-line error naming it. */
export async function readRecord(archiveDir: string, issueId: string, shown: (file: string) => string): Promise<RecordManifest> {
  const file = path.join(recordDir(archiveDir, issueId), RECORD_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BanmianError(
      code === 'ENOENT' || code === 'ENOTDIR' ? `issue ${issueId} is published but its print record is missing (restore archive/${issueId}/ or publish it again: banmian publish --again ${issueId} --reason "…")` : `cannot read the print record (${code})`,
      { file: shown(file) },
    );
  }
  let m: RecordManifest;
  try {
    m = JSON.parse(text) as RecordManifest;
  } catch {
    throw new BanmianError('the print record is not valid JSON', { file: shown(file) });
  }
  const isMap = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
  const isSizes = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => Number.isInteger(x) && (x as number) >= 0);
  if (m?.record !== RECORD_VERSION || m.issue !== issueId || !isMap(m.sources) || !isMap(m.files) || (m.web !== undefined && !isMap(m.web)) || (m.sizes !== undefined && !isSizes(m.sizes)) || (m.parsed !== undefined && typeof m.parsed !== 'string') || !Array.isArray(m.history)) {
    throw new BanmianError(`not a print record of issue ${issueId} (record version ${RECORD_VERSION})`, { file: shown(file) });
  }
  for (const rel of [...Object.keys(m.files), ...Object.keys(m.web ?? {})]) {
    if (rel.split('/').some((s) => s === '..' || s === '') || path.isAbsolute(rel)) throw new BanmianError(`the print record lists a file outside its folder: ${rel}`, { file: shown(file) });
  }
  return m;
}

/**
 * Checks the files of a record against its manifest, the first that is missing or differs
 * being a one-line error naming it. `full`: every file's sha256; otherwise each file's size
 * (sha256 for `layout.json`, `pages.json`, and any file the record gives no size).
 */
export async function verifyRecord(archiveDir: string, record: RecordManifest, shown: (file: string) => string, full = false): Promise<void> {
  const dir = recordDir(archiveDir, record.issue);
  const entries = [...Object.entries(record.files), ...Object.entries(record.web ?? {}), ...(record.parsed ? [[PAGES_FILE, record.parsed] as [string, string]] : [])];
  // Stats (or reads) a few files at once: 8,000 pages are ~100,000 record files.
  await inBatches(entries, 32, async ([rel, want]) => {
    const file = path.join(dir, rel);
    const size = record.sizes?.[rel];
    if (!full && size !== undefined && rel !== 'layout.json' && rel !== PAGES_FILE) {
      const got = await stat(file).then((s) => (s.isFile() ? s.size : -1), () => -1);
      if (got < 0) throw new BanmianError(`file of the print record is missing (record.json lists it)`, { file: shown(file) });
      if (got !== size) throw new BanmianError(`file of the print record does not match its digest in record.json (its size is ${got} bytes, recorded ${size}: changed after publishing)`, { file: shown(file) });
      return;
    }
    let got: string;
    try {
      got = sha256(await readFile(file));
    } catch {
      throw new BanmianError(`file of the print record is missing (record.json lists it)`, { file: shown(file) });
    }
    if (got !== want) throw new BanmianError(`file of the print record does not match its digest in record.json (changed after publishing)`, { file: shown(file) });
  });
}

/** Runs `fn` over `items`, `size` at a time; the first error (in item order within a batch) is thrown. */
async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    const results = await Promise.allSettled(items.slice(i, i + size).map(fn));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/**
 * Where the issue's sources differ from what was published: the first changed file and
 * line (line 1 for a binary file, an added or a removed file), or undefined.
 */
export async function firstSourceDifference(issueDir: string, archiveDir: string, record: RecordManifest): Promise<{ file: string; line: number; what: string } | undefined> {
  const now = await sourceDigests(issueDir);
  const names = [...new Set([...Object.keys(record.sources), ...Object.keys(now)])].sort();
  for (const rel of names) {
    if (record.sources[rel] === now[rel]) continue;
    if (!now[rel]) return { file: rel, line: 1, what: 'removed since publishing' };
    if (!record.sources[rel]) return { file: rel, line: 1, what: 'added since publishing' };
    const kept = path.join(recordDir(archiveDir, record.issue), 'source', rel);
    if (!isTextSource(rel) || !existsSync(kept)) return { file: rel, line: 1, what: 'changed since publishing' };
    const before = (await sourceBytes(path.dirname(kept), path.basename(kept))).toString('utf8').split(/\r?\n/);
    const after = (await sourceBytes(issueDir, rel)).toString('utf8').split(/\r?\n/);
    let i = 0;
    while (i < before.length && i < after.length && before[i] === after[i]) i++;
    return { file: rel, line: i + 1, what: 'changed since publishing' };
  }
  return undefined;
}

/**
 * The print output of a published issue, from its record: checked against the record's
 * digests, hard-linked (or copied) into `toDir` at the output paths; returns the frozen layout. A changed
 * source is reported through `warn` (file and line), never laid out again.
 */
export async function printFromRecord(
  issue: Issue,
  archiveDir: string,
  toDir: string,
  opts: { shown: (file: string) => string; warn: (message: string) => void; verified?: Map<string, string>; fullCheck?: boolean },
): Promise<IssueLayout> {
  const record = await readRecord(archiveDir, issue.id, opts.shown);
  await verifyRecord(archiveDir, record, opts.shown, opts.fullCheck);
  const dir = recordDir(archiveDir, issue.id);
  const layout = JSON.parse(await readFile(path.join(dir, 'layout.json'), 'utf8')) as IssueLayout;
  const diff = await firstSourceDifference(issueFolder(issue), archiveDir, record);
  if (diff) {
    opts.warn(
      `${opts.shown(path.join(issueFolder(issue), diff.file))}:${diff.line}: warning: issue ${issue.id} was published ${record.published}; this file ${diff.what}: the print record is kept (to lay it out again: banmian publish --again ${issue.id} --reason "…")`,
    );
  }
  for (const rel of recordPrintFiles(issue.id, layout)) {
    if (!record.files[rel]) throw new BanmianError(`the print record's layout.json lists ${rel}, which record.json does not`, { file: opts.shown(path.join(dir, RECORD_FILE)) });
    const to = path.join(toDir, paths.issueDir(issue.id), rel);
    await mkdir(path.dirname(to), { recursive: true });
    // Hard links: an archive of 8,000 pages is ~16 GB of PDFs and images, not to be copied every build.
    // Nothing writes into an output's print files in place (the dev server leaves published issues alone);
    // should anything, the next build finds the record's digest broken and says so.
    await link(path.join(dir, rel), to).catch(() => copyFile(path.join(dir, rel), to));
    // Checked above: the output's manifest takes the digest instead of reading the file again.
    opts.verified?.set(`${paths.issueDir(issue.id)}/${rel}`, record.files[rel]);
  }
  // The web edition links its page-image copies from the record (src/web/assets.ts, frozen first):
  // where such a file is in the output, it holds the record's bytes, so its digest is known too.
  for (const [rel, sum] of Object.entries(record.web ?? {})) opts.verified?.set(`${paths.issueDir(issue.id)}/${rel}`, sum);
  return layout;
}
