/**
 * The `--out` guard. The output folder is replaced whole by every build, so a wrong
 * `--out` would delete what it points at: the project, the page sources, a document.
 * A folder is accepted only when it is absent, empty, or a previous banmian output (it
 * holds the manifest); never `/`, the project root, the issues folder, a folder inside
 * the issues folder, a parent of either, or a file. Checked before anything is touched.
 */
import { existsSync, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { BanmianError } from '../errors.js';
import { MANIFEST } from './cache.js';

export interface OutGuardInput {
  /** Project root (where banmian.config.ts lives). */
  root: string;
  issuesDir: string;
  outDir: string;
  /** How the folder is named to the editor (the `--out` value); default: relative to the root. */
  shown?: string;
}

/** Throws a one-line BanmianError when `outDir` must not be written; returns its resolved path otherwise. */
export function checkOutDir(input: OutGuardInput): string {
  const outDir = path.resolve(input.outDir);
  const shown = input.shown ?? (path.relative(input.root, outDir) || outDir);
  const refuse = (why: string): never => {
    throw new BanmianError(`refusing to use ${shown} as the output folder: ${why}; choose an empty or new folder (--out)`);
  };
  // Compared as real paths, so a symlink or `..` cannot lead the output onto the sources.
  const real = realish(outDir);
  if (real === path.parse(real).root) refuse('it is the filesystem root');
  const protectedDirs: Array<[string, string]> = [
    [realish(input.root), 'the project folder'],
    [realish(input.issuesDir), 'the issues folder'],
  ];
  for (const [dir, name] of protectedDirs) {
    if (real === dir) refuse(`it is ${name}`);
    if (isInside(dir, real)) refuse(`it contains ${name}`);
  }
  if (isInside(real, realish(input.issuesDir))) refuse('it is inside the issues folder');

  if (!existsSync(outDir) && !isSymlink(outDir)) {
    // It will be made: every folder above it that exists must be a folder.
    for (let up = path.dirname(outDir); up !== path.dirname(up); up = path.dirname(up)) {
      if (!existsSync(up)) continue;
      if (!statSync(up).isDirectory()) refuse(`${path.relative(process.cwd(), up) || up} is a file, not a folder`);
      break;
    }
    return outDir;
  }
  let st;
  try {
    st = statSync(outDir);
  } catch {
    refuse('it is a broken link');
  }
  if (!st!.isDirectory()) refuse('it is a file, not a folder');
  if (existsSync(path.join(outDir, 'issue.yaml')) || existsSync(path.join(outDir, 'banmian.config.ts'))) refuse('it holds banmian sources');
  let entries: string[];
  try {
    entries = readdirSync(outDir);
  } catch (err) {
    throw new BanmianError(`cannot read the output folder ${shown}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (entries.length === 0) return outDir;
  if (existsSync(path.join(outDir, MANIFEST))) return outDir;
  return refuse(`it is not empty and not a banmian output (no ${MANIFEST})`);
}

/** `dir` itself is an ancestor of `p` (strictly). */
function isInside(p: string, dir: string): boolean {
  const rel = path.relative(dir, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    // Nothing there (yet): not a link.
    return false;
  }
}

/** The real path of `p`, resolving the longest existing prefix (the rest may not exist yet). */
function realish(p: string): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let head = abs;
  for (;;) {
    try {
      return path.join(realpathSync(head), ...rest);
    } catch {
      // This part does not exist yet: resolve its parent and keep the rest as written.
      const parent = path.dirname(head);
      if (parent === head) return abs;
      rest.unshift(path.basename(head));
      head = parent;
    }
  }
}
