/**
 * The streamed web edition (src/web/site.ts `whole`, src/build/load.ts): a build renders
 * issue by issue from summaries and must give, byte for byte, the site the whole-model path
 * gives (the dev server's, `keepSite`: every tree held). The sample issue and copies of it
 * in three months (no browser: `--only html`), with the feed long enough that several
 * issues stay whole for it, and the summaries the loader keeps.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../src/build/build.js';
import { MANIFEST } from '../../src/build/cache.js';
import { IssueLoader } from '../../src/build/load.js';
import { loadConfig } from '../../src/config/index.js';
import type { BanmianConfig } from '../../src/config/types.js';
import { loadIssues } from '../../src/parse/index.js';
import { snapshot } from '../reliability/helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ID = '2026-11-20';
const log = { info() {}, warn() {}, progress() {} };
const outputSnapshot = (dir: string) => snapshot(dir, { skip: [path.dirname(MANIFEST)] });

describe('streamed web edition', () => {
  let dir: string;
  let issuesDir: string;
  let config: BanmianConfig;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-stream-test-'));
    issuesDir = path.join(dir, 'issues');
    await cp(path.join(ROOT, 'issues', ID), path.join(issuesDir, ID), { recursive: true });
    // Copies under other dates (HTML only: no print record needed): two months before, one the same month.
    const yaml = await readFile(path.join(issuesDir, ID, 'issue.yaml'), 'utf8');
    for (const [n, date] of ['2026-09-30', '2026-10-01', '2026-10-02', '2026-11-03'].entries()) {
      await cp(path.join(issuesDir, ID), path.join(issuesDir, date), { recursive: true });
      await writeFile(path.join(issuesDir, date, 'issue.yaml'), yaml.replace(/^date:.*$/m, `date: ${date}`).replace(/^number:.*$/m, `number: ${2400 + n}`));
    }
    config = (await loadConfig(ROOT)).config;
  }, 120_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const twoWays = async (cfg: BanmianConfig, name: string) => {
    const whole = path.join(dir, `${name}-whole`);
    const streamed = path.join(dir, `${name}-streamed`);
    const a = await build({ root: ROOT, config: cfg, issuesDir, outDir: whole, only: 'html', keepSite: true, log });
    const b = await build({ root: ROOT, config: cfg, issuesDir, outDir: streamed, only: 'html', log });
    return { a, b, whole: await outputSnapshot(whole), streamed: await outputSnapshot(streamed) };
  };

  /** The streamed site's model after the build: the latest issues up to the feed's length whole, summaries after. Returns how many are whole. */
  const expectFeedIssuesOnly = (result: Awaited<ReturnType<typeof build>>, feedSize: number): number => {
    const issues = result.web!.model.issues;
    const perIssue = issues[0].articles.length;
    const kept = Math.min(issues.length, Math.max(1, Math.ceil(feedSize / perIssue)));
    expect(issues.slice(0, kept).every((i) => i.articles.length === perIssue)).toBe(true);
    expect(issues.slice(kept).every((i) => i.articles.length === 0 && i.pages.length === issues[0].pages.length)).toBe(true);
    return kept;
  };

  it('gives the same files as the whole-model build, byte for byte', async () => {
    const { a, b, whole, streamed } = await twoWays(config, 'default');
    expect(Object.keys(streamed)).toEqual(Object.keys(whole));
    expect(streamed).toEqual(whole);
    expect(Object.keys(whole)).toEqual(expect.arrayContaining(['index.html', 'archive/index.html', 'archive/dates.json', 'feed.xml', 'sitemap.xml', 'assets/fonts.css', 'search/index.html', `${ID}/index.html`, '2026-09-30/01/index.html']));
    // The whole-model site holds every tree; the streamed one keeps whole only the latest issues whose articles the feed shows.
    expect(a.web!.model.issues.every((i) => i.articles.length > 0)).toBe(true);
    expectFeedIssuesOnly(b, config.site.feedSize ?? 50);
  }, 300_000);

  it('keeps as many issues whole as a long feed needs, and still gives the same files', async () => {
    const long = { ...config, site: { ...config.site, feedSize: 70 } };
    const { b, whole, streamed } = await twoWays(long, 'long-feed');
    expect(streamed).toEqual(whole);
    expect(expectFeedIssuesOnly(b, 70)).toBe(3);
  }, 300_000);

  it('the loader keeps summaries (pages without content) and loads each issue whole again', async () => {
    const loader = new IssueLoader({ root: ROOT, issuesDir, archiveDir: path.join(dir, 'archive'), hasArchive: false }, () => false);
    const { issues, files } = await loader.load({});
    // Their page files keep their messages, not their bytes.
    const pageFiles = new Set(issues.flatMap((i) => i.children.map((p) => p.file)));
    const emptied = files.filter((f) => pageFiles.has(f.path!));
    expect(emptied).toHaveLength(pageFiles.size);
    expect(emptied.every((f) => String(f.value) === '')).toBe(true);
    const reference = (await loadIssues(issuesDir, { root: ROOT })).issues;
    expect(issues.map((i) => i.id)).toEqual(reference.map((i) => i.id));
    for (const [i, summary] of issues.entries()) {
      expect(loader.isSummary(summary)).toBe(true);
      expect(summary.children.map((p) => [p.number, p.name, p.children.length])).toEqual(reference[i].children.map((p) => [p.number, p.name, 0]));
      expect(await loader.whole(summary)).toEqual(reference[i]);
    }
  }, 120_000);
});
