/**
 * Ctrl-C, kill and kill -9 in the middle of the print build (issue 10, case 5). Each
 * build runs with a TMPDIR of its own, so its browser profile folders and Chromium
 * processes can be told from any other build's on this machine:
 *
 * - SIGINT / SIGTERM: exit 130 / 143 within 2 s, one line "build interrupted", no
 *   Chromium of that build left, no staging or profile folder, the previous output
 *   byte-identical.
 * - kill -9: nothing can clean up then; the browser exits by itself (it talks over a
 *   pipe) or the next build ends it by its recorded PID, and the next build removes the
 *   staging and profile folders.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banmian, browserPath, buildLeftovers, makeProject, processesMentioning, type Project, snapshot, spawnBanmian } from './helpers.js';

describe('interrupting a build', () => {
  let p: Project;
  let out: string;
  let chromium: string;
  let before: Record<string, string>;

  beforeAll(async () => {
    p = await makeProject();
    out = path.join(p.dir, 'dist');
    chromium = await browserPath();
    // A previous output (a banmian output by its manifest) the interrupted builds must leave as it is.
    await mkdir(path.join(out, '.banmian'), { recursive: true });
    await writeFile(path.join(out, '.banmian', 'manifest.json'), '{"version":3,"print":{}}\n');
    await writeFile(path.join(out, 'index.html'), '<p>上一次的输出</p>\n');
    before = await snapshot(p.dir);
  });

  afterAll(async () => {
    if (p) await rm(p.dir, { recursive: true, force: true });
  });

  /** Starts a full build of the sample issue with its own TMPDIR; resolves once its browser runs. */
  async function startPrintBuild() {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-rel-tmp-'));
    const run = spawnBanmian(['build', '--out', 'dist'], p.dir, { TMPDIR: tmp, PUPPETEER_EXECUTABLE_PATH: chromium });
    const started = Date.now();
    // The build says which browser it started right after starting it.
    while (!/print edition: .*Chrom/.test(run.output().stdout)) {
      if (run.child.exitCode !== null) throw new Error(`the build ended early: ${run.output().stderr}`);
      if (Date.now() - started > 90_000) throw new Error('no browser started within 90 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(processesMentioning(tmp).length).toBeGreaterThan(0); // its Chromium runs
    return { run, tmp };
  }

  const profiles = (tmp: string) => readdirSync(tmp).filter((n) => n.startsWith('banmian-profile-'));

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} stops the build within 2 s and leaves nothing behind`, async () => {
      const { run, tmp } = await startPrintBuild();
      const t = Date.now();
      run.child.kill(signal);
      const r = await run.done;
      const took = Date.now() - t;
      expect(r.code, r.stderr).toBe(code);
      expect(took).toBeLessThan(2000);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toEqual([`banmian: build interrupted (${signal})`]);
      expect(processesMentioning(tmp)).toEqual([]); // no Chromium of this build
      expect(profiles(tmp)).toEqual([]);
      expect(buildLeftovers(out)).toEqual([]);
      expect(await snapshot(p.dir)).toEqual(before);
      await rm(tmp, { recursive: true, force: true });
    });
  }

  it('Ctrl-C while the web edition is written (no browser) also leaves the output and no staging', async () => {
    const run = spawnBanmian(['build', '--only', 'html', '--force', '--out', 'dist'], p.dir);
    while (!/^parsed /m.test(run.output().stdout)) {
      if (run.child.exitCode !== null) throw new Error(`the build ended early: ${run.output().stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr.trim().split('\n')).toEqual(['banmian: build interrupted (SIGINT)']);
    expect(buildLeftovers(out)).toEqual([]);
    expect(await snapshot(p.dir)).toEqual(before);
  });

  it('after kill -9, no Chromium of that build survives and the next build removes its folders', async () => {
    const { run, tmp } = await startPrintBuild();
    run.child.kill('SIGKILL');
    await run.done;
    // What the killed build left: its staging folder and its profile folder.
    expect(buildLeftovers(out).some((n) => n.startsWith('dist.tmp-'))).toBe(true);
    // Its browser notices the closed pipe and exits; give it a moment.
    for (let i = 0; i < 40 && processesMentioning(tmp).length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(processesMentioning(tmp)).toEqual([]);
    expect(profiles(tmp).length).toBe(1);
    const next = await banmian(['build', '--only', 'html', '--out', 'dist'], p.dir, { TMPDIR: tmp, PUPPETEER_EXECUTABLE_PATH: chromium });
    expect(next.code, next.stderr).toBe(0);
    expect(profiles(tmp)).toEqual([]);
    expect(buildLeftovers(out)).toEqual([]);
    expect(existsSync(path.join(out, 'index.html'))).toBe(true);
    await rm(tmp, { recursive: true, force: true });
  });
});
