/**
 * `banmian publish <issue>` (签发/付印): lays the issue out (or takes its current print
 * output from `dist/`), freezes it as `archive/<issue>/` (src/archive/record.ts) and
 * records `published: <timestamp>` in its `issue.yaml`. From then on builds take the
 * issue's print output from the record. `--again --reason "…"` lays a published issue out
 * anew and appends the reason to the record's history.
 *
 * The record is written beside its final place and renamed into it: a failed publish
 * leaves the previous record (or none) and `issue.yaml` untouched.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Issue } from '../ast/types.js';
import type { Logger } from '../build/context.js';
import type { IssueLayout } from '../layout/types.js';
import type { BanmianConfig } from '../config/types.js';
import { BanmianError } from '../errors.js';
import { loadIssue } from '../parse/issue.js';
import { pagesFile } from './page-cache.js';
import {
  archiveDirFor,
  isTextSource,
  PAGES_FILE,
  RECORD_FILE,
  RECORD_VERSION,
  type RecordManifest,
  readRecord,
  recordDir,
  recordPrintFiles,
  sha256,
  sourceDigests,
  sourceFiles,
} from './record.js';

export interface PublishOptions {
  root: string;
  config: BanmianConfig;
  issuesDir: string;
  id: string;
  /** Lay out a published issue again (needs `reason`). */
  again?: boolean;
  reason?: string;
  /** Default: `archive/` beside the issues folder. */
  archiveDir?: string;
  /** Output folder whose current print output may be taken instead of laying out (default `<root>/dist`). */
  printFrom?: string;
  /** Press files folder: `<pressDir>/<issue>/` is copied into the record when present (default `<root>/press`). */
  pressDir?: string;
  log: Logger;
  /** The publication time (tests). */
  now?: Date;
}

export interface PublishResult {
  dir: string;
  record: RecordManifest;
  /** Whether the pages were laid out by this call (else taken from the current print output). */
  laidOut: boolean;
}

export async function publish(opts: PublishOptions): Promise<PublishResult> {
  const { id, log } = opts;
  const issuesDir = path.resolve(opts.issuesDir);
  const archiveDir = opts.archiveDir ?? archiveDirFor(issuesDir);
  const shown = (f: string) => path.relative(process.cwd(), f) || f;
  if (!/^[\w.-]+$/.test(id) || id.startsWith('.')) throw new BanmianError(`"${id}" is not an issue id`);
  const issueDir = path.join(issuesDir, id);
  const yamlFile = path.join(issueDir, 'issue.yaml');
  let yamlText: string;
  try {
    yamlText = await readFile(yamlFile, 'utf8');
  } catch {
    throw new BanmianError(`no issue ${id} to publish (no issue.yaml)`, { file: shown(yamlFile) });
  }
  const published = publishedAt(yamlText);
  if (published && !opts.again) {
    throw new BanmianError(`issue ${id} was published ${published}; its print record is frozen (to lay it out again: banmian publish --again ${id} --reason "…")`, { file: shown(yamlFile) });
  }
  if (opts.again && !published) throw new BanmianError(`issue ${id} is not published yet (publish it without --again)`, { file: shown(yamlFile) });
  if (opts.again && !opts.reason?.trim()) throw new BanmianError('publish --again needs --reason "…" (it goes into the record\'s history)');
  const previous = opts.again ? await readRecord(archiveDir, id, shown).catch(() => undefined) : undefined;

  // The record gets the zoom's 2× page images (print.publishImageWidth); everyday builds keep the cheaper width.
  const print = { ...opts.config.print, pageImageWidth: Math.max(opts.config.print.pageImageWidth, opts.config.print.publishImageWidth) };
  const config: BanmianConfig = { ...opts.config, print, editions: { ...opts.config.editions, pdf: true } };
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-publish-'));
  const staged = path.join(archiveDir, `.${id}.publishing-${process.pid}`);
  try {
    const { build } = await import('../build/build.js');
    const quiet: Logger = { info: (m) => log.info(`  ${m}`), warn: (m) => log.warn(m), progress: (l, d, t) => log.progress(l, d, t) };
    const result = await build({
      root: opts.root,
      config,
      issuesDir,
      outDir: path.join(tmp, 'out'),
      outShown: '(publish)',
      ids: [id],
      only: 'pdf',
      force: Boolean(opts.again),
      relayout: opts.again ? [id] : undefined,
      printFrom: opts.again ? undefined : (opts.printFrom ?? path.join(opts.root, 'dist')),
      archiveDir,
      log: quiet,
    });
    const layout = result.layouts.get(id);
    if (!layout) throw new BanmianError(`issue ${id}: the print edition made no layout`, { file: shown(yamlFile) });
    const laidOut = !result.reused;
    const built = path.join(tmp, 'out', id);

    // The record, staged beside its final place.
    await rm(staged, { recursive: true, force: true });
    await mkdir(staged, { recursive: true });
    const sizes: Record<string, number> = {};
    const put = async (from: string, rel: string, into: Record<string, string>) => {
      const to = path.join(staged, rel);
      await mkdir(path.dirname(to), { recursive: true });
      await copyFile(from, to);
      const bytes = await readFile(to);
      into[rel] = sha256(bytes);
      sizes[rel] = bytes.length;
    };
    const files: Record<string, string> = {};
    for (const rel of recordPrintFiles(id, layout)) await put(path.join(built, rel), rel, files);
    const pressDir = path.join(opts.pressDir ?? path.join(opts.root, 'press'), id);
    if (existsSync(pressDir)) for (const rel of await sourceFiles(pressDir)) await put(path.join(pressDir, rel), `press/${rel}`, files);
    // The web edition's copies of the page images and photos, made once here instead of in every clean build.
    const web: Record<string, string> = {};
    for (const rel of await webImages(issuesDir, id, layout, path.join(tmp, 'out'), result.issues.find((i) => i.id === id))) await put(path.join(built, rel), rel, web);
    // The pages as parsed now, for clean builds to read back instead of parsing (src/archive/page-cache.ts).
    const parsed = await loadIssue(issueDir, { root: opts.root });
    const pageFiles = await Promise.all(
      parsed.issue.children.map(async (page) => {
        const rel = path.basename(page.file);
        return { rel, bytes: await readFile(path.join(issueDir, rel)), page, file: parsed.files.find((f) => f.path === page.file)! };
      }),
    );
    const pagesText = await pagesFile(pageFiles);
    await writeFile(path.join(staged, PAGES_FILE), pagesText);
    sizes[PAGES_FILE] = Buffer.byteLength(pagesText);
    for (const rel of (await sourceFiles(issueDir)).filter(isTextSource)) {
      await mkdir(path.dirname(path.join(staged, 'source', rel)), { recursive: true });
      await copyFile(path.join(issueDir, rel), path.join(staged, 'source', rel));
    }
    const at = (opts.now ?? new Date()).toISOString();
    const banmian = await banmianVersion(opts.root, config);
    const record: RecordManifest = {
      record: RECORD_VERSION,
      issue: id,
      published: previous?.published ?? published ?? at,
      banmian,
      browser: layout.browser,
      sources: await sourceDigests(issueDir),
      files: sorted(files),
      web: sorted(web),
      parsed: sha256(pagesText),
      sizes: Object.fromEntries(Object.entries(sizes).sort(([a], [b]) => (a < b ? -1 : 1))),
      history: [...(previous?.history ?? []), { at, banmian, reason: opts.reason?.trim() || 'published' }],
    };
    await writeFile(path.join(staged, RECORD_FILE), JSON.stringify(record, null, 2) + '\n');

    // Swap the record in, then mark the issue published.
    const final = recordDir(archiveDir, id);
    const old = path.join(archiveDir, `.${id}.replaced-${process.pid}`);
    if (existsSync(final)) await rename(final, old);
    await rename(staged, final);
    await rm(old, { recursive: true, force: true });
    if (!published) await writeFile(yamlFile, yamlText.replace(/\s*$/, '') + `\npublished: "${record.published}"\n`);
    log.info(`published ${id}: ${Object.keys(files).length} print file(s) frozen in ${shown(final)}/${opts.again ? ` (again: ${opts.reason!.trim()})` : ''}`);
    return { dir: final, record, laidOut };
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await rm(staged, { recursive: true, force: true });
  }
}

