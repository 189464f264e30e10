import { describe, expect, it } from 'vitest';
import type {
  Answer,
  Article,
  Banner,
  Brief,
  Byline,
  Caption,
  Endnote,
  Figure,
  Headline,
  Kicker,
  PageName,
  Paragraph,
  Question,
  StaffLine,
  Subtitle,
} from '../../src/ast/types.js';
import { headlineText } from '../../src/ast/parts.js';
import { parsePage } from '../../src/parse/index.js';
import { CORPUS, checkInvariant, corpus, hasCorpus, nodesOfType, nodesWithoutPosition, textOf } from './helpers.js';

// Without ../shared/corpus (a fresh clone) every suite here is skipped; the suites still
// collect, so they parse an empty page instead of reading a file that is not there.
function parse(name: string) {
  return parsePage(hasCorpus ? corpus(name) : '', { file: name });
}

function articles(page: { children: unknown[] }): Article[] {
  return page.children.filter((c): c is Article => (c as Article).type === 'article');
}
function child<T>(a: Article, type: string): T[] {
  return a.children.filter((c) => c.type === type) as T[];
}
function messages(file: { messages: Array<{ ruleId?: string | null }> }, rule: string) {
  return file.messages.filter((m) => m.ruleId === rule);
}

describe.skipIf(!hasCorpus)('corpus 000: banner and two interviews', () => {
  const { page, file } = parse(CORPUS[0]);
  const arts = articles(page);

  it('has the banner with its motto, then two articles', () => {
    const banner = page.children.find((c) => c.type === 'banner') as Banner;
    expect(textOf(banner.children[0])).toBe('创新突破 见行动');
    expect(banner.children[0].type).toBe('bannerTitle');
    expect(banner.children[1].type).toBe('motto');
    expect(textOf(banner.children[1])).toBe('谋发展·话落实·强担当');
    expect(arts).toHaveLength(2);
    expect(arts.map((a) => a.id)).toEqual(['a1', 'a2']);
    expect(arts.map((a) => a.lead)).toEqual([true, false]);
  });

  it('reads the first article header', () => {
    const a = arts[0];
    const h = child<Headline>(a, 'headline')[0];
    expect(h.children.map((c) => c.type)).toEqual(['text', 'break', 'text']);
    expect(textOf(h)).toBe('稳经济促发展惠民生/打造和美幸福灵珠山');
    expect(headlineText(a)).toBe('稳经济促发展惠民生 打造和美幸福灵珠山');
    const sub = child<Subtitle>(a, 'subtitle')[0];
    expect(sub.dash).toBe(true);
    expect(textOf(sub)).toBe('访灵珠山街道党工委书记杨军');
    const by = child<Byline>(a, 'byline')[0];
    expect(by).toMatchObject({ role: '本报记者', names: ['丁霞'], mark: true });
    expect(textOf(by)).toBe('本报记者 丁霞');
  });

  it('finds questions and answers with their speakers', () => {
    const [a1, a2] = arts;
    const q1 = child<Question>(a1, 'question');
    const ans1 = child<Answer>(a1, 'answer');
    expect(q1).toHaveLength(4);
    expect(ans1).toHaveLength(4);
    expect(new Set(q1.map((q) => q.speaker))).toEqual(new Set(['记者']));
    expect(new Set(ans1.map((q) => q.speaker))).toEqual(new Set(['杨军']));
    // the speaker label stays in the text, as a speaker node
    const firstPara = ans1[0].children[0];
    expect(firstPara.children[0].type).toBe('speaker');
    expect(textOf(firstPara.children[0])).toBe('杨军：');
    // the first answer runs over two paragraphs; the cut one is joined
    expect(ans1[0].children).toHaveLength(2);
    expect(ans1[1].children).toHaveLength(1);
    expect(textOf(ans1[1])).toContain('便民服务岗等8类党员服务岗');
    expect(child<Question>(a2, 'question')).toHaveLength(4);
    const ans2 = child<Answer>(a2, 'answer');
    expect(ans2.map((x) => x.speaker)).toEqual(['楚冰', '楚冰', '楚冰', '楚冰']);
    // the last answer holds its first-person second paragraph
    expect(ans2[3].children).toHaveLength(2);
    expect(textOf(ans2[3].children[1])).toMatch(/^在民生保障方面，我们将/);
  });

  it('keeps the closing wrap-up paragraphs out of the last answer', () => {
    for (const [a, start] of [
      [arts[0], '起步即冲刺、开局即决战。'],
      [arts[1], '红石崖街道将紧紧围绕'],
    ] as const) {
      const last = a.children[a.children.length - 1] as Paragraph;
      expect(last.type).toBe('paragraph');
      expect(textOf(last).startsWith(start)).toBe(true);
    }
  });

  it('reports the join and the inferred headlines', () => {
    expect(messages(file, 'column-break-join').length).toBe(1);
    expect(messages(file, 'column-break-join')[0]).toMatchObject({ line: 22, fatal: false });
    expect(messages(file, 'inferred-headline').map((m) => (m as { line?: number }).line)).toEqual([7, 36]);
  });
});

