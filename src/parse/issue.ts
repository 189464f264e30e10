/**
 * Files and folders: one page file (read, decode, parse), one issue folder
 * (`issue.yaml` + numbered page files), or a folder of issues.
 */
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import path from 'node:path';
import type { Issue, Page } from '../ast/types.js';
import { BanmianError } from '../errors.js';
import { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import { parseYamlFile } from './frontmatter.js';
import { parsePageBytes } from './plugin.js';
import { setIssueFolder } from '../ast/issue-folder.js';

function relativeName(file: string, root: string): string {
  const abs = path.resolve(root, file);
  const rel = path.relative(root, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
}

function ioReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a folder, not a page file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ? `cannot be read (${code})` : 'cannot be read';
}

/** A message of a page's parse, as a page cache keeps it. */
export interface PageCacheMessage {
  reason: string;
  /** The message's place as the parser gave it (a point or a position, offsets included). */
  place?: VFileMessage['place'];
  ruleId?: string;
  source?: string;
  fatal?: boolean | null;
  note?: string;
  url?: string;
}

export interface PageCacheHit {
  page: Page;
  messages: PageCacheMessage[];
}

/**
 * Pages parsed before (src/archive/page-cache.ts: kept in print records): what parsing
 * these bytes as page `number` of the issue folder `issueDir` gives, or undefined.
 */
export interface PageCache {
  get(issueDir: string, fileName: string, bytes: Uint8Array, number: number): Promise<PageCacheHit | undefined>;
}

/** The page and VFile a cache hit stands for, as parsePageBytes would have made them. */
function fromCache(hit: PageCacheHit, name: string, bytes: Uint8Array): { page: Page; file: VFile } {
  const file = new VFile({ path: name, value: bytes });
  for (const m of hit.messages) {
    const msg = file.message(m.reason, { place: m.place ?? undefined, ruleId: m.ruleId, source: m.source });
    msg.fatal = m.fatal ?? undefined;
    if (m.note) msg.note = m.note;
    if (m.url) msg.url = m.url;
  }
  hit.page.file = name;
  return { page: hit.page, file };
}

export async function parsePageFile(
  file: string,
  opts: { number?: number; root?: string; cache?: PageCache } = {},
): Promise<{ page: Page; file: VFile }> {
  const root = opts.root ?? process.cwd();
  const name = relativeName(file, root);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path.resolve(root, file));
  } catch (err) {
    throw new BanmianError(`cannot read page file: ${ioReason(err)}`, { file: name, ruleId: 'unreadable-file', cause: err });
  }
  const fromName = PAGE_FILE.exec(path.basename(file));
  const number = opts.number ?? (fromName ? Number(fromName[1]) : undefined);
  const abs = path.resolve(root, file);
  const hit = opts.cache && number !== undefined ? await opts.cache.get(path.dirname(abs), path.basename(abs), bytes, number) : undefined;
  if (hit) return fromCache(hit, name, bytes);
  return parsePageBytes(bytes, { path: name, number });
}

/** A page file: leading page number, `.md`, `.markdown` or `.txt` (`01-要闻.md`). */
export const PAGE_FILE = /^(\d+).*\.(md|markdown|txt)$/i;
const PAGE_EXT = /\.(md|markdown|txt)$/i;

/** A one-line warning about a file or folder that is not read, as a VFile of its own (check and build list it). */
function skipped(name: string, reason: string): VFile {
  const file = new VFile({ path: name });
  file.message(reason, { place: { line: 1, column: 1 }, ruleId: 'skipped-file', source: 'banmian' });
  return file;
}

/**
 * The VFile of a file that failed, holding its BanmianError (a fatal vfile message
 * already: place, ruleId, source), so that `check` lists it and goes on to the next file.
 */
export function errorFile(err: BanmianError, fallbackName: string): VFile {
  const file = new VFile({ path: err.file || fallbackName });
  file.messages.push(err);
  return file;
}

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * What a folder entry is, symlinks followed: a symlink must resolve inside `within`
 * (the issues folder), else it is refused with an error — a page or issue must not be
 * read from elsewhere on the machine.
 */
