/**
 * A paper of record: `publish` freezes the sample issue's print output in archive/<issue>/;
 * after the print styles and the print environment changed (a browser path that does not
 * exist stands in for new print code: any layout would fail, and every print key changes
 * as after an upgrade), a build from a clean copy takes PDFs, page images and layout.json
 * byte for byte from the record and starts no browser. An edited published page is
 * warned about (file and line) and the record kept; a damaged or missing record is a
 * one-line error with the output untouched; a 更正 shows on the web only; `--again` lays
 * the issue out anew and appends its reason to the history.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { appendFile, cp, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish } from '../../src/archive/publish.js';
import type { RecordManifest } from '../../src/archive/record.js';
import { build, type BuildOptions } from '../../src/build/build.js';
import { loadConfig } from '../../src/config/index.js';
import type { BanmianConfig } from '../../src/config/types.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ID = '2026-11-20';
const sha = async (f: string) => createHash('sha256').update(await readFile(f)).digest('hex');

describe('publish: the print record of an issue', () => {
  let dir: string;
  let config: BanmianConfig;
  const lines: string[] = [];
  const log = { info: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(m), progress() {} };
  const record = async (): Promise<RecordManifest> => JSON.parse(await readFile(path.join(dir, 'archive', ID, 'record.json'), 'utf8'));
  /** A clean copy of the project (issues, archive, templates, styles; no dist, no cache). */
  const cleanCopy = async (name: string) => {
    const to = path.join(dir, name);
    for (const d of ['issues', 'archive', 'templates', 'styles']) await cp(path.join(dir, d), path.join(to, d), { recursive: true });
    return to;
  };
  /** A build with a browser that cannot start: it succeeds only if nothing is laid out. */
  const buildWithoutBrowser = async (opts: BuildOptions) => {
    const before = process.env.PUPPETEER_EXECUTABLE_PATH;
    process.env.PUPPETEER_EXECUTABLE_PATH = path.join(dir, 'no-such-browser');
    try {
      return await build(opts);
    } finally {
      if (before === undefined) delete process.env.PUPPETEER_EXECUTABLE_PATH;
      else process.env.PUPPETEER_EXECUTABLE_PATH = before;
    }
  };
  const opts = (root: string, out = path.join(root, 'dist')): BuildOptions => ({ root, config, issuesDir: path.join(root, 'issues'), outDir: out, log });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-publish-test-'));
    for (const d of ['templates', 'styles']) await cp(path.join(ROOT, d), path.join(dir, d), { recursive: true });
    await cp(path.join(ROOT, 'issues', ID), path.join(dir, 'issues', ID), { recursive: true });
    ({ config } = await loadConfig(ROOT));
    // No dist/ to take the print output from: the issue is laid out (the one browser run before --again).
    await publish({ root: dir, config, issuesDir: path.join(dir, 'issues'), id: ID, log, now: new Date('2026-11-20T18:00:00Z') });
  }, 600_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 300_000);

  it('writes the record: print files with their digests, sources, banmian version, published: in issue.yaml', async () => {
    const r = await record();
    expect(r.issue).toBe(ID);
    expect(r.published).toBe('2026-11-20T18:00:00.000Z');
    expect(r.banmian).toMatch(/^banmian \d+\.\d+\.\d+ \(print [0-9a-f]{12}\)$/);
    expect(r.history).toEqual([{ at: '2026-11-20T18:00:00.000Z', banmian: r.banmian, reason: 'published' }]);
    expect(Object.keys(r.files)).toEqual(expect.arrayContaining(['layout.json', `${ID}.pdf`, `01/${ID}-01.pdf`, '01/page.png', '01/thumb.png', `04/${ID}-04.pdf`]));
    for (const [rel, sum] of Object.entries(r.files)) expect(await sha(path.join(dir, 'archive', ID, rel)), rel).toBe(sum);
    // Sizes of every file (what a build checks), and the pages as parsed (what a clean build reads back).
    expect(Object.keys(r.sizes ?? {}).sort()).toEqual([...Object.keys(r.files), ...Object.keys(r.web ?? {}), 'pages.json'].sort());
    expect(r.parsed).toBe(await sha(path.join(dir, 'archive', ID, 'pages.json')));
    expect(Object.keys(r.sources)).toEqual(expect.arrayContaining(['issue.yaml', '01-要闻.md', 'images/binhai-budao.jpg']));
    expect(await readFile(path.join(dir, 'issues', ID, 'issue.yaml'), 'utf8')).toMatch(/\npublished: "2026-11-20T18:00:00.000Z"\n$/);
    await expect(publish({ root: dir, config, issuesDir: path.join(dir, 'issues'), id: ID, log })).rejects.toThrow(/issue\.yaml: issue 2026-11-20 was published .*--again/);
  }, 300_000);

  it('a clean copy, after print styles and print environment changed, builds with no browser: print files byte-identical to the record', async () => {
    await appendFile(path.join(dir, 'styles', 'print.css'), '\n.article p { letter-spacing: 0.1em; }\n');
    const clean = await cleanCopy('clean-1');
    lines.length = 0;
    const result = await buildWithoutBrowser(opts(clean));
    expect(lines.join('\n')).toMatch(/0 issue\(s\) laid out, 0 reused from the cache, 1 published/);
    // No page parsed: all four read back from the record's pages.json.
    expect(lines.join('\n')).toMatch(/parsed 1 issue\(s\), 4 page\(s\) \(4 as parsed when published\)/);
    const r = await record();
    for (const [rel, sum] of Object.entries(r.files)) expect(await sha(path.join(clean, 'dist', ID, rel)), rel).toBe(sum);
    // The web edition is rendered afresh, its hot areas from the frozen layout.json.
    expect(result.layouts.get(ID)).toEqual(JSON.parse(await readFile(path.join(dir, 'archive', ID, 'layout.json'), 'utf8')));
    const pageView = await readFile(path.join(clean, 'dist', ID, '01', 'index.html'), 'utf8');
    expect(pageView).toMatch(/<svg class="hot-areas"[^>]*>.*<a href="\/2026-11-20\/01\/a1\/"[^>]*><title>[^<]+<\/title><rect x="[\d.]+" y="[\d.]+"/s);
  }, 300_000);

  it('an edited published page is warned about with its file and line; the record is kept', async () => {
    const before = await record();
    const page = path.join(dir, 'issues', ID, '02-综合.md');
    const text = await readFile(page, 'utf8');
    const edited = text + '\n编辑在签发后追加的一段文字。\n';
    await writeFile(page, edited);
    // The appended line is the first one the published text does not have.
    const line = edited.split('\n').indexOf('编辑在签发后追加的一段文字。') + 1;
    lines.length = 0;
    const clean = await cleanCopy('clean-2');
    await buildWithoutBrowser(opts(clean));
    const warning = lines.find((l) => l.includes('changed since publishing'));
    // The edited page is parsed afresh (its new text is on the web), the other three come from the record.
    expect(lines.join('\n')).toMatch(/parsed 1 issue\(s\), 4 page\(s\) \(3 as parsed when published\)/);
    const views = (await readdir(path.join(clean, 'dist', ID, '02'), { recursive: true })).filter((f) => f.endsWith('.html'));
    const texts = await Promise.all(views.map((f) => readFile(path.join(clean, 'dist', ID, '02', f), 'utf8')));
    expect(texts.some((t) => t.includes('编辑在签发后追加的一段文字'))).toBe(true);
    expect(warning).toMatch(new RegExp(`issues/${ID}/02-综合\\.md:${line}: warning: issue ${ID} was published`));
    expect(await record()).toEqual(before);
    for (const [rel, sum] of Object.entries(before.files)) expect(await sha(path.join(clean, 'dist', ID, rel)), rel).toBe(sum);
  }, 300_000);

  it('a 更正 in issue.yaml shows under its article on the web and leaves the print record alone', async () => {
    const yaml = path.join(dir, 'issues', ID, 'issue.yaml');
    const original = await readFile(yaml, 'utf8');
    await writeFile(yaml, original + 'corrections:\n  - article: 01/a1\n    date: 2026-11-22\n    text: 本报11月20日第1版一文中的数字有误，特此更正。<b>x</b>\n');
    try {
      lines.length = 0;
      const clean = await cleanCopy('clean-3');
      await buildWithoutBrowser(opts(clean));
      expect(lines.filter((l) => l.includes('issue.yaml') && l.includes('changed since publishing'))).toEqual([]);
      const html = await readFile(path.join(clean, 'dist', ID, '01', 'a1', 'index.html'), 'utf8');
      expect(html).toContain('<aside class="correction" role="note"><p><strong>更正</strong>（<time datetime="2026-11-22">2026年11月22日</time>）：本报11月20日第1版一文中的数字有误，特此更正。&lt;b&gt;x&lt;/b&gt;</p></aside>');
      expect(html).toContain('"dateModified":"2026-11-22"');
      const r = await record();
      for (const [rel, sum] of Object.entries(r.files)) expect(await sha(path.join(clean, 'dist', ID, rel)), rel).toBe(sum);
      // A correction naming no article of the issue: one line naming issue.yaml.
      await writeFile(path.join(clean, 'issues', ID, 'issue.yaml'), original + 'corrections:\n  - article: 09/a1\n    date: 2026-11-22\n    text: 更正\n');
      await expect(buildWithoutBrowser(opts(clean, path.join(clean, 'dist-bad')))).rejects.toThrow(/issue\.yaml: corrections: entry 1: no article 09\/a1 in issue 2026-11-20/);
    } finally {
      await writeFile(yaml, original);
    }
  }, 300_000);

  it('a damaged or missing record stops the build with one line naming the file; the output is untouched', async () => {
    const clean = await cleanCopy('clean-4');
    await buildWithoutBrowser(opts(clean));
    const distPdf = path.join(clean, 'dist', ID, `${ID}.pdf`);
    const kept = await sha(distPdf);
    const thumb = path.join(clean, 'archive', ID, '03', 'thumb.png');
    // Changed in place at the same size: a build checks sizes only and does not see it; --verify-records does.
    const png = await readFile(thumb);
    png[png.length - 5] ^= 0xff;
    await writeFile(thumb, png);
    await expect(buildWithoutBrowser({ ...opts(clean, path.join(clean, 'dist-same-size')), force: true })).resolves.toBeDefined();
    await expect(buildWithoutBrowser({ ...opts(clean), force: true, verifyRecords: true })).rejects.toThrow(new RegExp(`archive/${ID}/03/thumb\\.png: file of the print record does not match its digest`));
    expect(await sha(distPdf)).toBe(kept);
    await appendFile(thumb, 'x');
    await expect(buildWithoutBrowser({ ...opts(clean), force: true })).rejects.toThrow(new RegExp(`archive/${ID}/03/thumb\\.png: file of the print record does not match its digest`));
    expect(await sha(distPdf)).toBe(kept);
    await rename(path.join(clean, 'archive'), path.join(clean, 'archive-gone'));
    await expect(buildWithoutBrowser({ ...opts(clean), force: true })).rejects.toThrow(new RegExp(`archive/${ID}/record\\.json: issue ${ID} is published but its print record is missing`));
    expect(await sha(distPdf)).toBe(kept);
  }, 300_000);

  it('publish --again needs a reason, lays the issue out anew and appends the reason to the history', async () => {
    const cli = spawnSync(process.execPath, ['bin/banmian.js', 'publish', '--again', ID, '--issues', path.join(dir, 'issues')], { cwd: ROOT, encoding: 'utf8' });
    expect(cli.status).toBe(1);
    expect(cli.stderr.trim().split('\n')).toEqual(['banmian: publish --again needs --reason "…" (it goes into the record\'s history)']);
    const before = await record();
    const result = await publish({ root: dir, config, issuesDir: path.join(dir, 'issues'), id: ID, again: true, reason: '第2版补排追加段落', log, now: new Date('2026-11-21T09:00:00Z') });
    expect(result.laidOut).toBe(true);
    const after = await record();
    expect(after.published).toBe(before.published);
    expect(after.history).toEqual([...before.history, { at: '2026-11-21T09:00:00.000Z', banmian: after.banmian, reason: '第2版补排追加段落' }]);
    // Page 2 was edited and the print styles changed: its PDF is new; the record's sources are the edited text.
    expect(after.files[`02/${ID}-02.pdf`]).not.toBe(before.files[`02/${ID}-02.pdf`]);
    expect(after.sources['02-综合.md']).not.toBe(before.sources['02-综合.md']);
    expect(await readFile(path.join(dir, 'archive', ID, 'source', '02-综合.md'), 'utf8')).toContain('编辑在签发后追加的一段文字。');
    lines.length = 0;
    const clean = await cleanCopy('clean-5');
    await buildWithoutBrowser(opts(clean));
    expect(lines.filter((l) => l.includes('changed since publishing'))).toEqual([]);
  }, 900_000);
});
