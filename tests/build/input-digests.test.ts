/**
 * The whole output's key (src/build/cache.ts `outputKey`) takes the digest of an input
 * file whose size and mtime are those the previous build recorded from its manifest
 * instead of reading it: the same key, the file not read; a file with another mtime or
 * size is read again.
 */
import { cp, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputKey } from '../../src/build/cache.js';
import { loadConfig } from '../../src/config/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('outputKey with the previous build’s input digests', () => {
  let dir: string;
  let issuesDir: string;
  const key = async (previous?: Parameters<typeof outputKey>[0]['previous']) => {
    const { config } = await loadConfig(ROOT);
    return (await outputKey({ root: ROOT, config, issuesDir, wantHtml: true, wantPdf: false, previous }))!;
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-inputs-test-'));
    issuesDir = path.join(dir, 'issues');
    await cp(path.join(ROOT, 'issues', '2026-11-20'), path.join(issuesDir, '2026-11-20'), { recursive: true });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('records every input file and reuses digests only for files whose size and mtime are unchanged', async () => {
    const first = await key();
    const page = path.join(issuesDir, '2026-11-20', 'issue.yaml');
    const id = 'issue:2026-11-20|issue.yaml';
    const st = await stat(page);
    expect(first.inputs[id]).toEqual([st.size, st.mtimeMs, expect.stringMatching(/^[0-9a-f]{64}$/)]);
    expect(Object.keys(first.inputs).some((k) => k.startsWith('package:src|src/'))).toBe(true);
    // Nothing changed: the same key from the recorded digests.
    const again = await key(first.inputs);
    expect(again.key).toBe(first.key);
    expect(again.inputs).toEqual(first.inputs);
    // In a fixed order (the manifest's bytes must not depend on which read finished first).
    expect(JSON.stringify(again.inputs)).toBe(JSON.stringify(first.inputs));

    // A recorded digest is used without reading the file: a wrong one with the file's size and mtime changes the key
    // (this is the trade-off: a file rewritten in place keeping both is not noticed; `--force` reads everything).
    const forged = { ...first.inputs, [id]: [st.size, st.mtimeMs, '0'.repeat(64)] as [number, number, string] };
    expect((await key(forged)).key).not.toBe(first.key);

    // The file edited (same size, a new mtime): read again, the key follows the content.
    const text = (await import('node:fs')).readFileSync(page, 'utf8');
    const edited = text.replace(/\d(?=\D*$)/, (d) => String((Number(d) + 1) % 10));
    expect(edited.length).toBe(text.length);
    await writeFile(page, edited);
    await utimes(page, st.atime, new Date(st.mtimeMs + 5000));
    const after = await key(first.inputs);
    expect(after.key).not.toBe(first.key);
    expect(after.key).toBe((await key()).key);
    expect(after.parts['issue:2026-11-20']).not.toBe(first.parts['issue:2026-11-20']);
  });
});
