/**
 * The build cache, two levels, both keyed by content hashes and recorded in the output
 * folder's manifest (`.banmian/manifest.json`):
 *
 * 1. The whole output. `outputKey` hashes every input of a build without parsing
 *    anything: the issue folders' files, `templates/`, `styles/`, the resolved config,
 *    the build options, the browser's identity, banmian's code under `src/` and the
 *    locked dependency versions (`package-lock.json`). When it equals the previous build's key and the previous
 *    output is intact (every recorded file there with its recorded size and sha256), the build
 *    hard-links the previous files into its staging folder (copies where links are not
 *    possible) and does nothing else: no parse, no render, no search index, no browser.
 * 2. The print output per issue. Print work is the slow part (a browser, layout
 *    passes), so each issue's PDFs, page images and layout.json are keyed by the issue
 *    folder's files, the print styles and templates, the print and paper config, the
 *    browser's identity and the print code; an unchanged key copies them over (when
 *    each file still has the sha256 recorded when it was written) and no browser is
 *    started, while the web edition is rendered again.
 *
 * The manifest is a cache, never a source of truth: one that cannot be read or has the
 * wrong shape is ignored with a warning and everything is built again.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Issue } from '../ast/types.js';
import type { BanmianConfig } from '../config/types.js';
import type { IssueLayout } from '../layout/types.js';
import { paths } from './context.js';
import { issueFolder } from '../ast/issue-folder.js';
import { type IssueViewsRecord, viewsRecords } from './issue-views.js';

export const MANIFEST = '.banmian/manifest.json';
/** Where banmian's own code, print styles and lockfile are (the project root when run from this checkout). */
const PACKAGE_ROOT = path.resolve(import.meta.dirname, '../..');
export const MANIFEST_VERSION = 3;

export interface Manifest {
  version: number;
  /** Print key per issue id. */
  print: Record<string, string>;
  /** The whole output, when it is a faithful product of its inputs (see `outputKey`). */
  output?: OutputRecord;
  /** sha256 of every file of the output (relative path → hex), taken when the build wrote it. */
  digests?: Record<string, string>;
  /** Per issue id: the key and files of its web views, for the next build to reuse (src/build/issue-views.ts). */
  views?: Record<string, IssueViewsRecord>;
  /** Every input file of `outputKey` ("<part label>|<relative path>") → [size, mtimeMs, sha256], for the next build. */
  inputs?: InputDigests;
}

/** Input files' digests with the size and mtime they were read at (`outputKey`). */
export type InputDigests = Record<string, [size: number, mtimeMs: number, sha256: string]>;

/** The well-formed entries of a manifest's `inputs` (anything else is read again). */
function inputDigests(v: unknown): InputDigests | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: InputDigests = {};
  for (const [k, e] of Object.entries(v)) {
    if (Array.isArray(e) && e.length === 3 && typeof e[0] === 'number' && typeof e[1] === 'number' && typeof e[2] === 'string' && /^[0-9a-f]{64}$/.test(e[2])) out[k] = [e[0], e[1], e[2]];
  }
  return out;
}

export interface OutputRecord {
  key: string;
  /** The key's parts (options and config, each issue folder, templates, styles, code…) → digest, to say what changed. */
  parts?: Record<string, string>;
  /** Ids of the issues built, in build order. */
  issues: string[];
  /** Parser warnings of that build (reported again when the output is reused). */
  warnings: number;
  /** Every file of the output but the manifest: [relative path, size]. */
  files: Array<[string, number]>;
}

/**
 * The manifest of an output folder. None there: an empty one. One that cannot be read
 * or has the wrong shape: an empty one too, and `warn` says so in one line (nothing is
 * reused, nothing fails). One from an older banmian: its print keys, no digests.
 */
export async function readManifest(outDir: string, warn?: (message: string) => void): Promise<Manifest> {
  const empty = (): Manifest => ({ version: MANIFEST_VERSION, print: {} });
  const file = path.join(outDir, MANIFEST);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') {
      warn?.(`ignoring the last build's manifest ${shown(file)} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}): building everything again`);
    }
    return empty();
  }
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    warn?.(`ignoring the last build's manifest ${shown(file)} (not valid JSON): building everything again`);
    return empty();
  }
  const problem = manifestProblem(m);
  if (problem) {
    warn?.(`ignoring the last build's manifest ${shown(file)} (${problem}): building everything again`);
    return empty();
  }
  const ok = m as Manifest;
  // Versions 1 and 2 had the same print keys, no digests (so nothing of theirs can be verified and reused).
  if (ok.version !== MANIFEST_VERSION) return { version: MANIFEST_VERSION, print: ok.print };
  return { version: MANIFEST_VERSION, print: ok.print, output: ok.output, digests: ok.digests, views: viewsRecords(ok.views), inputs: inputDigests(ok.inputs) };
}

