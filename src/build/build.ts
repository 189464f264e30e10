/**
 * The build: parse the issues, make the print edition (PDFs, page images, layout.json),
 * then the web edition, all into a staging folder that replaces the output folder only
 * when everything succeeded — a failed build leaves the previous `dist/` untouched.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { VFile } from 'vfile';
import type { Issue } from '../ast/types.js';
import type { BanmianConfig } from '../config/types.js';
import { BanmianError } from '../errors.js';
import type { IssueLayout } from '../layout/types.js';
import { loadIssues } from '../parse/index.js';
import type { WebSite } from '../web/site.js';
import { browserIdentity, issuePrintKey, type Manifest, printEnvironmentKey, readManifest, reusePrintOutput, writeManifest } from './cache.js';
import type { BuildContext, Logger } from './context.js';

export interface BuildOptions {
  root: string;
  config: BanmianConfig;
  issuesDir: string;
  outDir: string;
  /** Build only these issue ids (default: all). */
  ids?: string[];
  only?: 'html' | 'pdf';
  force?: boolean;
  /**
   * Reuse the previous print output of every issue even when its inputs changed (the
   * dev server's quick pass: new HTML at once, the print pages re-laid-out after).
   */
  stalePrint?: boolean;
  log: Logger;
}

let buildSerial = 0;

export interface BuildResult {
  issues: Issue[];
  files: VFile[];
  layouts: Map<string, IssueLayout>;
  outDir: string;
  /** The web edition's site (for incremental updates by the dev server); its outDir is the final folder. */
  web?: WebSite;
}

export async function build(opts: BuildOptions): Promise<BuildResult> {
  const { config, log } = opts;
  const started = performance.now();
  const { issues, files } = await loadIssues(opts.issuesDir, { ids: opts.ids, root: opts.root });
  if (issues.length === 0) throw new BanmianError(`no issue found (a folder with issue.yaml)`, { file: path.relative(opts.root, opts.issuesDir) || opts.issuesDir });
  const pageCount = issues.reduce((n: number, i: Issue) => n + i.children.length, 0);
  log.info(`parsed ${issues.length} issue(s), ${pageCount} page(s) in ${ms(started)}`);

  const outDir = path.resolve(opts.outDir);
  const staging = `${outDir}.tmp-${process.pid}-${++buildSerial}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  const ctx: BuildContext = { root: opts.root, config, outDir: staging, previousOutDir: outDir, force: Boolean(opts.force), log };

  try {
    const wantPdf = config.editions.pdf && opts.only !== 'html';
    const wantHtml = config.editions.html && opts.only !== 'pdf';
    let layouts = new Map<string, IssueLayout>();
    let web: WebSite | undefined;
    const previous = await readManifest(outDir);
    const manifest: Manifest = { version: previous.version, print: {} };
    if (wantPdf) {
      const t = performance.now();
      const envKey = await printEnvironmentKey(opts.root, config, await browserIdentity(config));
      const toRender: Issue[] = [];
      for (const issue of issues) {
        const key = await issuePrintKey(issue, envKey);
        manifest.print[issue.id] = key;
        const reused = !opts.force && (opts.stalePrint || previous.print[issue.id] === key) ? await reusePrintOutput(issue, outDir, staging) : undefined;
        if (reused) {
          layouts.set(issue.id, reused);
          // A stale copy must not pass for current in the next build.
          if (previous.print[issue.id] !== key) manifest.print[issue.id] = previous.print[issue.id] ?? 'stale';
        } else toRender.push(issue);
      }
      if (toRender.length && !opts.stalePrint) {
        const { buildPrintEdition } = await import('../print/index.js');
        for (const [id, layout] of await buildPrintEdition(toRender, ctx)) layouts.set(id, layout);
      }
      const reusedCount = issues.length - toRender.length;
      log.info(`print edition: ${toRender.length} issue(s) laid out, ${reusedCount} reused from the cache, in ${ms(t)}`);
    }
    if (wantHtml) {
      const t = performance.now();
      const { buildWebEdition } = await import('../web/index.js');
      web = (await buildWebEdition(issues, layouts, ctx)).site;
      log.info(`web edition written in ${ms(t)}`);
    }
    await writeManifest(staging, manifest);
    await swapIn(staging, outDir);
    if (web) web.outDir = outDir;
    log.info(`built ${path.relative(process.cwd(), outDir) || outDir}/ in ${ms(started)}`);
    return { issues, files, layouts, outDir, web };
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

/** Replaces `outDir` by `staging` with two renames, so a reader never sees half a site. */
async function swapIn(staging: string, outDir: string): Promise<void> {
  const old = `${outDir}.old-${process.pid}-${buildSerial}`;
  if (existsSync(outDir)) await rename(outDir, old);
  await rename(staging, outDir);
  await rm(old, { recursive: true, force: true });
}

function ms(since: number): string {
  const t = performance.now() - since;
  return t < 1000 ? `${Math.round(t)} ms` : `${(t / 1000).toFixed(1)} s`;
}
