/**
 * A hand-made AST of two issues (every node kind appears at least once) and a
 * hand-made print layout for the newer one, with tiny page images made by sharp — the
 * web edition's input while the parser and the print edition are being written.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type {
  Article,
  Break,
  Inline,
  Issue,
  Page,
  Paragraph,
  Speaker,
  Text,
} from '../../src/ast/types.js';
import { paths } from '../../src/build/context.js';
import type { BuildContext, Logger } from '../../src/build/context.js';
import { BuildSession } from '../../src/build/session.js';
import { resolveConfig } from '../../src/config/index.js';
import type { BanmianConfig } from '../../src/config/types.js';
import type { IssueLayout, PageLayout } from '../../src/layout/types.js';
import { setIssueFolder } from '../../src/ast/issue-folder.js';

const pos = (line: number) => ({ start: { line, column: 1, offset: 0 }, end: { line, column: 2, offset: 1 } });
const t = (value: string): Text => ({ type: 'text', value });
const br = (): Break => ({ type: 'break' });
const p = (...children: Inline[]): Paragraph => ({ type: 'paragraph', children });
const pt = (s: string) => p(t(s));
const speaker = (name: string): Speaker => ({ type: 'speaker', children: [t(`${name}：`)] });

function article(id: string, lead: boolean, children: Article['children'], line = 1): Article {
  return { type: 'article', id, lead, children, position: pos(line) };
}

function page(number: number, file: string, name: string, children: Page['children'], extra: Partial<Page> = {}): Page {
  return { type: 'page', number, file, name, staff: {}, children, meta: {}, ...extra };
}

/** Body text long enough to wrap on a phone; contains the search word `蓝碳交易`. */
const GDP_PARAS = [
  '11月19日，记者从区统计局获悉，前三季度，海岸新区实现地区生产总值1286.5亿元，按不变价格计算，同比增长6.8%，增速高于全市平均水平1.3个百分点。',
  '工业“压舱石”作用持续凸显。前三季度，全区规模以上工业增加值同比增长8.9%，其中高技术制造业增加值增长15.2%，占规上工业的比重达到31.6%。',
  '海洋经济方面，全区首单蓝碳交易在明湾港区完成，成交碳汇量2.6万吨，为滨海湿地保护引来“源头活水”。',
];