/** What is wrong with a parsed manifest, or undefined when its shape is right. */
function manifestProblem(m: unknown): string | undefined {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const stringValues = (v: unknown) => isObject(v) && Object.values(v).every((x) => typeof x === 'string');
  if (!isObject(m)) return 'not an object';
  if (![1, 2, MANIFEST_VERSION].includes(m.version as number)) return `unknown version ${JSON.stringify(m.version)}`;
  if (!stringValues(m.print)) return '"print" is not a map of keys';
  if (m.version !== MANIFEST_VERSION) return undefined;
  if (m.digests !== undefined && !stringValues(m.digests)) return '"digests" is not a map of digests';
  if (m.output !== undefined) {
    const o = m.output;
    if (!isObject(o)) return '"output" is not an object';
    if (typeof o.key !== 'string') return '"output.key" is not a string';
    if (!Array.isArray(o.issues) || !o.issues.every((i) => typeof i === 'string')) return '"output.issues" is not a list of ids';
    if (typeof o.warnings !== 'number') return '"output.warnings" is not a number';
    if (!Array.isArray(o.files) || !o.files.every((f) => Array.isArray(f) && typeof f[0] === 'string' && typeof f[1] === 'number')) return '"output.files" is not a list of files';
    if (o.parts !== undefined && !stringValues(o.parts)) return '"output.parts" is not a map';
  }
  return undefined;
}

function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

export async function writeManifest(outDir: string, manifest: Manifest): Promise<void> {
  await mkdir(path.join(outDir, path.dirname(MANIFEST)), { recursive: true });
  // One line: at 1,000 issues the manifest lists ~70,000 files, and indenting it doubled the string built in memory.
  await writeFile(path.join(outDir, MANIFEST), JSON.stringify(manifest) + '\n');
}

/** Reads, changes and writes back the manifest of an output folder (the dev server's in-place updates). */
export async function updateManifest(outDir: string, change: (m: Manifest) => void): Promise<void> {
  const m = await readManifest(outDir);
  change(m);
  await writeManifest(outDir, m);
}

/** Every file under `dir` (sorted, relative), skipping dot-files. Folders are read in parallel. */
async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  // A symlinked folder (an issue's `images/` may be one) is walked like a folder, once: a link
  // back up the tree does not loop. Where a link may lead is the parser's and image check's call.
  const seen = new Set<string>();
  const walk = async (d: string): Promise<string[]> => {
    const real = await realpath(d);
    if (seen.has(real)) return [];
    seen.add(real);
    const entries = (await readdir(d, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : 1));
    const parts = await Promise.all(
      entries.map(async (e) => {
        const p = path.join(d, e.name);
        const folder = e.isDirectory() || (e.isSymbolicLink() && (await stat(p).then((st) => st.isDirectory(), () => false)));
        return folder ? walk(p) : [p];
      }),
    );
    return parts.flat();
  };
  return walk(dir);
}

/** Hashes names and contents in the given order; the files are read in parallel. */
async function hashFiles(hash: ReturnType<typeof createHash>, root: string, files: string[]): Promise<void> {
  const contents = await Promise.all(files.map((f) => readFile(f)));
  files.forEach((file, i) => {
    hash.update(path.relative(root, file)).update('\0');
    hash.update(contents[i]).update('\0');
  });
}

/** What the print output of every issue depends on besides the issue's own folder. */
export async function printEnvironmentKey(root: string, config: BanmianConfig, browserIdentity: string): Promise<string> {
  const hash = createHash('sha256');
  // the press settings do not change the print layout
  hash.update(JSON.stringify({ print: { ...config.print, concurrency: 0, press: undefined }, paper: config.paper, browserIdentity }));
  const shared: string[] = [];
  for (const dir of ['src/print', 'src/layout', 'src/ast', 'src/parse']) shared.push(...(await listFiles(path.join(PACKAGE_ROOT, dir))));
  shared.push(...(await listFiles(path.join(root, 'templates', 'print'))));
  const styles = (await listFiles(path.join(root, 'styles'))).filter((f) => /print/.test(path.relative(root, f)));
  // The print edition reads its stylesheet from banmian's own styles/ (the same folder when run from this checkout).
  if (PACKAGE_ROOT !== path.resolve(root)) styles.push(...(await listFiles(path.join(PACKAGE_ROOT, 'styles'))).filter((f) => /print/.test(path.basename(f))));
  await hashFiles(hash, root, [...shared, ...styles]);
  return hash.digest('hex');
}

