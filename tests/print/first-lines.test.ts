/**
 * Tracking on a paragraph's first lines only (src/layout/lines.ts `PrefixTracking`): the print
 * HTML puts the first characters in a span with the letter-spacing, splitting elements across
 * the cut (as the measuring sheet's Range.extractContents does), text unchanged; a slice of the
 * paragraph (a column break, a jump) keeps the part of the span that falls in it.
 */
import { describe, expect, it } from 'vitest';
import type { Paragraph } from '../../src/ast/types.js';
import { splitContent } from '../../src/hast/to-hast.js';
import { sliceBlock } from '../../src/layout/cut.js';
import { clearTracking, glueOf, prefixTrackingOf, setGlue, setPrefixTracking } from '../../src/layout/lines.js';
import { decodeGlue } from '../../src/print/tracking.js';
import { blockHtml } from '../../src/print/html.js';

const textOf = (html: string) => html.replace(/<[^>]+>/g, '');
const para = (): Paragraph => ({
  type: 'paragraph',
  children: [{ type: 'text', value: '陆启明：我们坚持党建引领，推行' }, { type: 'strong', children: [{ type: 'text', value: '街道大工委' }] }, { type: 'text', value: '——社区大党委，网格员1300余名。' }],
});

describe('first-lines tracking', () => {
  it('wraps the first characters in a letter-spacing span, splitting an element across the cut; the text is unchanged', () => {
    const p = para();
    const plain = blockHtml(p);
    setPrefixTracking(p, -0.01, 17);
    const html = blockHtml(p);
    expect(textOf(html)).toBe(textOf(plain));
    expect(html.startsWith('<p><span style="letter-spacing:-0.01em">陆启明：我们坚持党建引领，推行<strong>街道</strong></span><strong>大工委')).toBe(true);
    clearTracking(p);
    expect(prefixTrackingOf(p)).toBeUndefined();
    expect(blockHtml(p)).toBe(plain);
  });

  it('splitContent cuts at any offset without losing or doubling a character and without empty nodes', () => {
    const p = para();
    setPrefixTracking(p, 0.02, 1);
    const whole = textOf(blockHtml(p));
    for (let n = 1; n < whole.length; n++) {
      setPrefixTracking(p, 0.02, n);
      const html = blockHtml(p);
      expect(textOf(html)).toBe(whole);
      expect(html).not.toMatch(/<(span|strong)[^>]*><\/\1>/);
      const span = /^<p><span style="letter-spacing:0.02em">(.*?)<\/span>(?!.*letter-spacing)/.exec(html.replace(/<span class="(nb|sq)">(.*?)<\/span>/g, '$2'));
      expect(span && textOf(span[1]).length).toBe(n);
    }
    expect(splitContent([{ type: 'text', value: 'abc' }], 0)).toEqual([[], [{ type: 'text', value: 'abc' }]]);
  });

  it('a slice keeps the part of the first lines that falls in it', () => {
    const p = para();
    setPrefixTracking(p, -0.02, 10);
    const head = sliceBlock(p, 0, 6);
    const tail = sliceBlock(p, 6, Infinity);
    const later = sliceBlock(p, 12, Infinity);
    expect(prefixTrackingOf(head)).toEqual({ em: -0.02, chars: 10 });
    expect(prefixTrackingOf(tail)).toEqual({ em: -0.02, chars: 4 });
    expect(prefixTrackingOf(later)).toBeUndefined();
    expect(textOf(blockHtml(tail)).startsWith('坚持党建')).toBe(true);
    expect(blockHtml(tail)).toContain('<span style="letter-spacing:-0.02em">坚持党建</span>');
  });

  it('glue (推出): the characters are one unbreakable run in the print HTML, text unchanged; a slice keeps it when it holds it', () => {
    const p: Paragraph = { type: 'paragraph', children: [{ type: 'text', value: '计局获悉，前三季度，海岸新区实现地区生产总值' }] };
    const plain = blockHtml(p);
    setGlue(p, 11, 14);
    const html = blockHtml(p);
    expect(html).toContain('海<span class="nb">岸新区</span>实现');
    expect(textOf(html)).toBe(textOf(plain));
    const tail = sliceBlock(p, 5, Infinity);
    expect(glueOf(tail)).toEqual([6, 9]);
    expect(blockHtml(tail)).toContain('<span class="nb">岸新区</span>');
    expect(glueOf(sliceBlock(p, 13, Infinity))).toBeUndefined();
    clearTracking(p);
    expect(blockHtml(p)).toBe(plain);
    // The sheet's result carries [from, to) in one number.
    for (const [from, to] of [[0, 2], [11, 14], [4000, 4003]]) expect(decodeGlue(-2 - from * 4096 - (to - from))).toEqual([from, to]);
  });
});
