/**
 * Long pages are parsed piece by piece (blocks.ts markdownChunks) to bound memory. The
 * pieces must give exactly the Markdown tree of the whole text: checked here with the
 * smallest piece size (a cut at every allowed place) on corpus text and random Markdown.
 */
import fc from 'fast-check';
import type { Root } from 'mdast';
import { describe, expect, it } from 'vitest';
import { markdownChunks, parseMarkdown, parseMarkdownPieces } from '../../src/parse/blocks.js';
import { realPages } from './helpers.js';
import { sized } from '../setup/size.js';

/**
 * A tree as compared here: micromark lets an unclosed block at the very end of a
 * document (or of a list item) take in the blank lines after it, so where a block's
 * end position lands among trailing blank lines (and trailing whitespace in a code or
 * HTML value) may differ between a piece and the whole. Everything else must be equal.
 */
function comparable(text: string, nodes: unknown[]): unknown {
  return JSON.parse(
    JSON.stringify(nodes, (k, v) => {
      if (k === 'position') {
        let e = v.end.offset as number;
        while (e > v.start.offset && /\s/.test(text[e - 1])) e--;
        return [v.start.offset, v.start.line, v.start.column, e];
      }
      if (k === 'value' && typeof v === 'string') return v.trimEnd();
      return v;
    }),
  );
}
function whole(text: string): unknown {
  return comparable(text, parseMarkdown(text).children);
}
function pieces(text: string): unknown {
  const out: unknown[] = [];
  for (const root of parseMarkdownPieces(text, 1) as Iterable<Root>) out.push(...root.children);
  return comparable(text, out);
}

const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() | 0 : Number(process.env.FUZZ_SEED ?? 20261122);
const RUNS = sized('FUZZ_RUNS', 150, 400);
/** The long page: 300 KB under `npm test`, 100 KB (still 20+ pieces) in `npm run test:unit`. */
const LONG_PAGE_KB = sized('LONG_PAGE_KB', 100, 300);

describe('markdownChunks', () => {
  it('cuts real pages at blank lines and the pieces parse like the whole', () => {
    for (const text of realPages()) {
      expect(markdownChunks(text, 1).length).toBeGreaterThan(10);
      expect(pieces(text)).toEqual(whole(text));
    }
  });

  it('does not cut inside blocks that run over blank lines, lists, or texts with definitions', () => {
    const cases = [
      '段一\n\n```\n代码\n\n仍是代码\n```\n\n段二\n',
      '段一\n\n````\n```\n\n仍是代码\n````\n\n段二\n',
      '<!-- 注释\n\n仍是注释 -->\n\n段二\n',
      '<pre>\n\n仍在 pre\n</pre>\n\n段二\n',
      '- 一\n\n- 二\n\n段\n',
      '1. 一\n\n2. 二\n',
      '[甲]\n\n[甲]: /u\n',
      // found by random seeds: unclosed code/HTML in a list item before blank lines
      '- ~~~\n\n.',
      '- <pre>\n\n: /u',
      '2) ~~~\n\n\n.',
      '    2) \n    \n!',
    ];
    for (const text of cases) expect(pieces(text), text).toEqual(whole(text));
    expect(markdownChunks('```\na\n\nb\n```\n\nc\n', 1)).toEqual([[0, 13], [14, 16]]);
    expect(markdownChunks('- 一\n\n- 二\n', 1)).toEqual([[0, 9]]);
  });

  it('random Markdown: pieces parse like the whole', () => {
    const parts = ['\n', '\n\n', '```', '~~~', '    ', '- ', '1. ', '2) ', '> ', '# ', '<!--', '-->', '<pre>', '</pre>', '<?', '?>', '<!X', '>', '<div>', '***', '---', '===', '[a]', ': /u', '\t', '`', '文', 'a'];
    const text = fc.array(fc.oneof(fc.constantFrom(...parts), fc.string({ maxLength: 4 })), { maxLength: 80 }).map((a) => a.join(''));
    fc.assert(fc.property(text, (t) => {
      expect(pieces(t)).toEqual(whole(t));
    }), { numRuns: RUNS, seed: SEED });
  });
});

describe('parsePage on a long page', () => {
  it('gives the same page parsed in pieces as parsed whole', async () => {
    const { parsePage } = await import('../../src/parse/index.js');
    const parts: string[] = [];
    const pages = realPages();
    for (let i = 0; parts.join('\n\n').length < LONG_PAGE_KB * 1000; i++) parts.push(pages[i % pages.length]);
    parts.splice(5, 0, '- 列表一\n\n- 列表二\n\n```\n代码\n\n代码\n```\n\n<!--\n\n注释\n\n-->\n\n    缩进文字\n\n    再一段');
    const text = parts.join('\n\n');
    const a = parsePage(text, { file: 'long.txt', pieceSize: 4096 });
    const b = parsePage(text, { file: 'long.txt', pieceSize: Infinity });
    expect(markdownChunks(text, 4096).length).toBeGreaterThan(20);
    expect(a.page).toEqual(b.page);
    expect(a.file.messages.map(String)).toEqual(b.file.messages.map(String));
  }, 120_000);
});
