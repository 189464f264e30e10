/**
 * The print cache trusts no damaged PDF or page image (issue 10, case 7): a page PDF
 * truncated to 1,000 bytes, or a page image edited to the same size, is not reused
 * from the previous output even though the issue's inputs are unchanged: the issue is
 * laid out again and the file comes back byte for byte (same input, same bytes).
 */
import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildOptions } from '../../src/build/build.js';
import { loadConfig } from '../../src/config/index.js';
import { makeProject, type Project, snapshot } from './helpers.js';

const ID = '2026-11-21';

describe('print cache integrity', () => {
  let p: Project;
  let opts: BuildOptions;
  let out: string;
  let good: Record<string, string>;
  const lines: string[] = [];

  beforeAll(async () => {
    p = await makeProject({ issue: 'small' });
    const { config } = await loadConfig(p.dir);
    out = path.join(p.dir, 'dist');
    const log = { info: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(m), progress() {} };
    opts = { root: p.dir, config, issuesDir: p.issues, outDir: out, log };
    await build(opts);
    good = await snapshot(out);
  });

  afterAll(async () => {
    if (p) await rm(p.dir, { recursive: true, force: true });
  });

  /** A build where only the web edition's input changed: the print output would be reused. */
  const webOnlyChange = (n: number) => build({ ...opts, config: { ...opts.config, site: { ...opts.config.site, feedSize: opts.config.site.feedSize + n } } });

  it('a truncated page PDF is laid out again, not reused', async () => {
    const pdf = path.join(out, ID, '01', `${ID}-01.pdf`);
    const original = await readFile(pdf);
    await truncate(pdf, 1000);
    lines.length = 0;
    const rebuilt = await webOnlyChange(1);
    expect(lines.join('\n')).toMatch(/print edition: 1 issue\(s\) laid out, 0 reused/);
    expect(rebuilt.session.browserLaunches).toBe(1);
    expect(await readFile(pdf)).toEqual(original);
  });

  it('a page image edited to the same size is laid out again, not reused', async () => {
    const png = path.join(out, ID, '01', 'page.png');
    const original = await readFile(png);
    const edited = Buffer.from(original);
    edited[edited.length - 100] ^= 0xff;
    await writeFile(png, edited);
    lines.length = 0;
    await webOnlyChange(2);
    expect(lines.join('\n')).toMatch(/print edition: 1 issue\(s\) laid out, 0 reused/);
    expect(await readFile(png)).toEqual(original);
    // Back to the first config: the same files as the first build.
    await build(opts);
    const now = await snapshot(out);
    for (const f of Object.keys(good).filter((f) => /\.(pdf|png)$/.test(f))) expect([f, now[f]]).toEqual([f, good[f]]);
  });

  it("the dev server's quick pass still shows print output it changed in place, marked stale", async () => {
    // What the dev server's background print update does: new files in place, no new digests.
    const pdf = path.join(out, ID, '01', `${ID}-01.pdf`);
    const original = await readFile(pdf);
    await writeFile(pdf, Buffer.concat([original, Buffer.from('\n% 开发服务器更新\n')]));
    const quick = await build({ ...opts, stalePrint: true });
    expect(quick.session.browserLaunches).toBe(0);
    expect(quick.layouts.has(ID)).toBe(true);
    const manifest = JSON.parse(await readFile(path.join(out, '.banmian', 'manifest.json'), 'utf8'));
    expect(manifest.print[ID]).toBe('stale');
    // The next full build does not trust it: laid out again, the original bytes back.
    lines.length = 0;
    await build(opts);
    expect(lines.join('\n')).toMatch(/print edition: 1 issue\(s\) laid out, 0 reused/);
    expect(await readFile(pdf)).toEqual(original);
  });
});
