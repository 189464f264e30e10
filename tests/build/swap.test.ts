/**
 * The swap (src/build/swap.ts): the new output replaces the old one at once; a large old
 * output is removed by a detached process after the build returns, a small one at once;
 * (A build that fails before the swap leaves the previous output untouched: tests/cli/cli.e2e.test.ts,
 * tests/reliability/*.)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKGROUND_REMOVAL_FILES, stagingPath, swapIn } from '../../src/build/swap.js';

const log = { info() {}, warn() {}, progress() {} };

async function folder(dir: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  }
}

/** Entries next to `out` left by the swap. */
const leftovers = (out: string) => readdirSync(path.dirname(out)).filter((n) => n.startsWith(`${path.basename(out)}.`));

describe('swapIn', () => {
  let dir: string;
  let out: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-swap-test-'));
    out = path.join(dir, 'dist');
    await folder(out, { 'index.html': 'old', '2026-11-20/a1/index.html': 'old article' });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a small previous output is removed before it returns', async () => {
    const staging = stagingPath(out);
    await folder(staging, { 'index.html': 'new' });
    swapIn(staging, out, log, BACKGROUND_REMOVAL_FILES - 1);
    expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toBe('new');
    expect(leftovers(out)).toEqual([]);
  });

  it('a large previous output is in place of the new one at once and removed by a detached process', async () => {
    const staging = stagingPath(out);
    await folder(staging, { 'index.html': 'new' });
    swapIn(staging, out, log, BACKGROUND_REMOVAL_FILES);
    // The new output is in place when swapIn returns.
    expect(readFileSync(path.join(out, 'index.html'), 'utf8')).toBe('new');
    expect(existsSync(path.join(out, '2026-11-20'))).toBe(false);
    // The old folder goes shortly after (the detached `node -e rmSync(…)`).
    const until = Date.now() + 30_000;
    while (leftovers(out).length && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(leftovers(out)).toEqual([]);
  }, 40_000);
});