async function entryKind(dir: string, e: Dirent, within: string, root: string): Promise<'file' | 'dir' | 'other'> {
  if (e.isFile()) return 'file';
  if (e.isDirectory()) return 'dir';
  if (!e.isSymbolicLink()) return 'other';
  const abs = path.join(dir, e.name);
  let target: string;
  try {
    target = await realpath(abs);
  } catch {
    throw new BanmianError('is a broken symbolic link', { file: relativeName(abs, root), ruleId: 'symlink' });
  }
  // The issues folder itself cannot be resolved (removed meanwhile): compare with it as given.
  const realWithin = await realpath(within).catch(() => within);
  if (!inside(target, realWithin)) {
    throw new BanmianError(`is a symbolic link to ${target}, outside the issues folder (copy the file in instead)`, { file: relativeName(abs, root), ruleId: 'symlink' });
  }
  const st = await stat(target);
  return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
}

function positiveInt(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim()) && Number(v) > 0) return Number(v);
  return undefined;
}

function isoDate(v: unknown): string | undefined {
  let s: string | undefined;
  if (v instanceof Date && !Number.isNaN(v.getTime())) s = v.toISOString().slice(0, 10);
  else if (typeof v === 'string') s = v.trim();
  if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return undefined;
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s ? s : undefined;
}

export interface LoadOptions {
  root?: string;
  /**
   * Report a broken page (or issue.yaml) as an error diagnostic in `files` and go on
   * with the next one, instead of throwing (`banmian check` lists every file).
   */
  keepGoing?: boolean;
  /** Pages parsed before, used where they match the page files' bytes (src/archive/page-cache.ts). */
  pageCache?: PageCache;
}

export async function loadIssue(dir: string, opts: LoadOptions & { issuesDir?: string } = {}): Promise<{ issue: Issue; files: VFile[] }> {
  const root = opts.root ?? process.cwd();
  const absDir = path.resolve(root, dir);
  const dirName = relativeName(dir, root);
  const yamlPath = path.join(absDir, 'issue.yaml');
  const yamlName = relativeName(yamlPath, root);
  let yamlText: string;
  try {
    yamlText = await readFile(yamlPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      const isDir = await stat(absDir).then((s) => s.isDirectory(), () => false);
      throw new BanmianError(isDir ? 'issue folder has no issue.yaml' : 'no such issue folder', { file: dirName, ruleId: 'no-issue-yaml' });
    }
    throw new BanmianError(`cannot read issue.yaml: ${ioReason(err)}`, { file: yamlName, ruleId: 'unreadable-file', cause: err });
  }
  const { value, lineOfKey } = parseYamlFile(yamlText.replace(/^\ufeff/, ''), yamlName);
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new BanmianError('issue.yaml must hold `date: YYYY-MM-DD` and `number: <期号>`', { file: yamlName, line: 1, ruleId: 'issue-yaml' });
  }
  const data = value as Record<string, unknown>;
  if (!('date' in data)) throw new BanmianError('issue.yaml has no `date` (YYYY-MM-DD)', { file: yamlName, line: 1, ruleId: 'issue-yaml' });
  const date = isoDate(data.date);
  if (!date) throw new BanmianError(`issue.yaml: date must be YYYY-MM-DD, got ${JSON.stringify(String(data.date))}`, { file: yamlName, line: lineOfKey('date'), ruleId: 'issue-yaml' });
  if (!('number' in data)) throw new BanmianError('issue.yaml has no `number` (期号)', { file: yamlName, line: 1, ruleId: 'issue-yaml' });
  const number = positiveInt(data.number);
  if (number === undefined) throw new BanmianError('issue.yaml: number (期号) must be a positive whole number', { file: yamlName, line: lineOfKey('number'), ruleId: 'issue-yaml' });
  let total: number | undefined;
  if ('total' in data && data.total !== null && data.total !== undefined) {
    total = positiveInt(data.total);
    if (total === undefined) throw new BanmianError('issue.yaml: total (总期号) must be a positive whole number', { file: yamlName, line: lineOfKey('total'), ruleId: 'issue-yaml' });
  }
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) if (k !== 'date' && k !== 'number' && k !== 'total') meta[k] = v;

  const entries = await readdir(absDir, { withFileTypes: true });
  const within = opts.issuesDir ? path.resolve(root, opts.issuesDir) : path.dirname(absDir);
  const pageFiles: Array<{ name: string; n: number }> = [];
  const notes: VFile[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.') || e.name === 'issue.yaml') continue;
    const kind = await entryKind(absDir, e, within, root);
    const name = relativeName(path.join(absDir, e.name), root);
    if (kind === 'dir') continue; // images/ and other asset folders
    const m = PAGE_FILE.exec(e.name);
    if (kind === 'file' && m) pageFiles.push({ name: e.name, n: Number(m[1]) });
    else if (kind === 'file' && PAGE_EXT.test(e.name)) notes.push(skipped(name, 'not read as a page: a page file name starts with its page number (e.g. 01-要闻.md)'));
    else if (kind === 'file') notes.push(skipped(name, 'not read as a page: page files end in .md, .markdown or .txt'));
    else notes.push(skipped(name, 'not read: not a regular file'));
  }
  pageFiles.sort((a, b) => a.n - b.n || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const pages: Page[] = [];
  const files: VFile[] = [...notes];
  const seen = new Map<number, string>();
  for (const pf of pageFiles) {
    let parsed;
    try {
      parsed = await parsePageFile(path.join(absDir, pf.name), { number: pf.n, root, cache: opts.pageCache });
    } catch (err) {
      if (!(opts.keepGoing && err instanceof BanmianError)) throw err;
      files.push(errorFile(err, relativeName(path.join(absDir, pf.name), root)));
      continue;
    }
    const { page, file } = parsed;
    const other = seen.get(page.number);
    if (other) throw new BanmianError(`duplicate page number ${page.number} (also ${other})`, { file: page.file, ruleId: 'duplicate-page' });
    seen.set(page.number, page.file);
    pages.push(page);
    files.push(file);
  }
  const issue: Issue = {
    type: 'issue',
    id: path.basename(absDir),
    date,
    number,
    children: pages,
    meta,
    position: { start: { line: 1, column: 1, offset: 0 }, end: endPoint(yamlText) },
  };
  if (total !== undefined) issue.total = total;
  setIssueFolder(issue, absDir);
  return { issue, files };
}

