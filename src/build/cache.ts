/**
 * The build cache. Print work is the slow part (a browser, layout passes), so each
 * issue's print output is keyed by a content hash of everything it depends on: the
 * issue folder's files, the print styles and templates, the print and paper config,
 * the browser's identity, and the print code itself. When the key is unchanged, the
 * previous build's PDFs, page images and layout.json are copied over and no browser
 * is started. The manifest lives in the output folder (`.banmian/manifest.json`).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Issue } from '../ast/types.js';
import type { BanmianConfig } from '../config/types.js';
import type { IssueLayout } from '../layout/types.js';
import { paths } from './context.js';

export const MANIFEST = '.banmian/manifest.json';
const MANIFEST_VERSION = 1;

export interface Manifest {
  version: number;
  /** Print key per issue id. */
  print: Record<string, string>;
}

export async function readManifest(outDir: string): Promise<Manifest> {
  try {
    const m = JSON.parse(await readFile(path.join(outDir, MANIFEST), 'utf8')) as Manifest;
    if (m.version === MANIFEST_VERSION && m.print) return m;
  } catch {
    // no previous build, or an unreadable manifest: nothing is reused
  }
  return { version: MANIFEST_VERSION, print: {} };
}

export async function writeManifest(outDir: string, manifest: Manifest): Promise<void> {
  await mkdir(path.join(outDir, path.dirname(MANIFEST)), { recursive: true });
  await writeFile(path.join(outDir, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
}

/** Every file under `dir` (sorted, relative), skipping dot-files. */
async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(p);
    }
  };
  await walk(dir);
  return out;
}

async function hashFiles(hash: ReturnType<typeof createHash>, root: string, files: string[]): Promise<void> {
  for (const file of files) {
    hash.update(path.relative(root, file)).update('\0');
    hash.update(await readFile(file)).update('\0');
  }
}

/** What the print output of every issue depends on besides the issue's own folder. */
export async function printEnvironmentKey(root: string, config: BanmianConfig, browserIdentity: string): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ print: { ...config.print, concurrency: 0 }, paper: config.paper, browserIdentity }));
  const shared: string[] = [];
  for (const dir of ['src/print', 'src/layout', 'src/ast', 'src/parse', 'templates/print']) shared.push(...(await listFiles(path.join(root, dir))));
  const styles = (await listFiles(path.join(root, 'styles'))).filter((f) => /print/.test(path.relative(root, f)));
  await hashFiles(hash, root, [...shared, ...styles]);
  return hash.digest('hex');
}

export async function issuePrintKey(issue: Issue, environmentKey: string): Promise<string> {
  const hash = createHash('sha256').update(environmentKey).update('\0');
  await hashFiles(hash, issue.dir, await listFiles(issue.dir));
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
    return 'system';
  }
}

/** Copies an issue's print output from the previous build; returns its layout, or undefined if anything is missing. */
export async function reusePrintOutput(issue: Issue, fromDir: string, toDir: string): Promise<IssueLayout | undefined> {
  const layoutFile = path.join(fromDir, paths.layoutJson(issue.id));
  if (!existsSync(layoutFile)) return undefined;
  let layout: IssueLayout;
  try {
    layout = JSON.parse(await readFile(layoutFile, 'utf8')) as IssueLayout;
  } catch {
    return undefined;
  }
  const issueDir = paths.issueDir(issue.id);
  const files = [paths.layoutJson(issue.id), `${issueDir}/${layout.pdf}`];
  for (const p of layout.pages) files.push(`${issueDir}/${p.pdf}`, `${issueDir}/${p.image}`, `${issueDir}/${p.thumb}`);
  if (!files.every((f) => existsSync(path.join(fromDir, f)))) return undefined;
  for (const f of files) {
    await mkdir(path.dirname(path.join(toDir, f)), { recursive: true });
    await copyFile(path.join(fromDir, f), path.join(toDir, f));
  }
  return layout;
}
