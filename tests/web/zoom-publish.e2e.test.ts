/**
 * The zoom's pixels are made at publish: an everyday build captures the page images at
 * `print.pageImageWidth` (1100 px, the print budget's width), `banmian publish` at
 * `print.publishImageWidth` (2200 px, true 2× pixels). The print record then holds the
 * 2200 px PNG and the web copies the zoom fetches (1280, 1640 px and the full width), and a
 * later build with no browser serves them in the page view's srcset.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish } from '../../src/archive/publish.js';
import type { RecordManifest } from '../../src/archive/record.js';
import { build } from '../../src/build/build.js';
import { loadConfig } from '../../src/config/index.js';
import type { BanmianConfig } from '../../src/config/types.js';
import type { IssueLayout } from '../../src/layout/types.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ID = '2026-11-20';

describe('page images: 1× in everyday builds, 2× in the print record', () => {
  let dir: string;
  let config: BanmianConfig;
  const log = { info() {}, warn() {}, progress() {} };
  const widthOf = async (file: string) => (await sharp(file).metadata()).width;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-zoom-publish-'));
    for (const d of ['templates', 'styles']) await cp(path.join(ROOT, d), path.join(dir, d), { recursive: true });
    await cp(path.join(ROOT, 'issues', ID), path.join(dir, 'issues', ID), { recursive: true });
    ({ config } = await loadConfig(ROOT));
  }, 60_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the defaults: 1100 px every day, 2200 px at publish', () => {
    expect(config.print.pageImageWidth).toBe(1100);
    expect(config.print.publishImageWidth).toBe(2200);
  });

  it('an everyday build captures 1100 px; publish lays the issue out again at 2200 px and freezes the zoom copies', async () => {
    await build({ root: dir, config, issuesDir: path.join(dir, 'issues'), outDir: path.join(dir, 'dist'), only: 'pdf', log });
    expect(await widthOf(path.join(dir, 'dist', ID, '01', 'page.png'))).toBe(1100);
    const daily: IssueLayout = JSON.parse(await readFile(path.join(dir, 'dist', ID, 'layout.json'), 'utf8'));

    const result = await publish({ root: dir, config, issuesDir: path.join(dir, 'issues'), id: ID, log, now: new Date('2026-11-20T18:00:00Z') });
    // dist/'s print output is at the everyday width: not taken, the issue is laid out at the publish width.
    expect(result.laidOut).toBe(true);
    const rec = path.join(dir, 'archive', ID);
    const record: RecordManifest = JSON.parse(await readFile(path.join(rec, 'record.json'), 'utf8'));
    const layout: IssueLayout = JSON.parse(await readFile(path.join(rec, 'layout.json'), 'utf8'));
    for (const [i, page] of layout.pages.entries()) {
      const dir2 = page.image.replace(/\/page\.png$/, '');
      expect(await widthOf(path.join(rec, page.image)), page.image).toBe(2200);
      expect(page.imageSize.w).toBe(2200);
      expect(page.imageSize.h).toBeCloseTo(daily.pages[i].imageSize.h * 2, -1);
      // The same layout: the modules did not move (the capture's width changes nothing else).
      expect(page.modules.map((m) => m.rect)).toEqual(daily.pages[i].modules.map((m) => m.rect));
      const web = Object.keys(record.web ?? {}).filter((f) => f.startsWith(`${dir2}/page.`));
      for (const w of [375, 768, 1280, 1640]) expect(web.some((f) => f.endsWith(`.${w}.avif`)) && web.some((f) => f.endsWith(`.${w}.webp`)), `${dir2}: ${w} px copies`).toBe(true);
      const full = web.find((f) => /page\.[0-9a-f]{10}\.avif$/.test(f));
      expect(full, `${dir2}: full-width AVIF`).toBeDefined();
      expect(await widthOf(path.join(rec, full!))).toBe(2200);
    }
  }, 600_000);

  it('a build after publishing (no browser) serves the 2× copies in the page view', async () => {
    const before = process.env.PUPPETEER_EXECUTABLE_PATH;
    process.env.PUPPETEER_EXECUTABLE_PATH = path.join(dir, 'no-such-browser');
    try {
      await build({ root: dir, config, issuesDir: path.join(dir, 'issues'), outDir: path.join(dir, 'dist'), log });
    } finally {
      if (before === undefined) delete process.env.PUPPETEER_EXECUTABLE_PATH;
      else process.env.PUPPETEER_EXECUTABLE_PATH = before;
    }
    expect(await widthOf(path.join(dir, 'dist', ID, '01', 'page.png'))).toBe(2200);
    const html = await readFile(path.join(dir, 'dist', ID, '01', 'index.html'), 'utf8');
    const avif = /<source type="image\/avif" srcset="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(avif.split(', ').map((s) => s.split(' ')[1])).toEqual(['375w', '768w', '1280w', '1640w', '2200w']);
    expect(html).toMatch(/<img src="[^"]*page\.png" width="2200" height="\d+"/);
  }, 600_000);
});