export function fixtureIssues(root: string): Issue[] {
  const dir19 = path.join(root, 'issues', '2026-11-19');
  const dir20 = path.join(root, 'issues', '2026-11-20');
  const older: Issue = {
    type: 'issue',
    id: '2026-11-19',
    date: '2026-11-19',
    number: 2467,
    total: 12344,
    meta: {},
    children: [
      page(1, 'issues/2026-11-19/01-要闻.md', '要闻', [
        article('a1', true, [
          { type: 'headline', children: [t('全区冬季供暖全面启动')] },
          { type: 'byline', names: ['韩雪'], role: '本报记者', mark: true, children: [t('本报记者 韩雪')] },
          pt('11月18日零时，全区集中供暖管网开始注水升温，覆盖居民用户42.3万户，供热面积达到5100万平方米。'),
          pt('今年新建改造供热管网86公里，换热站智能化改造覆盖率达到九成以上。'),
        ]),
        article('a2', false, [
          { type: 'headline', children: [t('“海岸之夜”消费季落幕')] },
          pt('为期两个月的“海岸之夜”消费季日前落幕，累计吸引游客超过1100万人次。'),
        ]),
        // Issue 15's example of a headline a phone broke inside a word (海洋牧场“蓝色 / 粮仓”再扩容).
        article('a3', false, [
          { type: 'headline', children: [t('海洋牧场“蓝色粮仓”再扩容')] },
          pt('今年新投放深水网箱120组，海洋牧场养殖水面达到3.2万亩。'),
        ]),
      ]),
      page(2, 'issues/2026-11-19/02-综合.md', '综合', [
        article('a1', true, [
          { type: 'headline', children: [t('青屿湾跨海通道主体贯通')] },
          pt('青屿湾跨海通道主线隧道昨日实现全线贯通，工程进入机电安装和路面施工阶段。'),
        ]),
      ]),
    ],
  };

  const newer: Issue = {
    type: 'issue',
    id: '2026-11-20',
    date: '2026-11-20',
    number: 2468,
    total: 12345,
    meta: {},
    children: [
      page(
        1,
        'issues/2026-11-20/01-要闻.md',
        '要闻',
        [
          article('a1', true, [
            { type: 'kicker', children: [t('稳中有进 进中提质——')] },
            { type: 'headline', children: [t('前三季度GDP增长6.8%'), br(), t('主要经济指标领跑全市')] },
            { type: 'byline', role: '本报记者', names: ['林晓岚', '周明远'], mark: true, children: [t('本报记者 林晓岚 通讯员 周明远')] },
            { type: 'lead', children: [t(GDP_PARAS[0])] },
            pt(GDP_PARAS[1]),
            p(t(GDP_PARAS[2])),
            { type: 'jump', direction: 'to', page: 3, children: [t('下转第3版')] },
          ], 6),
          article('a2', false, [
            { type: 'headline', children: [t('滨海步道全线贯通')] },
            { type: 'figure', src: 'images/photo.jpg', alt: '滨海步道航拍', children: [
              { type: 'caption', mark: true, children: [t('11月18日，市民在新建成的滨海步道上健身。')] },
              { type: 'photoCredit', names: ['邢志峰'], children: [t('邢志峰 摄')] },
            ] },
            pt('全长42公里的滨海步道日前全线贯通，串联起9处海湾和12个公园。'),
            { type: 'brief', children: [pt('步道沿线新设驿站18处，提供饮水、充电和应急救护服务。')] },
          ], 20),
        ],
        { staff: { editor: ['陈书航'], designer: ['苏晓彤'], proofreader: ['韩立平'], typesetter: ['吴佳宁'] } },
      ),
      page(2, 'issues/2026-11-20/02-综合.md', '综合', [
        article('a1', true, [
          { type: 'sectionLabel', children: [t('民生')] },
          { type: 'headline', children: [t('社区食堂开进老小区')] },
          { type: 'subhead', children: [t('“家门口”的热饭菜')] },
          pt('海棠苑社区食堂开业一个月，日均就餐老人超过300人次。'),
          { type: 'html', value: '<div class="box" onclick="alert(1)">便民热线 <b>12345</b></div><script>alert("x")</script>', position: pos(14) },
          p(t('详情见'), { type: 'link', url: 'javascript:alert(2)', children: [t('活动页面')] }, t('，或访问'), { type: 'link', url: 'https://www.example.cn/canteen', children: [t('官方网站')] }, t('。')),
          p(t('食堂'), { type: 'html', value: '<span onmouseover="x()">', position: pos(18) }, t('价格公道'), { type: 'html', value: '</span>', position: pos(18) }, t('，'), { type: 'strong', children: [t('荤素搭配')] }, t('，'), { type: 'emphasis', children: [t('老人')] }, t('满意'), { type: 'inlineCode', value: 'A1' }, t('。')),
          { type: 'figure', children: [{ type: 'caption', mark: true, children: [t('图为食堂后厨（资料图）')] }] },
          { type: 'list', ordered: true, start: 1, children: [
            { type: 'listItem', children: [pt('早餐6时30分供应')] },
            { type: 'listItem', children: [pt('午餐11时供应')] },
          ] },
          { type: 'blockquote', children: [pt('饭菜可口，价钱实惠。')] },
          { type: 'endnote', children: [t('（本报记者 李涛 整理）')] },
        ], 10),
      ]),
      page(
        3,
        'issues/2026-11-20/03-品质海岸.txt',
        '品质海岸',
        [
          { type: 'staffLine', credits: { editor: ['林海', '宋雨桐'] }, children: [t('责编 林海 宋雨桐')] },
          { type: 'pageName', name: '品质海岸', pinyin: 'PIN ZHI HAI AN', children: [t('品质海岸'), t('PIN ZHI HAI AN')] },
          { type: 'banner', children: [
            { type: 'bannerTitle', children: [t('奋进新征程 建功新时代')] },
            { type: 'motto', children: [t('抓落实·促发展·惠民生')] },
          ] },
          article('a1', true, [
            { type: 'sectionLabel', children: [t('作风能力提升')] },
            { type: 'kicker', children: [t('青屿街道党工委书记陆启明——')] },
            { type: 'headline', children: [t('聚力城市更新提品质'), br(), t('打造宜居宜业新青屿')] },
            { type: 'subtitle', dash: true, children: [t('访青屿街道党工委书记陆启明')] },
            { type: 'byline', role: '本报记者', names: ['宋知远'], mark: true, children: [t('本报记者 宋知远')] },
            { type: 'question', speaker: '记者', children: [p(speaker('记者'), t('青屿街道在城市更新方面交出了一份怎样的答卷？'))] },
            { type: 'answer', speaker: '陆启明', children: [
              p(speaker('陆启明'), t('今年以来，我们把城市更新作为“一号工程”，全年实施城市更新项目28个。')),
              pt('一年下来，最让我们欣慰的是居民的变化。'),
            ] },
            { type: 'subhead', children: [t('“党建+N”融合工作法')] },
            { type: 'question', speaker: '记者', children: [p(speaker('记者'), t('明年有什么打算？'))] },
            { type: 'answer', speaker: '陆启明', children: [p(speaker('陆启明'), t('继续推进老旧小区改造，让老城焕发新活力。'))] },
          ], 8),
          article('a2', false, [
            { type: 'headline', children: [t('主要经济指标领跑全市')] },
            { type: 'jump', direction: 'from', page: 1, children: [t('上接第1版')] },
            pt('民生福祉不断增进。前三季度，全区一般公共预算收入完成136.2亿元，同比增长5.4%。'),
          ], 40),
        ],
        { pinyin: 'PIN ZHI HAI AN', staff: { editor: ['林海', '宋雨桐'], designer: ['许嘉怡'] } },
      ),
    ],
  };
  return [setIssueFolder(older, dir19), setIssueFolder(newer, dir20)];
}

