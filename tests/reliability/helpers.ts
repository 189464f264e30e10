/**
 * A throw-away copy of the project for the reliability tests (never the real repo):
 * templates, styles, the sample issue and a config, plus `banmian` run as a child
 * process in it, and byte snapshots of folders.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, lstat, mkdir, mkdtemp, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin/banmian.js');
export const SAMPLE_ID = '2026-11-20';

/** A one-page issue: quick to lay out. */
export const SMALL_PAGE = `# 海岸新区便民服务月启动

□本报记者 王海

本报讯 11月20日，海岸新区“便民服务月”活动在青屿街道启动。活动期间，全区12个社区设立便民服务岗，为居民提供政策咨询、家电维修、健康义诊等服务。

“家门口就能办成事，省了不少工夫。”前来咨询的居民张女士说。据了解，本次活动将持续到12月20日，预计服务居民3万人次。
`;

export interface Project {
  dir: string;
  issues: string;
}

/** A project copy: templates, styles, a config, and the sample issue (or a one-page one). */
export async function makeProject(opts: { issue?: 'sample' | 'small' } = {}): Promise<Project> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-rel-'));
  for (const d of ['templates', 'styles']) await cp(path.join(ROOT, d), path.join(dir, d), { recursive: true });
  await writeFile(path.join(dir, 'banmian.config.ts'), `export default { paper: { name: '海岸新闻', cn: 'CN 37-0099' } };\n`);
  const issues = path.join(dir, 'issues');
  if (opts.issue === 'small') {
    const issue = path.join(issues, '2026-11-21');
    await mkdir(issue, { recursive: true });
    await writeFile(path.join(issue, 'issue.yaml'), 'date: 2026-11-21\nnumber: 1\n');
    await writeFile(path.join(issue, '01-要闻.md'), SMALL_PAGE);
  } else {
    await cp(path.join(ROOT, 'issues', SAMPLE_ID), path.join(issues, SAMPLE_ID), { recursive: true });
  }
  // Something a wrong --out would destroy.
  await mkdir(path.join(dir, '.git'), { recursive: true });
  await writeFile(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  return { dir, issues };
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `banmian …` in `cwd` to the end. */
export function banmian(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  const child = spawnBanmian(args, cwd, env);
  return child.done;
}

/** Starts `banmian …` in `cwd`; `done` settles when it exits. */
export function spawnBanmian(args: string[], cwd: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, CI: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Run>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, output: () => ({ stdout, stderr }) };
}

/** Exit code 1 and exactly one line on stderr, `banmian: …`, matching every pattern, no stack. */
export function expectOneLineError(r: Run, ...parts: RegExp[]): string {
  const lines = r.stderr.trim().split('\n').filter((l) => l && !l.includes('npm warn'));
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^banmian: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toMatch(/internal error/);
  for (const p of parts) expect(lines[0]).toMatch(p);
  expect(r.code).toBe(1);
  return lines[0];
}

/**
 * Every entry under `dir` (dot-files too) → sha256 of its bytes, a link's target, or 'dir';
 * `skip`: relative paths left out with everything under them (e.g. an output's `.banmian`).
 */
export async function snapshot(dir: string, options: { skip?: string[] } = {}): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  const skip = new Set(options.skip ?? []);
  const walk = async (d: string, rel: string) => {
    for (const name of (await readdir(d)).sort()) {
      const p = path.join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      if (skip.has(r)) continue;
      const st = await lstat(p);
      if (st.isSymbolicLink()) out[r] = `link:${await readlink(p)}`;
      else if (st.isDirectory()) {
        out[r] = 'dir';
        await walk(p, r);
      } else out[r] = createHash('sha256').update(await readFile(p)).digest('hex');
    }
  };
  await walk(dir, '');
  return out;
}

/** Entries next to `outDir` left by a build: staging, old and lock files. */
export function buildLeftovers(outDir: string): string[] {
  const base = path.basename(outDir);
  return readdirSync(path.dirname(outDir)).filter((n) => n.startsWith(`${base}.`) || n.startsWith(`.${base}.lock`));
}

/** PIDs of processes whose command line contains `text` (Linux /proc). */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      // A zombie has an empty command line: it is gone, only not yet reaped.
      if (cmd.includes(text)) pids.push(Number(p));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** The browser the print edition would use, resolved here once (so a child with its own TMPDIR does not unpack it again). */
export async function browserPath(): Promise<string> {
  const { resolveBrowser } = await import('../../src/print/browser.js');
  return (await resolveBrowser()).path;
}
