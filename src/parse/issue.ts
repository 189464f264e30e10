/**
 * Files and folders: one page file (read, decode, parse), one issue folder
 * (`issue.yaml` + numbered page files), or a folder of issues.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Issue, Page } from '../ast/types.js';
import { BanmianError } from '../errors.js';
import type { VFile } from 'vfile';
import { decodePageBytes } from './decode.js';
import { parseYamlFile } from './frontmatter.js';
import { parsePage } from './page.js';

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

export async function parsePageFile(
  file: string,
  opts: { number?: number; root?: string } = {},
): Promise<{ page: Page; file: VFile }> {
  const root = opts.root ?? process.cwd();
  const name = relativeName(file, root);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path.resolve(root, file));
  } catch (err) {
    throw new BanmianError(`cannot read page file: ${ioReason(err)}`, { file: name });
  }
  const { text, warnings } = decodePageBytes(bytes, name);
  const fromName = PAGE_FILE.exec(path.basename(file));
  const result = parsePage(text, { file: name, number: opts.number ?? (fromName ? Number(fromName[1]) : undefined) });
  // A page without a name in its text or front matter takes it from its file name (`04-专题.txt` → 专题).
  if (!result.page.name) {
    const fallback = path.basename(file).replace(/\.(md|txt)$/i, '').replace(/^\d+[\s._\-—·]*/, '').trim();
    if (fallback && !/^\d+$/.test(fallback)) result.page.name = fallback;
  }
  for (const w of warnings) {
    result.file.message(w.message, { place: { line: w.line, column: w.column }, ruleId: w.ruleId, source: 'banmian' });
  }
  return result;
}

const PAGE_FILE = /^(\d+).*\.(md|txt)$/i;

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

export async function loadIssue(dir: string, opts: { root?: string } = {}): Promise<{ issue: Issue; files: VFile[] }> {
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
      throw new BanmianError(isDir ? 'issue folder has no issue.yaml' : 'no such issue folder', { file: dirName });
    }
    throw new BanmianError(`cannot read issue.yaml: ${ioReason(err)}`, { file: yamlName });
  }
  const { value, lineOfKey } = parseYamlFile(yamlText.replace(/^\ufeff/, ''), yamlName);
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new BanmianError('issue.yaml must hold `date: YYYY-MM-DD` and `number: <期号>`', { file: yamlName, line: 1 });
  }
  const data = value as Record<string, unknown>;
  if (!('date' in data)) throw new BanmianError('issue.yaml has no `date` (YYYY-MM-DD)', { file: yamlName, line: 1 });
  const date = isoDate(data.date);
  if (!date) throw new BanmianError(`issue.yaml: date must be YYYY-MM-DD, got ${JSON.stringify(String(data.date))}`, { file: yamlName, line: lineOfKey('date') });
  if (!('number' in data)) throw new BanmianError('issue.yaml has no `number` (期号)', { file: yamlName, line: 1 });
  const number = positiveInt(data.number);
  if (number === undefined) throw new BanmianError('issue.yaml: number (期号) must be a positive whole number', { file: yamlName, line: lineOfKey('number') });
  let total: number | undefined;
  if ('total' in data && data.total !== null && data.total !== undefined) {
    total = positiveInt(data.total);
    if (total === undefined) throw new BanmianError('issue.yaml: total (总期号) must be a positive whole number', { file: yamlName, line: lineOfKey('total') });
  }
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) if (k !== 'date' && k !== 'number' && k !== 'total') meta[k] = v;

  const entries = await readdir(absDir, { withFileTypes: true });
  const pageFiles = entries
    .filter((e) => e.isFile() && PAGE_FILE.test(e.name))
    .map((e) => ({ name: e.name, n: Number(PAGE_FILE.exec(e.name)![1]) }))
    .sort((a, b) => a.n - b.n || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const pages: Page[] = [];
  const files: VFile[] = [];
  const seen = new Map<number, string>();
  for (const pf of pageFiles) {
    const { page, file } = await parsePageFile(path.join(absDir, pf.name), { number: pf.n, root });
    const other = seen.get(page.number);
    if (other) throw new BanmianError(`duplicate page number ${page.number} (also ${other})`, { file: page.file });
    seen.set(page.number, page.file);
    pages.push(page);
    files.push(file);
  }
  const issue: Issue = {
    type: 'issue',
    id: path.basename(absDir),
    date,
    number,
    dir: absDir,
    children: pages,
    meta,
    position: { start: { line: 1, column: 1, offset: 0 }, end: endPoint(yamlText) },
  };
  if (total !== undefined) issue.total = total;
  return { issue, files };
}

function endPoint(text: string) {
  const lines = text.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1, offset: text.length };
}

export async function loadIssues(
  issuesDir: string,
  opts: { ids?: string[]; root?: string } = {},
): Promise<{ issues: Issue[]; files: VFile[] }> {
  const root = opts.root ?? process.cwd();
  const absDir = path.resolve(root, issuesDir);
  let entries;
  try {
    entries = await readdir(absDir, { withFileTypes: true });
  } catch (err) {
    throw new BanmianError(`cannot read issues folder: ${ioReason(err)}`, { file: relativeName(issuesDir, root) });
  }
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  const wanted = opts.ids?.length ? opts.ids : undefined;
  const issues: Issue[] = [];
  const files: VFile[] = [];
  if (wanted) {
    for (const id of wanted) {
      if (!folders.includes(id)) throw new BanmianError('no such issue folder', { file: relativeName(path.join(absDir, id), root) });
      const r = await loadIssue(path.join(absDir, id), { root });
      issues.push(r.issue);
      files.push(...r.files);
    }
  } else {
    for (const name of folders.sort()) {
      const dir = path.join(absDir, name);
      const hasYaml = await stat(path.join(dir, 'issue.yaml')).then((s) => s.isFile(), () => false);
      if (!hasYaml) continue;
      const r = await loadIssue(dir, { root });
      issues.push(r.issue);
      files.push(...r.files);
    }
  }
  // page files right in the folder but no issue in it: an issue folder missing its issue.yaml
  if (!wanted && !issues.length && entries.some((e) => e.isFile() && PAGE_FILE.test(e.name))) {
    throw new BanmianError('issue folder has no issue.yaml', { file: relativeName(issuesDir, root) });
  }
  issues.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { issues, files };
}
