/**
 * Issue 10, case 9 (`images/` as a symlinked folder). A link leading outside the issues
 * folder is refused when the issue is read (src/parse/issue.ts). One that stays inside the
 * issues folder but leaves its issue (into another issue's folder) is refused by the image
 * check both editions use (src/images/check.ts): one line naming page file, line and image,
 * never "internal error: EISDIR".
 */
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BanmianError } from '../../src/errors.js';
import { checkImage, imageUse } from '../../src/images/check.js';
import { loadIssue } from '../../src/parse/index.js';
import { processFigure } from '../../src/web/assets.js';
import { digestTree, SAMPLE } from './child.js';
import { issueFolder } from '../../src/ast/issue-folder.js';

const IMAGE = 'images/jingji-zhibiao.jpg';

describe('images/ as a symlink to a folder outside the issue', () => {
  let tmp: string;
  let issueDir: string;
  let line: number;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-rel-imgdir-'));
    issueDir = path.join(tmp, 'issues', '2026-11-20');
    await mkdir(issueDir, { recursive: true });
    await cp(path.join(SAMPLE, '01-要闻.md'), path.join(issueDir, '01-要闻.md'));
    await cp(path.join(SAMPLE, 'issue.yaml'), path.join(issueDir, 'issue.yaml'));
    // Another issue's folder: inside issues/, outside this issue.
    await cp(path.join(SAMPLE, 'images'), path.join(tmp, 'issues', '2026-11-19', 'images'), { recursive: true });
    await symlink(path.join(tmp, 'issues', '2026-11-19', 'images'), path.join(issueDir, 'images'));
    await cp(path.join(SAMPLE, 'images'), path.join(tmp, 'elsewhere'), { recursive: true });
    line = (await readFile(path.join(SAMPLE, '01-要闻.md'), 'utf8')).split('\n').findIndex((l) => l.includes(`](${IMAGE}`)) + 1;
  });

  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('is refused in one line naming page file, line and image (web and print), the sources untouched', async () => {
    const before = await digestTree(path.join(tmp, 'issues'));
    const { issue } = await loadIssue(issueDir, { root: tmp });
    const web = await processFigure(issue, IMAGE, path.join(tmp, 'dist')).catch((e: unknown) => e);
    const print = await checkImage(issueFolder(issue), imageUse(issue, IMAGE)).catch((e: unknown) => e);
    for (const err of [web, print]) {
      expect(err).toBeInstanceOf(BanmianError);
      const message = (err as Error).message;
      expect(message.split('\n')).toHaveLength(1);
      expect(message).toContain(`01-要闻.md:${line}: image ${IMAGE}: is a symlink (or in a symlinked folder) that leads outside the issue folder`);
      expect(message).not.toMatch(/EISDIR|internal error/);
    }
    expect(await digestTree(path.join(tmp, 'issues'))).toEqual(before);
  });

  it('leading outside the issues folder, is refused when the issue is read, in one line naming the link', async () => {
    const outside = path.join(tmp, 'out', 'issues', '2026-11-20');
    await mkdir(outside, { recursive: true });
    await cp(path.join(SAMPLE, '01-要闻.md'), path.join(outside, '01-要闻.md'));
    await cp(path.join(SAMPLE, 'issue.yaml'), path.join(outside, 'issue.yaml'));
    await symlink(path.join(tmp, 'elsewhere'), path.join(outside, 'images'));
    const err = await loadIssue(outside, { root: path.join(tmp, 'out') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BanmianError);
    expect((err as Error).message.split('\n')).toHaveLength(1);
    expect((err as Error).message).toMatch(/images.*symbolic link.*outside the issues folder/);
  });

  it('a symlinked folder inside the issue folder is fine', async () => {
    const inside = path.join(tmp, 'inside', '2026-11-20');
    await mkdir(inside, { recursive: true });
    await cp(path.join(SAMPLE, '01-要闻.md'), path.join(inside, '01-要闻.md'));
    await cp(path.join(SAMPLE, 'issue.yaml'), path.join(inside, 'issue.yaml'));
    await cp(path.join(SAMPLE, 'images'), path.join(inside, 'photos'), { recursive: true });
    await symlink('photos', path.join(inside, 'images'));
    const { issue } = await loadIssue(inside, { root: tmp });
    const checked = await checkImage(issueFolder(issue), imageUse(issue, IMAGE));
    expect(checked?.format).toBe('jpeg');
    expect(checked?.file).toBe(path.join(await import('node:fs/promises').then((f) => f.realpath(inside)), 'photos', 'jingji-zhibiao.jpg'));
  });
});
