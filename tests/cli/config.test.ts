import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveConfig } from '../../src/config/index.js';
import { BanmianError } from '../../src/errors.js';

const paper = { name: '海岸新闻', cn: 'CN 37-0099' };

describe('config', () => {
  it('fills broadsheet defaults: 8 columns of 13 characters of 9 pt', () => {
    const c = resolveConfig({ paper }, 'x');
    expect(c.print).toMatchObject({ preset: 'broadsheet', columns: 8, charsPerColumn: 13, gutterChars: 1, bodyPt: 9, trimWidthMm: 390, trimHeightMm: 545 });
    expect(c.site.basePath).toBe('/');
    expect(c.editions).toEqual({ html: true, pdf: true });
  });

  it('takes the tabloid preset and normalises the base path', () => {
    const c = resolveConfig({ paper, print: { preset: 'tabloid' }, site: { url: 'https://a.example/', basePath: 'epaper' } }, 'x');
    expect(c.print.columns).toBe(6);
    expect(c.print.trimWidthMm).toBe(275);
    expect(c.site).toMatchObject({ url: 'https://a.example', basePath: '/epaper/' });
  });

  it.each([
    [{ paper, pirnt: {} }, /config key "pirnt" is not a config key/],
    [{ paper, print: { columns: 'eight' } }, /config key "print.columns" must be a number/],
    [{ paper, print: { columns: 7.5 } }, /config key "print.columns" must be a whole number/],
    [{ paper, print: { preset: 'folio' } }, /config key "print.preset" must be one of broadsheet, tabloid/],
    [{ paper: { name: '海岸新闻', cn: '37-0099' } }, /config key "paper.cn" must look like "CN 37-0000"/],
    [{ paper: { cn: 'CN 37-0099' } }, /config key "paper.name" is required/],
    [{ paper, site: { url: 'epaper.example.cn/x' } }, /config key "site.url" must be an absolute/],
  ])('names the bad key: %j', (input, message) => {
    expect(() => resolveConfig(input, 'banmian.config.ts')).toThrow(BanmianError);
    expect(() => resolveConfig(input, 'banmian.config.ts')).toThrow(message);
  });

  it.each([
    [42, 'config key "(default export)" must be an object: export default defineConfig({...})'],
    [{ site: {} }, 'config key "paper" is required'],
    [{ paper, print: 'tabloid' }, 'config key "print" must be an object'],
    [{ paper, print: { columns: 0 } }, 'config key "print.columns" must be a positive number, got 0'],
    [{ paper, print: { leading: Number.POSITIVE_INFINITY } }, 'config key "print.leading" must be a positive number, got Infinity'],
    [{ paper, print: { concurrency: 1.5 } }, 'config key "print.concurrency" must be a whole number, got 1.5'],
    [{ paper, site: { feedSize: '20' } }, 'config key "site.feedSize" must be a number, got "20"'],
    [{ paper, editions: { pdf: 'yes' } }, 'config key "editions.pdf" must be a boolean, got "yes"'],
    [{ paper: { ...paper, nmae: 'x' } }, 'config key "paper.nmae" is not a config key (known: name, nameLatin, cn, publisher, address, phone)'],
  ])('one line naming the file, the key and the bad value: %j', (input, message) => {
    expect(() => resolveConfig(input, 'banmian.config.ts')).toThrow(`banmian.config.ts: ${message}`);
    try {
      resolveConfig(input, 'banmian.config.ts');
    } catch (err) {
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('treats a key given as undefined as not given', () => {
    const c = resolveConfig({ paper, print: { preset: 'tabloid', columns: undefined, marks: undefined }, site: { url: undefined } }, 'x');
    expect(c.print).toMatchObject({ columns: 6, marks: false });
    expect(c.site.url).toBe('http://localhost:8080');
  });

  it('loads banmian.config.ts with defineConfig from a project folder', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-config-'));
    const define = path.resolve('src/config/index.ts');
    await writeFile(
      path.join(dir, 'banmian.config.ts'),
      `import { defineConfig } from ${JSON.stringify(define)};\nexport default defineConfig({ paper: { name: '测试报', cn: 'CN 11-0001' }, print: { preset: 'tabloid' } });\n`,
    );
    const { config, file } = await loadConfig(dir);
    expect(file).toBe(path.join(dir, 'banmian.config.ts'));
    expect(config.paper.name).toBe('测试报');
    expect(config.print.columns).toBe(6);
  });

  it('loads the project config of this repository', async () => {
    const { config } = await loadConfig(process.cwd());
    expect(config.paper.cn).toMatch(/^CN \d{2}-\d{4}$/);
  });
});
