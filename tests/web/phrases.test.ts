import { describe, expect, it } from 'vitest';
import { phrases } from '../../src/web/templates.js';

describe('headline phrases (BudouX, short quoted terms kept whole)', () => {
  it('keeps a short quoted term in one phrase: 海洋牧场“蓝色粮仓”再扩容 cannot break as “蓝色 / 粮仓” (issue 15)', () => {
    const parts = phrases('海洋牧场“蓝色粮仓”再扩容');
    expect(parts.join('')).toBe('海洋牧场“蓝色粮仓”再扩容');
    expect(parts).toContain('“蓝色粮仓”');
    expect(phrases('《人民日报》评论')[0]).toBe('《人民日报》');
  });

  it('lets a long quotation break between its phrases, and leaves text without quotes as BudouX splits it', () => {
    const long = '他说“今年我们要把这件事情做得更好更实在”';
    const parts = phrases(long);
    expect(parts.join('')).toBe(long);
    expect(parts.length).toBeGreaterThan(4);
    expect(phrases('海洋牧场再扩容').length).toBeGreaterThan(1);
  });
});
