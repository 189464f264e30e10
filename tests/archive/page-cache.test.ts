/**
 * Pages kept in a print record (src/archive/page-cache.ts): loading an issue with the
 * record's pages.json gives exactly what parsing gives (trees and messages), and a page
 * is parsed again when its bytes, the record or the parser are not what made the entry.
 */
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VFile } from 'vfile';
import { pagesFile, recordPageCache } from '../../src/archive/page-cache.js';
import { PAGES_FILE, RECORD_FILE, sha256 } from '../../src/archive/record.js';
import { loadIssue, loadIssues } from '../../src/parse/issue.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const ID = '2026-11-20';
let dir: string;
let issues: string;
let archive: string;

/** What a reporter and the build see of a file's messages. */
function messages(files: VFile[]) {
  return files.map((f) => ({ path: f.path, messages: f.messages.map((m) => ({ reason: m.reason, line: m.line, column: m.column, place: m.place, ruleId: m.ruleId, source: m.source, fatal: m.fatal })) }));
}

/** Writes the record's pages.json (and a record.json listing its digest) from a fresh parse of the issue. */
async function writeRecord(): Promise<string> {
  const issueDir = path.join(issues, ID);
  const parsed = await loadIssue(issueDir, { root: dir });
  const text = await pagesFile(
    await Promise.all(
      parsed.issue.children.map(async (page) => ({ rel: path.basename(page.file), bytes: await readFile(path.join(issueDir, path.basename(page.file))), page, file: parsed.files.find((f) => f.path === page.file)! })),
    ),
  );
  await mkdir(path.join(archive, ID), { recursive: true });
  await writeFile(path.join(archive, ID, PAGES_FILE), text);
  await writeFile(path.join(archive, ID, RECORD_FILE), JSON.stringify({ parsed: sha256(text) }));
  return text;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-page-cache-'));
  issues = path.join(dir, 'issues');
  archive = path.join(dir, 'archive');
  await cp(path.join(ROOT, 'issues', ID), path.join(issues, ID), { recursive: true });
  await writeRecord();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pages kept in a print record', () => {
  it('give the same trees and messages as parsing, every page from the record', async () => {
    const fresh = await loadIssues(issues, { root: dir });
    const cache = recordPageCache(archive);
    const cached = await loadIssues(issues, { root: dir, pageCache: cache });
    expect(cache.hits).toBe(fresh.issues[0].children.length);
    expect(cache.hits).toBeGreaterThan(0);
    expect(cached.issues).toStrictEqual(fresh.issues);
    expect(JSON.stringify(cached.issues)).toBe(JSON.stringify(fresh.issues));
    expect(messages(cached.files)).toStrictEqual(messages(fresh.files));
    // The sample's pages have warnings: the comparison above is not between empty lists.
    expect(fresh.files.reduce((n, f) => n + f.messages.length, 0)).toBeGreaterThan(0);
  });

  it('parse an edited page again (its text is the new one), the others still from the record', async () => {
    const page = path.join(issues, ID, '02-综合.md');
    const before = await readFile(page);
    try {
      await appendFile(page, '\n新加的一段话，刚刚写上。\n');
      const fresh = await loadIssues(issues, { root: dir });
      const cache = recordPageCache(archive);
      const cached = await loadIssues(issues, { root: dir, pageCache: cache });
      expect(cache.hits).toBe(fresh.issues[0].children.length - 1);
      expect(cached.issues).toStrictEqual(fresh.issues);
      expect(JSON.stringify(cached.issues)).toContain('新加的一段话');
    } finally {
      await writeFile(page, before);
    }
  });

  it('are not used when pages.json does not match its digest in record.json, or another parser made them', async () => {
    const text = await writeRecord();
    const file = path.join(archive, ID, PAGES_FILE);
    try {
      // Tampered: a page's text changed in the record (its digest in record.json no longer matches).
      await writeFile(file, text.replace('"value":"', '"value":"假'));
      let cache = recordPageCache(archive);
      await loadIssues(issues, { root: dir, pageCache: cache });
      expect(cache.hits).toBe(0);
      // Consistent, but made by other parser code.
      const other = JSON.stringify({ ...JSON.parse(text), parser: 'f'.repeat(64) });
      await writeFile(file, other);
      await writeFile(path.join(archive, ID, RECORD_FILE), JSON.stringify({ parsed: sha256(other) }));
      cache = recordPageCache(archive);
      await loadIssues(issues, { root: dir, pageCache: cache });
      expect(cache.hits).toBe(0);
    } finally {
      await writeRecord();
    }
  });
});