function sorted(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Makes the web edition's copies of the issue's page images (WebP/AVIF at the page widths)
 * and photos in `outDir`, as a build would; returns their paths relative to the issue's folder.
 */
async function webImages(issuesDir: string, id: string, layout: IssueLayout, outDir: string, parsed: Issue | undefined): Promise<string[]> {
  const { figureSources, pageImages, processFigure } = await import('../web/assets.js');
  const issue = parsed ?? (await (await import('../parse/index.js')).loadIssue(path.join(issuesDir, id))).issue;
  const refs: Array<string | undefined> = [];
  for (const image of (await pageImages(id, layout, outDir)).values()) {
    for (const ref of [image.image, image.thumb]) {
      if (!ref) continue;
      refs.push(ref.webp, ...(ref.srcset ? [...ref.srcset.webp, ...ref.srcset.avif].map((v) => v.path) : []));
    }
  }
  for (const src of figureSources(issue)) refs.push((await processFigure(issue, src, outDir))?.path);
  const prefix = `${id}/`;
  return [...new Set(refs.filter((r): r is string => Boolean(r?.startsWith(prefix) && existsSync(path.join(outDir, r)))))].map((r) => r.slice(prefix.length)).sort();
}

/** The `published:` value of an issue.yaml, or undefined. */
export function publishedAt(yamlText: string): string | undefined {
  let data: unknown;
  try {
    data = parseYaml(yamlText.replace(/^\uFEFF/, ''));
  } catch {
    // The parser reports a broken issue.yaml with its line when the issue is built.
    return undefined;
  }
  const v = (data as Record<string, unknown> | null)?.published;
  if (v === undefined || v === null || v === false) return undefined;
  return v instanceof Date ? v.toISOString() : String(v);
}

/** banmian's version and a digest of what lays pages out (code, print styles and templates, config, browser). */
async function banmianVersion(root: string, config: BanmianConfig): Promise<string> {
  const { browserIdentity, printEnvironmentKey } = await import('../build/cache.js');
  const pkg = JSON.parse(await readFile(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
  const env = await printEnvironmentKey(root, config, await browserIdentity(config));
  return `banmian ${pkg.version} (print ${env.slice(0, 12)})`;
}

/** Issue ids with a print record in an archive folder. */
export async function recordedIssues(archiveDir: string): Promise<string[]> {
  if (!existsSync(archiveDir)) return [];
  return (await readdir(archiveDir, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}
