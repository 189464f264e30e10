/**
 * The cache trusts no damaged output (issue 10, case 7): a file of the previous output
 * edited to the same size is not reused (its sha256, recorded when it was written, no
 * longer matches) and is made again; a manifest with `"files": null` or that is not
 * JSON at all is ignored with a one-line warning naming it, never fatal. (HTML only;
 * the print half is cache-integrity.e2e.test.ts.)
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildOptions } from '../../src/build/build.js';
import { MANIFEST } from '../../src/build/cache.js';
import { loadConfig } from '../../src/config/index.js';
import { banmian, makeProject, type Project, snapshot } from './helpers.js';

describe('cache integrity', () => {
  let p: Project;
  let opts: BuildOptions;
  let out: string;
  const lines: string[] = [];
  let good: Record<string, string>;

  beforeAll(async () => {
    p = await makeProject();
    const { config } = await loadConfig(p.dir);
    out = path.join(p.dir, 'dist');
    const log = { info: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(m), progress() {} };
    opts = { root: p.dir, config, issuesDir: p.issues, outDir: out, only: 'html', log };
    await build(opts);
    good = await snapshot(out);
    delete good['.banmian/manifest.json'];
  });

  afterAll(async () => {
    if (p) await rm(p.dir, { recursive: true, force: true });
  });

  const files = async () => {
    const s = await snapshot(out);
    delete s['.banmian/manifest.json'];
    return s;
  };

  it('a file edited to the same size is not reused, and is made again', async () => {
    const file = path.join(out, 'index.html');
    const html = await readFile(file, 'utf8');
    // Same length in bytes: one CJK character for another.
    const edited = html.replace('海岸新闻', '海岸旧闻');
    expect(Buffer.byteLength(edited)).toBe(Buffer.byteLength(html));
    expect(edited).not.toBe(html);
    await writeFile(file, edited);
    lines.length = 0;
    const r = await build(opts);
    expect(r.reused).toBe(false);
    expect(lines).toContain("the last build's output was changed or is incomplete: building again");
    expect(await readFile(file, 'utf8')).toBe(html);
    expect(await files()).toEqual(good);
    expect((await build(opts)).reused).toBe(true);
  });

  it('a manifest with "files": null is ignored with a one-line warning, and the build succeeds', async () => {
    const manifestFile = path.join(out, MANIFEST);
    const m = JSON.parse(await readFile(manifestFile, 'utf8'));
    m.output.files = null;
    await writeFile(manifestFile, JSON.stringify(m));
    // Through the CLI: exit 0, the warning names the manifest.
    const r = await banmian(['build', '--only', 'html', '--out', 'dist'], p.dir);
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.trim().split('\n');
    expect(warnings).toEqual([`warning: ignoring the last build's manifest dist/.banmian/manifest.json ("output.files" is not a list of files): building everything again`]);
    expect(await files()).toEqual(good);
    // The next build trusts the new manifest again.
    lines.length = 0;
    expect((await build(opts)).reused).toBe(true);
  });

  it('a manifest that is not JSON is ignored with a one-line warning', async () => {
    const manifestFile = path.join(out, MANIFEST);
    await writeFile(manifestFile, '{"version": 3, "print": {');
    lines.length = 0;
    const r = await build(opts);
    expect(r.reused).toBe(false);
    expect(lines.filter((l) => l.startsWith('warning:'))).toEqual([`warning: ignoring the last build's manifest ${manifestFile} (not valid JSON): building everything again`]);
    expect(await files()).toEqual(good);
    expect((await build(opts)).reused).toBe(true);
  });

  it('a manifest of the wrong shape elsewhere (print keys not strings, digests null) is ignored too', async () => {
    const manifestFile = path.join(out, MANIFEST);
    for (const change of [(m: Record<string, unknown>) => (m.print = { x: 1 }), (m: Record<string, unknown>) => (m.digests = null), (m: Record<string, unknown>) => (m.version = 'x')]) {
      const m = JSON.parse(await readFile(manifestFile, 'utf8'));
      change(m);
      await writeFile(manifestFile, JSON.stringify(m));
      lines.length = 0;
      expect((await build(opts)).reused).toBe(false);
      expect(lines.filter((l) => l.startsWith('warning: ignoring'))).toHaveLength(1);
      expect(await files()).toEqual(good);
    }
  });
});
