/**
 * The parser as unified plugins and its diagnostics as vfile messages: stages share typed
 * `file.data.banmian`, every message (fatal too) has a place, a ruleId and source banmian,
 * the editions' page warnings land on the page's VFile and vfile-reporter prints them.
 */
import path from 'node:path';
import { unified } from 'unified';
import { VFile } from 'vfile';
import { describe, expect, it } from 'vitest';
import { issueFolder, setIssueFolder, copyIssue } from '../../src/ast/issue-folder.js';
import type { Byline, Issue } from '../../src/ast/types.js';
import { BanmianError } from '../../src/errors.js';
import { banmianNameFromFile, banmianParse, loadIssue, parsePage } from '../../src/parse/index.js';
import { formatDiagnostics, reportFiles } from '../../src/report/diagnostics.js';
import { PageDiagnostics, warnAboutPage } from '../../src/report/page-files.js';
import { nodesOfType, projectRoot } from './helpers.js';

const PAGE = '[主题] 海岸新区步道贯通\n\n□本报记者 林晓岚 通讯员 周明远\n\n11月18日，步道\u200b全线贯通。\n';

function gb18030(s: string): Uint8Array {
  // 海 岸 in GB18030 are two bytes each; enough Han text that UTF-8 cannot read it.
  const table: Record<string, number[]> = { 海: [0xba, 0xa3], 岸: [0xb0, 0xb6], '\n': [0x0a] };
  return new Uint8Array([...s].flatMap((c) => table[c]));
}

describe('unified().use(banmianParse)', () => {
  it('parses page bytes into a Page, the stages sharing typed file.data.banmian', () => {
    const processor = unified().use(banmianParse).use(banmianNameFromFile);
    const file = new VFile({ path: 'issues/x/05-品质海岸.md', value: new TextEncoder().encode(PAGE), data: { banmian: { number: 5 } } });
    const page = processor.runSync(processor.parse(file), file);
    expect(page.type).toBe('page');
    expect(page.number).toBe(5);
    expect(page.name).toBe('品质海岸');
    expect(page.file).toBe('issues/x/05-品质海岸.md');
    expect(file.data.banmian).toMatchObject({ number: 5, encoding: 'utf-8', bodyStart: 0 });
    // decoded once: the file's value is the text the positions point into
    expect(file.value).toBe(PAGE.replace('\u200b', ''));
    const invisible = file.messages.find((m) => m.ruleId === 'invisible-char');
    expect(invisible).toMatchObject({ line: 5, column: 10, source: 'banmian', fatal: false });
  });

  it('reads GB18030 bytes and says so on the file', () => {
    const file = new VFile({ path: 'gb.txt', value: gb18030('海岸海岸海岸\n海岸\n') });
    const page = unified().use(banmianParse).parse(file);
    expect(page.type).toBe('page');
    expect(file.data.banmian?.encoding).toBe('gb18030');
    expect(file.messages.map((m) => [m.ruleId, m.source, m.line])).toContainEqual(['encoding', 'banmian', 1]);
  });

  it('keeps the front matter on file.data for the tree stage', () => {
    const { page, file } = parsePage('---\nname: 要闻\npage: 3\n---\n正文一段。\n', { file: 'p.md' });
    expect(file.data.banmian?.frontMatter).toMatchObject({ name: '要闻', page: 3 });
    expect(file.data.banmian?.bodyStart).toBeGreaterThan(0);
    expect([page.name, page.number]).toEqual(['要闻', 3]);
  });

  it('every message of a parse has a place, a ruleId and source banmian', () => {
    const { file } = parsePage('稳中有进——\n\n前三季度增长\n\n——访区统计局局长\n\n正文一段，没有句号\n\n的下半段。\n', { file: 'm.md' });
    expect(file.messages.length).toBeGreaterThan(0);
    for (const m of file.messages) {
      expect(m.source).toBe('banmian');
      expect(m.ruleId).toMatch(/^[a-z-]+$/);
      expect(m.line).toBeGreaterThan(0);
      expect(m.column).toBeGreaterThan(0);
    }
  });

  it('a fatal problem is a BanmianError on the file, thrown as file.fail throws', () => {
    for (const [value, ruleId, line] of [
      [new Uint8Array(), 'empty-file', undefined],
      [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2]), 'binary-file', undefined],
      [new TextEncoder().encode('---\nname: [\n---\n正文\n'), 'front-matter', 3],
    ] as const) {
      const file = new VFile({ path: 'bad.md', value });
      let thrown: unknown;
      try {
        unified().use(banmianParse).parse(file);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(BanmianError);
      const err = thrown as BanmianError;
      expect(file.messages).toContain(err);
      expect({ fatal: err.fatal, ruleId: err.ruleId, source: err.source, file: err.file }).toEqual({ fatal: true, ruleId, source: 'banmian', file: 'bad.md' });
      if (line) expect(err.line).toBe(line);
      // the CLI's one line: file (and line) first, no newline
      expect(err.message).toMatch(line ? /^bad\.md:3: invalid front matter/ : /^bad\.md: is /);
      expect(err.message).not.toContain('\n');
      expect(formatDiagnostics([file]).counts.errors).toBe(1);
    }
  });
});

