/**
 * Press conversion of the 8-page bench issue (the sample's 4 pages twice), in the same
 * run as the screen print of those pages: the print edition is built twice (cold, then
 * warm: that is the print time), then the press stage converts the 8 page PDFs and
 * preflights them (`pressIssue`, the work `banmian press` does after the print stage),
 * BENCH_ROUNDS times (default 3; the median is reported).
 * Targets: press ≤ 25 % of the warm print time, ≤ 0.3 s per page.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BuildSession } from '../src/build/session.js';
import { loadConfig } from '../src/config/index.js';
import { eightPageIssue } from './eight-pages.js';
import { loadIssue } from '../src/parse/index.js';
import { colourRules, pressIssue } from '../src/press/index.js';
import { buildPrintEdition } from '../src/print/index.js';

const ROOT = path.resolve(import.meta.dirname, '..');

export async function benchPress(): Promise<Record<string, number | string>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-bench-press-'));
  try {
    const issueDir = await eightPageIssue(dir);
    const { issue } = await loadIssue(issueDir, { root: dir });
    const { config } = await loadConfig(ROOT);
    const log = { info() {}, warn() {}, progress() {} };
    const pages = issue.children.length;
    const print = async (name: string) => {
      const out = path.join(dir, name);
      const t = performance.now();
      const layouts = await buildPrintEdition([issue], { root: ROOT, config, outDir: out, previousOutDir: out, force: true, log, session: new BuildSession() });
      return { ms: performance.now() - t, layout: layouts.get(issue.id)!, out };
    };
    await print('cold');
    const warm = await print('warm');
    const rules = await colourRules(ROOT, config);
    const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
    const times: number[] = [];
    const cpus: number[] = [];
    let ok = true;
    for (let r = 0; r < rounds; r++) {
      const t = performance.now();
      const cpu = process.cpuUsage();
      const reports = await pressIssue({ issue, layout: warm.layout, printDir: path.join(warm.out, issue.id), outDir: path.join(dir, `press-${r}`), config, rules, marks: false, root: ROOT, log });
      times.push(performance.now() - t);
      const used = process.cpuUsage(cpu);
      cpus.push((used.user + used.system) / 1000);
      ok &&= reports.every((x) => x.ok);
    }
    const press = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)];
    return {
      pages,
      'print warm (s)': warm.ms / 1000,
      'print per page (s)': warm.ms / 1000 / pages,
      'press rounds (s)': times.map((t) => (t / 1000).toFixed(2)).join(' '),
      'press median (s)': press / 1000,
      'press per page (s)': press / 1000 / pages,
      // CPU time of this process (sharp's threads included): steadier than wall time on a shared machine
      'press cpu median (s)': [...cpus].sort((a, b) => a - b)[Math.floor(cpus.length / 2)] / 1000,
      'press / print': press / warm.ms,
      'target press / print': 0.25,
      'target press per page (s)': 0.3,
      'preflight passed': ok ? 'yes' : 'no',
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
