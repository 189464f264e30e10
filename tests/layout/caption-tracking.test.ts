/**
 * Caption tracking (src/print/tracking.ts): a photo's caption is measured at every module
 * width, so its tracking is kept per width (src/layout/lines.ts `setCaptionTracking`) and set
 * on the figcaption only when the photo is rendered at that width; a caption without a photo
 * is a paragraph of the columns (`p.caption-only`) and takes a block's tracking and glue.
 */
import { describe, expect, it } from 'vitest';
import type { Figure } from '../../src/ast/types.js';
import { captionTrackingOf, clearTracking, setCaptionTracking, setGlue, setTracking } from '../../src/layout/lines.js';
import { blockHtml, figureHtml } from '../../src/print/html.js';

const CAPTION = '由老厂房改造而成的产业园内，保留了原有的锯齿形屋顶和钢结构桁架。';
const figure = (src?: string): Figure =>
  ({ type: 'figure', ...(src ? { src } : {}), children: [{ type: 'caption', children: [{ type: 'text', value: CAPTION }] }] }) as Figure;
const textOf = (html: string) => html.replace(/<[^>]+>/g, '');

describe('caption tracking', () => {
  it('is set on the figcaption only at the module width it was measured at, never in the measuring sheet', () => {
    const f = figure('images/a.jpg');
    const plain = figureHtml(f, 'a.jpg', 100, 4);
    expect(plain).not.toContain('letter-spacing');
    setCaptionTracking(f, 4, -0.02);
    setCaptionTracking(f, 6, 0.01);
    const at4 = figureHtml(f, 'a.jpg', 100, 4);
    expect(at4).toContain('<figcaption style="letter-spacing:-0.02em">');
    expect(figureHtml(f, 'a.jpg', 100, 6)).toContain('<figcaption style="letter-spacing:0.01em">');
    expect(figureHtml(f, 'a.jpg', 100, 5)).toBe(plain);
    // The sheet measures the caption untracked at every width and sets the tracking itself.
    expect(figureHtml(f, '', 0)).not.toContain('letter-spacing');
    expect(textOf(at4)).toBe(textOf(plain));
    clearTracking(f);
    expect(captionTrackingOf(f, 4)).toBeUndefined();
    expect(figureHtml(f, 'a.jpg', 100, 4)).toBe(plain);
  });

  it('a caption without a photo takes the tracking and the glue of a paragraph of the columns', () => {
    const f = figure();
    const plain = blockHtml(f);
    expect(plain.startsWith('<p class="caption-only">')).toBe(true);
    setTracking(f, -0.01);
    expect(blockHtml(f).startsWith('<p class="caption-only" style="letter-spacing:-0.01em">')).toBe(true);
    clearTracking(f);
    const at = CAPTION.indexOf('原有');
    setGlue(f, at, at + 3);
    const glued = blockHtml(f);
    expect(glued).toContain('<span class="nb">原有的</span>');
    expect(textOf(glued)).toBe(textOf(plain));
    clearTracking(f);
    expect(blockHtml(f)).toBe(plain);
  });
});
