import { existsSync, mkdirSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIssue, loadIssues } from '../../src/parse/index.js';
import { checkInvariant, nodesWithoutPosition, projectRoot } from './helpers.js';
import { parsePage } from '../../src/parse/index.js';
import { issueFolder } from '../../src/ast/issue-folder.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'banmian-issue-'));
function issueDir(name: string, yaml: string | null, pages: Record<string, string>): string {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  if (yaml !== null) writeFileSync(path.join(dir, 'issue.yaml'), yaml);
  for (const [f, t] of Object.entries(pages)) writeFileSync(path.join(dir, f), t);
  return dir;
}

describe('loadIssue', () => {
  it('reads issue.yaml and pages in the order of their leading number', async () => {
    const dir = issueDir('2026-01-02', 'date: 2026-01-02\nnumber: 7\ntotal: 900\neditor_in_chief: 某某\n', {
      '10-末版.md': '# 十\n\n正文。\n',
      '2-二版.txt': '标题二\n\n□本报记者 丁霞\n\n正文。\n',
      '01-要闻.md': '---\nname: 要闻\n---\n# 一\n\n正文。\n',
      'notes.md': '不是版面',
      'images': '',
    });
    const { issue, files } = await loadIssue(dir, { root: tmp });
    expect(issue).toMatchObject({ id: '2026-01-02', date: '2026-01-02', number: 7, total: 900, meta: { editor_in_chief: '某某' } });
    // the folder is known to the loader, not written on the node
    expect(issueFolder(issue)).toBe(dir);
    expect('dir' in issue).toBe(false);
    expect(issue.children.map((p) => p.number)).toEqual([1, 2, 10]);
    expect(issue.children.map((p) => p.file)).toEqual(['2026-01-02/01-要闻.md', '2026-01-02/2-二版.txt', '2026-01-02/10-末版.md']);
    expect(issue.children[0].name).toBe('要闻');
    // No page name in the text: the file name gives it.
    expect(issue.children.map((p) => p.name)).toEqual(['要闻', '二版', '末版']);
    // files that are not pages are not skipped silently: one warning each, naming the file and why
    const skippedFiles = files.filter((f) => f.messages.some((m) => m.ruleId === 'skipped-file'));
    expect(skippedFiles.map((f) => f.path)).toEqual(['2026-01-02/images', '2026-01-02/notes.md']);
    expect(String(skippedFiles[1].messages[0].reason)).toMatch(/starts with its page number/);
    expect(files).toHaveLength(5);
    expect(nodesWithoutPosition(issue)).toEqual([]);
  });

  it('front matter `page` overrides the file number; duplicates are errors', async () => {
    const dir = issueDir('dup', 'date: 2026-01-03\nnumber: 8\n', { '01-a.md': '正文。', '02-b.md': '---\npage: 1\n---\n正文。' });
    await expect(loadIssue(dir, { root: tmp })).rejects.toThrow(/dup\/02-b\.md: duplicate page number 1/);
  });

  it('errors name the folder or file and line', async () => {
    await expect(loadIssue(issueDir('noyaml', null, { '01-a.md': '正文。' }), { root: tmp })).rejects.toThrow('noyaml: issue folder has no issue.yaml');
    await expect(loadIssue(issueDir('badyaml', 'date: [2026\n', {}), { root: tmp })).rejects.toThrow(/badyaml\/issue\.yaml:\d+: invalid YAML/);
    await expect(loadIssue(issueDir('nodate', 'number: 3\n', {}), { root: tmp })).rejects.toThrow(/nodate\/issue\.yaml:1: issue\.yaml has no `date`/);
    await expect(loadIssue(issueDir('baddate', 'number: 3\ndate: 2026-13-01\n', {}), { root: tmp })).rejects.toThrow(/baddate\/issue\.yaml:2: .*date must be YYYY-MM-DD/);
    await expect(loadIssue(issueDir('badnum', 'date: 2026-01-01\nnumber: -3\n', {}), { root: tmp })).rejects.toThrow(/badnum\/issue\.yaml:2: .*number/);
    await expect(loadIssue(issueDir('nonum', 'date: 2026-01-01\n', {}), { root: tmp })).rejects.toThrow(/has no `number`/);
    await expect(loadIssue(path.join(tmp, 'nothere'), { root: tmp })).rejects.toThrow(/nothere: no such issue folder/);
  });
});

describe('loadIssues', () => {
  it('loads every folder with issue.yaml sorted by date, skips others unless named', async () => {
    const root = path.join(tmp, 'many');
    mkdirSync(root);
    const mk = (id: string, yaml: string | null) => {
      const dir = path.join(root, id);
      mkdirSync(dir);
      if (yaml) writeFileSync(path.join(dir, 'issue.yaml'), yaml);
      writeFileSync(path.join(dir, '01-a.md'), '# 标题\n\n正文。\n');
    };
    mk('b', 'date: 2026-02-01\nnumber: 2\n');
    mk('a', 'date: 2026-03-01\nnumber: 3\n');
    mk('c', 'date: 2026-01-01\nnumber: 1\n');
    mk('drafts', null);
    const { issues, files } = await loadIssues(root, { root });
    expect(issues.map((i) => i.id)).toEqual(['c', 'b', 'a']);
    // the folder of pages without issue.yaml is named in a warning
    expect(files).toHaveLength(4);
    expect(files.map((f) => f.path)).toContain('drafts');
    const only = await loadIssues(root, { root, ids: ['a'] });
    expect(only.issues.map((i) => i.id)).toEqual(['a']);
    await expect(loadIssues(root, { root, ids: ['drafts'] })).rejects.toThrow('drafts: issue folder has no issue.yaml');
    await expect(loadIssues(root, { root, ids: ['zzz'] })).rejects.toThrow(/zzz: no such issue folder/);
  });

  it('a folder of page files without issue.yaml is an error, not an empty list', async () => {
    const dir = issueDir('loose-pages', null, { '01-a.md': '正文。' });
    await expect(loadIssues(dir, { root: tmp })).rejects.toThrow('loose-pages: issue folder has no issue.yaml');
    const empty = issueDir('empty-issues', null, {});
    await expect(loadIssues(empty, { root: tmp })).resolves.toMatchObject({ issues: [] });
  });
});

describe('the sample issue', () => {
  const dir = path.join(projectRoot, 'issues/2026-11-20');
  it.runIf(existsSync(dir))('parses with the invariant on every page', async () => {
    const { issue, files } = await loadIssue(dir, { root: projectRoot });
    expect(issue.children.length).toBeGreaterThanOrEqual(4);
    expect(nodesWithoutPosition(issue)).toEqual([]);
    for (const page of issue.children) {
      const text = readFileSync(path.join(projectRoot, page.file), 'utf8');
      const { page: p, file } = parsePage(text, { file: page.file });
      const r = checkInvariant(text, p, file);
      expect(r.detail, page.file).toBe('');
    }
    expect(files.every((f) => !f.messages.some((m) => m.ruleId === 'internal-fallback'))).toBe(true);
  });
});
