/** Cutting a body block at a line (src/layout/cut.ts): nothing lost, structure kept, cut marks set. */
import fc from 'fast-check';
import { toString } from 'mdast-util-to-string';
import { describe, expect, it } from 'vitest';
import type { BodyBlock, Inline, Paragraph, Question } from '../../src/ast/types.js';
import { blockLines, isSplittable, sliceBlock } from '../../src/layout/cut.js';

const text = (value: string): Inline => ({ type: 'text', value });
const para = (...children: Inline[]): Paragraph => ({ type: 'paragraph', children });
const printed = (b: BodyBlock) => toString(b);

// A paragraph with nested marks and a line break: 记者走进<b>海岸<em>实验室</em></b>，<br>看到了……
const rich = para(text('记者走进'), { type: 'strong', children: [text('海岸'), { type: 'emphasis', children: [text('实验室')] }] }, text('，'), { type: 'break' }, text('看到了新设备。'));

describe('sliceBlock', () => {
  it('two slices at any offset hold the whole text, in order, marks kept', () => {
    const len = printed(rich).length;
    for (let cut = 1; cut < len; cut++) {
      const a = sliceBlock(rich, 0, cut);
      const b = sliceBlock(rich, cut, Infinity);
      expect(printed(a) + printed(b)).toBe(printed(rich));
      expect(a.data).toMatchObject({ cutEnd: true });
      expect(b.data).toMatchObject({ cutStart: true });
      expect((a.data as { cutStart?: boolean }).cutStart).toBeUndefined();
    }
    // The emphasis inside the strong survives a cut through it.
    const mid = sliceBlock(rich, 7, Infinity) as Paragraph;
    expect(mid.children[0]).toMatchObject({ type: 'strong', children: [{ type: 'emphasis', children: [{ type: 'text', value: '验室' }] }] });
  });

  it('any cuts of a paragraph, an interview turn: the slices concatenate to the whole (property)', () => {
    const inline: fc.Arbitrary<Inline> = fc.oneof(
      fc.string({ minLength: 1, maxLength: 12 }).map(text),
      fc.string({ minLength: 1, maxLength: 6 }).map((s): Inline => ({ type: 'strong', children: [text(s)] })),
      fc.constant<Inline>({ type: 'break' }),
    );
    const paragraph = fc.array(inline, { minLength: 1, maxLength: 8 }).map((c) => para(...c));
    const block = fc.oneof(paragraph, fc.array(paragraph, { minLength: 1, maxLength: 3 }).map((children): Question => ({ type: 'question', speaker: '记者', children })));
    fc.assert(
      fc.property(block, fc.array(fc.nat(), { maxLength: 4 }), (b, raw) => {
        const len = printed(b).length;
        const cuts = [...new Set(raw.map((x) => (len ? x % len : 0)))].sort((x, y) => x - y);
        const bounds = [0, ...cuts.filter((c) => c > 0), Infinity];
        let whole = '';
        for (let i = 0; i + 1 < bounds.length; i++) whole += printed(sliceBlock(b, bounds[i], bounds[i + 1]));
        expect(whole).toBe(printed(b));
      }),
      { numRuns: 300, seed: 1128 },
    );
  });

  it('leaves blocks that are not running text whole', () => {
    const sub: BodyBlock = { type: 'subhead', children: [text('小标题')] };
    expect(isSplittable(sub)).toBe(false);
    expect(sliceBlock(sub, 1, 2)).toBe(sub);
    expect(isSplittable(rich)).toBe(true);
  });

  it('cuts a brief item (■) like running text: the rest is marked as a continuation, nothing lost', () => {
    const brief: BodyBlock = { type: 'brief', children: [para(text('杏花村公交线路将加密班次')), para(text('对于市民反映的问题，区交通运输局回复。'))] };
    expect(isSplittable(brief)).toBe(true);
    const len = printed(brief).length;
    for (let cut = 1; cut < len; cut++) {
      const a = sliceBlock(brief, 0, cut);
      const b = sliceBlock(brief, cut, Infinity);
      expect(printed(a) + printed(b)).toBe(printed(brief));
      expect(a.type).toBe('brief');
      // The first part keeps its ■ (no mark on the brief); the rest is set without one (print.css `.brief.cut-start`).
      expect((a.data as { cutStart?: boolean } | undefined)?.cutStart).toBeUndefined();
      expect(b.data).toMatchObject({ cutStart: true });
    }
  });
});

describe('blockLines', () => {
  const starts = [0, 5, 10];
  it('cuts at the measured line starts; the whole block is the block itself', () => {
    expect(blockLines(rich, starts, 0)).toBe(rich);
    expect(printed(blockLines(rich, starts, 0, 1))).toBe(printed(rich).slice(0, 5));
    expect(printed(blockLines(rich, starts, 1, 2))).toBe(printed(rich).slice(5, 10));
    expect(printed(blockLines(rich, starts, 2))).toBe(printed(rich).slice(10));
  });
});
