/** Running the `banmian` CLI from the reliability tests, and temporary issue folders. */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/banmian.js');

export function banmian(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary `issues/<id>/` with issue.yaml and the given files. */
export async function tempIssue(files: Record<string, string | Uint8Array>, yaml: string | null = 'date: 2026-11-21\nnumber: 7\n', id = '2026-11-21') {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-rel-'));
  const issues = path.join(dir, 'issues');
  const issue = path.join(issues, id);
  await mkdir(issue, { recursive: true });
  if (yaml !== null) await writeFile(path.join(issue, 'issue.yaml'), yaml);
  for (const [name, body] of Object.entries(files)) await writeFile(path.join(issue, name), body);
  return { dir, issues, issue };
}

/** stderr as one line `banmian: …` (no stack trace). */
export function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n').filter((l) => l && !l.includes('npm warn'));
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got:\n${stderr}`);
  return lines[0];
}
