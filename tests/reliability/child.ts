/** Shared by the print, image and dev-server reliability tests: the CLI as a child in the project root, a digest of a folder. */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, readlink, lstat } from 'node:fs/promises';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const SAMPLE = path.join(ROOT, 'issues', '2026-11-20');
const BIN = path.join(ROOT, 'bin/banmian.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `banmian <args>` in the project root (its config), as a child process; killed after `timeoutMs`. */
export function banmian(args: string[], timeoutMs = 600_000): Promise<Run> {
  return new Promise((resolve) => {
    const t = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, CI: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - t });
    });
  });
}

/** Lines of stderr that are Banmian's (npm's own notices left out). */
export function errorLines(r: Run): string[] {
  return r.stderr
    .trim()
    .split('\n')
    .filter((l) => l && !l.includes('npm warn'));
}

/** Every file under `dir` (symlinks as their target text) → digest of its bytes: "untouched" is equality. */
export async function digestTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const st = await lstat(p);
      if (st.isSymbolicLink()) out[path.relative(dir, p)] = `-> ${await readlink(p)}`;
      else if (st.isDirectory()) await walk(p);
      else out[path.relative(dir, p)] = createHash('sha256').update(await readFile(p)).digest('hex');
    }
  };
  await walk(dir);
  return out;
}