export async function issuePrintKey(issue: Issue, environmentKey: string): Promise<string> {
  const hash = createHash('sha256').update(environmentKey).update('\0');
  await hashFiles(hash, issueFolder(issue), await listFiles(issueFolder(issue)));
  return hash.digest('hex');
}

/**
 * Browser identity without starting it: the configured path and its size and mtime,
 * or the version of the Chromium npm package.
 */
export async function browserIdentity(config: BanmianConfig): Promise<string> {
  const explicit = process.env.PUPPETEER_EXECUTABLE_PATH || config.print.browserPath;
  if (explicit) {
    const { stat } = await import('node:fs/promises');
    const s = await stat(explicit).catch(() => undefined);
    return `${explicit}:${s?.size ?? 0}:${s?.mtimeMs ?? 0}`;
  }
  try {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    const pkg = require('@sparticuz/chromium/package.json') as { version: string };
    return `@sparticuz/chromium@${pkg.version}`;
  } catch {
    // @sparticuz/chromium is not installed: the build uses a system browser.
    return 'system';
  }
}

/** The print output files of an issue by its layout (relative to the output folder). */
export function printFiles(issueId: string, layout: IssueLayout): string[] {
  const issueDir = paths.issueDir(issueId);
  const files = [paths.layoutJson(issueId), `${issueDir}/${layout.pdf}`];
  for (const p of layout.pages) files.push(`${issueDir}/${p.pdf}`, `${issueDir}/${p.image}`, `${issueDir}/${p.thumb}`);
  return files;
}

/** The previous build's layout of an issue, or undefined. */
export async function readLayout(outDir: string, issueId: string): Promise<IssueLayout | undefined> {
  try {
    const layout = JSON.parse(await readFile(path.join(outDir, paths.layoutJson(issueId)), 'utf8')) as IssueLayout;
    return layout && typeof layout.pdf === 'string' && Array.isArray(layout.pages) ? layout : undefined;
  } catch {
    // No previous layout, or one that is not JSON: the issue is laid out again.
    return undefined;
  }
}

/**
 * Copies an issue's print output from the previous build; returns its layout, or
 * undefined if any file is missing or no longer has the sha256 recorded when it was
 * written (`digests`; the digests of the copied files are added to `verified`).
 * `'unverified'`: any complete set of files is copied (for output the caller marks stale).
 */
export async function reusePrintOutput(issue: Issue, fromDir: string, toDir: string, digests: Record<string, string> | 'unverified' | undefined, verified?: Map<string, string>): Promise<IssueLayout | undefined> {
  if (!digests) return undefined;
  const layout = await readLayout(fromDir, issue.id);
  if (!layout) return undefined;
  const files = printFiles(issue.id, layout);
  if (digests === 'unverified') {
    if (!files.every((f) => existsSync(path.join(fromDir, f)))) return undefined;
  } else {
    const sums = await Promise.all(files.map((f) => sha256File(path.join(fromDir, f))));
    if (files.some((f, i) => !digests[f] || sums[i] !== digests[f])) return undefined;
    files.forEach((f, i) => verified?.set(f, sums[i]!));
  }
  for (const f of files) {
    await mkdir(path.dirname(path.join(toDir, f)), { recursive: true });
    await copyFile(path.join(fromDir, f), path.join(toDir, f));
  }
  return layout;
}

