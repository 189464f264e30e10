/**
 * Whole builds of the sample issue, the way an editor meets them: a full build, a
 * rebuild with nothing changed (the cache), and a rebuild after one page file changed.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from '../src/build/build.js';
import { loadConfig } from '../src/config/index.js';

const ROOT = path.resolve(import.meta.dirname, '..');

export async function benchBuild(): Promise<Record<string, number | string>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-bench-build-'));
  try {
    const issues = path.join(dir, 'issues');
    await cp(path.join(ROOT, 'issues'), issues, { recursive: true });
    const { config } = await loadConfig(ROOT);
    const log = { info() {}, warn() {}, progress() {} };
    const opts = { root: ROOT, config, issuesDir: issues, outDir: path.join(dir, 'dist'), log };
    const time = async (o: Parameters<typeof build>[0]) => {
      const t = performance.now();
      await build(o);
      return performance.now() - t;
    };
    const full = await time(opts);
    const noChange = await time(opts);
    const issueDirs = (await readdir(issues)).sort();
    const issueDir = path.join(issues, issueDirs[issueDirs.length - 1]);
    const pageFile = path.join(issueDir, (await readdir(issueDir)).filter((f) => /^\d+.*\.(md|txt)$/.test(f)).sort()[0]);
    await writeFile(pageFile, (await readFile(pageFile, 'utf8')) + '\n本段为基准测试追加的文字。\n');
    const onePageHtml = await time({ ...opts, stalePrint: true });
    await writeFile(pageFile, (await readFile(pageFile, 'utf8')) + '\n再追加一段文字。\n');
    const onePageFull = await time(opts);
    return {
      'full build (ms)': full,
      'no-change rebuild (ms)': noChange,
      'one page changed, HTML pass (ms)': onePageHtml,
      'one page changed, HTML + print (ms)': onePageFull,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await benchBuild());
}