const TRIM = { w: 1105.5, h: 1544.9 };
const IMAGE = { w: 442, h: 618 };

/** The print layout of 2026-11-20 (2026-11-19 has none: an HTML-only issue). */
export function fixtureLayouts(): Map<string, IssueLayout> {
  const id = '2026-11-20';
  const mod = (pageNo: number, articleId: string, x: number, y: number, w: number, h: number, extra = {}) => ({
    page: pageNo, articleId, rect: { x, y, w, h }, column: 0, columns: 4, line: 0, lines: 40, fill: 0.98, overset: 0, hole: 0, ...extra,
  });
  const pageLayout = (n: number, modules: PageLayout['modules']): PageLayout => ({
    number: n,
    trim: TRIM,
    typeArea: { x: 56, y: 56, w: 993, h: 1432 },
    modules,
    fill: 0.97,
    pdf: `${String(n).padStart(2, '0')}/${id}-${String(n).padStart(2, '0')}.pdf`,
    image: `${String(n).padStart(2, '0')}/page.png`,
    thumb: `${String(n).padStart(2, '0')}/thumb.png`,
    imageSize: IMAGE,
  });
  const layout: IssueLayout = {
    issue: id,
    browser: 'HeadlessChrome/147.0.0.0',
    pdf: `${id}.pdf`,
    pages: [
      pageLayout(1, [mod(1, 'a1', 56, 200, 993, 700, { jumpTo: 3 }), mod(1, 'a2', 56, 920, 993, 560)]),
      pageLayout(2, [mod(2, 'a1', 56, 56, 993, 1432)]),
      pageLayout(3, [mod(3, 'a1', 56, 120, 620, 1368), mod(3, 'a2', 700, 120, 349, 1368, { jumpFrom: 1 })]),
    ],
  };
  return new Map([[id, layout]]);
}

