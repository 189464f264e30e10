/**
 * `--only html` keeps the print edition of the existing output, `--only pdf` keeps the
 * web edition (issue 10, case 6): after a full build, each partial build leaves every
 * file of the other edition byte-identical, and says how many it kept.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserPath, banmian, makeProject, type Project, snapshot } from './helpers.js';

const ID = '2026-11-21';
const isPrint = (f: string) => f === `${ID}/layout.json` || /\.pdf$/.test(f) || /\/(page|thumb)\.png$/.test(f);

describe('--only keeps the other edition', () => {
  let p: Project;
  let out: string;
  let env: Record<string, string>;
  let full: Record<string, string>;

  beforeAll(async () => {
    p = await makeProject({ issue: 'small' });
    out = path.join(p.dir, 'dist');
    env = { PUPPETEER_EXECUTABLE_PATH: await browserPath() };
    const r = await banmian(['build', '--out', 'dist'], p.dir, env);
    expect(r.code, r.stderr).toBe(0);
    full = await snapshot(out);
    delete full['.banmian/manifest.json'];
    expect(Object.keys(full).filter(isPrint).length).toBeGreaterThanOrEqual(5);
  });

  afterAll(async () => {
    if (p) await rm(p.dir, { recursive: true, force: true });
  });

  const pick = (s: Record<string, string>, keep: (f: string) => boolean) => Object.fromEntries(Object.entries(s).filter(([f]) => keep(f)));

  it('--only html keeps every PDF and page image, and the page views still show them', async () => {
    // An edit the web edition shows, so the HTML is really made again.
    const page = path.join(p.issues, ID, '01-要闻.md');
    await writeFile(page, (await readFile(page, 'utf8')).replace('3万人次', '4万人次'));
    const r = await banmian(['build', '--only', 'html', '--out', 'dist'], p.dir, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/kept \d+ file\(s\) of the print edition from the last build/);
    const now = await snapshot(out);
    expect(pick(now, isPrint)).toEqual(pick(full, isPrint));
    expect(await readFile(path.join(out, ID, '01', 'index.html'), 'utf8')).toMatch(/page\.[0-9a-f]+\.webp|page\.png/);
    expect(JSON.stringify(now)).not.toBe(JSON.stringify(full));
  });

  it('--only pdf keeps the web edition', async () => {
    const before = await snapshot(out);
    delete before['.banmian/manifest.json'];
    const r = await banmian(['build', '--only', 'pdf', '--out', 'dist'], p.dir, env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/kept \d+ file\(s\) of the web edition from the last build/);
    const now = await snapshot(out);
    const web = (f: string) => !isPrint(f) && f !== '.banmian/manifest.json' && f !== '.banmian';
    expect(pick(now, web)).toEqual(pick(before, web));
    expect(Object.keys(pick(now, web))).toContain('index.html');
    expect(Object.keys(pick(now, isPrint)).sort()).toEqual(Object.keys(pick(before, isPrint)).sort());
  });
});