function endPoint(text: string) {
  const lines = text.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1, offset: text.length };
}

export async function loadIssues(
  issuesDir: string,
  opts: LoadOptions & { ids?: string[] } = {},
): Promise<{ issues: Issue[]; files: VFile[] }> {
  const root = opts.root ?? process.cwd();
  const absDir = path.resolve(root, issuesDir);
  let entries;
  try {
    entries = await readdir(absDir, { withFileTypes: true });
  } catch (err) {
    throw new BanmianError(`cannot read issues folder: ${ioReason(err)}`, { file: relativeName(issuesDir, root), ruleId: 'unreadable-folder', cause: err });
  }
  const wanted = opts.ids?.length ? opts.ids : undefined;
  const folders: string[] = [];
  const files: VFile[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    // only the wanted issues' symlinks are followed (and checked) when ids are given
    if (wanted && !wanted.includes(e.name)) continue;
    const kind = await entryKind(absDir, e, absDir, root);
    if (kind === 'dir') folders.push(e.name);
  }
  const issues: Issue[] = [];
  if (wanted) {
    for (const id of wanted) {
      if (!folders.includes(id)) throw new BanmianError('no such issue folder', { file: relativeName(path.join(absDir, id), root), ruleId: 'no-issue-folder' });
      const r = await loadIssue(path.join(absDir, id), { root, issuesDir: absDir, keepGoing: opts.keepGoing, pageCache: opts.pageCache });
      issues.push(r.issue);
      files.push(...r.files);
    }
  } else {
    for (const name of folders.sort()) {
      const dir = path.join(absDir, name);
      const hasYaml = await stat(path.join(dir, 'issue.yaml')).then((s) => s.isFile(), () => false);
      if (!hasYaml) {
        const pagesInside = await readdir(dir).then((names) => names.some((n) => PAGE_FILE.test(n)), () => false);
        // a folder of pages without issue.yaml is an issue the editor forgot to describe; other folders (assets) are not issues
        if (pagesInside) files.push(skipped(relativeName(dir, root), 'not built: this folder has page files but no issue.yaml (date: YYYY-MM-DD, number: N)'));
        continue;
      }
      try {
        const r = await loadIssue(dir, { root, issuesDir: absDir, keepGoing: opts.keepGoing, pageCache: opts.pageCache });
        issues.push(r.issue);
        files.push(...r.files);
      } catch (err) {
        if (!(opts.keepGoing && err instanceof BanmianError)) throw err;
        files.push(errorFile(err, relativeName(dir, root)));
      }
    }
  }
  // page files right in the folder but no issue in it: an issue folder missing its issue.yaml
  if (!wanted && !issues.length && entries.some((e) => e.isFile() && PAGE_FILE.test(e.name))) {
    throw new BanmianError('issue folder has no issue.yaml', { file: relativeName(issuesDir, root), ruleId: 'no-issue-yaml' });
  }
  issues.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { issues, files };
}
