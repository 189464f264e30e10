import { describe, expect, it } from 'vitest';
import { normalizeValue, type SpaceMode } from '../../src/parse/normalize.js';
import { parsePage } from '../../src/parse/index.js';
import { textOf } from './helpers.js';

const n = (s: string, mode: SpaceMode = 'running') => normalizeValue(s, mode, undefined, undefined, { open: false });

describe('punctuation in Han context', () => {
  it('turns half-width , : ; ? ! ( ) into full width next to Han', () => {
    expect(n('截至上半年,已有20座楼宇;还有:多少?好!')).toBe('截至上半年，已有20座楼宇；还有：多少？好！');
    expect(n('中国石油大学(华东)等高校')).toBe('中国石油大学（华东）等高校');
    expect(n('(本报记者 李涛 整理)', 'names')).toBe('（本报记者 李涛 整理）');
    expect(n('增长6.8%,其中')).toBe('增长6.8%，其中');
  });

  it('leaves Latin and number context alone', () => {
    expect(n('增长3.5个百分点')).toBe('增长3.5个百分点');
    expect(n('时间10:30开始')).toBe('时间10:30开始');
    expect(n('网址www.x.cn查询')).toBe('网址www.x.cn查询');
    expect(n('A,B两类')).toBe('A,B两类');
    expect(n('f(x) = y')).toBe('f(x) = y');
    expect(n('Hello, world!')).toBe('Hello, world!');
  });

  it('maps full-width letters and digits to ASCII, never NFKC', () => {
    expect(n('ＧＤＰ增长１２％，')).toBe('GDP增长12％，');
    expect(n('“你好”，（注）')).toBe('“你好”，（注）');
  });

  it('normalises dashes and ellipses', () => {
    expect(n('另一个身份--“营员”')).toBe('另一个身份——“营员”');
    expect(n('另一个身份—“营员”')).toBe('另一个身份——“营员”');
    expect(n('王延安－－', 'title')).toBe('王延安——');
    expect(n('──访书记', 'title')).toBe('——访书记');
    expect(n('等等...还有')).toBe('等等……还有');
    expect(n('等等。。。还有')).toBe('等等……还有');
    expect(n('等等…还有')).toBe('等等……还有');
    expect(n('2026—2027年度')).toBe('2026—2027年度');
    expect(n('CN 37-0000')).toBe('CN 37-0000');
  });

  it('turns straight quotes into Chinese quotes in Han context', () => {
    expect(n('打造"崂山样板"的经验')).toBe('打造“崂山样板”的经验');
    expect(n('say "hi" now')).toBe('say "hi" now');
  });

  it('drops stray spaces in running text, keeps a phrase gap in titles', () => {
    expect(n('全区 深入学习 贯彻，  落实 ')).toBe('全区深入学习贯彻，落实');
    expect(n('AI 训练 data set')).toBe('AI训练data set');
    expect(n('创新突破  见行动', 'title')).toBe('创新突破 见行动');
    expect(n('创新突破\u3000见行动', 'title')).toBe('创新突破 见行动');
    expect(n('加装电梯 “悬空老人”圆了下楼梦', 'title')).toBe('加装电梯 “悬空老人”圆了下楼梦');
    expect(n('崂山: 在赶考路上', 'title')).toBe('崂山：在赶考路上');
    expect(n('本报记者  李涛', 'names')).toBe('本报记者 李涛');
  });
});

describe('normalisation in parsed pages', () => {
  it('drops trailing spaces and zero-width characters, keeps headline phrase gaps', () => {
    const { page } = parsePage('五条“主线”齐发力 五个“聚焦”促提质\n\n□本报记者 丁霞\n\n今年 以来,全区\u200b深入推进。   \n', { file: 'x.txt' });
    const t = textOf(page);
    expect(t).toContain('五条“主线”齐发力 五个“聚焦”促提质');
    expect(t).toContain('今年以来，全区深入推进。');
    expect(t).not.toMatch(/ $/);
  });
});
