/**
 * Metamorphic tests (issue 14): transformations of a page that must leave the shape of
 * its tree (node kinds, order, interview speakers — up to the renamed names) unchanged:
 * - every person renamed with a generated name (common surnames × given-name characters,
 *   including 在 和 于 是 有 为 文 明; 2–4 characters);
 * - full-width ↔ half-width punctuation (，：？；！（） and , : ? ; next to Han);
 * - spaces after colons added or removed;
 * - a paragraph cut in the middle of a word by a column break (a blank line inserted);
 * - CRLF line endings; extra blank lines where there are blank lines; GB18030 bytes.
 * Sources: every corpus page (when ../shared/corpus is there), the sample issue, and the
 * fixture pages of tests/fixtures/parse. fast-check, fixed seed (METAMORPHIC_SEED to
 * vary it), each failure prints the variant's text. 2,000 variants under `npm test`, 500
 * in `npm run test:unit` (tests/setup/size.ts; METAMORPHIC_RUNS sets any number).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { Node, Parent } from 'unist';
import { decodePageBytes, parsePage } from '../../src/parse/index.js';
import { intervieweeName } from '../../src/parse/patterns.js';
import { CORPUS, corpusDir, projectRoot } from './helpers.js';
import { shapeOf } from './shape.js';
import { FULL_TESTS, sized } from '../setup/size.js';

interface Source {
  name: string;
  text: string;
}

function sources(): Source[] {
  const out: Source[] = [];
  if (existsSync(corpusDir)) for (const f of CORPUS) out.push({ name: `corpus/${f}`, text: readFileSync(path.join(corpusDir, f), 'utf8') });
  const sample = path.join(projectRoot, 'issues', '2026-11-20');
  for (const f of readdirSync(sample).filter((n) => /^\d+.*\.(md|txt)$/.test(n)).sort()) out.push({ name: `sample/${f}`, text: readFileSync(path.join(sample, f), 'utf8') });
  const fixtures = path.join(projectRoot, 'tests', 'fixtures', 'parse');
  for (const d of readdirSync(fixtures).sort()) {
    const input = path.join(fixtures, d, 'input.txt');
    if (existsSync(input)) out.push({ name: `fixture/${d}`, text: readFileSync(input, 'utf8') });
  }
  return out;
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高', '欧阳', '司马', '诸葛', '上官'];
const GIVEN = ['在', '和', '于', '是', '有', '为', '文', '明', '平', '飞', '军', '冰', '霞', '涛', '伟', '芳', '娟', '敏', '静', '丽', '强', '磊', '洋', '杰', '娜', '超', '华', '刚', '英', '建', '志', '红', '秀', '宁'];

/** A generated name of 2–4 characters. */
const nameArb = fc
  .tuple(fc.constantFrom(...SURNAMES), fc.array(fc.constantFrom(...GIVEN), { minLength: 1, maxLength: 2 }))
  .map(([s, g]) => s + g.join(''))
  .filter((n) => n.length >= 2 && n.length <= 4);

/** The people of a page, read from its tree: bylines, photo credits, answer speakers, interviewees, endnotes. */
function peopleOf(page: Node): string[] {
  const names = new Set<string>();
  const han = /^\p{Script=Han}{2,4}$/u;
  const walk = (n: Node) => {
    const f = n as Node & { names?: unknown; speaker?: unknown; children?: Node[] };
    if ((n.type === 'byline' || n.type === 'photoCredit') && Array.isArray(f.names)) for (const x of f.names) if (han.test(x)) names.add(x);
    if (n.type === 'answer' && typeof f.speaker === 'string' && f.speaker !== '答') names.add(f.speaker);
    if (n.type === 'subtitle' || n.type === 'endnote') {
      const t = textOf(n);
      const who = intervieweeName('——' + t);
      if (who) names.add(who);
      const m = /(?:记者|通讯员)[ \u3000]*(\p{Script=Han}{2,3})[ \u3000]+(?:整理|报道|采写)/u.exec(t);
      if (m) names.add(m[1]);
    }
    for (const c of f.children ?? []) walk(c);
  };
  walk(page);
  return [...names].filter((x) => han.test(x)).sort((a, b) => b.length - a.length);
}

function textOf(n: Node): string {
  const v = (n as { value?: unknown }).value;
  if (typeof v === 'string') return v;
  return ((n as Parent).children ?? []).map(textOf).join('');
}

