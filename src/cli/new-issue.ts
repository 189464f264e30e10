/**
 * `banmian new [date]`: the next issue folder, with `issue.yaml` numbered on from the
 * latest issue and page files copied from `templates/new-issue/`. Never overwrites.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import { BanmianError } from '../errors.js';

export interface NewIssueResult {
  dir: string;
  date: string;
  number: number;
  total?: number;
  files: string[];
}

export async function createIssue(opts: { root: string; issuesDir: string; date?: string; today?: Date }): Promise<NewIssueResult> {
  const latest = await latestIssue(opts.issuesDir);
  let date = opts.date;
  if (date !== undefined && !isValidDate(date)) throw new BanmianError(`"${date}" is not a date like 2026-11-21`);
  if (!date) {
    const today = isoDate(opts.today ?? new Date());
    date = latest && latest.date >= today ? isoDate(addDays(new Date(latest.date + 'T00:00:00Z'), 1)) : today;
  }
  const dir = path.join(opts.issuesDir, date);
  if (existsSync(dir)) throw new BanmianError(`issue folder already exists; not overwriting it`, { file: path.relative(opts.root, dir) });
  const number = (latest?.number ?? 0) + 1;
  const total = latest?.total !== undefined ? latest.total + 1 : undefined;

  const templateDir = path.join(opts.root, 'templates', 'new-issue');
  const templates = existsSync(templateDir) ? (await readdir(templateDir)).filter((f) => /^\d+.*\.(md|txt)$/.test(f)).sort() : [];
  await mkdir(dir, { recursive: true });
  const yaml = [`date: ${date}`, `number: ${number}`, ...(total !== undefined ? [`total: ${total}`] : [])].join('\n') + '\n';
  await writeFile(path.join(dir, 'issue.yaml'), yaml);
  const files = ['issue.yaml'];
  for (const name of templates) {
    await copyFile(path.join(templateDir, name), path.join(dir, name));
    files.push(name);
  }
  return { dir, date, number, total, files };
}

async function latestIssue(issuesDir: string): Promise<{ date: string; number: number; total?: number } | undefined> {
  if (!existsSync(issuesDir)) return undefined;
  let best: { date: string; number: number; total?: number } | undefined;
  for (const entry of await readdir(issuesDir, { withFileTypes: true })) {
    const file = path.join(issuesDir, entry.name, 'issue.yaml');
    if (!entry.isDirectory() || !existsSync(file)) continue;
    let data: Record<string, unknown>;
    try {
      data = (YAML.parse(await readFile(file, 'utf8')) ?? {}) as Record<string, unknown>;
    } catch {
      throw new BanmianError('issue.yaml is not valid YAML', { file });
    }
    const date = data.date instanceof Date ? isoDate(data.date) : String(data.date ?? entry.name);
    const number = Number(data.number);
    if (!Number.isFinite(number)) continue;
    if (!best || date > best.date) best = { date, number, total: data.total === undefined ? undefined : Number(data.total) };
  }
  return best;
}

function isValidDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && isoDate(d) === s;
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function addDays(d: Date, n: number): Date {
  return new Date(d.getTime() + n * 86_400_000);
}
