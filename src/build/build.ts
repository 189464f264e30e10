/**
 * The build: parse the issues, make the print edition (PDFs, page images, layout.json),
 * then the web edition, all into a staging folder that replaces the output folder only
 * when everything succeeded — a failed build leaves the previous `dist/` untouched.
 *
 * When nothing the output depends on changed since the last build (`outputKey`), the
 * previous files are hard-linked into the staging folder and swapped in as usual:
 * nothing is parsed or rendered, and the parser, web and print modules are not loaded.
 *
 * Around that: the `--out` guard (src/build/out-guard.ts), one build at a time per
 * output folder (src/build/lock.ts), recovery of a swap a kill -9 cut short and the
 * swap itself (src/build/swap.ts), clean-up on Ctrl-C (src/build/interrupt.ts), and
 * `--only` keeping the other edition's files of the previous output (src/build/keep.ts).
 */
import { accessSync, constants, existsSync, rmSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { VFile } from 'vfile';
import type { Issue } from '../ast/types.js';
import type { BanmianConfig } from '../config/types.js';
import { BanmianError } from '../errors.js';
import type { IssueLayout } from '../layout/types.js';
import type { WebOptions, WebSite } from '../web/site.js';
import type { Shard } from '../archive/shard.js';
import {
  browserIdentity,
  changedParts,
  issuePrintKey,
  listOutput,
  type Manifest,
  outputKey,
  printEnvironmentKey,
  readLayout,
  readManifest,
  reuseOutput,
  reusePrintOutput,
  writeManifest,
} from './cache.js';
import { type BuildContext, type Logger, paths } from './context.js';
import { fsReason, userFsError } from './fs-errors.js';
import { onInterrupt } from './interrupt.js';
import { keepOtherEdition } from './keep.js';
import { lockOutDir } from './lock.js';
import { checkOutDir } from './out-guard.js';
import { BuildSession } from './session.js';
import { recoverOutDir, stagingPath, swapIn } from './swap.js';
import { endOrphanBrowsers } from '../print/profiles.js';
import { PageDiagnostics } from '../report/page-files.js';
import { archiveDirFor, isPublished } from '../archive/record.js';
import { issueInputsKey, type ViewsReuse, webSiteKey } from './issue-views.js';
import { issueFolder } from '../ast/issue-folder.js';
import { IssueLoader } from './load.js';
import { createHash } from 'node:crypto';

export interface BuildOptions {
  root: string;
  config: BanmianConfig;
  issuesDir: string;
  outDir: string;
  /** How the output folder is named in messages (the `--out` value); default: relative to the working folder. */
  outShown?: string;
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
  /** Write each issue's proof.json (`banmian proof`; print output is laid out again). */
  proof?: boolean;
  /** Print records of published issues (default: `archive/` beside the issues folder; src/archive/record.ts). */
  archiveDir?: string;
  /** Check every print record file by its sha256, not only by its size (`build --verify-records`; src/archive/record.ts). */
  verifyRecords?: boolean;
  /** Published issues to lay out again all the same (`banmian publish --again`). */
  relayout?: string[];
  /** Build only this share of the issues into a shard folder (`--shard K/N`, src/archive/shard.ts). */
  shard?: Shard;
  /** `banmian merge`: assemble these shard folders and render the site-wide files. */
  mergeFrom?: string[];
  log: Logger;
  /** Where this build records its timings and counters (default: a new one, returned in the result). */
  session?: BuildSession;
}

export interface BuildResult {
  /**
   * True when nothing changed and the previous output was reused whole: then nothing
   * was parsed, `issues` and `files` are empty and `web` is undefined.
   */
  reused: boolean;
  /**
   * The issues. In a build whose web edition was streamed (not the dev server's, not `--only pdf`), a
   * published issue is a summary: its pages without their content (src/build/load.ts).
   */
  issues: Issue[];
  files: VFile[];
  /** Parser warnings (counted again from the manifest when the output was reused). */
  warnings: number;
  /** The pages with the print and web editions' warnings (also on `files`), for a reporter. */
  editionWarnings: VFile[];
  layouts: Map<string, IssueLayout>;
  outDir: string;
  /** The web edition's site (for incremental updates by the dev server); its outDir is the final folder. */
  web?: WebSite;
  /** This build's timings and counters (browsers started, print requests refused). */
  session: BuildSession;
}

export async function build(opts: BuildOptions): Promise<BuildResult> {
  const { log } = opts;
  const issuesDir = path.resolve(opts.issuesDir);
  // Refused before anything is touched: an --out that is not ours to replace.
  const outDir = checkOutDir({ root: opts.root, issuesDir, outDir: opts.outDir, shown: opts.outShown });
  const shown = opts.outShown ?? (path.relative(process.cwd(), outDir) || outDir);
  // Browsers (and profile folders) a killed build left behind.
  const ended = endOrphanBrowsers();
  if (ended.browsers) log.warn(`ended ${ended.browsers} browser(s) left running by a build that was killed`);
  try {
    await mkdir(path.dirname(outDir), { recursive: true });
    const lock = await lockOutDir(outDir, log, shown);
    const unregister = onInterrupt(() => lock.release());
    try {
      recoverOutDir(outDir, log, shown);
      checkWritable(outDir, shown);
      return await buildLocked(opts, outDir, issuesDir);
    } finally {
      unregister();
      lock.release();
    }
  } catch (err) {
    // Disk full, no permission, read-only disk: one line naming the path.
    throw userFsError(err);
  }
}

/** The build proper, with the output folder's lock held. */
async function buildLocked(opts: BuildOptions, outDir: string, issuesDir: string): Promise<BuildResult> {
  const { config, log } = opts;
  const session = opts.session ?? new BuildSession();
  const started = performance.now();
  const wantPdf = config.editions.pdf && opts.only !== 'html';
  const wantHtml = config.editions.html && opts.only !== 'pdf';
  const previous = await readManifest(outDir, (m) => log.warn(`warning: ${m}`));
  // A large previous output is removed after the swap by a detached process (src/build/swap.ts).
  const previousFiles = Object.keys(previous.digests ?? {}).length;
  // sha256 of files checked against the manifest this build (not read again for the new manifest).
  const verified = new Map<string, string>();
  // Hashed before anything is parsed: an edit made during the build then makes the key stale, never the output.
  const archiveDir = opts.archiveDir ?? archiveDirFor(issuesDir);
  // Input files unchanged in size and mtime since the last build are not read again (their digests are in its manifest).
  const inputs = opts.stalePrint ? undefined : await outputKey({ root: opts.root, config, issuesDir, ids: opts.ids, wantHtml, wantPdf, archiveDir, previous: opts.force ? undefined : previous.inputs });
  const key = inputs?.key;
  if (inputs && previous.output && previous.output.key !== inputs.key && !opts.force) {
    log.info(`changed since the last build: ${changedParts(previous.output.parts, inputs.parts).join(', ')}`);
  }
  const staging = stagingPath(outDir);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  // Ctrl-C: the staging folder goes (synchronously, in the signal handler).
  const unregister = onInterrupt(() => rmSync(staging, { recursive: true, force: true, maxRetries: 3 }));
  const failed = async (err: unknown) => {
    unregister();
    // The build's own error is what the editor must see; a staging folder that cannot be removed
    // only gets a warning (the next build removes it: recoverOutDir).
    await rm(staging, { recursive: true, force: true, maxRetries: 3 }).catch((e: NodeJS.ErrnoException) =>
      log.warn(`warning: cannot remove the staging folder ${staging}: ${e.code ?? e.message}`),
    );
    return inOutDir(err, staging, outDir);
  };

  // The previous output failed its full check: none of its views is reused either.
  let damaged = false;
  if (key && previous.output?.key === key && !opts.force && !opts.keepSite && !opts.shard && !opts.mergeFrom) {
    try {
      const reused = await reuseOutput(previous.output, previous.digests, outDir, staging, verified);
      if (reused !== undefined) {
        const layouts = new Map<string, IssueLayout>();
        if (wantPdf) {
          for (const id of previous.output.issues) {
            const file = path.join(staging, paths.layoutJson(id));
            if (existsSync(file)) layouts.set(id, JSON.parse(await readFile(file, 'utf8')) as IssueLayout);
          }
        }
        await writeManifest(staging, { ...previous, inputs: inputs!.inputs });
        swapIn(staging, outDir, log, previousFiles);
        unregister();
        log.info(`nothing changed since the last build: reused its ${reused} file(s), nothing parsed or rendered`);
        log.info(`built ${path.relative(process.cwd(), outDir) || outDir}/ in ${ms(started)}`);
        return { reused: true, issues: [], files: [], warnings: previous.output.warnings, editionWarnings: [], layouts, outDir, session };
      }
      log.info('the last build\'s output was changed or is incomplete: building again');
      damaged = true;
    } catch (err) {
      throw await failed(err);
    }
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    verified.clear();
  }

  try {
    const { loadIssues } = await import('../parse/index.js');
    // Pages parsed when their issue was published are read back from the record where their bytes and the parser are the same.
    const pageCache = existsSync(archiveDir) ? (await import('../archive/page-cache.js')).recordPageCache(archiveDir) : undefined;
    // A build with a web edition (not the dev server's, which keeps every tree for its updates) streams it:
    // published issues are kept as summaries and loaded again one at a time when rendered (src/build/load.ts).
    const loader =
      wantHtml && !opts.keepSite
        ? new IssueLoader({ root: opts.root, issuesDir, archiveDir, hasArchive: pageCache !== undefined }, (i) => !isPublished(i) || Boolean(opts.relayout?.includes(i.id)))
        : undefined;
    const { issues, files } = loader ? await loader.load({ ids: opts.ids, pageCache }) : await loadIssues(issuesDir, { ids: opts.ids, root: opts.root, pageCache });
    if (issues.length === 0) throw new BanmianError(`no issue found (a folder with issue.yaml)`, { file: path.relative(opts.root, issuesDir) || issuesDir });
    const pageCount = issues.reduce((n: number, i: Issue) => n + i.children.length, 0);
    log.info(`parsed ${issues.length} issue(s), ${pageCount} page(s)${pageCache?.hits ? ` (${pageCache.hits} as parsed when published)` : ''} in ${ms(started)}`);
    const warnings = files.reduce((n, f) => n + f.messages.filter((m) => m.fatal === false).length, 0);

    const pages = new PageDiagnostics(files);
    // A merge takes font slices and the like from its first shard instead of the previous output.
    const ctx: BuildContext = { root: opts.root, config, outDir: staging, previousOutDir: opts.mergeFrom?.[0] ?? outDir, force: Boolean(opts.force), proof: opts.proof, log, pages, session };
    let layouts = new Map<string, IssueLayout>();
    let web: WebSite | undefined;
    const manifest: Manifest = { version: previous.version, print: {}, ...(inputs ? { inputs: inputs.inputs } : {}) };
    // Whether the output is exactly what these inputs make (no stale or missing print pages).
    let faithful = true;
    // Sharding (src/archive/shard.ts): a shard prints and renders its share only; a merge prints nothing and renders the site-wide files.
    const sharding = opts.shard || opts.mergeFrom ? await import('../archive/shard.js') : undefined;
    const shardKey = sharding?.shardConfigKey(config, issues.map((i) => i.id));
    const share = opts.shard ? sharding!.shareOf(issues.map((i) => i.id), opts.shard) : undefined;
    let printed = share ? issues.filter((i) => share.has(i.id)) : issues;
    let webOptions: WebOptions | undefined = share ? { issues: share, siteWide: false, search: false } : undefined;
    if (opts.mergeFrom) {
      manifest.print = await sharding!.linkShards(opts.mergeFrom, staging, { config: shardKey!, issues: issues.map((i) => i.id) }, (f) => path.relative(process.cwd(), f) || f, verified);
      for (const issue of issues) {
        const layout = await readLayout(staging, issue.id);
        if (layout) layouts.set(issue.id, layout);
      }
      printed = [];
      webOptions = { issues: new Set(), siteWide: true };
    }
    if (sharding) faithful = false;
    if (wantPdf) {
      const t = performance.now();
      const envKey = await printEnvironmentKey(opts.root, config, await browserIdentity(config));
      const other = opts.printFrom && !opts.force ? await readManifest(opts.printFrom) : undefined;
      const toRender: Issue[] = [];
      let frozen = 0;
      for (const issue of printed) {
        // A published issue is never laid out again: its print output comes from its record.
        if (isPublished(issue) && !opts.relayout?.includes(issue.id)) {
          const { printFromRecord } = await import('../archive/record.js');
          layouts.set(issue.id, await printFromRecord(issue, archiveDir, staging, { shown: (f) => path.relative(process.cwd(), f) || f, warn: (m) => log.warn(m), verified, fullCheck: opts.verifyRecords }));
          manifest.print[issue.id] = 'record';
          frozen++;
          continue;
        }
        const printKey = await issuePrintKey(issue, envKey);
        manifest.print[issue.id] = printKey;
        let previousKey = previous.print[issue.id];
        let reused = !opts.force && (opts.stalePrint || previousKey === printKey) ? await reusePrintOutput(issue, outDir, staging, previous.digests, verified) : undefined;
        if (!reused && opts.stalePrint && !opts.force) {
          // The dev server's quick pass takes whatever print output is there (its in-place updates record no
          // digests); marked stale, so it is never trusted as current.
          reused = await reusePrintOutput(issue, outDir, staging, 'unverified');
          previousKey = 'stale';
        }
        // `banmian press` reads the print output of `dist/` when it is current (verified against that folder's digests).
        const fromOther = !reused && other?.print[issue.id] === printKey;
        if (fromOther) reused = await reusePrintOutput(issue, opts.printFrom!, staging, other!.digests);
        if (reused) {
          layouts.set(issue.id, reused);
          // A stale copy must not pass for current in the next build.
          if (!fromOther && previousKey !== printKey) {
            manifest.print[issue.id] = previousKey ?? 'stale';
            faithful = false;
          }
        } else toRender.push(issue);
      }
      if (toRender.length && opts.stalePrint) faithful = false;
      if (toRender.length && !opts.stalePrint) {
        const { buildPrintEdition } = await import('../print/index.js');
        for (const [id, layout] of await buildPrintEdition(toRender, ctx)) layouts.set(id, layout);
      }
      const reusedCount = printed.length - toRender.length - frozen;
      log.info(`print edition: ${toRender.length} issue(s) laid out, ${reusedCount} reused from the cache${frozen ? `, ${frozen} published (from archive/)` : ''}, in ${ms(t)}`);
    }
    // --only html / --only pdf: the other edition's files of the previous output stay.
    if (opts.only) {
      const kept = await keepOtherEdition({ keep: opts.only === 'html' ? 'print' : 'web', issues, outDir, staging, previous, verified, manifest, layouts });
      if (kept.files) {
        faithful = false;
        log.info(`kept ${kept.files} file(s) of the ${opts.only === 'html' ? 'print' : 'web'} edition from the last build`);
      }
    }
    if (wantHtml) {
      const t = performance.now();
      const { buildWebEdition } = await import('../web/index.js');
      // Published issues' web images come from their records (frozen with the print output).
      const frozenDir = (i: Issue) => (isPublished(i) && !opts.relayout?.includes(i.id) ? archiveDir : undefined);
      // Issues whose inputs are unchanged keep their views from the previous output (src/build/issue-views.ts).
      // Keys are recorded by every build that has them (a --force build too), for the next one.
      const canReuse = !damaged && !opts.force && !opts.keepSite;
      const reuse = inputs && !opts.mergeFrom ? await viewsReuse(opts, inputs, issues, layouts, manifest, archiveDir, outDir, canReuse ? previous : undefined) : undefined;
      web = (await buildWebEdition(issues, layouts, ctx, { ...webOptions, frozenDir, reuse, whole: loader?.whole, knownDigest: (rel) => verified.get(rel) })).site;
      // The pages were hashed as they were written (or their digests come from the last manifest): listOutput need not read them back.
      for (const [rel, sum] of web.writtenDigests) verified.set(rel, sum);
      if (inputs) manifest.views = Object.fromEntries([...web.viewRecords].sort(([a], [b]) => (a < b ? -1 : 1)));
      log.info(`web edition written in ${ms(t)}${web.reusedIssues ? ` (${web.reusedIssues} issue(s)' views reused from the last build)` : ''}`);
    }
    const listed = await listOutput(staging, verified);
    manifest.digests = listed.digests;
    if (inputs && faithful) manifest.output = { key: inputs.key, parts: inputs.parts, issues: issues.map((i) => i.id), warnings, files: listed.files };
    await writeManifest(staging, manifest);
    if (opts.shard) {
      const print = Object.fromEntries(printed.map((i) => [i.id, manifest.print[i.id]]).filter(([, k]) => k));
      await sharding!.writeShardInfo(staging, { shard: opts.shard.index, of: opts.shard.count, config: shardKey!, issues: issues.map((i) => i.id).sort(), share: [...share!], print });
    }
    swapIn(staging, outDir, log, previousFiles);
    unregister();
    if (web) web.outDir = outDir;
    log.info(`built ${path.relative(process.cwd(), outDir) || outDir}/ in ${ms(started)}`);
    return { reused: false, issues, files, warnings, editionWarnings: pages.editionFiles(), layouts, outDir, web, session };
  } catch (err) {
    throw await failed(err);
  }
}

/** What reusing issues' views needs: the site's key and each issue's own inputs (src/build/issue-views.ts). */
async function viewsReuse(
  opts: BuildOptions,
  inputs: { parts: Record<string, string> },
  issues: Issue[],
  layouts: Map<string, IssueLayout>,
  manifest: Manifest,
  archiveDir: string,
  outDir: string,
  /** The previous output's manifest, or undefined when none of its views may be reused. */
  previous: Manifest | undefined,
): Promise<ViewsReuse> {
  const own = new Map<string, string | undefined>();
  for (const issue of issues) {
    // A published issue's page images come from its record: its record.json (digests of every record file) is an input.
    const record = isPublished(issue) ? await readFile(path.join(archiveDir, issue.id, 'record.json')).then((b) => createHash('sha256').update(b).digest('hex'), () => undefined) : undefined;
    const layout = layouts.get(issue.id);
    own.set(issue.id, issueInputsKey(inputs.parts[`issue:${path.basename(issueFolder(issue))}`], manifest.print[issue.id], record, layout && JSON.stringify(layout)));
  }
  return {
    siteKey: webSiteKey(opts.config, inputs.parts, path.join(opts.root, 'templates', 'web')),
    issueInputs: (id) => own.get(id),
    fromDir: outDir,
    previous: previous?.views,
    digests: previous?.digests,
  };
}

/** An fs error in the staging folder names the file as it would be in the output folder (staging is gone by then). */
function inOutDir(err: unknown, staging: string, outDir: string): unknown {
  const e = err as NodeJS.ErrnoException & { dest?: string };
  for (const k of ['path', 'dest'] as const) {
    const v = e?.[k];
    if (typeof v === 'string' && (v === staging || v.startsWith(staging + path.sep))) e[k] = outDir + v.slice(staging.length);
  }
  // A failed write() (writeFile, streams, worker output) carries no path: name the output folder it was writing.
  if (e && typeof e === 'object' && fsReason(err) && !e.path && !e.dest) e.path = outDir;
  return err;
}

/** A read-only output folder fails here, before anything is built, instead of after the swap. */
function checkWritable(outDir: string, shown: string): void {
  if (!existsSync(outDir)) return;
  try {
    accessSync(outDir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new BanmianError(`cannot replace the output folder ${shown}: ${fsReason(err) ?? (err as Error).message} (${(err as NodeJS.ErrnoException).code})`);
  }
}

function ms(since: number): string {
  const t = performance.now() - since;
  return t < 1000 ? `${Math.round(t)} ms` : `${(t / 1000).toFixed(1)} s`;
}