/** Offsets where a column break may cut: inside a word (Intl.Segmenter) of a long one-line paragraph, both halves ≥ 12 characters. */
function cutPoints(text: string, page: Node): number[] {
  const seg = new Intl.Segmenter('zh', { granularity: 'word' });
  const out: number[] = [];
  const walk = (n: Node, inTurn: boolean) => {
    const p = n.position;
    if (n.type === 'paragraph' && p && p.start.line === p.end.line && p.start.offset !== undefined && p.end.offset !== undefined) {
      const a = p.start.offset;
      const line = text.slice(a, p.end.offset);
      if (line.length >= 40 && !/^[□■▲●◆\[]/.test(line)) {
        for (const s of seg.segment(line)) {
          if (!s.isWordLike || s.segment.length < 2 || !/^\p{Script=Han}+$/u.test(s.segment)) continue;
          const at = s.index + 1;
          if (at >= 12 && line.length - at >= 12) out.push(a + at);
        }
      }
    }
    for (const c of (n as Parent).children ?? []) walk(c, inTurn || n.type === 'question' || n.type === 'answer');
  };
  walk(page, false);
  return out;
}

interface Variant {
  rename: boolean;
  names: string[];
  punct: 'none' | 'half' | 'full';
  colonSpace: 'none' | 'add' | 'remove';
  cut: number; // index into cutPoints, -1 for none
  crlf: boolean;
  blank: boolean;
  gb18030: boolean;
}

const variantArb = fc.record<Variant>({
  rename: fc.boolean(),
  names: fc.uniqueArray(nameArb, { minLength: 12, maxLength: 12 }),
  punct: fc.constantFrom('none', 'half', 'full'),
  colonSpace: fc.constantFrom('none', 'add', 'remove'),
  cut: fc.integer({ min: -1, max: 1000 }),
  crlf: fc.boolean(),
  blank: fc.boolean(),
  gb18030: fc.boolean(),
});

const FULL_TO_HALF: Record<string, string> = { '，': ',', '：': ':', '？': '?', '；': ';', '！': '!', '（': '(', '）': ')' };
const HALF_TO_FULL: Record<string, string> = { ',': '，', ':': '：', '?': '？', ';': '；' };

function apply(text: string, v: Variant, people: string[], cuts: number[]): { text: string; bytes: Uint8Array; cutAt: string } {
  // front matter is YAML, not page text: left as it is
  const fm = /^---[ \t]*\n(?:[\s\S]*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(text);
  const head = fm ? fm[0] : '';
  let body = text.slice(head.length);
  let cutAt = '';
  if (v.cut >= 0 && cuts.length) {
    const at = cuts[v.cut % cuts.length] - head.length;
    if (at > 0) {
      cutAt = `${body.slice(Math.max(0, at - 30), at)}⏎⏎${body.slice(at, at + 30)}`;
      body = body.slice(0, at) + '\n\n' + body.slice(at);
    }
  }
  if (v.rename) {
    // two steps through placeholders: a new name never gets renamed again
    people.forEach((p, k) => (body = body.split(p).join(`\ue000${k}\ue001`)));
    people.forEach((_, k) => (body = body.split(`\ue000${k}\ue001`).join(v.names[k % v.names.length])));
  }
  if (v.punct === 'half') body = body.replace(/[，：？；！（）]/g, (c) => FULL_TO_HALF[c]);
  if (v.punct === 'full') body = body.replace(/(?<=\p{Script=Han})[,:?;]|[,:?;](?=\p{Script=Han})/gu, (c) => HALF_TO_FULL[c]);
  if (v.colonSpace === 'add') body = body.replace(/([：:])(?=\p{Script=Han})/gu, '$1 ');
  if (v.colonSpace === 'remove') body = body.replace(/([：:])[ \t\u3000]+(?=\p{Script=Han})/gu, '$1');
  if (v.blank) body = '\n\n' + body.replace(/\n[ \t]*\n/g, '\n\n\n\n') + '\n\n\n';
  let out = head + body;
  if (v.crlf) out = out.replace(/\n/g, '\r\n');
  const bytes = v.gb18030 ? new Uint8Array(iconv.encode(out, 'gb18030')) : new TextEncoder().encode(out);
  return { text: out, bytes, cutAt };
}

const SEED = Number(process.env.METAMORPHIC_SEED ?? 20261128);
const TOTAL_RUNS = sized('METAMORPHIC_RUNS', 500, 2000);
const ALL = sources();
const RUNS_PER_SOURCE = Math.ceil(TOTAL_RUNS / ALL.length);

describe('metamorphic: the tree shape survives renaming, punctuation, spacing, column cuts, CRLF, blank lines, GB18030', () => {
  it(`has at least ${TOTAL_RUNS} variants over ${ALL.length} pages`, () => {
    expect(RUNS_PER_SOURCE * ALL.length).toBeGreaterThanOrEqual(TOTAL_RUNS);
    if (FULL_TESTS) expect(RUNS_PER_SOURCE * ALL.length).toBeGreaterThanOrEqual(2000);
    expect(ALL.length).toBeGreaterThanOrEqual(4);
  });

  for (const source of ALL) {
    it(source.name, () => {
      const { page } = parsePage(source.text, { file: source.name });
      const expected = shapeOf(page).join('\n');
      const people = peopleOf(page);
      const cuts = cutPoints(source.text, page);
      fc.assert(
        fc.property(variantArb, (v) => {
          const variant = apply(source.text, v, people, cuts);
          const decoded = decodePageBytes(variant.bytes, source.name);
          const got = shapeOf(parsePage(decoded.text, { file: source.name }).page).join('\n');
          if (got !== expected) {
            const a = expected.split('\n');
            const b = got.split('\n');
            let k = 0;
            while (k < a.length && a[k] === b[k]) k++;
            const around = (x: string[]) => x.slice(Math.max(0, k - 4), k + 6).join('\n');
            throw new Error(
              `shape changed for ${source.name} with ${JSON.stringify({ ...v, names: v.rename ? v.names.slice(0, people.length) : [] })}\n` +
                `people: ${people.join(' ')}\ncolumn cut: ${variant.cutAt || 'none'}\nfirst difference at shape line ${k + 1}:\n--- expected ---\n${around(a)}\n--- got ---\n${around(b)}\n` +
                `--- variant text ---\n${variant.text}`,
            );
          }
        }),
        { seed: SEED, numRuns: RUNS_PER_SOURCE, endOnFailure: true },
      );
    });
  }
});
