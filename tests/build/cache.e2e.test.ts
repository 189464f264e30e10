/**
 * The build cache: a second build with nothing changed reuses every PDF and page image
 * without starting a browser (the whole output, in fact); a change only the web edition
 * sees re-renders the HTML and still reuses the PDFs; a changed page file makes its
 * issue's print pages new.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/build/build.js';
import { loadConfig } from '../../src/config/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

const page = `# 海岸新区便民服务月启动

□本报记者 王海

本报讯 11月20日，海岸新区“便民服务月”活动在青屿街道启动。活动期间，全区12个社区设立便民服务岗，为居民提供政策咨询、家电维修、健康义诊等服务。

“家门口就能办成事，省了不少工夫。”前来咨询的居民张女士说。据了解，本次活动将持续到12月20日，预计服务居民3万人次。
`;

describe('build cache', () => {
  it('reuses every PDF on a second build with no change, and redoes a changed issue', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-cache-'));
    const issue = path.join(dir, 'issues', '2026-11-21');
    await mkdir(issue, { recursive: true });
    await writeFile(path.join(issue, 'issue.yaml'), 'date: 2026-11-21\nnumber: 1\n');
    await writeFile(path.join(issue, '01-要闻.md'), page);
    const { config } = await loadConfig(ROOT);
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), progress() {} };
    const out = path.join(dir, 'dist');
    const opts = { root: ROOT, config, issuesDir: path.join(dir, 'issues'), outDir: out, log };
    const sha = async (f: string) => createHash('sha256').update(await readFile(path.join(out, f))).digest('hex');

    const first = await build(opts);
    const layout = first.layouts.get('2026-11-21')!;
    const files = [`2026-11-21/${layout.pdf}`, ...layout.pages.flatMap((p) => [`2026-11-21/${p.pdf}`, `2026-11-21/${p.image}`])];
    const before = await Promise.all(files.map(sha));
    expect(first.session.browserLaunches).toBe(1);

    const second = await build(opts);
    expect(second.session.browserLaunches).toBe(0); // no browser started
    expect(second.reused).toBe(true); // nothing changed: the whole output was reused
    expect(await Promise.all(files.map(sha))).toEqual(before);
    expect(second.layouts.get('2026-11-21')).toEqual(layout);

    // A change only the web edition sees: the web pages are rendered again, every PDF reused.
    lines.length = 0;
    const third = await build({ ...opts, config: { ...config, site: { ...config.site, feedSize: config.site.feedSize + 1 } } });
    expect(third.reused).toBe(false);
    expect(third.session.browserLaunches).toBe(0);
    expect(lines.join('\n')).toMatch(/0 issue\(s\) laid out, 1 reused/);
    expect(lines.join('\n')).toMatch(/web edition written/);
    expect(await Promise.all(files.map(sha))).toEqual(before);
    expect(third.layouts.get('2026-11-21')).toEqual(layout);

    await writeFile(path.join(issue, '01-要闻.md'), page.replace('3万人次', '5万人次'));
    expect((await build(opts)).session.browserLaunches).toBe(1);
    expect(lines.join('\n')).toMatch(/1 issue\(s\) laid out, 0 reused/);

    expect((await build({ ...opts, force: true })).session.browserLaunches).toBe(1);
  });
});
