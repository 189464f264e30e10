/**
 * `--out` must never destroy what it points at (issue 10, case 1): the project root,
 * the issues folder or an issue folder, a parent of them, a file, `/`, a folder that is
 * not a banmian output, a link to the project — each refused in one line, exit 1, every
 * file byte-identical afterwards. Absent, empty and previous-output folders are built.
 */
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banmian, buildLeftovers, expectOneLineError, makeProject, type Project, snapshot } from './helpers.js';

describe('--out guard', () => {
  let p: Project;
  let before: Record<string, string>;

  beforeAll(async () => {
    p = await makeProject();
    await writeFile(path.join(p.dir, 'report.docx'), 'PK\u0003\u0004 a document');
    await mkdir(path.join(p.dir, 'notes'));
    await writeFile(path.join(p.dir, 'notes', 'todo.txt'), '明天改稿\n');
    await symlink(p.dir, path.join(p.dir, 'link-to-project'));
    before = await snapshot(p.dir);
  });

  afterAll(async () => {
    if (p) await rm(p.dir, { recursive: true, force: true });
  });

  const refused: Array<[string, string[], RegExp]> = [
    ['the project root', ['--out', '.'], /refusing to use \. as the output folder: it is the project folder/],
    ['the issues folder', ['--issues', 'issues', '--out', 'issues'], /refusing to use issues .*it is the issues folder/],
    ['an issue folder', ['--out', 'issues/2026-11-20'], /issues\/2026-11-20 .*inside the issues folder/],
    ['a parent of the project', ['--out', '..'], /refusing to use \.\. .*contains the project folder/],
    ['a file', ['--out', 'report.docx'], /report\.docx .*a file/],
    ['a folder under a file', ['--out', 'report.docx/site'], /report\.docx\/site .*: report\.docx is a file, not a folder/],
    ['the filesystem root', ['--out', '/'], /refusing to use \/ .*filesystem root/],
    ['a folder that is not a banmian output', ['--out', 'notes'], /notes .*not empty and not a banmian output/],
    ['a link to the project', ['--out', 'link-to-project'], /link-to-project .*the project folder/],
  ];

  for (const [what, args, message] of refused) {
    it(`refuses ${what}, touching nothing`, async () => {
      const r = await banmian(['build', '--only', 'html', ...args], p.dir);
      expectOneLineError(r, message);
      expect(await snapshot(p.dir)).toEqual(before);
    });
  }

  it('refuses the same for banmian dev, before serving anything', async () => {
    const r = await banmian(['dev', '--port', '0', '--only', 'html', '--out', '.'], p.dir);
    expectOneLineError(r, /refusing to use \. as the output folder/);
    expect(await snapshot(p.dir)).toEqual(before);
  });

  it('builds into an absent folder, an empty folder and its own previous output', async () => {
    const fresh = path.join(p.dir, 'site');
    let r = await banmian(['build', '--only', 'html', '--out', 'site'], p.dir);
    expect(r.code, r.stderr).toBe(0);
    r = await banmian(['build', '--only', 'html', '--out', 'site'], p.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/nothing changed since the last build/);
    await mkdir(path.join(p.dir, 'empty'));
    r = await banmian(['build', '--only', 'html', '--out', 'empty'], p.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(buildLeftovers(fresh)).toEqual([]);
    // The sources are what they were.
    const now = await snapshot(p.dir);
    for (const [file, sum] of Object.entries(before)) expect([file, now[file]]).toEqual([file, sum]);
  });
});
