/**
 * The build: parse the issues, make the print edition (PDFs, page images, layout.json),
 * then the web edition, all into a staging folder that replaces the output folder only
 * when everything succeeded — a failed build leaves the previous `dist/` untouched.
 *
 * When nothing the output depends on changed since the last build (`outputKey`), the
 * previous files are hard-linked into the staging folder and swapped in as usual:
 * nothing is parsed or rendered, and the parser, web and print modules are not loaded.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { VFile } from 'vfile';
import type { Issue } from '../ast/types.js';
import type { BanmianConfig } from '../config/types.js';
import { BanmianError } from '../errors.js';
import type { IssueLayout } from '../layout/types.js';
import type { WebSite } from '../web/site.js';
import {
  browserIdentity,
  changedParts,
  issuePrintKey,
  listOutput,
  type Manifest,
  outputKey,
  printEnvironmentKey,
  readManifest,
  reuseOutput,
  reusePrintOutput,
  writeManifest,
} from './cache.js';
import { type BuildContext, type Logger, paths } from './context.js';

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
  /**
   * Always parse and render the web edition (the print output may still be reused):
   * for a caller that needs `issues` and a live `web` site (the dev server).
   */
  keepSite?: boolean;
  /** Another output folder whose print output may be reused when current (`banmian press` reads `dist/`). */
  printFrom?: string;
  log: Logger;
}

let buildSerial = 0;

export interface BuildResult {
  /**
   * True when nothing changed and the previous output was reused whole: then nothing
   * was parsed, `issues` and `files` are empty and `web` is undefined.
   */
  reused: boolean;
  issues: Issue[];
  files: VFile[];
  /** Parser warnings (counted again from the manifest when the output was reused). */
  warnings: number;
  layouts: Map<string, IssueLayout>;
  outDir: string;
  /** The web edition's site (for incremental updates by the dev server); its outDir is the final folder. */
  web?: WebSite;
}

export async function build(opts: BuildOptions): Promise<BuildResult> {
  const { config, log } = opts;
  const started = performance.now();
  const outDir = path.resolve(opts.outDir);
  const issuesDir = path.resolve(opts.issuesDir);
  const wantPdf = config.editions.pdf && opts.only !== 'html';
  const wantHtml = config.editions.html && opts.only !== 'pdf';
  const previous = await readManifest(outDir);
  // Hashed before anything is parsed: an edit made during the build then makes the key stale, never the output.
  const inputs = opts.stalePrint ? undefined : await outputKey({ root: opts.root, config, issuesDir, ids: opts.ids, wantHtml, wantPdf });
  const key = inputs?.key;
  if (inputs && previous.output && previous.output.key !== inputs.key && !opts.force) {
    log.info(`changed since the last build: ${changedParts(previous.output.parts, inputs.parts).join(', ')}`);
  }
  const staging = `${outDir}.tmp-${process.pid}-${++buildSerial}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });

  if (key && previous.output?.key === key && !opts.force && !opts.keepSite) {
    try {
      const reused = await reuseOutput(previous.output, outDir, staging);
      if (reused !== undefined) {
        const layouts = new Map<string, IssueLayout>();
        if (wantPdf) {
          for (const id of previous.output.issues) {
            const file = path.join(staging, paths.layoutJson(id));
            if (existsSync(file)) layouts.set(id, JSON.parse(await readFile(file, 'utf8')) as IssueLayout);
          }
        }
        await writeManifest(staging, previous);
        await swapIn(staging, outDir);
        log.info(`nothing changed since the last build: reused its ${reused} file(s), nothing parsed or rendered`);
        log.info(`built ${path.relative(process.cwd(), outDir) || outDir}/ in ${ms(started)}`);
        return { reused: true, issues: [], files: [], warnings: previous.output.warnings, layouts, outDir };
      }
      log.info('the last build\'s output was changed or is incomplete: building again');
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      throw err;
    }
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
  }

  try {
    const { loadIssues } = await import('../parse/index.js');
    const { issues, files } = await loadIssues(issuesDir, { ids: opts.ids, root: opts.root });
    if (issues.length === 0) throw new BanmianError(`no issue found (a folder with issue.yaml)`, { file: path.relative(opts.root, issuesDir) || issuesDir });
    const pageCount = issues.reduce((n: number, i: Issue) => n + i.children.length, 0);
    log.info(`parsed ${issues.length} issue(s), ${pageCount} page(s) in ${ms(started)}`);
    const warnings = files.reduce((n, f) => n + f.messages.filter((m) => m.fatal === false).length, 0);

    const ctx: BuildContext = { root: opts.root, config, outDir: staging, previousOutDir: outDir, force: Boolean(opts.force), log };
    let layouts = new Map<string, IssueLayout>();
    let web: WebSite | undefined;
    const manifest: Manifest = { version: previous.version, print: {} };
    // Whether the output is exactly what these inputs make (no stale or missing print pages).
    let faithful = true;
    if (wantPdf) {
      const t = performance.now();
      const envKey = await printEnvironmentKey(opts.root, config, await browserIdentity(config));
      const other = opts.printFrom && !opts.force ? await readManifest(opts.printFrom) : undefined;
      const toRender: Issue[] = [];
      for (const issue of issues) {
        const printKey = await issuePrintKey(issue, envKey);
        manifest.print[issue.id] = printKey;
        const own = !opts.force && (opts.stalePrint || previous.print[issue.id] === printKey) ? await reusePrintOutput(issue, outDir, staging) : undefined;
        const reused = own ?? (other?.print[issue.id] === printKey ? await reusePrintOutput(issue, opts.printFrom!, staging) : undefined);
        if (reused) {
          layouts.set(issue.id, reused);
          // A stale copy must not pass for current in the next build.
          if (own && previous.print[issue.id] !== printKey) {
            manifest.print[issue.id] = previous.print[issue.id] ?? 'stale';
            faithful = false;
          }
        } else toRender.push(issue);
      }
      if (toRender.length && opts.stalePrint) faithful = false;
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
    if (inputs && faithful) manifest.output = { key: inputs.key, parts: inputs.parts, issues: issues.map((i) => i.id), warnings, files: await listOutput(staging) };
    await writeManifest(staging, manifest);
    await swapIn(staging, outDir);
    if (web) web.outDir = outDir;
    log.info(`built ${path.relative(process.cwd(), outDir) || outDir}/ in ${ms(started)}`);
    return { reused: false, issues, files, warnings, layouts, outDir, web };
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