/** Writes what the print edition would have written before the web edition runs. */
export async function writePrintOutputs(outDir: string, layouts: Map<string, IssueLayout>): Promise<void> {
  for (const [id, layout] of layouts) {
    await mkdir(path.join(outDir, paths.issueDir(id)), { recursive: true });
    await writeFile(path.join(outDir, paths.issueDir(id), layout.pdf), '%PDF-1.4\n%%EOF\n');
    for (const pl of layout.pages) {
      const image = path.join(outDir, paths.issueDir(id), pl.image);
      await mkdir(path.dirname(image), { recursive: true });
      const svg = pageSvg(pl);
      await sharp(Buffer.from(svg)).resize(pl.imageSize.w, pl.imageSize.h).png().toFile(image);
      await sharp(Buffer.from(svg)).resize(120).png().toFile(path.join(outDir, paths.issueDir(id), pl.thumb));
      await writeFile(path.join(outDir, paths.issueDir(id), pl.pdf), '%PDF-1.4\n%%EOF\n');
    }
  }
}

/** A page picture: white paper, a red masthead band, grey text blocks where the modules are. */
function pageSvg(pl: PageLayout): string {
  const rects = pl.modules
    .map((m) => {
      const lines = [];
      for (let y = m.rect.y + 30; y < m.rect.y + m.rect.h - 10; y += 18) lines.push(`<rect x="${m.rect.x + 8}" y="${y}" width="${m.rect.w - 16}" height="8" fill="#bbb"/>`);
      return `<rect x="${m.rect.x}" y="${m.rect.y}" width="${m.rect.w}" height="20" fill="#333"/>${lines.join('')}`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${pl.trim.w}" height="${pl.trim.h}" viewBox="0 0 ${pl.trim.w} ${pl.trim.h}"><rect width="100%" height="100%" fill="#fff"/><rect x="56" y="40" width="993" height="${pl.number === 1 ? 140 : 50}" fill="#c41e24"/>${rects}</svg>`;
}

/** Creates the issue folders with a photo (1600 × 1000, to be resized to 1200 wide). */
export async function writeIssueFiles(root: string): Promise<void> {
  const images = path.join(root, 'issues', '2026-11-20', 'images');
  await mkdir(images, { recursive: true });
  await mkdir(path.join(root, 'issues', '2026-11-19'), { recursive: true });
  await sharp({ create: { width: 1600, height: 1000, channels: 3, background: { r: 40, g: 110, b: 160 } } })
    .jpeg()
    .toFile(path.join(images, 'photo.jpg'));
}

export function fixtureConfig(basePath = '/epaper/'): BanmianConfig {
  return resolveConfig(
    {
      paper: { name: '海岸新闻', nameLatin: 'HAI AN XIN WEN', cn: 'CN 37-0099', publisher: '海岸新闻社', address: '山东省青岛市黄岛区海岸路 1 号', phone: '0532-80000000' },
      site: { url: 'https://epaper.example.cn', basePath, feedSize: 50 },
    },
    'tests/web/fixtures.ts',
  );
}

export interface RecordingLogger extends Logger {
  infos: string[];
  warns: string[];
}

export function recordingLogger(): RecordingLogger {
  const infos: string[] = [];
  const warns: string[] = [];
  return { infos, warns, info: (m) => void infos.push(m), warn: (m) => void warns.push(m), progress() {} };
}

/** The repository root (templates/ and styles/ live there). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

export function fixtureContext(outDir: string, basePath = '/epaper/'): BuildContext & { log: RecordingLogger } {
  return { root: REPO_ROOT, config: fixtureConfig(basePath), outDir, previousOutDir: outDir + '.previous', force: false, log: recordingLogger(), session: new BuildSession() };
}
