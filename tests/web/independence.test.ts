/**
 * A view depends on its issue, not on the rest of the archive (issue 16): the sample issue
 * (real parser) under three dates of one month, built with the self-hosted fonts; then a
 * fourth, newer issue with characters no other issue has, and a clean build of all four.
 * The first two issues' files are byte-identical; the third's differ only on the lines that
 * show 下一期; `issueViewKey` says the same before the files are rendered.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueFolder, setIssueFolder } from '../../src/ast/issue-folder.js';
import type { Issue } from '../../src/ast/types.js';
import { buildWebEdition, issueViewKey, type WebBuildResult } from '../../src/web/index.js';
import { fixtureContext, REPO_ROOT } from './fixtures.js';
import { listFiles } from './helpers.js';

const PARSER = path.join(REPO_ROOT, 'src', 'parse', 'index.ts');
const SAMPLE = path.join(REPO_ROOT, 'issues', '2026-11-20');
const ready = existsSync(PARSER) && existsSync(SAMPLE);
/** Characters on no page of the sample: the new issue brings them, so the site's font subset changes. */
const NEW_CHARACTERS = '龘鑫犇骉麤';

let tmp: string;
const dist = { three: '', four: '' };
const keys: { three: Map<string, string>; four: Map<string, string> } = { three: new Map(), four: new Map() };

describe.skipIf(!ready)('a new issue leaves the older issues\' views as they were', () => {
  beforeAll(async () => {
    const parse = (await import(pathToFileURL(PARSER).href)) as { loadIssue(dir: string): Promise<{ issue: Issue }> };
    const { issue: sample } = await parse.loadIssue(SAMPLE);
    const asDate = (day: number, extra?: string): Issue => {
      const date = `2026-11-${String(day).padStart(2, '0')}`;
      const copy = structuredClone(sample);
      const issue: Issue = { ...copy, id: date, date, number: 3000 + day, total: 13000 + day };
      if (extra) {
        const article = issue.children[0].children.find((c) => c.type === 'article');
        if (article?.type !== 'article') throw new Error('sample changed: no article on page 1');
        article.children.push({ type: 'paragraph', children: [{ type: 'text', value: extra }] });
      }
      return setIssueFolder(issue, issueFolder(sample));
    };
    tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-web-independence-'));
    const build = async (issues: Issue[], out: string, into: Map<string, string>): Promise<WebBuildResult> => {
      // A clean build each time (no previous output to reuse), HTML and fonts, no search index.
      const result = await buildWebEdition(issues, new Map(), fixtureContext(out, '/'), { search: false });
      const rc = result.site.renderContext();
      for (const ref of result.site.model.issues) into.set(ref.id, issueViewKey(rc, ref));
      return result;
    };
    dist.three = path.join(tmp, 'three');
    dist.four = path.join(tmp, 'four');
    await build([asDate(18), asDate(19), asDate(20)], dist.three, keys.three);
    await build([asDate(18), asDate(19), asDate(20), asDate(21, `本期新增：${NEW_CHARACTERS}。`)], dist.four, keys.four);
  }, 300_000);

  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('the site-wide font subset did change (so the test means something)', async () => {
    const before = await readFile(path.join(dist.three, 'assets', 'fonts.css'), 'utf8');
    const after = await readFile(path.join(dist.four, 'assets', 'fonts.css'), 'utf8');
    expect(after).not.toBe(before);
    expect(before).not.toContain(`U+${'龘'.codePointAt(0)!.toString(16)}`);
    expect(after).toContain(`U+${'龘'.codePointAt(0)!.toString(16)}`);
    // Other issues' days are not in any view, but in the date picker's data.
    expect(await readFile(path.join(dist.four, 'archive', 'dates.json'), 'utf8')).toContain('"/2026-11-21/"');
  });

  it('every file of the first two issues is byte-identical; the third changes only where 下一期 appears', async () => {
    for (const id of ['2026-11-18', '2026-11-19', '2026-11-20']) {
      const files = await listFiles(path.join(dist.three, id));
      expect(files.length, id).toBeGreaterThan(30);
      expect((await listFiles(path.join(dist.four, id))).sort(), id).toEqual(files.sort());
      let changed = 0;
      for (const rel of files) {
        const a = await readFile(path.join(dist.three, id, rel));
        const b = await readFile(path.join(dist.four, id, rel));
        if (id !== '2026-11-20') {
          expect(b.equals(a), `${id}/${rel}`).toBe(true);
          continue;
        }
        if (b.equals(a)) continue;
        changed++;
        // Each changed stretch of lines (the lines between the common start and end of a
        // region of difference), old and new, names 下一期: a link where there was none.
        for (const line of changedLines(a.toString('utf8'), b.toString('utf8'))) expect(line, `${id}/${rel}`).toContain('下一期');
      }
      // Every view of the neighbour has the issue bar: each one now links the new issue.
      if (id === '2026-11-20') expect(changed, id).toBe(files.filter((f) => f.endsWith('.html')).length);
    }
  });

  it('issueViewKey: the same for the first two issues, changed for the neighbour', () => {
    expect(keys.four.get('2026-11-18')).toBe(keys.three.get('2026-11-18'));
    expect(keys.four.get('2026-11-19')).toBe(keys.three.get('2026-11-19'));
    expect(keys.four.get('2026-11-20')).not.toBe(keys.three.get('2026-11-20'));
  });
});

/** The lines that differ between two texts (both sides), by a line diff (LCS; the texts are small). */
function changedLines(a: string, b: string): string[] {
  const la = a.split('\n');
  const lb = b.split('\n');
  const n = la.length;
  const m = lb.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = la[i] === lb[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && la[i] === lb[j]) {
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) out.push(lb[j++]);
    else out.push(la[i++]);
  }
  return out;
}
