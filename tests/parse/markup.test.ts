import { describe, expect, it } from 'vitest';
import type { Article, Figure, Jump, Page } from '../../src/ast/types.js';
import type { Parent } from 'unist';
import { headlineText } from '../../src/ast/parts.js';
import { parsePage } from '../../src/parse/index.js';
import { checkInvariant, nodesWithoutPosition, textOf } from './helpers.js';

function arts(page: Page): Article[] {
  return page.children.filter((c): c is Article => c.type === 'article');
}
function types(a: Article): string[] {
  return a.children.map((c) => c.type);
}
function parse(text: string) {
  const r = parsePage(text, { file: 'm.md' });
  expect(checkInvariant(text, r.page, r.file).detail).toBe('');
  expect(nodesWithoutPosition(r.page)).toEqual([]);
  return r;
}

describe('explicit markup wins over inference', () => {
  it('# headline with hard break, kicker tag, byline', () => {
    const { page } = parse('[引题] 稳中有进 进中提质——\n\n# 前三季度GDP增长6.8%  \n主要经济指标领跑全市\n\n□本报记者 林晓岚\n\n11月19日，记者从区统计局获悉。\n');
    const [a] = arts(page);
    expect(types(a)).toEqual(['kicker', 'headline', 'byline', 'paragraph']);
    expect(textOf(a.children[1])).toBe('前三季度GDP增长6.8%/主要经济指标领跑全市');
    expect(textOf(a.children[0])).toBe('稳中有进 进中提质——');
  });

  it('a tagged line keeps its role even when it looks like something else', () => {
    const { page, file } = parse('[正文] 记者：这是一段正文，不是提问。\n\n[主题] 这一句很长，而且有逗号，但它是标题。\n\n[小标题] 小标题\n\n[导语] 导语在这里\n');
    const [first, second] = arts(page);
    expect(types(first)).toEqual(['paragraph']);
    expect((first.children[0] as Parent).children.some((c) => c.type === 'speaker')).toBe(false);
    expect(types(second)).toEqual(['headline', 'subhead', 'lead']);
    expect(file.messages.filter((m) => m.ruleId === 'inferred-headline')).toHaveLength(0);
  });

  it('[正文] paragraphs are never joined across a column break', () => {
    const { page, file } = parse('# 标题\n\n[正文] 用好用活致富带头岗、便民服\n\n务岗等8类党员服务岗。\n');
    expect(arts(page)[0].children.filter((c) => c.type === 'paragraph')).toHaveLength(2);
    expect(file.messages.filter((m) => m.ruleId === 'column-break-join')).toHaveLength(0);
  });

  it('--- and [新稿] start new articles; [头条] marks the lead', () => {
    const { page } = parse('# 甲\n\n正文甲。\n\n---\n\n正文乙，没有标题。\n\n[新稿]\n\n正文丙。\n\n[头条]\n\n# 丁\n\n正文丁。\n');
    const a = arts(page);
    expect(a).toHaveLength(4);
    expect(a.map((x) => x.id)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(a.map((x) => x.lead)).toEqual([false, false, false, true]);
    expect(headlineText(a[3])).toBe('丁');
  });

  it('[二条] / [普通] / [简讯] alone on a line rank the next article (Article.data.rank); [简讯] before text is a brief item', () => {
    const { page } = parse('[二条]\n\n# 甲\n\n正文甲。\n\n[简讯]\n# 乙\n\n正文乙。\n\n[普通]\n\n# 丙\n\n正文丙。\n\n# 丁\n\n[简讯] 短讯一则。\n');
    const a = arts(page);
    expect(a.map((x) => x.data?.rank)).toEqual(['second', 'brief', 'ordinary', undefined]);
    expect(types(a[3])).toEqual(['headline', 'brief']);
    expect(textOf(a[3])).toContain('短讯一则。');
  });

  it('[3栏] / [三栏] ask for a column count (Article.data.columns), alone on a line or before a tag', () => {
    const { page } = parse('[3栏]\n[主题] 甲\n\n正文甲。\n\n[四栏][主题] 乙\n\n正文乙。\n\n[头条]\n[2栏]\n\n# 丙\n\n正文丙。\n\n# 丁\n\n\\[3栏] 正文丁。\n');
    const a = arts(page);
    expect(a.map((x) => x.data?.columns)).toEqual([3, 4, 2, undefined]);
    expect(a.map((x) => x.lead)).toEqual([false, false, true, false]);
    // an escaped tag is text
    expect(textOf(a[3])).toContain('[3栏]正文丁。');
  });

  it('## before the first article is a banner; inside an article a subhead', () => {
    const { page } = parse('## 创新突破 见行动\n\n谋发展·话落实·强担当\n\n# 标题\n\n正文。\n\n## 小标题一\n\n正文。\n\n### 小标题二\n');
    expect(page.children[0].type).toBe('banner');
    expect(textOf(page.children[0])).toBe('创新突破 见行动谋发展·话落实·强担当');
    expect(types(arts(page)[0])).toEqual(['headline', 'paragraph', 'subhead', 'paragraph', 'subhead']);
  });

  it('[栏目] + # headline stay one article; image is a figure with caption and credit', () => {
    const { page } = parse('[栏目] 民生关注\n\n# 加装电梯 “悬空老人”圆了下楼梦\n\n正文。\n\n![11月18日，市民散步。](images/a.jpg "郑子墨 摄")\n');
    const [a] = arts(page);
    expect(types(a)).toEqual(['sectionLabel', 'headline', 'paragraph', 'figure']);
    expect(headlineText(a)).toBe('加装电梯 “悬空老人”圆了下楼梦');
    const fig = a.children[3] as Figure;
    expect(fig.src).toBe('images/a.jpg');
    expect(fig.children.map((c) => c.type)).toEqual(['caption', 'photoCredit']);
    expect(fig.children[1]).toMatchObject({ names: ['郑子墨'] });
  });

  it('role tags for the rest: 副题 署名 问 答 图说 摄影 简讯 文末 转版 栏头', () => {
    const { page } = parse(
      '[栏头] 奋进新征程\n\n# 标题\n\n[副题] ——访某街道书记张三\n\n[署名] 本报记者 李四\n\n[问] 今年怎么干？\n\n[答] 张三：我们将加油。\n\n[图说] 图为现场。\n\n[摄影] 王五 摄\n\n[简讯] 一条简讯。\n\n[转版] 下转第3版\n\n[文末] （本报记者 李四 整理）\n',
    );
    expect(page.children[0].type).toBe('banner');
    const [a] = arts(page);
    expect(types(a)).toEqual(['headline', 'subtitle', 'byline', 'question', 'answer', 'figure', 'brief', 'jump', 'endnote']);
    expect(a.children[1]).toMatchObject({ dash: true });
    expect(textOf(a.children[1])).toBe('访某街道书记张三');
    expect(a.children[3]).toMatchObject({ speaker: '记者' });
    expect(a.children[4]).toMatchObject({ speaker: '张三' });
    expect((a.children[5] as Figure).children.map((c) => c.type)).toEqual(['caption', 'photoCredit']);
    expect(a.children[7] as Jump).toMatchObject({ direction: 'to', page: 3 });
  });

  it('Markdown lists, quotes and emphasis pass through', () => {
    const { page } = parse('# 标题\n\n正文有**加粗**内容。\n\n- 第一项\n- 第二项\n\n> 引文一段。\n');
    const [a] = arts(page);
    expect(types(a)).toEqual(['headline', 'paragraph', 'list', 'blockquote']);
    expect((a.children[1] as Parent).children.map((c) => c.type)).toEqual(['text', 'strong', 'text']);
  });
});

describe('inference on small unmarked pages', () => {
  it('jump lines, photo credits, ■ captions vs briefs', () => {
    const { page } = parse('标题一行\n\n□本报记者 丁霞\n\n上接第1版\n\n正文第一段。\n\n■图为工人正在施工。\n\n邢志峰 摄\n\n正文第二段。\n\n下转第3版\n\n回音壁\n\n■市民王先生反映:路灯白天亮着。\n\n■市民刘先生反映:绿地被踩踏。\n');
    const [a, b] = arts(page);
    expect(types(a)).toEqual(['headline', 'byline', 'jump', 'paragraph', 'figure', 'paragraph', 'jump']);
    expect(a.children[2]).toMatchObject({ direction: 'from', page: 1 });
    expect(types(b)).toEqual(['headline', 'brief', 'brief']);
    expect(textOf(b.children[1])).toBe('市民王先生反映：路灯白天亮着。');
  });

  it('a lone ■ paragraph between body paragraphs is a caption', () => {
    const { page } = parse('# 标题\n\n正文第一段。\n\n■市民在公园散步。\n\n正文第二段。\n');
    expect(types(arts(page)[0])).toEqual(['headline', 'paragraph', 'figure', 'paragraph']);
  });

  it('a page header: 第03版, page name + pinyin, staff line', () => {
    const { page } = parse('第03版\n\n品质崂山\n\nPIN ZHI LAO SHAN\n\n责编 王杰 美编 李晓萌 审读 王忠良 排版 吕雪\n\n标题\n\n□本报记者 丁霞\n\n正文。\n');
    expect(page.children.map((c) => c.type)).toEqual(['pageInfo', 'pageName', 'staffLine', 'article']);
    expect(page.number).toBe(3);
    expect(page.name).toBe('品质崂山');
    expect(page.staff.typesetter).toEqual(['吕雪']);
  });
});

describe('literal Markdown and tags on continuation lines', () => {
  it('keeps an image written in indented (code) text as text, address included', () => {
    const { page } = parse('    ![图](a.jpg "某 摄")\n');
    expect(textOf(page)).toContain('a.jpg');
    expect(page.children.some((c) => c.type === 'article' && c.children.some((x) => x.type === 'figure'))).toBe(false);
  });

  it('reads a role tag on an indented or quoted continuation line inside a list or quote', () => {
    for (const text of ['- - [主题] 甲\n  [引题] 乙\n', '> 甲\n>     乙\n> [主题] 丙\n']) {
      const { page } = parse(text);
      expect(textOf(page)).not.toMatch(/主题|引题/);
    }
  });

  it('does not continue a headline with a line that starts with a role tag', () => {
    const { page } = parse('# 第一行  \n[主题] 另一篇\n');
    expect(arts(page).map((a) => headlineText(a))).toEqual(['第一行', '另一篇']);
  });

  it('reads raw HTML in a list as sanitised text (no tag read inside it, no html node left)', () => {
    const { page } = parse('- <div>\n  [主题] x\n');
    const html: string[] = [];
    const walk = (n: Parent | { type: string; value?: string }) => {
      if (n.type === 'html') html.push((n as { value: string }).value);
      if ('children' in n) n.children.forEach((c) => walk(c as never));
    };
    walk(page as never);
    expect(html).toEqual([]);
    expect(textOf(page)).toContain('[主题] x');
  });
});

describe('interview turns with ASCII colons; mdast-util-to-string', () => {
  const text = '稳经济促发展\n\n——访灵珠山街道党工委书记杨军\n\n□本报记者 丁霞\n\n记者: 今年有什么打算?\n\n杨军: 我们将聚焦实体经济。\n\n第二段，我们还要做好民生。\n\n记者：还有呢？\n\n杨军：我们将继续努力。\n\n据了解，灵珠山街道今年将实施十项工程。\n';

  it('reads `记者:` / `杨军:` turns, keeps follow-on paragraphs in the answer, releases the wrap-up', () => {
    const { page } = parse(text);
    const a = arts(page)[0];
    expect(types(a)).toEqual(['headline', 'subtitle', 'byline', 'question', 'answer', 'question', 'answer', 'paragraph']);
    const turns = a.children.filter((c) => c.type === 'question' || c.type === 'answer') as Array<{ speaker: string; children: unknown[] }>;
    expect(turns.map((t) => t.speaker)).toEqual(['记者', '杨军', '记者', '杨军']);
    expect(turns[1].children).toHaveLength(2);
  });

  it('gives a node its text with mdast-util-to-string (speaker labels and roles stay in the text)', async () => {
    const { toString } = await import('mdast-util-to-string');
    const { page } = parse(text);
    const a = arts(page)[0];
    expect(toString(a.children[1] as never)).toBe('访灵珠山街道党工委书记杨军');
    expect(toString(a.children[2] as never)).toBe('本报记者 丁霞');
    expect(toString(a.children[3] as never)).toBe('记者：今年有什么打算？');
    expect(toString(a.children[4] as never)).toBe('杨军：我们将聚焦实体经济。第二段，我们还要做好民生。');
  });
});
