/** House fillers (src/parse/fillers.ts): the repo's own `fillers/` folder and a bad filler file. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { loadFillers } from '../../src/parse/fillers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('house fillers', () => {
  it("reads the config's fillers folder: one article per file, flagged as a filler, text whole", async () => {
    const { config } = await loadConfig(ROOT);
    expect(config.print.fillers).toBe('fillers');
    const fillers = await loadFillers(config.print.fillers, ROOT);
    expect(fillers.map((f) => f.id)).toEqual(['f1', 'f2', 'f3']);
    for (const f of fillers) {
      expect(f.data?.filler).toBe(true);
      expect(f.lead).toBe(false);
      expect(f.children.some((c) => c.type === 'headline')).toBe(true);
    }
    const text = (n: unknown): string => (typeof n === 'object' && n ? ('value' in n && typeof n.value === 'string' ? n.value : 'children' in n && Array.isArray(n.children) ? n.children.map(text).join('') : '') : '');
    expect(text(fillers[0])).toContain('珍惜每一滴水，让清水长流。');
  });

  it('no folder: no fillers; a file with two articles: an error naming the file and line', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-fillers-'));
    try {
      expect(await loadFillers('none', dir)).toEqual([]);
      await writeFile(path.join(dir, 'two.txt'), '[主题] 第一则\n\n正文一。\n\n[主题] 第二则\n\n正文二。\n');
      await expect(loadFillers('.', dir)).rejects.toMatchObject({ message: expect.stringContaining('one article'), file: 'two.txt', line: 5 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