/** sha256 (hex) of a file, or undefined when it cannot be read as a file. */
export async function sha256File(file: string): Promise<string | undefined> {
  try {
    return createHash('sha256').update(await readFile(file)).digest('hex');
  } catch {
    // Missing or unreadable: no digest, so the file never matches one and is not reused.
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// The whole output

export interface OutputKeyInput {
  root: string;
  config: BanmianConfig;
  issuesDir: string;
  ids?: string[];
  wantHtml: boolean;
  wantPdf: boolean;
  /** Print records of published issues: their manifests are part of the key. */
  archiveDir?: string;
  /**
   * The previous build's input digests: a file whose size and mtime are as recorded there
   * is not read again (its recorded sha256 is used). Same trust as the views' and records'
   * size checks: a file rewritten in place with the same size and mtime is not noticed
   * (`--force` reads everything).
   */
  previous?: InputDigests;
}

/**
 * The issue folders a build would read, found the way the parser finds them (the ids
 * asked for, or every folder with an `issue.yaml`) but without parsing; undefined when
 * an asked-for folder is missing (the parser then reports it).
 */
async function issueFolders(issuesDir: string, ids?: string[]): Promise<string[] | undefined> {
  let entries;
  try {
    entries = await readdir(issuesDir, { withFileTypes: true });
  } catch {
    // No issues folder: nothing to fingerprint; the parser reports it.
    return undefined;
  }
  const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  if (ids?.length) return ids.every((id) => folders.includes(id)) ? ids : undefined;
  const sorted = folders.sort();
  const hasYaml = await Promise.all(sorted.map((name) => stat(path.join(issuesDir, name, 'issue.yaml')).then((s) => s.isFile(), () => false)));
  return sorted.filter((_, i) => hasYaml[i]);
}

/**
 * A hash of everything a build's output depends on, computed from bytes alone (no
 * parsing): options, resolved config, browser identity, every issue folder's files,
 * the project's `templates/` and `styles/`, banmian's code under `src/` and its
 * `package-lock.json`. Undefined
 * when the inputs cannot be listed (the build then runs in full and reports why).
 */
export async function outputKey(input: OutputKeyInput): Promise<{ key: string; parts: Record<string, string>; inputs: InputDigests } | undefined> {
  const folders = await issueFolders(input.issuesDir, input.ids);
  if (!folders) return undefined;
  const hash = createHash('sha256');
  const parts: Record<string, string> = {};
  const settings = JSON.stringify({
    manifest: MANIFEST_VERSION,
    html: input.wantHtml,
    pdf: input.wantPdf,
    issuesDir: path.relative(input.root, input.issuesDir),
    ids: input.ids ?? null,
    folders,
    // How many pages are laid out at once does not change the output.
    config: { ...input.config, print: { ...input.config.print, concurrency: 0 } },
    browser: input.wantPdf ? await browserIdentity(input.config) : null,
  });
  hash.update(settings).update('\0');
  parts['options, config and browser'] = createHash('sha256').update(settings).digest('hex');
  // Listed and read in parallel, hashed in a fixed order.
  const pkg = PACKAGE_ROOT !== path.resolve(input.root);
  const groups: Array<[label: string, base: string, files: Promise<string[]>]> = [
    ...folders.map((name): [string, string, Promise<string[]>] => [`issue:${name}`, path.join(input.issuesDir, name), listFiles(path.join(input.issuesDir, name))]),
    ...['templates', 'styles'].map((d): [string, string, Promise<string[]>] => [`dir:${d}`, input.root, listFiles(path.join(input.root, d))]),
    // banmian's code, its own styles (the print edition reads them from there) and the locked dependency versions.
    ['package:src', PACKAGE_ROOT, listFiles(path.join(PACKAGE_ROOT, 'src'))],
    ['package:styles', PACKAGE_ROOT, pkg ? listFiles(path.join(PACKAGE_ROOT, 'styles')) : Promise.resolve([])],
    ['package:lock', PACKAGE_ROOT, Promise.resolve([path.join(PACKAGE_ROOT, 'package-lock.json')].filter((f) => existsSync(f)))],
  ];
  // Print records of published issues (a record.json lists the digest of every file of its record); no part when there are none.
  const records = input.archiveDir ? folders.map((n) => path.join(input.archiveDir!, n, 'record.json')).filter((f) => existsSync(f)) : [];
  if (records.length) groups.push(['archive', input.archiveDir!, Promise.resolve(records)]);
  // Each file is digested as soon as it is read, so no more than a few are held at once; one with the size and
  // mtime the previous build recorded is not read (an archive of 1,000 issues has ~12,000 input files).
  const digest = async (label: string, base: string, f: string) => {
    const id = `${label}|${path.relative(base, f)}`;
    const st = await stat(f);
    const known = input.previous?.[id];
    const sum = known && known[0] === st.size && known[1] === st.mtimeMs ? known[2] : createHash('sha256').update(await readFile(f)).digest('hex');
    return [f, sum, id, st] as const;
  };
  const digests = await Promise.all(groups.map(async ([label, base, files]) => Promise.all((await files).map((f) => digest(label, base, f)))));
  // Filled in the groups' fixed order (not as reads finish): the manifest's bytes do not depend on timing.
  const inputs: InputDigests = {};
  for (const group of digests) for (const [, sum, id, st] of group) inputs[id] = [st.size, st.mtimeMs, sum];
  groups.forEach(([label, base], i) => {
    hash.update(`${label}\0`);
    const part = createHash('sha256');
    for (const [file, sum] of digests[i]) {
      hash.update(path.relative(base, file)).update('\0').update(sum).update('\0');
      part.update(path.relative(base, file)).update('\0').update(sum).update('\0');
    }
    parts[label] = part.digest('hex');
  });
  return { key: hash.digest('hex'), parts, inputs };
}

/**
 * Every file of an output folder but the manifest folder: [relative path, size], sorted,
 * and each file's sha256 (taken from `known` for files already verified this build).
 */
export async function listOutput(outDir: string, known?: Map<string, string>): Promise<{ files: Array<[string, number]>; digests: Record<string, string> }> {
  const reading = limiter(8);
  // The walk is parallel; its stats are not all started at once (70,000 files at 1,000 issues).
  const stating = limiter(64);
  const walk = async (d: string, rel: string): Promise<Array<[string, number, string]>> => {
    const parts = await Promise.all(
      (await readdir(d, { withFileTypes: true })).map(async (e): Promise<Array<[string, number, string]>> => {
        const r = rel ? `${rel}/${e.name}` : e.name;
        const p = path.join(d, e.name);
        if (r === path.dirname(MANIFEST)) return [];
        if (e.isDirectory()) return walk(p, r);
        if (!e.isFile()) return [];
        const sum = known?.get(r);
        if (sum) return [[r, (await stating(() => stat(p))).size, sum]];
        // A few files read at once: the walk itself is parallel, and an output of 1,000 issues holds ~16 GB of PDFs and images.
        const bytes = await reading(() => readFile(p));
        return [[r, bytes.length, createHash('sha256').update(bytes).digest('hex')]];
      }),
    );
    return parts.flat();
  };
  const all = (await walk(outDir, '')).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { files: all.map(([r, size]) => [r, size]), digests: Object.fromEntries(all.map(([r, , sum]) => [r, sum])) };
}

/** Runs at most `n` of the jobs given to it at once. */
function limiter(n: number): <T>(job: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (job) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await job();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * Puts the previous output's files into `toDir` (hard links; copies where a link
 * cannot be made) when every recorded file is still there with its recorded size and
 * sha256. Returns the number of files, or undefined (nothing usable; `toDir` may hold
 * a part). The verified digests are added to `verified`.
 */
export async function reuseOutput(record: OutputRecord, digests: Record<string, string> | undefined, fromDir: string, toDir: string, verified?: Map<string, string>): Promise<number | undefined> {
  if (!digests) return undefined;
  const sizes = await Promise.all(record.files.map(([rel]) => stat(path.join(fromDir, rel)).then((s) => (s.isFile() ? s.size : -1), () => -1)));
  if (record.files.some(([, size], i) => sizes[i] !== size)) return undefined;
  // Same sizes: now the contents (a file edited to the same size, a truncated PDF padded back).
  const sums = await Promise.all(record.files.map(([rel]) => sha256File(path.join(fromDir, rel))));
  if (record.files.some(([rel], i) => !digests[rel] || sums[i] !== digests[rel])) return undefined;
  const dirs = new Set<string>();
  for (const [rel] of record.files) dirs.add(path.dirname(path.join(toDir, rel)));
  for (const dir of [...dirs].sort()) await mkdir(dir, { recursive: true });
  await Promise.all(
    record.files.map(async ([rel], i) => {
      const from = path.join(fromDir, rel);
      const to = path.join(toDir, rel);
      try {
        await link(from, to);
      } catch {
        // No hard links here (another disk, a file system without them): copy instead.
        await copyFile(from, to);
      }
      verified?.set(rel, sums[i]!);
    }),
  );
  return record.files.length;
}

/** Names of the key parts that differ between two records ('everything' when there is nothing to compare). */
export function changedParts(before: Record<string, string> | undefined, now: Record<string, string>): string[] {
  if (!before) return ['everything (no record of the last build)'];
  const names = [...new Set([...Object.keys(before), ...Object.keys(now)])];
  return names.filter((n) => before[n] !== now[n]).map((n) => n.replace(/^(issue|dir|package):/, (_, k: string) => (k === 'package' ? 'banmian ' : k === 'dir' ? '' : 'issue ')));
}
