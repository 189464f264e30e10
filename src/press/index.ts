/**
 * `banmian press`: the per-page files for the printing plant. Press never lays out: it
 * takes the print edition's page PDFs (the same line breaks as the screen PDF and the
 * page images) — from `dist/` when they are current there, else from its own print
 * cache, which the print stage (with its cache) fills first — and converts each page
 * (page.ts). Files go to a staging folder and replace `press/<issue>/` only when every
 * page of every issue was written, so a failure leaves the previous press files as
 * they were.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Issue } from '../ast/types.js';
import type { Logger } from '../build/context.js';
import { pad2 } from '../build/context.js';
import { issueNumberText, pageLabel } from '../ast/vocabulary.js';
import type { BanmianConfig } from '../config/types.js';
import { BanmianError } from '../errors.js';
import type { IssueLayout } from '../layout/types.js';
import { parseCmykPercent, parseHex, type ColourRules } from './colour.js';
import { pressPage } from './page.js';
import { formatFindings, preflight, type PreflightReport } from './preflight.js';
import { loadOutputProfile } from './profile.js';

export interface PressOptions {
  root: string;
  config: BanmianConfig;
  issuesDir: string;
  /** Press output folder (default `press/`). */
  outDir: string;
  /** The web/print build's output, whose print pages are reused when current (default `dist/`). */
  printFrom: string;
  /** Print cache of the press stage (default `.banmian-cache/print`). */
  printCache: string;
  ids?: string[];
  marks?: boolean;
  log: Logger;
}

export interface PressResult {
  files: string[];
  reports: PreflightReport[];
  ok: boolean;
  /** Time spent converting and preflighting (not counting the print stage), ms. */
  pressMs: number;
}

/** File name of a press page: `<YYYYMMDD>-<NN>.pdf`. */
export const pressFileName = (date: string, page: number) => `${date.replace(/-/g, '')}-${pad2(page)}.pdf`;

/** The colour rules of the config, with its output profile loaded and checked. */
export async function colourRules(root: string, config: BanmianConfig): Promise<ColourRules> {
  const settings = config.print.press;
  return {
    blackFrom: 0.85,
    redRgb: parseHex(settings.redRgb)!,
    redCmyk: parseCmykPercent(settings.red)!,
    totalInk: settings.totalInk / 100,
    profile: await loadOutputProfile(root, settings.outputIntent),
  };
}

