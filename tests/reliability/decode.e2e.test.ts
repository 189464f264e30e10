/**
 * Issue 10, item 4 — strict decoding: a UTF-8 page with a few bad bytes is not guessed to
 * be GB18030 (mojibake); it is an error naming each bad byte's line and column, and the
 * build exits 1. GB18030 only when the whole file reads as GB18030 and not as UTF-8.
 */
import { describe, expect, it } from 'vitest';
import { decodePageBytes } from '../../src/parse/index.js';
import { banmian, oneLine, tempIssue } from './cli.js';

const PAGE = '# 社区食堂开业迎客\n\n□本报记者 丁霞\n\n社区食堂今天开业，老人们吃上了热乎饭菜。\n';
const utf8 = (s: string) => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));

describe('strict decoding', () => {
  it('a stray 0xFF at the end of a UTF-8 page: an error naming line and column, not GB18030', () => {
    expect(() => decodePageBytes(concat(utf8(PAGE), new Uint8Array([0xff])), '01-要闻.md')).toThrow(
      /^01-要闻\.md:6: not valid UTF-8: 1 bad byte \(0xFF at line 6 column 1\)/,
    );
  });

  it('names every bad byte (the first five, then a count)', () => {
    const lines = PAGE.split('\n');
    const bytes = concat(
      utf8(lines[0] + '\n\n'),
      new Uint8Array([0xc3]),
      utf8(lines[2] + '\n\n' + lines[4].slice(0, 3)),
      new Uint8Array([0x80, 0x80]),
      utf8(lines[4].slice(3) + '\n'),
    );
    let message = '';
    try {
      decodePageBytes(bytes, 'p.md');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe('p.md:3: not valid UTF-8: 3 bad bytes (0xC3 at line 3 column 1, 0x80 at line 5 column 4, 0x80 at line 5 column 5); fix them or save the file as UTF-8');
    const many = concat(utf8(PAGE.repeat(4)), new Uint8Array([0xff, 0x0a, 0xff, 0x0a, 0xff, 0x0a, 0xff, 0x0a, 0xff, 0x0a, 0xff, 0x0a, 0xff]));
    expect(() => decodePageBytes(many, 'm.md')).toThrow(/7 bad bytes \(0xFF at line 21 column 1, .*0xFF at line 25 column 1 and 2 more\)/);
  });

  it('a whole GB18030 page is still read as GB18030 (with a note)', () => {
    const gb = new Uint8Array([0xd6, 0xd0, 0xce, 0xc4, 0xa3, 0xac, 0xc4, 0xe3, 0xba, 0xc3, 0xa1, 0xa3, 0x0a]); // 中文，你好。
    const r = decodePageBytes(gb, 'gb.txt');
    expect(r.text).toBe('中文，你好。\n');
    expect(r.warnings.map((w) => w.ruleId)).toEqual(['encoding']);
  });

  it('through the CLI: build exits 1 with one line naming file and line; check too', async () => {
    const t = await tempIssue({ '01-要闻.md': concat(utf8(PAGE), new Uint8Array([0xff])) });
    const b = banmian(['build', '--issues', t.issues, '--out', `${t.dir}/dist`]);
    expect(b.code).toBe(1);
    expect(oneLine(b.stderr)).toMatch(/^banmian: .*01-要闻\.md:6: not valid UTF-8: 1 bad byte \(0xFF at line 6 column 1\)/);
    const c = banmian(['check', t.issues]);
    expect(c.code).toBe(1);
    expect(c.stdout).toMatch(/01-要闻\.md:6:1 +error +not valid UTF-8/);
  });
});