describe('AST fields', () => {
  it('a byline keeps every role with its names', () => {
    const { page } = parsePage(PAGE, { file: 'b.md' });
    const [byline] = nodesOfType<Byline>(page, 'byline');
    expect(byline.role).toBe('本报记者');
    expect(byline.names).toEqual(['林晓岚', '周明远']);
    expect(byline.people).toEqual([
      { role: '本报记者', names: ['林晓岚'] },
      { role: '通讯员', names: ['周明远'] },
    ]);
  });

  it('an issue node holds no file path; its folder is known to the code that loaded it', async () => {
    const dir = path.join(projectRoot, 'issues', '2026-11-20');
    const { issue } = await loadIssue(dir, { root: projectRoot });
    expect(JSON.stringify(issue)).not.toContain(projectRoot);
    expect(issueFolder(issue)).toBe(dir);
    const copy = copyIssue(issue, { children: issue.children.slice(1) });
    expect([issueFolder(copy), copy.children.length]).toEqual([dir, issue.children.length - 1]);
    const handMade: Issue = { type: 'issue', id: 'x', date: '2026-01-01', number: 1, meta: {}, children: [] };
    expect(() => issueFolder(handMade)).toThrow(/issue x has no folder/);
    expect(issueFolder(setIssueFolder(handMade, '/tmp/x'))).toBe('/tmp/x');
  });
});

describe('edition warnings on the page VFile', () => {
  it('attach to the page file with place, ruleId and source; vfile-reporter prints them briefly', () => {
    const { page, file } = parsePage(PAGE, { file: 'issues/x/01-要闻.md' });
    const parserMessages = file.messages.length;
    const clean = new VFile({ path: 'issues/x/02-综合.md' });
    const pages = new PageDiagnostics([file, clean]);
    const logged: string[] = [];
    const ctx = { log: { info() {}, warn: (m: string) => logged.push(m), progress() {} }, pages };
    warnAboutPage(ctx, '第01版: fill 80.1% is below 90%', { file: page.file, ruleId: 'print-underfull' });
    warnAboutPage(ctx, 'figure image images/a.jpg not found', { file: page.file, place: page.children[0].position, ruleId: 'web-image-missing' });
    warnAboutPage(ctx, 'about a file the build did not parse', { file: 'elsewhere.md', place: { line: 3, column: 1 }, ruleId: 'web-render' });
    expect(logged).toEqual(['elsewhere.md:3: about a file the build did not parse']);
    expect(file.messages.length).toBe(parserMessages + 2);
    expect(file.messages.at(-1)).toMatchObject({ ruleId: 'web-image-missing', source: 'banmian', fatal: false, line: 1 });

    const editions = pages.editionFiles();
    expect(editions.map((f) => [f.path, f.messages.length])).toEqual([['issues/x/01-要闻.md', 2]]);
    const report = reportFiles(editions);
    const lines = report.split('\n');
    expect(lines[0]).toBe('issues/x/01-要闻.md');
    // a warning about the whole page has no place
    expect(lines[1]).toMatch(/^\s+warning\s+第01版: fill 80\.1% is below 90%\s+print-underfull\s+banmian$/);
    expect(report).toMatch(/1:\d+-\d+:\d+\s+warning\s+figure image images\/a\.jpg not found\s+web-image-missing\s+banmian/);
    expect(report).toContain('2 warnings');
    expect(report).not.toContain('02-综合'); // quiet: clean files are left out
    expect(report).not.toContain('\x1b['); // no colour unless asked
    expect(reportFiles([clean])).toBe('');
  });
});
