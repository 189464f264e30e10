/**
 * The dev server's watcher: the issues folder, templates/, styles/ and the config file,
 * through chokidar (recursive on every platform, survives editors that save by
 * renaming a new file over the old one, reports when its first scan is done).
 * It only reports paths; coalescing and deciding what to rebuild is src/dev/rebuild.ts.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { watch } from 'chokidar';
import type { Logger } from '../build/context.js';

export interface InputWatcher {
  close(): Promise<void>;
}

/** Hidden files and folders, editor backups and swap files are not inputs. */
export function isIgnored(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  if (rel === '') return false;
  return rel.split(path.sep).some((part) => part.startsWith('.')) || /~$|\.swp$/.test(rel);
}

/**
 * Watches the given files and folders (those that exist) and calls `onChange` with the
 * absolute path of every file or folder added, changed or removed under them. Resolves
 * once the first scan is done: an edit made after that is reported.
 */
export async function watchInputs(root: string, targets: string[], onChange: (file: string) => void, log: Logger): Promise<InputWatcher> {
  const watcher = watch(
    targets.filter((t) => existsSync(t)),
    { ignoreInitial: true, ignored: (p: string) => isIgnored(root, path.resolve(p)) },
  );
  watcher.on('all', (_event, file) => onChange(path.resolve(file)));
  // A watch error (a folder that became unreadable) is reported, never fatal.
  watcher.on('error', (err) => log.warn(`banmian dev: watch error: ${(err as Error).message}`));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { close: () => watcher.close() };
}