export async function press(opts: PressOptions): Promise<PressResult> {
  const { config, log } = opts;
  const settings = config.print.press;
  // The profile first: a bad profile fails before anything is laid out or written.
  const rules = await colourRules(opts.root, config);
  const marks = opts.marks ?? settings.marks;

  // The print stage: press pages start from the print layout without marks (press draws its own).
  const { build } = await import('../build/build.js');
  const printConfig: BanmianConfig = { ...config, print: { ...config.print, marks: false } };
  const printed = await build({ root: opts.root, config: printConfig, issuesDir: opts.issuesDir, outDir: opts.printCache, ids: opts.ids, only: 'pdf', printFrom: opts.printFrom, log });
  const { loadIssues } = await import('../parse/index.js');
  const issues: Issue[] = printed.issues.length ? printed.issues : (await loadIssues(opts.issuesDir, { ids: opts.ids, root: opts.root })).issues;

  const started = performance.now();
  const outDir = path.resolve(opts.outDir);
  const staging = path.join(outDir, `.staging-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  const files: string[] = [];
  const reports: PreflightReport[] = [];
  try {
    for (const issue of issues) {
      const layout = printed.layouts.get(issue.id) ?? (await readLayout(opts.printCache, issue.id));
      const issueReports = await pressIssue({ issue, layout, printDir: path.join(opts.printCache, issue.id), outDir: path.join(staging, issue.id), config, rules, marks, root: opts.root, log });
      files.push(...issueReports.map((r) => r.file));
      reports.push(...issueReports);
    }
    // Every file is written: swap each issue's folder in.
    for (const issue of issues) {
      const final = path.join(outDir, issue.id);
      const old = `${final}.old-${process.pid}`;
      if (existsSync(final)) await rename(final, old);
      await rename(path.join(staging, issue.id), final);
      await rm(old, { recursive: true, force: true });
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  const pressMs = performance.now() - started;
  for (const r of reports) for (const line of formatFindings(r)) log.warn(line);
  const ok = reports.every((r) => r.ok);
  log.info(`press: ${files.length} page file(s) in ${path.relative(process.cwd(), outDir) || outDir}/ in ${(pressMs / 1000).toFixed(1)} s (after the print stage); preflight ${ok ? 'passed' : 'FAILED'}`);
  return { files, reports, ok, pressMs };
}

export interface PressIssueInput {
  issue: Issue;
  layout: IssueLayout;
  /** The issue's print output folder (page PDFs at `layout.pages[].pdf`). */
  printDir: string;
  /** Where the press files and preflight.json go. */
  outDir: string;
  config: BanmianConfig;
  rules: ColourRules;
  marks: boolean;
  root: string;
  log: Logger;
}

/** The press files of one issue and its preflight.json: the work after the print stage. */
export async function pressIssue(input: PressIssueInput): Promise<PreflightReport[]> {
  const { issue, layout, config, rules, marks, log } = input;
  await mkdir(input.outDir, { recursive: true });
  const jobs = issue.children.map((page) => async () => {
    const number = page.number;
    const pl = layout.pages.find((p) => p.number === number);
    if (!pl) throw new BanmianError(`page ${pad2(number)} has no print layout (the print edition made ${layout.pages.length} page(s))`, { file: path.relative(input.root, page.file) });
    const srcFile = path.join(input.printDir, pl.pdf);
    let src: Buffer;
    try {
      src = await readFile(srcFile);
    } catch {
      throw new BanmianError('the print page PDF is missing', { file: path.relative(process.cwd(), srcFile) });
    }
    const name = pressFileName(issue.date, number);
    const pageName = page.name ? ` ${page.name}` : '';
    // The output time is the issue's (06:00 UTC of its date, as in the screen PDF's /Info), not the clock's: same input, same bytes.
    const slug = `${config.paper.name}  ${issue.date}  ${issueNumberText(issue.number)}  ${pageLabel(number)}${pageName}  输出 ${issue.date} 06.00`;
    const t0 = performance.now();
    const { bytes, notes, doc } = await pressPage(src, {
      rules,
      trimMm: [config.print.trimWidthMm, config.print.trimHeightMm],
      bleedMm: config.print.press.bleed,
      marks,
      slug,
      title: `${config.paper.name} ${issue.date} ${pageLabel(number)}${pageName}`,
      date: new Date(`${issue.date}T06:00:00Z`),
    });
    for (const n of notes) log.warn(`${issue.id}/${name}: ${n}`);
    await writeFile(path.join(input.outDir, name), bytes);
    const t1 = performance.now();
    const report = await preflight(bytes, `${issue.id}/${name}`, doc);
    if (process.env.BANMIAN_DEBUG) log.info(`  ${name}: convert ${Math.round(t1 - t0)} ms, preflight ${Math.round(performance.now() - t1)} ms`);
    return report;
  });
  const reports = await runLimited(jobs, Math.max(1, config.print.concurrency));
  const json = { issue: issue.id, standard: 'PDF/X-1a:2001', outputIntent: rules.profile.source, ok: reports.every((r) => r.ok), files: reports };
  await writeFile(path.join(input.outDir, 'preflight.json'), JSON.stringify(json, null, 2) + '\n');
  return reports;
}

async function readLayout(dir: string, id: string): Promise<IssueLayout> {
  const file = path.join(dir, id, 'layout.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as IssueLayout;
  } catch {
    throw new BanmianError('no print layout for this issue', { file: path.relative(process.cwd(), file) });
  }
}

/** Runs the jobs at most `limit` at a time, results in order. */
async function runLimited<T>(jobs: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const out = new Array<T>(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, jobs.length) }, async () => {
      while (next < jobs.length) {
        const k = next++;
        out[k] = await jobs[k]();
      }
    }),
  );
  return out;
}
