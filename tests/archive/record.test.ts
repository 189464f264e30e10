/**
 * The pure parts of the paper of record: issue.yaml as print sees it, the first changed
 * line of a published source, the shares of a sharded build, and corrections.
 */
import { setIssueFolder } from '../../src/ast/issue-folder.js';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { articleCorrections } from '../../src/archive/corrections.js';
import { firstSourceDifference, printedYaml, type RecordManifest, sourceDigests } from '../../src/archive/record.js';
import { parseShard, shareOf } from '../../src/archive/shard.js';
import type { Issue } from '../../src/ast/types.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('printedYaml', () => {
  it('blanks published: and corrections: (with their nested lines), keeps line numbers, ignores trailing blanks', () => {
    const base = 'date: 2026-11-20\nnumber: 2468\n';
    const withKeys = 'date: 2026-11-20\npublished: "2026-11-20T18:00:00Z"\nnumber: 2468\ncorrections:\n  - article: 01/a1\n    date: 2026-11-22\n    text: 更正\n\n';
    expect(printedYaml(withKeys)).toBe('date: 2026-11-20\n\nnumber: 2468\n');
    expect(printedYaml(base)).toBe(base);
    expect(printedYaml(base + 'published: x\n')).toBe(printedYaml(base));
    expect(printedYaml(base.replace('2468', '2469'))).not.toBe(printedYaml(base));
  });
});

describe('firstSourceDifference', () => {
  it('names the first changed line of a text source, and added, removed or binary files', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-record-unit-'));
    dirs.push(dir);
    const issue = path.join(dir, 'issues', 'x');
    const archive = path.join(dir, 'archive');
    await mkdir(path.join(issue, 'images'), { recursive: true });
    await mkdir(path.join(archive, 'x', 'source'), { recursive: true });
    const page = '第一行\n第二行\n第三行\n';
    await writeFile(path.join(issue, '01-a.md'), page);
    await writeFile(path.join(issue, 'issue.yaml'), 'date: 2026-11-20\n');
    await writeFile(path.join(issue, 'images', 'p.jpg'), 'jpeg');
    await writeFile(path.join(archive, 'x', 'source', '01-a.md'), page);
    await writeFile(path.join(archive, 'x', 'source', 'issue.yaml'), 'date: 2026-11-20\n');
    const record = { issue: 'x', sources: await sourceDigests(issue) } as RecordManifest;
    expect(await firstSourceDifference(issue, archive, record)).toBeUndefined();
    // Publishing and a correction are not changes to what was printed.
    await writeFile(path.join(issue, 'issue.yaml'), 'date: 2026-11-20\npublished: "t"\ncorrections:\n  - article: 01/a1\n');
    expect(await firstSourceDifference(issue, archive, record)).toBeUndefined();
    await writeFile(path.join(issue, '01-a.md'), '第一行\n第二行改\n第三行\n');
    expect(await firstSourceDifference(issue, archive, record)).toEqual({ file: '01-a.md', line: 2, what: 'changed since publishing' });
    await writeFile(path.join(issue, '01-a.md'), page);
    await writeFile(path.join(issue, 'images', 'p.jpg'), 'jpeg2');
    expect(await firstSourceDifference(issue, archive, record)).toEqual({ file: 'images/p.jpg', line: 1, what: 'changed since publishing' });
    await writeFile(path.join(issue, 'images', 'p.jpg'), 'jpeg');
    await writeFile(path.join(issue, '02-b.md'), '新的一版\n');
    expect(await firstSourceDifference(issue, archive, record)).toEqual({ file: '02-b.md', line: 1, what: 'added since publishing' });
  });
});

describe('shards', () => {
  it('parses K/N and refuses anything else in one line', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', 'a/b', '1', '-1/2']) expect(() => parseShard(bad)).toThrow(/^--shard takes K\/N/);
  });

  it('shares every issue exactly once, whatever the order given', () => {
    const ids = Array.from({ length: 11 }, (_, i) => `2026-01-${String(i + 1).padStart(2, '0')}`);
    const shares = [1, 2, 3, 4].map((index) => shareOf([...ids].reverse(), { index, count: 4 }));
    expect(shares.map((s) => s.size)).toEqual([3, 3, 3, 2]);
    expect(shares.flatMap((s) => [...s]).sort()).toEqual(ids);
    expect([...shareOf(ids, { index: 1, count: 4 })]).toEqual([...shares[0]]);
  });
});

describe('corrections', () => {
  const issue = (corrections: unknown): Issue =>
    setIssueFolder(
      {
        type: 'issue',
        id: '2026-11-20',
        date: '2026-11-20',
        number: 1,
        meta: { corrections },
        children: [{ type: 'page', number: 1, children: [{ type: 'article', id: 'a1', children: [] }] }],
      } as unknown as Issue,
      '/x/issues/2026-11-20',
    );

  it('gives an article its corrections and no other article any', () => {
    const i = issue([{ article: '01/a1', date: '2026-11-22', text: '特此更正。' }]);
    expect(articleCorrections(i, 1, 'a1')).toEqual([{ date: '2026-11-22', dateText: '2026年11月22日', text: '特此更正。' }]);
    expect(articleCorrections(i, 1, 'a2')).toEqual([]);
    expect(articleCorrections(issue(undefined), 1, 'a1')).toEqual([]);
  });

  it('refuses a malformed entry in one line naming issue.yaml', () => {
    expect(() => articleCorrections(issue('x'), 1, 'a1')).toThrow(/issue\.yaml: corrections: must be a list/);
    expect(() => articleCorrections(issue([{ article: 'a1', date: '2026-11-22', text: 't' }]), 1, 'a1')).toThrow(/entry 1 needs article: <page>\/<article id>/);
    expect(() => articleCorrections(issue([{ article: '01/a1', date: '22 Nov', text: 't' }]), 1, 'a1')).toThrow(/entry 1 needs date/);
    expect(() => articleCorrections(issue([{ article: '02/a1', date: '2026-11-22', text: 't' }]), 1, 'a1')).toThrow(/entry 1: no article 02\/a1 in issue 2026-11-20/);
  });
});
