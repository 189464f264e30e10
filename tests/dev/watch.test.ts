/**
 * The dev server's watcher (src/dev/watch.ts): which paths are inputs, and that edits
 * are reported — in a nested folder, and when an editor saves by renaming a new file
 * over the old one (the config file is watched as a single file: a plain fs.watch on it
 * goes deaf after the first such save).
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InputWatcher, isIgnored, watchInputs } from '../../src/dev/watch.js';

describe('dev server: which paths are inputs', () => {
  it('ignores hidden files and folders, editor backups and swap files, relative to the project', () => {
    const root = '/home/editor/.projects/paper';
    expect(isIgnored(root, `${root}/issues/2026-11-20/01-要闻.md`)).toBe(false);
    expect(isIgnored(root, root)).toBe(false);
    expect(isIgnored(root, `${root}/issues/2026-11-20/.01-要闻.md.swp`)).toBe(true);
    expect(isIgnored(root, `${root}/issues/2026-11-20/01-要闻.md~`)).toBe(true);
    expect(isIgnored(root, `${root}/issues/.git/index`)).toBe(true);
    expect(isIgnored(root, `${root}/styles/print.css.swp`)).toBe(true);
  });
});

describe('dev server: the watcher', () => {
  let root: string;
  let watcher: InputWatcher;
  const seen: string[] = [];
  const wake: Array<() => void> = [];
  const reported = (file: string) => new Promise<void>(function check(resolve) {
    if (seen.includes(file)) resolve();
    else wake.push(() => check(resolve));
  });

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'banmian-watch-'));
    await mkdir(path.join(root, 'issues', '2026-11-20'), { recursive: true });
    await writeFile(path.join(root, 'issues', '2026-11-20', '01-要闻.md'), '# 标题\n');
    await writeFile(path.join(root, 'banmian.config.mjs'), 'export default {};\n');
    watcher = await watchInputs(root, [path.join(root, 'issues'), path.join(root, 'templates'), path.join(root, 'banmian.config.mjs')], (f) => {
      seen.push(f);
      for (const w of wake.splice(0)) w();
    }, { info() {}, warn() {}, progress() {} });
  });

  afterAll(async () => {
    await watcher?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('reports an edit of a page file in an issue folder, not a swap file beside it', async () => {
    const page = path.join(root, 'issues', '2026-11-20', '01-要闻.md');
    await writeFile(path.join(root, 'issues', '2026-11-20', '.01-要闻.md.swp'), 'x');
    await writeFile(page, '# 新标题\n');
    await reported(page);
    expect(seen.some((f) => f.endsWith('.swp'))).toBe(false);
  });

  it('reports a new issue folder and its files', async () => {
    const file = path.join(root, 'issues', '2026-11-21', 'issue.yaml');
    await mkdir(path.dirname(file));
    await writeFile(file, 'date: 2026-11-21\n');
    await reported(file);
  });

  it('keeps reporting the config file after saves that rename a new file over it', async () => {
    const config = path.join(root, 'banmian.config.mjs');
    for (let i = 0; i < 3; i++) {
      // chokidar folds a save made within a few ms of the one it just reported into that
      // one (harmless: the rebuild reads the file after its quiet period); saves here are apart.
      if (i > 0) await new Promise((r) => setTimeout(r, 150));
      seen.length = 0;
      await writeFile(`${config}.tmp`, `export default { n: ${i} };\n`);
      await rename(`${config}.tmp`, config);
      await reported(config);
    }
  });
});
