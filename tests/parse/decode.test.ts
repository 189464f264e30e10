import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BanmianError } from '../../src/errors.js';
import { decodePageBytes, parsePage, parsePageFile } from '../../src/parse/index.js';
import { textOf } from './helpers.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'banmian-parse-'));
function write(name: string, bytes: Uint8Array | string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, bytes);
  return file;
}
const SAMPLE = '□本报记者 丁霞\n\n记者：今年如何发力？\n';

function utf16le(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'utf16le'));
}
function utf16be(s: string): Uint8Array {
  const le = Buffer.from(s, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1];
    be[i + 1] = le[i];
  }
  return new Uint8Array(be);
}

describe('decodePageBytes', () => {
  it('decodes UTF-8 with and without BOM', () => {
    expect(decodePageBytes(new TextEncoder().encode(SAMPLE), 'a.txt').text).toBe(SAMPLE);
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(SAMPLE)]);
    expect(decodePageBytes(bom, 'a.txt').text).toBe(SAMPLE);
  });

  it('decodes UTF-16 LE and BE with BOM', () => {
    expect(decodePageBytes(new Uint8Array([0xff, 0xfe, ...utf16le(SAMPLE)]), 'a.txt').text).toBe(SAMPLE);
    expect(decodePageBytes(new Uint8Array([0xfe, 0xff, ...utf16be(SAMPLE)]), 'a.txt').text).toBe(SAMPLE);
  });

  it('falls back to GB18030', () => {
    // 中文 = D6 D0 CE C4, 你好 = C4 E3 BA C3, ， = A3 AC, 。 = A1 A3 (GBK/GB18030)
    const bytes = new Uint8Array([0xd6, 0xd0, 0xce, 0xc4, 0xa3, 0xac, 0xc4, 0xe3, 0xba, 0xc3, 0xa1, 0xa3, 0x0a]);
    const r = decodePageBytes(bytes, 'gb.txt');
    expect(r.text).toBe('中文，你好。\n');
    expect(r.warnings.map((w) => w.ruleId)).toContain('encoding');
  });

  it('turns CRLF and CR into LF', () => {
    expect(decodePageBytes(new TextEncoder().encode('一\r\n二\r三\n'), 'a.txt').text).toBe('一\n二\n三\n');
  });

  it('removes zero-width and control characters with a warning per line', () => {
    const r = decodePageBytes(new TextEncoder().encode('便民\u200b服务\u200d岗\n第二行\ufeff\u0007\n第三行'), 'a.txt');
    expect(r.text).toBe('便民服务岗\n第二行\n第三行');
    expect(r.warnings).toHaveLength(2);
    expect(r.warnings[0]).toMatchObject({ line: 1, column: 3, ruleId: 'invisible-char' });
    expect(r.warnings[0].message).toMatch(/removed 2 invisible characters/);
    expect(r.warnings[1].line).toBe(2);
  });

  it('rejects empty, whitespace-only and binary input', () => {
    expect(() => decodePageBytes(new Uint8Array(), 'e.txt')).toThrow(/e\.txt: is empty/);
    expect(() => decodePageBytes(new TextEncoder().encode(' \n\t\u3000\n'), 'e.txt')).toThrow(/is empty/);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    expect(() => decodePageBytes(png, 'img.txt')).toThrow(BanmianError);
    expect(() => decodePageBytes(png, 'img.txt')).toThrow(/img\.txt: is not a text file \(binary data\)/);
    const junk = new Uint8Array(400).map((_, i) => (i * 37) % 256 || 1);
    expect(() => decodePageBytes(junk, 'junk.txt')).toThrow(/not a text file/);
    expect(() => decodePageBytes(new Uint8Array([0x41, 0x00, 0x42]), 'nul.txt')).toThrow(/not a text file/);
  });
});

describe('parsePageFile', () => {
  it('reads files in every encoding the same way', async () => {
    const files = [
      write('01-bom.txt', new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(SAMPLE)])),
      write('02-le.txt', new Uint8Array([0xff, 0xfe, ...utf16le(SAMPLE)])),
      write('03-be.txt', new Uint8Array([0xfe, 0xff, ...utf16be(SAMPLE)])),
      write('04-crlf.txt', SAMPLE.replace(/\n/g, '\r\n')),
    ];
    for (const f of files) {
      const { page } = await parsePageFile(f, { root: tmp });
      expect(page.file).toBe(path.basename(f));
      expect(textOf(page)).toContain('本报记者 丁霞');
    }
  });

  it('carries decode warnings as vfile messages with place', async () => {
    const f = write('05-zw.txt', '标题\n\n正文\u200b内容。\n');
    const { file } = await parsePageFile(f, { root: tmp });
    const m = file.messages.find((x) => x.ruleId === 'invisible-char')!;
    expect(m).toBeDefined();
    expect(m.line).toBe(3);
    expect(m.fatal).toBe(false);
  });

  it('names the file in one-line errors', async () => {
    await expect(parsePageFile(path.join(tmp, 'missing.txt'), { root: tmp })).rejects.toThrow(/missing\.txt: cannot read page file: no such file/);
    mkdirSync(path.join(tmp, 'dir.txt'), { recursive: true });
    await expect(parsePageFile(path.join(tmp, 'dir.txt'), { root: tmp })).rejects.toThrow(BanmianError);
    const img = write('photo.txt', new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]));
    await expect(parsePageFile(img, { root: tmp })).rejects.toThrow('photo.txt: is not a text file (binary data)');
    const empty = write('empty.txt', '\n\n   \n');
    await expect(parsePageFile(empty, { root: tmp })).rejects.toThrow('empty.txt: is empty');
  });
});

describe('front matter errors', () => {
  it('bad YAML names file and line', () => {
    const text = '---\npage: 3\nname: [品质\n---\n\n正文。\n';
    expect(() => parsePage(text, { file: 'p.md' })).toThrow(BanmianError);
    try {
      parsePage(text, { file: 'p.md' });
    } catch (e) {
      const err = e as BanmianError;
      expect(err.file).toBe('p.md');
      expect(err.line).toBeGreaterThanOrEqual(2);
      expect(err.message).toMatch(/^p\.md:\d+: invalid front matter/);
      expect(err.message).not.toContain('\n');
    }
  });

  it('wrong types and unknown staff roles are errors on their line', () => {
    expect(() => parsePage('---\nname: 要闻\npage: abc\n---\n正文。', { file: 'p.md' })).toThrow(/p\.md:3: invalid front matter: page/);
    expect(() => parsePage('---\nstaff: { 主编: 某人 }\n---\n正文。', { file: 'p.md' })).toThrow(/p\.md:2: .*unknown role/);
    expect(() => parsePage('---\n- a\n- b\n---\n正文。', { file: 'p.md' })).toThrow(/invalid front matter/);
    expect(() => parsePage('---\npage: 3\n\n正文。', { file: 'p.md' })).toThrow(/p\.md:1: front matter is not closed/);
  });

  it('reads page, name, pinyin, staff and meta', () => {
    const { page } = parsePage('---\npage: 3\nname: 品质崂山\npinyin: PIN ZHI\nstaff: { 责编: [王杰, 刘宗伟], 美编: 李晓萌 }\nsection: 专版\n---\n\n# 标题\n\n正文。\n', { file: 'p.md', number: 9 });
    expect(page).toMatchObject({ number: 3, name: '品质崂山', pinyin: 'PIN ZHI', staff: { editor: ['王杰', '刘宗伟'], designer: ['李晓萌'] }, meta: { section: '专版' } });
  });
});
