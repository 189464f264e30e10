/** Jump lines in one style, and which pages take continuations (src/layout/jumps.ts). */
import { describe, expect, it } from 'vitest';
import { acceptsContinuations, printedJump } from '../../src/layout/jumps.js';
import { DEFAULT_POLICY } from '../../src/layout/policy.js';

describe('printedJump', () => {
  it('prints a typed jump line as the generated one', () => {
    expect(printedJump('下转第2版', 'to', 2)).toBe('（下转第2版）');
    expect(printedJump(' （上接第1版） ', 'from', 1)).toBe('（上接第1版）');
    expect(printedJump('[下转第12版]', 'to', 12)).toBe('（下转第12版）');
  });
  it("keeps an editor's own words (every character) in the same dress", () => {
    expect(printedJump('转二版', 'to', 2)).toBe('（转二版）');
    expect(printedJump('', 'to', 3)).toBe('（下转第3版）');
  });
});

describe('acceptsContinuations', () => {
  const names = DEFAULT_POLICY.specialPageNames;
  it('takes them on a news page, not on a themed or special one unless its front matter says so', () => {
    expect(acceptsContinuations({ name: '综合' }, names)).toBe(true);
    expect(acceptsContinuations({ name: '专题' }, names)).toBe(false);
    expect(acceptsContinuations({ name: '品质海岸', pinyin: 'PIN ZHI HAI AN' }, names)).toBe(false);
    expect(acceptsContinuations({ name: '专题', meta: { continuations: true } }, names)).toBe(true);
    expect(acceptsContinuations({ name: '要闻', meta: { continuations: false } }, names)).toBe(false);
  });
});
