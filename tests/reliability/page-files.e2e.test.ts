/**
 * Issue 10, item 12 — page files are never skipped silently: `.markdown` pages and
 * symlinks inside the issues folder are read; a file that is not a page (no leading page
 * number, another extension) and a folder of pages without issue.yaml are one warning
 * each naming the file and why; a symlink leading outside the issues folder is an error.
 * Issue 14, item 4 — `banmian check` reports every file, ends with the count, exit 1 on errors.
 */
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIssues } from '../../src/parse/index.js';
import { banmian, oneLine, tempIssue } from './cli.js';

const PAGE = (t: string) => `# ${t}\n\n□本报记者 丁霞\n\n正文写在这里。\n`;

describe('page files', () => {
  it('reads .markdown pages and symlinks inside the issues folder; warns about files it does not read', async () => {
    const t = await tempIssue({ '01-要闻.md': PAGE('一版'), '02-综合.markdown': PAGE('二版'), 'notes.md': PAGE('笔记'), '04-专题.docx': 'x' });
    await mkdir(path.join(t.issues, 'shared'));
    await writeFile(path.join(t.issues, 'shared', 'page.md'), PAGE('三版'));
    await symlink(path.join(t.issues, 'shared', 'page.md'), path.join(t.issue, '03-共享.md'));
    const { issues, files } = await loadIssues(t.issues, { root: t.dir });
    expect(issues[0].children.map((p) => `${p.number}:${p.file}`)).toEqual(['1:issues/2026-11-21/01-要闻.md', '2:issues/2026-11-21/02-综合.markdown', '3:issues/2026-11-21/03-共享.md']);
    const lines = files.flatMap((f) => f.messages.filter((m) => m.ruleId === 'skipped-file').map((m) => `${f.path}:${m.line}: ${m.reason}`));
    expect(lines).toEqual([
      'issues/2026-11-21/04-专题.docx:1: not read as a page: page files end in .md, .markdown or .txt',
      'issues/2026-11-21/notes.md:1: not read as a page: a page file name starts with its page number (e.g. 01-要闻.md)',
    ]);
    // the build says so too (counted as warnings), and check lists them
    const c = banmian(['check', t.issues]);
    expect(c.stdout).toMatch(/notes\.md:1:1 +warning +not read as a page/);
    expect(c.code).toBe(0);
  });

  it('a folder of pages without issue.yaml is named in a warning, not skipped silently', async () => {
    const t = await tempIssue({ '01-a.md': PAGE('一版') });
    await mkdir(path.join(t.issues, 'drafts'));
    await writeFile(path.join(t.issues, 'drafts', '01-a.md'), PAGE('草稿'));
    const c = banmian(['check', t.issues]);
    expect(c.stdout).toMatch(/issues\/drafts:1:1 +warning +not built: this folder has page files but no issue\.yaml/);
  });

  it('a symlinked page or issue folder leading outside the issues folder is an error (one line, exit 1)', async () => {
    const outside = await mkdtemp(path.join(os.tmpdir(), 'banmian-outside-'));
    await writeFile(path.join(outside, 'secret.md'), PAGE('外面'));
    const t = await tempIssue({ '01-a.md': PAGE('一版') });
    await symlink(path.join(outside, 'secret.md'), path.join(t.issue, '02-b.md'));
    const b = banmian(['build', '--issues', t.issues, '--out', `${t.dir}/dist`]);
    expect(b.code).toBe(1);
    expect(oneLine(b.stderr)).toMatch(/2026-11-21\/02-b\.md: is a symbolic link to .*secret\.md, outside the issues folder/);

    const u = await tempIssue({ '01-a.md': PAGE('一版') });
    await mkdir(path.join(outside, 'issue'));
    await writeFile(path.join(outside, 'issue', 'issue.yaml'), 'date: 2026-11-22\nnumber: 8\n');
    await symlink(path.join(outside, 'issue'), path.join(u.issues, '2026-11-22'));
    const b2 = banmian(['build', '--issues', u.issues, '--out', `${u.dir}/dist`]);
    expect(b2.code).toBe(1);
    expect(oneLine(b2.stderr)).toMatch(/issues\/2026-11-22: is a symbolic link to .*, outside the issues folder/);
  });

  it('a symlinked issue folder inside the issues folder is read', async () => {
    const t = await tempIssue({ '01-a.md': PAGE('一版') });
    await symlink(t.issue, path.join(t.issues, 'latest'));
    const { issues } = await loadIssues(t.issues, { root: t.dir, ids: ['latest'] });
    expect(issues[0].children).toHaveLength(1);
  });
});

describe('banmian check', () => {
  it('reports every file, broken ones as errors, ends with the count, exit 1', async () => {
    const t = await tempIssue({
      '01-a.md': PAGE('一版'),
      '02-b.md': '',
      '03-c.md': '---\nname: [综合\n---\n正文。\n',
      '04-d.md': PAGE('四版') + '\xff',
      '05-e.md': PAGE('五版'),
    });
    await writeFile(path.join(t.issue, '04-d.md'), Buffer.concat([Buffer.from(PAGE('四版')), Buffer.from([0xff])]));
    const c = banmian(['check', t.issues]);
    expect(c.code).toBe(1);
    expect(c.stdout).toMatch(/02-b\.md:1:1 +error +is empty/);
    expect(c.stdout).toMatch(/03-c\.md:[23]:1 +error +invalid front matter/);
    expect(c.stdout).toMatch(/04-d\.md:6:1 +error +not valid UTF-8/);
    expect(c.stdout.trim().split('\n').at(-1)).toBe('5 file(s): 3 error(s), 0 warning(s), 0 note(s)');
    // the good files were checked as well: their notes would show; a clean issue exits 0
    const ok = await tempIssue({ '01-a.md': PAGE('一版') });
    const c2 = banmian(['check', ok.issues]);
    expect(c2.code).toBe(0);
    expect(c2.stdout.trim().split('\n').at(-1)).toMatch(/^1 file\(s\): 0 error\(s\)/);
  });
});
