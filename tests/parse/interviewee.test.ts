/**
 * Issue 14, items 1–2 as rules (not patterns for one example): the interviewee named in a
 * `——访…` subtitle, by title word or whole name; names with common characters speak by
 * that name with any colon and spacing; the lines before a `——` line form the headline.
 */
import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/ast/types.js';
import { parsePage } from '../../src/parse/index.js';
import { intervieweeName } from '../../src/parse/patterns.js';
import { textOf } from './helpers.js';

describe('intervieweeName', () => {
  it.each([
    ['——访灵珠山街道党工委书记杨军', '杨军'],
    ['——访某某街道党工委书记张在明', '张在明'],
    ['—— 访区教育局局长 王有为', '王有为'],
    ['——访青岛某某集团董事长李和平', '李和平'],
    ['——访区人民医院院长赵于飞', '赵于飞'],
    ['——访某某公司总经理欧阳文明', '欧阳文明'],
    ['——访社区服务中心负责人陈是为', '陈是为'],
    ['——访王有为', '王有为'],
  ])('%s → %s', (subtitle, name) => expect(intervieweeName(subtitle)).toBe(name));

  it('names no one in a subtitle that is not an interview', () => {
    expect(intervieweeName('——记海滨街道的一年')).toBeUndefined();
    expect(intervieweeName('——访谈录之三：社区里的好日子')).toBeUndefined();
  });
});

function article(text: string): Article {
  const { page } = parsePage(text, { file: 't.txt' });
  return page.children.find((c): c is Article => c.type === 'article')!;
}

describe('speakers named in the subtitle', () => {
  for (const name of ['李和平', '赵于飞', '王有为', '张在明', '刘文明', '陈是']) {
    for (const colon of ['：', ':', ' : ', ' ：', '： ']) {
      it(`${name}${colon}`, () => {
        const a = article(`守护一方平安\n\n——访某某街道党工委书记${name}\n\n□本报记者 丁霞\n\n记者${colon}今年有哪些新做法？\n\n${name}${colon}今年我们推行网格化管理，群众诉求当天回应。\n\n记者${colon}下一步呢？\n\n${name}${colon}继续完善机制。\n`);
        const turns = a.children.filter((c) => c.type === 'question' || c.type === 'answer');
        expect(turns.map((t) => `${t.type}:${(t as { speaker: string }).speaker}`)).toEqual(['question:记者', `answer:${name}`, 'question:记者', `answer:${name}`]);
      });
    }
  }

  it('a label with a common character that the article does not confirm stays a paragraph', () => {
    const a = article('社区新事\n\n□本报记者 丁霞\n\n记者：今年有哪些新做法？\n\n在社区：大家一起动手清理楼道。\n\n杨军：我们推行网格化管理。\n');
    expect(a.children.map((c) => c.type)).toEqual(['headline', 'byline', 'question', 'answer']);
    expect(textOf(a.children[2])).toContain('在社区：大家一起动手清理楼道。');
  });
});

describe('the lines before a —— line are the headline', () => {
  it.each([
    ['quotes', '筑牢安全底线“三道防线”\n守护百姓平安“一方热土”'],
    ['commas', '稳中求进，奋勇争先\n打造城市更新示范区'],
    ['three lines', '聚焦主责主业\n“三个一批”\n推动高质量发展！'],
  ])('%s', (_, lines) => {
    const a = article(`${lines}\n\n——访某某街道党工委书记张在明\n\n□本报记者 丁霞\n\n记者：今年怎么干？\n\n张在明：抓落实。\n`);
    expect(a.children.map((c) => c.type).slice(0, 3)).toEqual(['headline', 'subtitle', 'byline']);
    expect(textOf(a.children[0])).toBe(lines.replace(/\n/g, '/'));
  });

  it('after a kicker, lines over blank lines too', () => {
    const a = article('奋进新征程——\n\n稳中求进，奋勇争先\n\n打造城市更新示范区\n\n——记海滨街道的一年\n\n□本报记者 陈思远\n\n一年来，海滨街道以城市更新为抓手，改造老旧小区21个。\n');
    expect(a.children.map((c) => c.type)).toEqual(['kicker', 'headline', 'subtitle', 'byline', 'paragraph']);
    expect(textOf(a.children[1])).toBe('稳中求进，奋勇争先/打造城市更新示范区');
  });
});
