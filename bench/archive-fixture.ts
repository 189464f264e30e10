/**
 * A synthetic archive of published issues for `bench archive` and the shard test, made
 * without a browser: one real issue is laid out and published once, then its folder and
 * its print record are copied under new dates. The copies are honest records as far as
 * banmian can tell — every file matches record.json, whose source digests are those of
 * the copy's own files — but their PDFs and page images are the original's bytes (hard
 * links: the same page images and PDFs 1,000 times, so the disk holds them once; the PDFs'
 * own metadata still names the original date).
 */
import { link, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PAGES_FILE, RECORD_FILE, type RecordManifest, sha256, sourceDigests } from '../src/archive/record.js';
import type { IssueLayout } from '../src/layout/types.js';

/** `count` dates, one a day from `start` (YYYY-MM-DD), oldest first. */
export function issueDates(count: number, start = '2024-01-01'): string[] {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(t0 + i * 86_400_000).toISOString().slice(0, 10));
}

/**
 * Copies the published issue `baseId` (its folder under `issuesDir`, its record under
 * `archiveDir`) to each date of `dates`: issue.yaml gets the date and a number counted on,
 * file names and layout.json take the new id, record.json is written for the copy.
 */
export async function copyPublished(issuesDir: string, archiveDir: string, baseId: string, dates: string[], opts: { firstNumber?: number; published?: boolean } = {}): Promise<void> {
  const baseIssue = path.join(issuesDir, baseId);
  const baseRecordDir = path.join(archiveDir, baseId);
  const record = JSON.parse(await readFile(path.join(baseRecordDir, RECORD_FILE), 'utf8')) as RecordManifest;
  const layout = JSON.parse(await readFile(path.join(baseRecordDir, 'layout.json'), 'utf8')) as IssueLayout;
  const yaml = await readFile(path.join(baseIssue, 'issue.yaml'), 'utf8');
  const files = await listFiles(baseIssue);
  let number = opts.firstNumber ?? 1;
  for (const id of dates) {
    // The issue folder: page files and images hard-linked, a new issue.yaml.
    const issueDir = path.join(issuesDir, id);
    for (const rel of files.filter((f) => f !== 'issue.yaml')) {
      await mkdir(path.dirname(path.join(issueDir, rel)), { recursive: true });
      await link(path.join(baseIssue, rel), path.join(issueDir, rel));
    }
    const published = opts.published === false ? '' : `published: "${record.published}"\n`;
    const ownYaml = yaml
      .replace(/^published:.*\n?/m, '')
      .replace(/^date:.*$/m, `date: ${id}`)
      .replace(/^number:.*$/m, `number: ${number}`)
      .replace(/^total:.*$/m, `total: ${10_000 + number}`)
      .replace(/\s*$/, '\n');
    await writeFile(path.join(issueDir, 'issue.yaml'), ownYaml + published);
    number++;
    if (opts.published === false) continue;
    // The record: print files hard-linked under the new id's names, layout.json and record.json rewritten.
    const recDir = path.join(archiveDir, id);
    const rename = (rel: string) => rel.split(baseId).join(id);
    const ownLayout: IssueLayout = { ...layout, issue: id, pdf: rename(layout.pdf), pages: layout.pages.map((p) => ({ ...p, pdf: rename(p.pdf) })) };
    const layoutText = JSON.stringify(ownLayout, null, 1) + '\n';
    const ownFiles: Record<string, string> = {};
    const ownSizes: Record<string, number> = {};
    for (const [rel, sum] of Object.entries(record.files)) {
      const to = path.join(recDir, rename(rel));
      await mkdir(path.dirname(to), { recursive: true });
      if (rel === 'layout.json') {
        await writeFile(to, layoutText);
        ownFiles[rel] = sha256(layoutText);
        ownSizes[rel] = Buffer.byteLength(layoutText);
      } else {
        await link(path.join(baseRecordDir, rel), to);
        ownFiles[rename(rel)] = sum;
        if (record.sizes?.[rel] !== undefined) ownSizes[rename(rel)] = record.sizes[rel];
      }
    }
    for (const rel of Object.keys(record.web ?? {})) if (record.sizes?.[rel] !== undefined) ownSizes[rel] = record.sizes[rel];
    // The pages as parsed: the copy's page files are the original's bytes, so its entries hold.
    if (record.parsed) {
      await link(path.join(baseRecordDir, PAGES_FILE), path.join(recDir, PAGES_FILE));
      if (record.sizes?.[PAGES_FILE] !== undefined) ownSizes[PAGES_FILE] = record.sizes[PAGES_FILE];
    }
    for (const rel of Object.keys(record.web ?? {})) {
      await mkdir(path.dirname(path.join(recDir, rel)), { recursive: true });
      await link(path.join(baseRecordDir, rel), path.join(recDir, rel));
    }
    await mkdir(path.join(recDir, 'source'), { recursive: true });
    await writeFile(path.join(recDir, 'source', 'issue.yaml'), ownYaml + published);
    for (const rel of files.filter((f) => /\.(md|markdown|txt)$/i.test(f))) {
      await mkdir(path.dirname(path.join(recDir, 'source', rel)), { recursive: true });
      await link(path.join(baseRecordDir, 'source', rel), path.join(recDir, 'source', rel));
    }
    const own: RecordManifest = { ...record, issue: id, sources: await sourceDigests(issueDir), files: Object.fromEntries(Object.entries(ownFiles).sort(([a], [b]) => (a < b ? -1 : 1))) };
    if (record.sizes) own.sizes = Object.fromEntries(Object.entries(ownSizes).sort(([a], [b]) => (a < b ? -1 : 1)));
    await writeFile(path.join(recDir, RECORD_FILE), JSON.stringify(own, null, 2) + '\n');
  }
}

async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await readdir(path.join(dir, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, r)));
    else out.push(r);
  }
  return out;
}
