/**
 * The whole-output cache: a second build with nothing changed parses and renders
 * nothing — the previous files are hard-linked into the new output (same inodes, same
 * bytes) — while a changed page, template, style or config, `--force`, or a damaged
 * previous output makes it build again. A failed build leaves the output untouched.
 * (HTML only, so no browser is needed; the print half is tests/build/cache.test.ts.)
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type BuildOptions } from '../../src/build/build.js';
import { MANIFEST } from '../../src/build/cache.js';
import { snapshot } from '../reliability/helpers.js';
import { loadConfig } from '../../src/config/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SAMPLE = path.join(ROOT, 'issues', '2026-11-20');
const ID = '2026-11-20';

/** Every file of an output folder but its manifest folder → sha256 (tests/reliability/helpers.ts). */
const outputSnapshot = (dir: string) => snapshot(dir, { skip: [path.dirname(MANIFEST)] });

describe('whole-output reuse', () => {
  let dir: string;
  let opts: BuildOptions;
  let out: string;
  let pageFile: string;
  const lines: string[] = [];
  /** true when the build reused the output; else what it said had changed (shown when an assertion fails). */
  const reusedOrWhy = (r: { reused: boolean }) => r.reused || lines.filter((l) => l.startsWith('changed since')).pop() || 'not reused';

  beforeAll(async () => {
    // A project of its own: templates and styles are copied so the test may edit them.
    dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-reuse-'));
    for (const d of ['templates', 'styles']) await cp(path.join(ROOT, d), path.join(dir, d), { recursive: true });
    await cp(SAMPLE, path.join(dir, 'issues', ID), { recursive: true });
    pageFile = path.join(dir, 'issues', ID, (await readdir(path.join(dir, 'issues', ID))).filter((f) => /^01.*\.(md|txt)$/.test(f))[0]);
    const { config } = await loadConfig(ROOT);
    const log = { info: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(m), progress() {} };
    out = path.join(dir, 'dist');
    opts = { root: dir, config, issuesDir: path.join(dir, 'issues'), outDir: out, only: 'html', log };
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reuses the previous output with nothing parsed or rendered, byte for byte', async () => {
    const first = await build(opts);
    expect(first.reused).toBe(false);
    expect(first.warnings).toBeGreaterThan(0);
    const before = await outputSnapshot(out);
    expect(Object.keys(before)).toContain(`${ID}/01/a1/index.html`);
    expect(Object.keys(before).some((f) => f.startsWith('search-index/'))).toBe(true);
    const inode = async (rel: string) => (await stat(path.join(out, rel))).ino;
    const inodes = await Promise.all(['index.html', `${ID}/01/a1/index.html`, 'feed.xml'].map(inode));

    lines.length = 0;
    const second = await build(opts);
    // (Should this fail: the log says what changed — banmian's own code, if someone edits src/ meanwhile.)
    expect(reusedOrWhy(second)).toBe(true);
    expect(second.issues).toEqual([]); // nothing parsed
    expect(second.web).toBeUndefined(); // nothing rendered
    expect(second.warnings).toBe(first.warnings); // still reported
    expect(lines.some((l) => l.startsWith('parsed '))).toBe(false);
    expect(lines.some((l) => l.startsWith('web edition'))).toBe(false);
    expect(lines.some((l) => l.startsWith('search index'))).toBe(false);
    // The very same files (hard links: not written again), with the same bytes.
    expect(await Promise.all(['index.html', `${ID}/01/a1/index.html`, 'feed.xml'].map(inode))).toEqual(inodes);
    expect(await outputSnapshot(out)).toEqual(before);
    // No staging or old folders are left next to the output.
    expect((await readdir(dir)).filter((f) => f.startsWith('dist'))).toEqual(['dist']);

    // A forced build renders everything again and makes the same bytes (determinism).
    const forced = await build({ ...opts, force: true });
    expect(forced.reused).toBe(false);
    const again = await outputSnapshot(out);
    for (const [file, sha] of Object.entries(before)) if (/\.(html|xml|txt|css)$/.test(file)) expect([file, again[file]]).toEqual([file, sha]);
    expect(reusedOrWhy(await build(opts))).toBe(true);
  });

  it('builds again when a page file changed', async () => {
    const original = await readFile(pageFile);
    await writeFile(pageFile, original.toString('utf8').replace(/。/, '。新加的一句供复用测试。'));
    lines.length = 0;
    const r = await build(opts);
    expect(lines).toContain(`changed since the last build: issue ${ID}`);
    expect(r.reused).toBe(false);
    expect(r.issues.map((i) => i.id)).toEqual([ID]);
    const html = await Promise.all((await readdir(path.join(out, ID, '01'), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => readFile(path.join(out, ID, '01', e.name, 'index.html'), 'utf8')));
    expect(html.some((h) => h.includes('新加的一句供复用测试'))).toBe(true);
    expect(reusedOrWhy(await build(opts))).toBe(true);
    await writeFile(pageFile, original);
    expect((await build(opts)).reused).toBe(false);
  });

  it('builds again when a template or a style changed', async () => {
    const base = path.join(dir, 'templates', 'web', 'layouts', 'base.hbs');
    await writeFile(base, (await readFile(base, 'utf8')).replace('</body>', '<!-- 模板改了 -->\n</body>'));
    lines.length = 0;
    expect((await build(opts)).reused).toBe(false);
    expect(lines).toContain('changed since the last build: templates');
    expect(await readFile(path.join(out, 'index.html'), 'utf8')).toContain('<!-- 模板改了 -->');
    expect(reusedOrWhy(await build(opts))).toBe(true);

    const css = path.join(dir, 'styles', 'web.css');
    await writeFile(css, (await readFile(css, 'utf8')) + '\n.reuse-test-marker { color: red; }\n');
    expect((await build(opts)).reused).toBe(false);
    const assets = await readdir(path.join(out, 'assets'));
    const cssFiles = await Promise.all(assets.filter((f) => f.endsWith('.css')).map((f) => readFile(path.join(out, 'assets', f), 'utf8')));
    expect(cssFiles.some((c) => c.includes('.reuse-test-marker'))).toBe(true);
    expect(reusedOrWhy(await build(opts))).toBe(true);
  });

  it('builds again when the config changed, with --force, and when the output was damaged', async () => {
    const renamed = { ...opts, config: { ...opts.config, paper: { ...opts.config.paper, name: '复用测试报' } } };
    expect((await build(renamed)).reused).toBe(false);
    expect(await readFile(path.join(out, 'index.html'), 'utf8')).toContain('复用测试报');
    expect(reusedOrWhy(await build(renamed))).toBe(true);
    expect((await build(opts)).reused).toBe(false);

    expect((await build({ ...opts, force: true })).reused).toBe(false);
    expect(reusedOrWhy(await build(opts))).toBe(true);

    // The editions wanted are part of the key.
    expect((await build({ ...opts, only: undefined, config: { ...opts.config, editions: { html: true, pdf: false } } })).reused).toBe(false);
    expect((await build(opts)).reused).toBe(false);

    await rm(path.join(out, 'feed.xml'));
    const r = await build(opts);
    expect(r.reused).toBe(false);
    expect(lines.some((l) => /changed or is incomplete/.test(l))).toBe(true);
    expect(await readFile(path.join(out, 'feed.xml'), 'utf8')).toContain('<feed');
  });

  it('a failed build leaves the previous output untouched', async () => {
    expect(reusedOrWhy(await build(opts))).toBe(true);
    const before = await outputSnapshot(out);
    const manifest = await readFile(path.join(out, MANIFEST), 'utf8');
    const original = await readFile(pageFile);
    await writeFile(pageFile, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3]));
    await expect(build(opts)).rejects.toThrow();
    expect(await outputSnapshot(out)).toEqual(before);
    expect(await readFile(path.join(out, MANIFEST), 'utf8')).toBe(manifest);
    expect((await readdir(dir)).filter((f) => f.startsWith('dist'))).toEqual(['dist']);
    await writeFile(pageFile, original);
    expect(reusedOrWhy(await build(opts))).toBe(true);
  });

  it('an output folder that is not a previous build is not reused', async () => {
    const other = path.join(dir, 'elsewhere');
    await mkdir(other, { recursive: true });
    const r = await build({ ...opts, outDir: other });
    expect(r.reused).toBe(false);
  });
});