describe.skipIf(!hasCorpus)('corpus 002: special page', () => {
  const { page, file } = parse(CORPUS[1]);
  const arts = articles(page);

  it('reads staff credits, page name and pinyin', () => {
    const staff = page.children.find((c) => c.type === 'staffLine') as StaffLine;
    const credits = { editor: ['王杰', '刘宗伟'], designer: ['李晓萌'], proofreader: ['王忠良'], typesetter: ['吕雪'] };
    expect(staff.credits).toEqual(credits);
    expect(page.staff).toEqual(credits);
    expect(textOf(staff)).toBe('责编 王杰 刘宗伟 美编 李晓萌 审读 王忠良 排版 吕雪');
    const name = page.children.find((c) => c.type === 'pageName') as PageName;
    expect(name).toMatchObject({ name: '品质崂山', pinyin: 'PIN ZHI LAO SHAN' });
    expect(page.name).toBe('品质崂山');
    expect(page.pinyin).toBe('PIN ZHI LAO SHAN');
  });

  it('makes the top photo a figure with caption and credit', () => {
    const fig = child<Figure>(arts[0], 'figure')[0];
    expect(fig.children.map((c) => c.type)).toEqual(['caption', 'photoCredit']);
    expect(fig.children[1]).toMatchObject({ names: ['邢志峰'] });
    expect(textOf(fig.children[0])).toMatch(/^近年来，崂山区紧跟楼宇经济/);
  });

  it('reads the main article: section label, lead, headline, byline with credit, body in reading order', () => {
    const a = arts.find((x) => headlineText(x).startsWith('崂山'))!;
    expect(a.children.slice(0, 4).map((c) => c.type)).toEqual(['sectionLabel', 'lead', 'headline', 'byline']);
    expect(textOf(a.children[0])).toBe('作风能力提升');
    expect(headlineText(a)).toBe('崂山：在赶考路上奏响实干“强音”');
    const by = child<Byline>(a, 'byline')[0];
    expect(by).toMatchObject({ role: '青岛日报/观海新闻记者', names: ['衣涛'], credit: '文/图', mark: true });
    // the body that the extraction put after the next header belongs here
    expect(textOf(a.children[4])).toMatch(/^“请问小麦岛怎么走？/);
    const subheads = child<{ type: 'subhead' }>(a, 'subhead').map((s) => textOf(s as never));
    expect(subheads).toEqual(['“党建+N”融合工作法助力区域发展', '高质量党建引领高质量发展全面起势', '为全市“当龙头 作表率 开新局”贡献崂山力量']);
    // the second header block is its own article, after this one, and the move is reported
    const zh = arts.find((x) => headlineText(x).includes('企明灯'))!;
    expect(arts.indexOf(zh)).toBe(arts.indexOf(a) + 1);
    expect(child<Headline>(zh, 'headline')[0].children.map((c) => c.type)).toEqual(['text', 'break', 'text']);
    expect(textOf(zh.children[0])).toBe('实体经济振兴');
    // its body is not in the extracted text: the article is header-only, and check says so
    expect(zh.children.map((c) => c.type)).toEqual(['sectionLabel', 'headline', 'byline']);
    expect(messages(file, 'article-without-body').map((m) => (m as { line?: number }).line)).toEqual([27]);
    expect(messages(file, 'moved-block').length).toBe(2);
  });

  it('joins 探险谷等5 + 个“党建产业联盟” and lifts the caption out after the paragraph', () => {
    const a = arts.find((x) => headlineText(x).startsWith('崂山'))!;
    const i = a.children.findIndex((c) => c.type === 'paragraph' && textOf(c).includes('华楼运动探险谷等5个“党建产业联盟”'));
    expect(i).toBeGreaterThan(0);
    const fig = a.children[i + 1] as Figure;
    expect(fig.type).toBe('figure');
    expect((fig.children[0] as Caption).mark).toBe(true);
    expect(textOf(fig.children[0])).toBe('“崂山区聚力山海年轻干部应急突击营”营员化身志愿者，为市民游客疏导交通。');
    expect(messages(file, 'moved-block').some((m) => (m as { line?: number }).line === 54)).toBe(true);
    expect(messages(file, 'column-break-join').map((m) => (m as { line?: number }).line)).toEqual([50, 66, 76]);
    const joined = a.children.filter((c) => c.type === 'paragraph').map(textOf);
    expect(joined.some((t) => t.includes('组织引领、文化引领、技术引领“三项引领”'))).toBe(true);
  });

  it('reads the hotline and 回音壁 briefs', () => {
    const hotline = arts.find((x) => headlineText(x) === '文明就差这一点')!;
    expect(textOf(hotline.children[0])).toBe('自找不足');
    const briefs = child<Brief>(hotline, 'brief');
    expect(briefs).toHaveLength(2);
    expect(textOf(briefs[0])).toMatch(/^市民王先生反映：/);
    const reply = arts.find((x) => headlineText(x) === '回音壁')!;
    const replies = child<Brief>(reply, 'brief');
    expect(replies).toHaveLength(2);
    expect(replies.map((b) => b.children.length)).toEqual([2, 2]);
    expect(textOf(replies[0].children[0])).toBe('加强海水浴场周边监管');
  });

  it('normalises half-width punctuation in Han context', () => {
    const all = textOf(page);
    expect(all).toContain('近年来，崂山区');
    expect(all).toContain('“请问小麦岛怎么走？我约了朋友见面');
    expect(all).not.toMatch(/\p{Script=Han}[,:?]/u);
    expect(all).toContain('0.3亩');
  });
});

