/**
 * The web edition built from the fixture AST (no browser): files and addresses,
 * sanitising, html-validate, links, the text invariant, feed/sitemap, determinism,
 * strict templates and the incremental rebuild.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HtmlValidate } from 'html-validate';
import { toString } from 'mdast-util-to-string';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { significantChars } from '../../src/ast/text.js';
import type { Issue } from '../../src/ast/types.js';
import { BanmianError } from '../../src/errors.js';
import { parseUnicodeRange } from '../../src/web/fonts.js';
import { buildWebEdition, renderIssueViews, type WebBuildResult } from '../../src/web/index.js';
import { fixtureContext, fixtureIssues, fixtureLayouts, REPO_ROOT, writeIssueFiles, writePrintOutputs } from './fixtures.js';
import { articleText, checkLinks, listFiles } from './helpers.js';

let tmp: string;
let out: string;
let issues: Issue[];
let result: WebBuildResult;
let warns: string[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-web-'));
  await writeIssueFiles(tmp);
  out = path.join(tmp, 'dist');
  const layouts = fixtureLayouts();
  await writePrintOutputs(out, layouts);
  issues = fixtureIssues(tmp);
  const ctx = fixtureContext(out);
  result = await buildWebEdition(issues, layouts, ctx);
  warns = ctx.log.warns;
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const read = (rel: string) => readFile(path.join(out, rel), 'utf8');

describe('web edition: addresses and files', () => {
  it('renders one issue at a time: renderIssueViews gives exactly that issue\'s files, with the bytes the build wrote', async () => {
    const site = result.site;
    const issue = site.model.issues[1];
    const views = renderIssueViews(site.renderContext(), issue);
    const expected = [`${issue.id}/index.html`, `search/source/${issue.id}.json`, ...issue.pages.map((p) => `${p.url}index.html`), ...issue.articles.map((a) => `${a.url}index.html`)].sort();
    expect([...views.keys()].sort()).toEqual(expected);
    for (const [rel, content] of views) expect(content, rel).toBe(await read(rel));
  });

  it('writes the date-based URL map', async () => {
    const files = await listFiles(out);
    for (const f of [
      'index.html',
      '404.html',
      'feed.xml',
      'sitemap.xml',
      'robots.txt',
      'search/index.html',
      '2026-11-20/index.html',
      '2026-11-20/01/index.html',
      '2026-11-20/01/a1/index.html',
      '2026-11-20/03/a2/index.html',
      '2026-11-19/02/a1/index.html',
      '2026-11-20/images/photo.jpg',
      'search-index/manifest.json',
      'search/source/2026-11-20.json',
      'assets/icon.svg',
    ])
      expect(files).toContain(f);
    expect(result.counts).toEqual({ issues: 2, pages: 5, articles: 9 });
    expect(result.search?.indexed).toBe(9);
  });

  it('home is the latest issue\'s 第01版 page view; 往期回顾 is its own page with years and months', async () => {
    const home = await read('index.html');
    expect(home).toContain('<body class="page-view home-view">');
    expect(home).toMatch(/<h1 class="view-title"><span class="page-label">第01版<\/span><span class="page-name">要闻<\/span>/);
    expect(home).toContain('<svg class="hot-areas"');
    expect(home).toContain('id="title-nav-title" class="side-title">标题导航</h2>');
    expect(home).toContain('aria-labelledby="side-title"'); // 版面导航
    expect(home).toContain('<link rel="canonical" href="https://epaper.example.cn/epaper/2026-11-20/01/">');
    const archive = await read('archive/index.html');
    expect(archive).toContain('<h1 class="view-title">往期回顾</h1>');
    expect(archive).toMatch(/<h2 id="y-2026" class="section-title">2026年 <small>2期<\/small><\/h2>/);
    expect(archive).toContain('<caption>2026年11月</caption>');
    expect(archive).toContain('<a href="/epaper/2026-11-19/" aria-label="2026年11月19日 第2467期">19</a>');
    expect(archive).toContain('<a href="/epaper/2026-11-20/" aria-label="2026年11月20日 第2468期">20</a>');
  });

  it('every issue view has 上一期 / 下一期 and a date picker: its days from archive/dates.json, a link to 往期回顾 without scripts', async () => {
    for (const rel of ['index.html', '2026-11-20/index.html', '2026-11-20/02/index.html', '2026-11-20/02/a1/index.html']) {
      const html = await read(rel);
      expect(html, rel).toContain('<a class="issue-step" rel="prev" href="/epaper/2026-11-19/" aria-label="上一期：2026年11月19日">');
      expect(html, rel).toContain('<span class="issue-step pager-off" aria-disabled="true">下一期 ›</span>');
      const picker = /<details class="date-picker"[\s\S]*?<\/details>/.exec(html)![0];
      // The view names its month and itself, not the other issues' days.
      expect(picker, rel).toContain('<details class="date-picker" data-dates="/epaper/archive/dates.json" data-month="2026-11" data-current="/epaper/2026-11-20/">');
      expect(picker, rel).toContain('<a href="/epaper/archive/#m-2026-11">');
      expect(picker, rel).not.toContain('2026-11-19');
      expect(html, rel).toMatch(/<script src="\/epaper\/assets\/view\.[0-9a-f]{10}\.js" defer><\/script>/);
    }
    // The picker's data: every day with an issue, by month, as the calendars of 往期回顾 link them.
    expect(JSON.parse(await read('archive/dates.json'))).toEqual({
      months: { '2026-11': [[19, '/epaper/2026-11-19/', '2026年11月19日 第2467期'], [20, '/epaper/2026-11-20/', '2026年11月20日 第2468期']] },
    });
    const old = await read('2026-11-19/01/a1/index.html');
    expect(old).toContain('<a class="issue-step" rel="next" href="/epaper/2026-11-20/"');
    const sub = await read('feed/index.html');
    expect(sub).toContain('<h1 class="view-title">订阅</h1>');
    expect(sub).toContain('value="https://epaper.example.cn/epaper/feed.xml"');
    expect(sub).toContain('<a class="feed-link" href="/epaper/feed.xml"');
  });

  it('page views: SVG hot areas over the page image, or a text list without a layout', async () => {
    const p1 = await read('2026-11-20/01/index.html');
    expect(p1).toMatch(/<svg class="hot-areas" viewBox="0 0 1105.5 1544.9"/);
    expect(p1).toContain('<a href="/epaper/2026-11-20/01/a1/" aria-label="前三季度GDP增长6.8% 主要经济指标领跑全市">');
    expect(p1).toContain('<script src="/epaper/assets/page.');
    expect(p1).toContain('href="/epaper/2026-11-20/01/2026-11-20-01.pdf"');
    expect(p1).toContain('<span class="pager-off">上一版</span>');
    expect(p1).toContain('<a rel="next" href="/epaper/2026-11-20/02/"');
    const old = await read('2026-11-19/01/index.html');
    expect(old).not.toContain('<svg');
    expect(old).toContain('class="page-text"');
    expect(old).toContain('<a href="/epaper/2026-11-19/01/a1/">全区<wbr>冬季供暖<wbr>全面<wbr>启动</a>');
  });

  it('page images: AVIF and WebP at phone, tablet and full width (srcset), the PNG as fallback; thumbnails WebP', async () => {
    const p1 = await read('2026-11-20/01/index.html');
    const { default: sharp } = await import('sharp');
    const png = await sharp(path.join(out, '2026-11-20/01/page.png')).metadata();
    for (const format of ['avif', 'webp']) {
      const source = new RegExp(`<source type="image/${format}" srcset="([^"]+)" sizes="[^"]+">`).exec(p1);
      expect(source, format).not.toBeNull();
      const candidates = source![1].split(', ').map((c) => c.split(' '));
      const widths = candidates.map(([, w]) => parseInt(w));
      expect(widths).toEqual([...[375, 768, 1280].filter((w) => w < png.width!), png.width]);
      for (const [url, w] of candidates) {
        const meta = await sharp(path.join(out, url.replace('/epaper/', ''))).metadata();
        expect(meta.format === 'heif' ? 'avif' : meta.format, url).toBe(format);
        expect(meta.width, url).toBe(parseInt(w));
      }
    }
    expect(p1).toContain('<img src="/epaper/2026-11-20/01/page.png"');
    expect(await read('index.html')).toMatch(/<source srcset="\/epaper\/2026-11-20\/01\/thumb\.[0-9a-f]{10}\.webp" type="image\/webp">/);
  });

  it('self-hosted fonts: one blocking stylesheet, faces subset to the site\'s characters, behind the named system fonts', async () => {
    const home = await read('index.html');
    // One render-blocking stylesheet in <head>; the font faces' sheet (a fixed name: no view
    // names the site's characters) loads without blocking the first paint (media="print" until
    // loaded; a plain link for readers without scripts).
    const head = home.slice(0, home.indexOf('</head>')).replace(/<noscript>[\s\S]*?<\/noscript>/g, '');
    expect(head.match(/<link rel="stylesheet" href="[^"]+">/g)).toHaveLength(1);
    expect(head).toContain('<link rel="stylesheet" href="/epaper/assets/fonts.css" media="print" data-fonts>');
    expect(home).toContain('<noscript><link rel="stylesheet" href="/epaper/assets/fonts.css"></noscript>');
    expect(await read(/href="\/epaper\/(assets\/web\.[0-9a-f]+\.css)"/.exec(home)![1])).not.toContain('@font-face');
    const css = await read('assets/fonts.css');
    const faces = css.split('\n').filter((l) => l.startsWith('@font-face'));
    expect(faces.length).toBeGreaterThan(2);
    const covered = (weight: number) => {
      const ranges = faces.filter((f) => f.includes(`font-weight:${weight}`)).flatMap((f) => parseUnicodeRange(/unicode-range:([^}]+)/.exec(f)![1]));
      return (ch: string) => ranges.some(([lo, hi]) => ch.codePointAt(0)! >= lo && ch.codePointAt(0)! <= hi);
    };
    let bytes = 0;
    for (const face of faces) {
      expect(face).toMatch(/^@font-face\{font-family:"Banmian";font-style:normal;font-weight:(400|700);font-display:swap;src:url\(fonts\/(serif-400|sans-700)-\d+\.[0-9a-f]{10}\.woff2\)/);
      const file = await readFile(path.join(out, 'assets', /url\(([^)]+)\)/.exec(face)![1]));
      expect(file.subarray(0, 4).toString('latin1')).toBe('wOF2');
      bytes += file.length;
    }
    // Every character of the site's text is in the regular face; headlines and labels also in
    // the bold one, body-only characters not; characters not on the site in neither.
    for (const weight of [400, 700]) {
      const has = covered(weight);
      for (const ch of '聚力城市更新提品质版面导航往期回顾') expect(has(ch), `${ch} ${weight}`).toBe(true);
      for (const ch of '疫鑫龘') expect(has(ch), `${ch} ${weight}`).toBe(false);
      expect(has('A')).toBe(false); // Latin comes from the system fonts
    }
    for (const ch of '蓝碳湿') expect(covered(400)(ch), ch).toBe(true);
    for (const ch of '碳湿') expect(covered(700)(ch), ch).toBe(false);
    // The fixture site's characters, both faces: a few hundred KB at most (the whole slices are 5.6 MB).
    expect(bytes).toBeLessThan(400_000);
    // The system CJK fonts come first in both stacks; "Banmian" is the last CJK resort.
    const webCss = await read(/href="\/epaper\/(assets\/web\.[0-9a-f]+\.css)"/.exec(home)![1]);
    for (const v of ['--serif', '--sans']) expect(webCss).toMatch(new RegExp(`${v}: "[^;]*(SC|Songti)[^;]*", "Banmian", (sans-)?serif;`));
  });

  it('article view: parts, Q&A, figure with web image, jumps linked to the continuation', async () => {
    const a = await read('2026-11-20/03/a1/index.html');
    // BudouX phrases: a narrow screen breaks between them only.
    const h1 = /<h1 class="headline">(.*?)<\/h1>/.exec(a)![1];
    expect(h1.replaceAll('<wbr>', '')).toBe('聚力城市更新提品质<br>打造宜居宜业新青屿');
    expect(h1).toMatch(/^聚力<wbr>城市<wbr>更新<wbr>/);
    // Its place on its page: the thumbnail with its module marked, linking to the page view.
    expect(a).toMatch(/<figure class="mini-page">\s*<a href="\/epaper\/2026-11-20\/03\/">[\s\S]*<rect x="56" y="120" width="620" height="1368"\/>/);
    expect(a).toContain('<p class="subtitle">——访青屿街道党工委书记陆启明</p>');
    expect(a).toContain('<strong class="speaker">记者：</strong>');
    expect(a).toContain('<p class="section-label">作风能力提升</p>');
    // Word joiners (U+2060) around the middle dots: the banner breaks only at its spaces.
    expect(a).toContain('<p class="banner-title">奋进新征程 建功新时代 抓落实\u2060·\u2060促发展\u2060·\u2060惠民生</p>');
    // The banner belongs to the article right after it only (bannerOwners), as in print.
    expect(await read('2026-11-20/03/a2/index.html')).not.toContain('banner-title');
    const lead = await read('2026-11-20/01/a1/index.html');
    expect(lead).toContain('<p class="jump jump-to"><a href="/epaper/2026-11-20/03/a2/">下转第3版</a></p>');
    expect(await read('2026-11-20/03/a2/index.html')).toContain('<a href="/epaper/2026-11-20/01/a1/">上接第1版</a>');
    const fig = await read('2026-11-20/01/a2/index.html');
    expect(fig).toContain('<img src="/epaper/2026-11-20/images/photo.jpg" width="1200" height="750" alt="滨海步道航拍"');
    expect(fig).toContain('<span class="photo-credit">邢志峰 摄</span>');
    expect(fig).toContain('"image":["https://epaper.example.cn/epaper/2026-11-20/images/photo.jpg"]');
    expect(fig).toContain('<link rel="canonical" href="https://epaper.example.cn/epaper/2026-11-20/01/a2/">');
    expect(fig).toContain('"@type":"NewsArticle"');
  });
});

describe('web edition: safety', () => {
  it('sanitises raw HTML and unsafe links, and says what it removed with file:line', async () => {
    const html = await read('2026-11-20/02/a1/index.html');
    expect(html).not.toMatch(/alert|onclick|onmouseover|javascript:/i);
    expect(html).toContain('便民热线 <b>12345</b>');
    expect(html).toContain('详情见活动页面');
    expect(warns).toContainEqual(expect.stringMatching(/^issues\/2026-11-20\/02-综合\.md:14: removed onclick attribute, <script>/));
    expect(warns).toContainEqual(expect.stringMatching(/^issues\/2026-11-20\/02-综合\.md:18: removed onmouseover attribute/));
    expect(warns).toContainEqual(expect.stringContaining('dropped link with unsafe URL "javascript:alert(2)"'));
    for (const rel of (await listFiles(out)).filter((f) => f.endsWith('.html'))) {
      const page = await read(rel);
      // The only scripts: JSON-LD, the search page's script, the page view's zoom, every view's script.
      for (const m of page.matchAll(/<script([^>]*)>/g)) expect(m[1]).toMatch(/application\/ld\+json|src="\/epaper\/assets\/(search|page|view)\.[0-9a-f]{10}\.js"( defer)?/);
      expect(page).not.toMatch(/\son[a-z]+=/i);
    }
  });

  it('escapes text (a headline with markup characters stays text)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-web-esc-'));
    try {
      const evil = fixtureIssues(tmp);
      const a = evil[0].children[0].children[0];
      if (a.type !== 'article' || a.children[0].type !== 'headline') throw new Error('fixture changed');
      a.children[0].children = [{ type: 'text', value: '<img src=x onerror=alert(1)>“引号”&' }];
      const ctx = fixtureContext(path.join(dir, 'dist'));
      await buildWebEdition(evil, new Map(), ctx, { search: false, fonts: false });
      const html = await readFile(path.join(dir, 'dist', '2026-11-19/01/a1/index.html'), 'utf8');
      expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;“引号”&amp;');
      expect(html).not.toContain('<img src=x');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('web edition: proof', () => {
  it('every page passes html-validate', async () => {
    // The recommended preset with no rule turned off.
    const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });
    const failures: string[] = [];
    for (const rel of (await listFiles(out)).filter((f) => f.endsWith('.html') && !f.startsWith('search-index/'))) {
      const report = await validator.validateString(await read(rel), rel);
      for (const r of report.results) for (const m of r.messages) if (m.severity === 2) failures.push(`${rel}:${m.line}:${m.column} ${m.ruleId} ${m.message}`);
    }
    expect(failures).toEqual([]);
  });

  it('every internal link and asset resolves', async () => {
    const { broken, checked } = await checkLinks(out, '/epaper/', 'https://epaper.example.cn');
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(200);
  });

  it('each article view holds its article text in order (significant characters)', async () => {
    let n = 0;
    for (const issue of issues)
      for (const page of issue.children)
        for (const node of page.children) {
          if (node.type !== 'article') continue;
          const html = await read(`${issue.id}/${String(page.number).padStart(2, '0')}/${node.id}/index.html`);
          const shown = significantChars(articleText(html) ?? '');
          const source = significantChars(toString(node, { includeHtml: false, includeImageAlt: false }));
          const hasHtml = JSON.stringify(node).includes('"type":"html"');
          // Sanitised raw HTML adds its text; everything else must match exactly.
          if (hasHtml) expect(isSubsequence(source, shown), `${issue.id} p${page.number} ${node.id}`).toBe(true);
          else expect(shown, `${issue.id} p${page.number} ${node.id}`).toBe(source);
          n++;
        }
    expect(n).toBe(9);
  });

  it('feed and sitemap list every article; robots points at the sitemap', async () => {
    const feed = await read('feed.xml');
    const sitemap = await read('sitemap.xml');
    for (const issue of issues)
      for (const page of issue.children)
        for (const node of page.children) {
          if (node.type !== 'article') continue;
          const url = `https://epaper.example.cn/epaper/${issue.id}/${String(page.number).padStart(2, '0')}/${node.id}/`;
          expect(feed).toContain(`<id>${url}</id>`);
          expect(sitemap).toContain(`<loc>${url}</loc>`);
        }
    expect(feed).toContain('<updated>2026-11-20T00:00:00+08:00</updated>');
    expect(await read('robots.txt')).toContain('Sitemap: https://epaper.example.cn/epaper/sitemap.xml');
  });

  it('is deterministic: a second build gives byte-identical pages', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-web-det-'));
    try {
      const layouts = fixtureLayouts();
      const out2 = path.join(dir, 'dist');
      await writePrintOutputs(out2, layouts);
      await buildWebEdition(fixtureIssues(tmp), layouts, fixtureContext(out2), { search: false });
      for (const rel of result.files) expect(await readFile(path.join(out2, rel), 'utf8'), rel).toBe(await read(rel));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('web edition: templates and incremental rebuild', () => {
  it('a template that reads a missing field fails the build naming template and field', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-web-tpl-'));
    try {
      await cp(path.join(REPO_ROOT, 'templates', 'web'), path.join(dir, 'web'), { recursive: true });
      const file = path.join(dir, 'web', 'pages', 'article.hbs');
      await writeFile(file, (await readFile(file, 'utf8')).replace('{{crumbs.page.title}}', '{{crumbs.page.subtitle}}'));
      const ctx = fixtureContext(path.join(dir, 'dist'));
      const err = await buildWebEdition(fixtureIssues(tmp), new Map(), ctx, { search: false, fonts: false, templatesDir: path.join(dir, 'web') }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BanmianError);
      expect((err as Error).message).toMatch(/template pages\/article\.hbs: "subtitle" not defined/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('updatePage renders only the changed issue and site-wide lists (its speed is measured by the bench)', async () => {
    const site = result.site;
    const page = structuredClone(issues[1].children[1]);
    const a = page.children[0];
    if (a.type !== 'article') throw new Error('fixture changed');
    a.children.push({ type: 'paragraph', children: [{ type: 'text', value: '本段为增量构建测试追加的文字。' }] });
    const r = await site.updatePage('2026-11-20', page);
    expect(r.written).toContain('2026-11-20/02/a1/index.html');
    expect(r.written).not.toContain('2026-11-19/01/a1/index.html');
    expect(r.rendered).toBeGreaterThan(0);
    expect(await read('2026-11-20/02/a1/index.html')).toContain('本段为增量构建测试追加的文字。');
    // Unchanged again: nothing written.
    const again = await site.updatePage('2026-11-20', page);
    expect(again.written).toEqual([]);
  });

  it('updatePage after a text edit renders that page\'s views only; after a title edit the whole issue; the files are what a full render gives', async () => {
    const site = result.site;
    const pageRef = () => site.model.byId.get('2026-11-20')!.pages[1];
    const sameAsFullRender = async () => {
      for (const [rel, content] of renderIssueViews(site.renderContext(), site.model.byId.get('2026-11-20')!)) expect(await read(rel), rel).toBe(content);
    };
    const page = structuredClone(issues[1].children[1]);
    const a = page.children[0];
    if (a.type !== 'article') throw new Error('fixture changed');
    a.children.push({ type: 'paragraph', children: [{ type: 'text', value: '只改正文的一段。' }] });
    const text = await site.updatePage('2026-11-20', page);
    // The search source, the page view and its articles' views, and home, archive, its dates.json, feed, sitemap.
    expect(text.rendered).toBe(1 + 1 + pageRef().articles.length + 5);
    expect(text.written).toContain('2026-11-20/02/a1/index.html');
    await sameAsFullRender();
    // A new headline shows on other views (版面导航 of the front, 上一篇/下一篇, 标题导航): the whole issue again.
    const retitled = structuredClone(page);
    const head = retitled.children[0];
    if (head.type !== 'article') throw new Error('fixture changed');
    const headline = head.children.find((c) => c.type === 'headline');
    if (!headline) throw new Error('fixture changed');
    headline.children = [{ type: 'text', value: '改过的标题' }];
    const whole = await site.updatePage('2026-11-20', retitled);
    const ref = site.model.byId.get('2026-11-20')!;
    expect(whole.rendered).toBe(2 + ref.pages.length + ref.articles.length + 5);
    expect(whole.written).toContain('2026-11-20/index.html');
    await sameAsFullRender();
  });
});

function isSubsequence(needle: string, hay: string): boolean {
  let i = 0;
  for (const ch of hay) if (ch === needle[i]) i++;
  return i === needle.length;
}

describe('web edition: a site with no issue yet', () => {
  it('the home page (renderSiteView) says there is no paper yet, validates, and every link resolves', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-web-empty-'));
    try {
      const emptyOut = path.join(dir, 'dist');
      const built = await buildWebEdition([], new Map(), fixtureContext(emptyOut), { fonts: false });
      expect(built.counts.issues).toBe(0);
      const home = await readFile(path.join(emptyOut, 'index.html'), 'utf8');
      expect(home).toContain('还没有出版的报纸。');
      expect(home).toContain('<h1 class="view-title">');
      // No issue: no page image, no issue bar, no 版面导航 entries.
      expect(home).not.toMatch(/class="issue-bar/);
      expect(home).not.toMatch(/第\d\d版/);
      const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });
      const report = await validator.validateString(home, 'index.html');
      expect(report.results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`))).toEqual([]);
      const { broken, checked } = await checkLinks(emptyOut, '/epaper/', 'https://epaper.example.cn');
      expect(broken).toEqual([]);
      expect(checked).toBeGreaterThan(5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
