/**
 * Reusing an issue's web views from the previous output (issue 16: one new issue must not
 * render the whole archive again).
 *
 * An issue's views (front, page views, article views, search source) and the web copies of
 * its images are a function of: banmian's code and the project's templates, styles and
 * config (`webSiteKey`), the asset names every view links (fixed or content-hashed names
 * that do not depend on other issues: the font faces are in `assets/fonts.css`), the
 * issue's own inputs (its folder's files, its print key or print record, its layout), and
 * what its views show from outside the issue (`issueViewKey` in src/web/render.ts: the
 * site's fields, 上一期 / 下一期; the date picker's days are loaded from archive/dates.json).
 * `issueViewsKey` hashes exactly that, in this one place.
 *
 * When an issue's key equals the one the previous build recorded (`Manifest.views`), its
 * files are hard-linked from the previous output, each checked by its size and modification
 * time (a file edited in place has a new mtime; one edited and given its old mtime back is
 * not seen — `--force` renders everything), and their digests taken from the previous
 * manifest: nothing is read, rendered or hashed again.
 */
import { createHash } from 'node:crypto';
import { copyFile, link, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BanmianConfig } from '../config/types.js';
import type { PageWarning } from '../report/page-files.js';

/** What the previous build recorded of one issue's web views (in `.banmian/manifest.json`, `views`). */
export interface IssueViewsRecord {
  key: string;
  /** Every file of the issue's views and its images' web copies: [site-relative path, size, mtime (ms)]. */
  files: Array<[string, number, number]>;
  /** Warnings rendering its views gave (reported again when they are reused). */
  warnings?: Array<{ message: string; where: PageWarning }>;
}

/** What reuse needs from the build: the site's key, the previous output and its records. */
export interface ViewsReuse {
  /** `webSiteKey` of this build. */
  siteKey: string;
  /** Per issue id: a digest of its own inputs (folder files, print key or record, layout). */
  issueInputs: (id: string) => string | undefined;
  /** The previous output folder and what its manifest recorded. */
  fromDir: string;
  previous?: Record<string, IssueViewsRecord>;
  digests?: Record<string, string>;
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * What every view depends on besides its issue: the config, the project's templates and
 * styles, banmian's code and lockfile (digests from the build's `outputKey` parts).
 */
export function webSiteKey(config: BanmianConfig, parts: Record<string, string>, templatesDir: string): string {
  const pick = ['dir:templates', 'dir:styles', 'package:src', 'package:styles', 'package:lock'].map((k) => [k, parts[k] ?? null]);
  return sha(JSON.stringify({ config: { ...config, print: { ...config.print, concurrency: 0 } }, templatesDir, parts: pick }));
}

/** The inputs of one issue's own views: its folder's files, its print key (or 'record'), its record and layout. */
export function issueInputsKey(folderDigest: string | undefined, printKey: string | undefined, recordDigest: string | undefined, layoutJson: string | undefined): string | undefined {
  if (!folderDigest) return undefined;
  return sha(JSON.stringify([folderDigest, printKey ?? null, recordDigest ?? null, layoutJson ? sha(layoutJson) : null]));
}

/** Each file's [path, size, mtime] in `dir` (a file that is not there is left out). */
export async function fileStamps(dir: string, rels: Iterable<string>): Promise<Array<[string, number, number]>> {
  const out: Array<[string, number, number]> = [];
  for (const rel of [...new Set(rels)].sort()) {
    const s = await stat(path.join(dir, rel)).catch(() => undefined);
    if (s?.isFile()) out.push([rel, s.size, s.mtimeMs]);
  }
  return out;
}

/**
 * The key of one issue's views (see the module comment for what it covers): `outside` is
 * what its views show from outside the issue (`issueViewKey` of src/web/render.ts: the
 * site's fields and asset names, 上一期 / 下一期).
 */
export function issueViewsKey(siteKey: string, assets: unknown, inputs: string, outside: string): string {
  return sha(JSON.stringify([siteKey, assets, inputs, outside]));
}

/**
 * Hard-links the recorded files of an issue from `fromDir` into `toDir` when each is there
 * with its recorded size and a digest in the previous manifest; their digests go into
 * `verified`. False (nothing reused; files already linked stay, the render overwrites them)
 * when one is missing or differs.
 */
export async function reuseIssueViews(record: IssueViewsRecord, fromDir: string, toDir: string, digests: Record<string, string> | undefined, verified: Map<string, string>, dirs: Set<string>): Promise<boolean> {
  if (!digests) return false;
  const stats = await Promise.all(record.files.map(([rel]) => stat(path.join(fromDir, rel)).then((s) => (s.isFile() ? s : undefined), () => undefined)));
  if (record.files.some(([rel, size, mtime], i) => stats[i]?.size !== size || stats[i]?.mtimeMs !== mtime || !digests[rel])) return false;
  for (const [rel] of record.files) {
    const to = path.join(toDir, rel);
    const dir = path.dirname(to);
    if (!dirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      dirs.add(dir);
    }
  }
  await Promise.all(
    record.files.map(async ([rel]) => {
      const from = path.join(fromDir, rel);
      const to = path.join(toDir, rel);
      try {
        await link(from, to);
      } catch (err) {
        // Already there (an image copy another issue shares), or no hard links here: copy.
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') await copyFile(from, to);
      }
      verified.set(rel, digests[rel]);
    }),
  );
  return true;
}

/** A manifest's `views`, when it has the right shape (else nothing is reused). */
export function viewsRecords(v: unknown): Record<string, IssueViewsRecord> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  for (const r of Object.values(v as Record<string, unknown>)) {
    const rec = r as IssueViewsRecord;
    if (typeof rec !== 'object' || rec === null || typeof rec.key !== 'string' || !Array.isArray(rec.files)) return undefined;
    if (!rec.files.every((f) => Array.isArray(f) && typeof f[0] === 'string' && typeof f[1] === 'number' && typeof f[2] === 'number')) return undefined;
  }
  return v as Record<string, IssueViewsRecord>;
}
