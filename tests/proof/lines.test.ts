/** The print HTML's line rules (src/layout/lines.ts): spans only, the text itself unchanged. */
import { describe, expect, it } from 'vitest';
import { lineTextHtml, squeezedMarks, unbreakableRuns } from '../../src/layout/lines.js';
import { esc } from '../../src/print/html.js';

const runs = (s: string, tail = false) => unbreakableRuns(s, { tail }).map(([a, b]) => s.slice(a, b));
const textOf = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

describe('numbers stay with their units', () => {
  it('glues the last digit to one or two unit characters; a lone digit takes the character before it', () => {
    expect(runs('实现地区生产总值1286.5亿元，同比')).toEqual(['5亿元']);
    expect(runs('投出了6份简历')).toEqual(['了6份']);
    expect(runs('2023年11月20日')).toEqual(['3年', '1月', '0日']);
    expect(runs('增长12.3%，其中')).toEqual(['3%']);
    expect(runs('开放时间8:30～17:00')).toEqual(['0～1']);
  });
  it('leaves numbers without a unit alone', () => {
    expect(runs('电话0532-88886666，欢迎')).toEqual([]);
  });
});

describe('a paragraph never ends in a one-character line', () => {
  it('glues its last two characters with the punctuation after them', () => {
    expect(runs('委书记宁致远主持会议并讲话。', true)).toEqual(['讲话。']);
    expect(runs('重点做好“三篇文章”。', true)).toEqual(['文章”。']);
    expect(runs('重点做好“三篇文章”。', false)).toEqual([]);
  });
  it('merges the tail with a number run it overlaps', () => {
    expect(runs('全年完成投资30亿元', true)).toEqual(['0亿元']);
  });
});

describe('adjacent full-width punctuation is squeezed', () => {
  it('halves the first of a closing pair and the second of an opening pair', () => {
    const s = '他说：“好。”（一）、《海岸》，（“';
    const marks = [...squeezedMarks(s)].map((i) => `${i}${s[i]}`);
    expect(marks).toEqual(['2：', '5。', '6”', '9）', '10、', '14》', '15，', '17“']);
  });
  it('leaves single marks alone', () => {
    expect(squeezedMarks('今天，天气很好。').size).toBe(0);
  });
});

describe('lineTextHtml', () => {
  it('changes no character and escapes the text', () => {
    const samples = ['<b>“海洋牧场+”融合发展</b>，产值12.3亿元。', '他说：“没想到！”', '&amp; 1:2 —— 完。'];
    for (const s of samples) {
      const html = lineTextHtml(s, esc, { tail: true });
      expect(textOf(html)).toBe(s);
      expect(html).not.toContain('<b>');
    }
  });
  it('marks runs nowrap and squeezed marks with halt classes', () => {
    expect(lineTextHtml('好。”他说', esc, { tail: true })).toBe('好<span class="sq">。</span>”<span class="nb">他说</span>');
  });
});