describe.skipIf(!hasCorpus)('corpus 004: four statements', () => {
  const { page, file } = parse(CORPUS[2]);
  const arts = articles(page);

  it('has four articles, each kicker —— / headline / body / endnote', () => {
    expect(arts).toHaveLength(4);
    const heads = ['五条“主线”齐发力 五个“聚焦”促提质', '以大场一域之光 为新区全局添彩', '聚焦服务实体经济 抓投放优服务促发展', '发扬“九顶山”攻坚精神 坚决扛牢“领头雁”担当'];
    const notes = ['李涛', '梁玉鹏', '董梅雪', '张希文'];
    arts.forEach((a, k) => {
      const kicker = child<Kicker>(a, 'kicker')[0];
      expect(textOf(kicker).endsWith('——')).toBe(true);
      expect(a.children[0].type).toBe('kicker');
      expect(a.children[1].type).toBe('headline');
      expect(headlineText(a)).toBe(heads[k]);
      const end = a.children[a.children.length - 1] as Endnote;
      expect(end.type).toBe('endnote');
      expect(textOf(end)).toBe(`（本报记者 ${notes[k]} 整理）`);
      expect(child<Paragraph>(a, 'paragraph').length).toBeGreaterThanOrEqual(3);
    });
    expect(textOf(arts[0].children[0])).toBe('工委政法委副书记、区社会治理中心主任王延安——');
  });

  it('joins the four cut paragraphs', () => {
    expect(messages(file, 'column-break-join').map((m) => (m as { line?: number }).line)).toEqual([11, 31, 47, 65]);
    const t = textOf(page);
    expect(t).toContain('加强“微治理”体系建设');
    expect(t).toContain('在全面深化改革上，高站位推进全国农村综合性改革试点试验');
    expect(t).toContain('利用“政企直通车”企业融资诉求响应机制');
    expect(t).toContain('发扬“九顶山”攻坚精神，力争3月份');
    expect(t).toContain('中国石油大学（华东）');
  });
});

describe.skipIf(!hasCorpus)('invariant and positions', () => {
  for (const name of CORPUS) {
    it(`keeps every significant character of ${name}, in order`, () => {
      const text = corpus(name);
      const { page, file } = parsePage(text, { file: name });
      const r = checkInvariant(text, page, file);
      expect(r.detail).toBe('');
      expect(r.ok).toBe(true);
    });
    it(`gives every node of ${name} a position`, () => {
      const { page } = parse(name);
      expect(nodesWithoutPosition(page)).toEqual([]);
    });
  }

  it('positions are offsets into the source text', () => {
    const text = corpus(CORPUS[0]);
    const { page } = parsePage(text, { file: 'x' });
    const by = nodesOfType<Byline>(page, 'byline')[0];
    expect(text.slice(by.position!.start.offset, by.position!.end.offset)).toBe('□本报记者 丁霞');
    const sub = nodesOfType<Subtitle>(page, 'subtitle')[0];
    expect(sub.position!.start.line).toBe(10);
  });
});
