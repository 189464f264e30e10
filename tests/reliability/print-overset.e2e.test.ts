/**
 * Issue 10, cases 2 and 13: a one-page issue whose page is the sample page's text 65
 * times over (about 1 MB). The print build finishes in bounded time (it ran over 20
 * minutes inside the packer before), reports the text that fits on no page as one
 * warning line naming the page and how much, and prints no jump line (下转第2版) to a
 * page that does not exist. The sources are untouched.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssueLayout } from '../../src/layout/types.js';
import { pageItems } from '../print/helpers.js';
import { banmian, digestTree, errorLines, type Run, SAMPLE } from './child.js';

const REPEATS = 65;

describe('a one-page issue with 65 pages of text', () => {
  let tmp: string;
  let issues: string;
  let out: string;
  let run: Run;
  let before: Record<string, string>;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-overset-'));
    issues = path.join(tmp, 'issues');
    const issue = path.join(issues, '2026-12-01');
    await mkdir(issue, { recursive: true });
    await cp(path.join(SAMPLE, 'images'), path.join(issue, 'images'), { recursive: true });
    const text = await readFile(path.join(SAMPLE, '01-要闻.md'), 'utf8');
    // The page's front matter once, its body 65 times.
    const [, front, body] = /^(---\n[\s\S]*?\n---\n)([\s\S]*)$/.exec(text)!;
    await writeFile(path.join(issue, '01-要闻.md'), front + Array(REPEATS).fill(body).join('\n\n'));
    await writeFile(path.join(issue, 'issue.yaml'), 'date: 2026-12-01\nnumber: 101\n');
    before = await digestTree(issues);
    out = path.join(tmp, 'dist');
    run = await banmian(['build', '--issues', issues, '--out', out, '--only', 'pdf'], 900_000);
  }, 1_000_000);

  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('finishes in bounded time with exit code 0', () => {
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(run.code).toBe(0);
    // Bounded: about a minute on a quiet machine (nearly all of it measuring 1 MB of text).
    expect(run.ms).toBeLessThan(600_000);
  });

  it('reports the overset text in one warning line naming the page and how much', () => {
    const overset = errorLines(run).filter((l) => /overset/.test(l));
    expect(overset).toHaveLength(1);
    expect(overset[0]).toMatch(/^2026-12-01: \d+ column line\(s\) of text \(about \d+ characters\) fit on no page up to 第01版/);
    expect(overset[0]).toMatch(/\d+ article\(s\), 第01版 a\d+/);
  });

  it('prints no jump line to a page that does not exist', async () => {
    const layout = JSON.parse(await readFile(path.join(out, '2026-12-01', 'layout.json'), 'utf8')) as IssueLayout;
    expect(layout.pages.map((p) => p.number)).toEqual([1]);
    for (const m of layout.pages[0].modules) expect(m.jumpTo).toBeUndefined();
    expect(layout.pages[0].modules.some((m) => m.overset > 0)).toBe(true);
    const { pages } = await pageItems(path.join(out, '2026-12-01', '2026-12-01.pdf'));
    expect(pages).toHaveLength(1);
    expect(pages[0].map((t) => t.str).join('')).not.toMatch(/下转/);
  });

  it('leaves the sources untouched', async () => {
    expect(await digestTree(issues)).toEqual(before);
    expect(existsSync(path.join(out, '2026-12-01', '2026-12-01.pdf'))).toBe(true);
  });
});
