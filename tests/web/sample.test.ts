/**
 * The web edition on the real sample issue (`issues/2026-11-20`) through the real
 * parser, HTML only. Skipped until `src/parse/index.ts` exists.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { HtmlValidate } from 'html-validate';
import { toString } from 'mdast-util-to-string';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { significantChars } from '../../src/ast/text.js';
import type { Issue } from '../../src/ast/types.js';
import { paths } from '../../src/build/context.js';
import { buildWebEdition } from '../../src/web/index.js';
import { fixtureContext, REPO_ROOT } from './fixtures.js';
import { articleText, checkLinks, listFiles } from './helpers.js';

const PARSER = path.join(REPO_ROOT, 'src', 'parse', 'index.ts');
const SAMPLE = path.join(REPO_ROOT, 'issues', '2026-11-20');
const ready = existsSync(PARSER) && existsSync(SAMPLE);

let tmp: string;
let out: string;
let issue: Issue;

describe.skipIf(!ready)('web edition on the sample issue (real parser)', () => {
  beforeAll(async () => {
    const parse = (await import(pathToFileURL(PARSER).href)) as { loadIssue(dir: string): Promise<{ issue: Issue }> };
    issue = (await parse.loadIssue(SAMPLE)).issue;
    tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-web-sample-'));
    out = path.join(tmp, 'dist');
    await buildWebEdition([issue], new Map(), fixtureContext(out, '/'), { fonts: false });
  });

  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('every page passes html-validate and every link resolves', async () => {
    const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });
    const failures: string[] = [];
    for (const rel of (await listFiles(out)).filter((f) => f.endsWith('.html') && !f.startsWith('search-index/'))) {
      const report = await validator.validateString(await readFile(path.join(out, rel), 'utf8'), rel);
      for (const r of report.results) for (const m of r.messages) if (m.severity === 2) failures.push(`${rel}:${m.line} ${m.ruleId} ${m.message}`);
    }
    expect(failures).toEqual([]);
    const { broken } = await checkLinks(out, '/', 'https://epaper.example.cn');
    expect(broken).toEqual([]);
  });

  it('each article view holds its article text in order', async () => {
    let n = 0;
    for (const page of issue.children)
      for (const node of page.children) {
        if (node.type !== 'article') continue;
        const html = await readFile(path.join(out, paths.articleDir(issue.id, page.number, node.id), 'index.html'), 'utf8');
        const shown = significantChars(articleText(html) ?? '');
        const source = significantChars(toString(node, { includeHtml: false, includeImageAlt: false }));
        const exact = node.children.some((c) => c.type === 'headline') && !JSON.stringify(node).includes('"type":"html"');
        if (exact) expect(shown, `${page.file} ${node.id}`).toBe(source);
        else expect(isSubsequence(source, shown), `${page.file} ${node.id}`).toBe(true);
        n++;
      }
    expect(n).toBeGreaterThan(3);
  });
});

function isSubsequence(needle: string, hay: string): boolean {
  let i = 0;
  for (const ch of hay) if (ch === needle[i]) i++;
  return i === needle.length;
}
