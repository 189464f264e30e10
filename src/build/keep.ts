/**
 * `--only html` and `--only pdf` rebuild one edition; the other edition's files of the
 * previous output are kept (hard-linked into the staging folder), not deleted.
 *
 * - keep 'print' (`--only html`): each built issue's print files (its `layout.json`,
 *   issue PDF, page PDFs and page images, as that layout lists them). When they are all
 *   there, the layout goes to the web edition too, so the page views keep their page
 *   images and article areas. The issue keeps its previous print key only when every
 *   file still has its recorded sha256; otherwise its key is 'stale' and the next full
 *   build lays it out again.
 * - keep 'web' (`--only pdf`): every previous file that is not print output of a built
 *   issue and that this build did not write.
 */
import { existsSync } from 'node:fs';
import { copyFile, link, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Issue } from '../ast/types.js';
import type { IssueLayout } from '../layout/types.js';
import { listOutput, type Manifest, printFiles, readLayout, reusePrintOutput } from './cache.js';

export interface KeepInput {
  keep: 'print' | 'web';
  issues: Issue[];
  outDir: string;
  staging: string;
  previous: Manifest;
  /** Digests verified this build (added to). */
  verified: Map<string, string>;
  /** The manifest being written: print keys of kept issues are set. */
  manifest: Manifest;
  /** Layouts for the web edition: those of kept print output are added. */
  layouts: Map<string, IssueLayout>;
}

export async function keepOtherEdition(input: KeepInput): Promise<{ files: number }> {
  const { outDir, staging } = input;
  if (!existsSync(outDir)) return { files: 0 };
  let files = 0;
  if (input.keep === 'print') {
    for (const issue of input.issues) {
      const key = input.previous.print[issue.id];
      const verified = key ? await reusePrintOutput(issue, outDir, staging, input.previous.digests, input.verified) : undefined;
      const layout = verified ?? (await readLayout(outDir, issue.id));
      if (!layout) continue;
      const wanted = printFiles(issue.id, layout);
      if (verified) files += wanted.length;
      else files += await linkEach(wanted.filter((f) => existsSync(path.join(outDir, f))), outDir, staging);
      input.manifest.print[issue.id] = verified ? key! : 'stale';
      if (wanted.every((f) => existsSync(path.join(staging, f)))) input.layouts.set(issue.id, layout);
    }
    return { files };
  }
  const printOfBuilt = new Set<string>();
  for (const issue of input.issues) {
    const layout = await readLayout(outDir, issue.id);
    if (layout) for (const f of printFiles(issue.id, layout)) printOfBuilt.add(f);
  }
  const previous = (await listOutput(outDir, new Map(Object.entries(input.previous.digests ?? {})))).files.map(([rel]) => rel);
  const keep = previous.filter((rel) => !printOfBuilt.has(rel) && !existsSync(path.join(staging, rel)));
  return { files: await linkEach(keep, outDir, staging) };
}

/** Hard-links (or copies) files from one folder into the same paths under another; returns how many. */
async function linkEach(rels: string[], from: string, to: string): Promise<number> {
  for (const rel of rels) {
    const dest = path.join(to, rel);
    await mkdir(path.dirname(dest), { recursive: true });
    try {
      await link(path.join(from, rel), dest);
    } catch {
      // No hard links here (another disk, a file system without them): copy instead.
      await copyFile(path.join(from, rel), dest);
    }
  }
  return rels.length;
}
