/**
 * Whole builds of the sample issue, the way an editor meets them: a full build, a
 * rebuild with nothing changed (the cache) — in process and as the whole `banmian build`
 * command, next to the bare startup costs it cannot avoid — a rebuild after a change
 * only the web edition sees, and a rebuild after one page file changed.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from '../src/build/build.js';
import { listOutput } from '../src/build/cache.js';
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
    // What the no-change rebuild spends verifying the reused files' sha256 (read and hash every file).
    const t0 = performance.now();
    const listed = await listOutput(opts.outDir);
    const digestCheck = performance.now() - t0;
    // The whole command, as `npm run build` runs it (tsx start, config, build, exit).
    const wall = (args: string[]) => {
      const t = performance.now();
      const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
      return { ms: performance.now() - t, out: r.stdout + r.stderr, status: r.status };
    };
    const cli = wall(['bin/banmian.js', 'build', '--issues', issues, '--out', path.join(dir, 'dist')]);
    const nodeAlone = wall(['-e', '0']);
    const help = wall(['bin/banmian.js', '--help']);
    const webOnly = await time({ ...opts, config: { ...config, site: { ...config.site, feedSize: config.site.feedSize + 1 } } });
    const issueDirs = (await readdir(issues)).sort();
    const issueDir = path.join(issues, issueDirs[issueDirs.length - 1]);
    const pageFile = path.join(issueDir, (await readdir(issueDir)).filter((f) => /^\d+.*\.(md|txt)$/.test(f)).sort()[0]);
    await writeFile(pageFile, (await readFile(pageFile, 'utf8')) + '\n本段为基准测试追加的文字。\n');
    const onePageHtml = await time({ ...opts, stalePrint: true });
    await writeFile(pageFile, (await readFile(pageFile, 'utf8')) + '\n再追加一段文字。\n');
    const onePageFull = await time(opts);
    return {
      'full build (ms)': full,
      'no-change rebuild, in process (ms)': noChange,
      [`  …of it, sha256 of the ${listed.files.length} reused files (ms)`]: digestCheck,
      'no-change rebuild, whole command (ms)': cli.ms,
      '  …it reused the output': cli.status === 0 && /nothing changed since the last build/.test(cli.out) ? 'yes' : `no (exit ${cli.status})`,
      '  …`banmian --help` wall (ms)': help.ms,
      '  …`node -e 0` wall (ms)': nodeAlone.ms,
      'web-only change: HTML again, PDFs reused (ms)': webOnly,
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
