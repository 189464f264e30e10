/**
 * Issue 10, item 13 — YAML errors on the right line (issue.yaml and page front matter),
 * and an alias bomb ("billion laughs") refused with one line, exit 1.
 */
import { describe, expect, it } from 'vitest';
import { parsePage } from '../../src/parse/index.js';
import { banmian, oneLine, tempIssue } from './cli.js';

const PAGE = '# 标题\n\n正文。\n';
const BOMB = [
  'date: 2026-11-21',
  'number: 7',
  'a: &a ["哈","哈","哈","哈","哈","哈","哈","哈","哈"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  '',
].join('\n');

describe('issue.yaml errors', () => {
  it('a duplicate key is reported on its line (3)', async () => {
    const t = await tempIssue({ '01-a.md': PAGE }, 'date: 2026-11-21\nnumber: 7\nnumber: 8\n');
    const r = banmian(['build', '--issues', t.issues, '--out', `${t.dir}/dist`]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/2026-11-21\/issue\.yaml:3: invalid YAML: Map keys must be unique/);
  });

  it('a tab used as indentation is reported on its line (3)', async () => {
    const t = await tempIssue({ '01-a.md': PAGE }, 'date: 2026-11-21\nnumber: 7\n\tx: 1\n');
    const r = banmian(['build', '--issues', t.issues, '--out', `${t.dir}/dist`]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/2026-11-21\/issue\.yaml:3: invalid YAML: Tabs are not allowed/);
  });

  it('an alias bomb is refused in one line, exit 1', async () => {
    const t = await tempIssue({ '01-a.md': PAGE }, BOMB);
    const r = banmian(['build', '--issues', t.issues, '--out', `${t.dir}/dist`]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/2026-11-21\/issue\.yaml:4: invalid YAML: aliases expand too far/);
  });
});

describe('front matter errors', () => {
  const fm = (yaml: string) => () => parsePage(`---\n${yaml}---\n${PAGE}`, { file: 'p.md' });
  it('duplicate key and tab on the right line of the page file', () => {
    // front matter starts on line 2 of the file: its line 2 is line 3 of the file
    expect(fm('name: 要闻\nname: 综合\n')).toThrow(/^p\.md:3: invalid front matter: Map keys must be unique/);
    expect(fm('name: 要闻\npage: 1\n\tx: 1\n')).toThrow(/^p\.md:4: invalid front matter: Tabs are not allowed/);
  });

  it('an alias bomb in front matter is refused', () => {
    expect(fm(BOMB.replace(/^date.*\nnumber.*\n/, ''))).toThrow(/^p\.md:3: invalid front matter: aliases expand too far/);
  });
});
