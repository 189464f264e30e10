/**
 * The CLI as an editor meets it: bad input gives one line naming the file (and line),
 * exit code 1 and no stack trace; a failed build leaves the previous output untouched.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/banmian.js');

function banmian(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env, CI: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function tempIssues(pages: Record<string, string | Buffer>, yaml = 'date: 2026-11-21\nnumber: 7\n') {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-cli-'));
  const issue = path.join(dir, 'issues', '2026-11-21');
  await mkdir(issue, { recursive: true });
  if (yaml) await writeFile(path.join(issue, 'issue.yaml'), yaml);
  for (const [name, body] of Object.entries(pages)) await writeFile(path.join(issue, name), body);
  return { dir, issues: path.join(dir, 'issues'), issue };
}

function expectOneLineError(r: { code: number | null; stderr: string }, ...parts: RegExp[]) {
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split('\n').filter((l) => !l.includes('npm warn'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^banmian: /);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack frames
  for (const p of parts) expect(lines[0]).toMatch(p);
}

describe('banmian CLI', () => {
  it('prints help', () => {
    const r = banmian(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['build', 'parse', 'check', 'new']) expect(r.stdout).toContain(`banmian ${cmd}`);
  });

  it('rejects an unknown command in one line', () => {
    expectOneLineError(banmian(['frobnicate']), /unknown command "frobnicate"/);
  });

  it('parse: an empty page file is one error naming the file', async () => {
    const t = await tempIssues({ '01-empty.md': '\n\n  \n' });
    expectOneLineError(banmian(['parse', path.join(t.issue, '01-empty.md')]), /01-empty\.md/, /empty/);
  });

  it('parse: a binary file (an image renamed .txt) is one error naming the file', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
    const t = await tempIssues({ '01-photo.txt': png });
    expectOneLineError(banmian(['parse', path.join(t.issue, '01-photo.txt')]), /01-photo\.txt/, /binary|not a text/);
  });

  it('parse: invalid front matter is one error with file and line', async () => {
    const t = await tempIssues({ '01-bad.md': '---\nname: 要闻\nstaff: [unclosed\n---\n\n# 标题\n\n正文。\n' });
    expectOneLineError(banmian(['parse', path.join(t.issue, '01-bad.md')]), /01-bad\.md:\d+/);
  });

  it('parse: an unreadable path is one error naming it', () => {
    expectOneLineError(banmian(['parse', 'issues/no-such-issue/01.md']), /no-such-issue/);
  });

  it('build: an issue folder without issue.yaml is one error naming the folder', async () => {
    const t = await tempIssues({ '01-a.md': '# 标题\n\n正文。\n' }, '');
    expectOneLineError(banmian(['build', '--issues', t.issues, '--out', path.join(t.dir, 'dist'), '2026-11-21']), /2026-11-21/, /issue\.yaml/);
  });

  it('parse --json prints the AST with positions', async () => {
    const t = await tempIssues({ '01-a.md': '# 海岸新区启动便民服务月\n\n□本报记者 王海\n\n本报讯 11月20日，活动启动。\n' });
    const r = banmian(['parse', t.issue, '--json']);
    expect(r.code).toBe(0);
    const ast = JSON.parse(r.stdout);
    expect(ast.type).toBe('issue');
    expect(ast.children[0].type).toBe('page');
    const article = ast.children[0].children.find((n: { type: string }) => n.type === 'article');
    expect(article.children.map((n: { type: string }) => n.type)).toEqual(['headline', 'byline', 'paragraph']);
    expect(article.position.start.line).toBe(1);
  });

  it('a failed build leaves the previous output untouched', async () => {
    const t = await tempIssues({ '01-a.md': '# 海岸新区启动便民服务月\n\n本报讯 11月20日，活动启动。\n' });
    const out = path.join(t.dir, 'dist');
    // A previous banmian output (it has a manifest: anything else is refused as --out).
    await mkdir(path.join(out, '.banmian'), { recursive: true });
    await writeFile(path.join(out, '.banmian', 'manifest.json'), '{"version":3,"print":{}}\n');
    await writeFile(path.join(out, 'marker.txt'), 'previous build');
    // The print edition cannot start a browser that does not exist: the build fails late.
    const r = banmian(['build', '--issues', t.issues, '--out', out], { PUPPETEER_EXECUTABLE_PATH: '/nonexistent/chrome' });
    expectOneLineError(r, /PUPPETEER_EXECUTABLE_PATH/);
    expect(await readFile(path.join(out, 'marker.txt'), 'utf8')).toBe('previous build');
    expect(existsSync(`${out}.tmp-${0}`)).toBe(false);
    const leftovers = (await import('node:fs')).readdirSync(t.dir).filter((f) => f.startsWith('dist.'));
    expect(leftovers).toEqual([]);
  });

  it('new: starts the next issue with the number counted on, and refuses to overwrite', async () => {
    const t = await tempIssues({ '01-a.md': '# 标题\n\n正文。\n' }, 'date: 2026-11-21\nnumber: 7\ntotal: 100\n');
    const r = banmian(['new', '2026-11-22', '--issues', t.issues]);
    expect(r.code).toBe(0);
    const yaml = await readFile(path.join(t.issues, '2026-11-22', 'issue.yaml'), 'utf8');
    expect(yaml).toContain('number: 8');
    expect(yaml).toContain('total: 101');
    expect(existsSync(path.join(t.issues, '2026-11-22', '01-要闻.md'))).toBe(true);
    expectOneLineError(banmian(['new', '2026-11-22', '--issues', t.issues]), /already exists/);
    expectOneLineError(banmian(['new', '2026-13-40', '--issues', t.issues]), /not a date/);
  });
});
