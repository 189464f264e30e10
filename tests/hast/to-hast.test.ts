/**
 * The one AST → HTML table (src/hast) as each edition uses it: the web's options
 * (webMarkup) and the print edition's (printMarkup, blockHtml, figureHtml, headerHtml).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { articleParts } from '../../src/ast/parts.js';
import { significantChars } from '../../src/ast/text.js';
import type { Article, BodyBlock, Figure, Inline, Paragraph, Text } from '../../src/ast/types.js';
import { bannerOwners } from '../../src/ast/vocabulary.js';
import { toHtml } from '../../src/hast/to-hast.js';
import { loadIssue } from '../../src/parse/issue.js';
import { blockHtml, figureHtml, headerHtml, inlineHtml, printMarkup } from '../../src/print/html.js';
import { type NodeEnv, webMarkup } from '../../src/web/templates.js';

const t = (value: string): Text => ({ type: 'text', value });
const p = (...children: Inline[]): Paragraph => ({ type: 'paragraph', children });

function web(extra: Partial<NodeEnv> = {}) {
  const warnings: string[] = [];
  const env: NodeEnv = {
    file: 'x.md',
    warn: (m) => warnings.push(m),
    figureImage: (src) => (src === 'images/a.jpg' ? { src: '/img/a.jpg', width: 640, height: 480 } : undefined),
    jumpHref: (d, n) => (n === 2 ? `/p${n}/${d}/` : undefined),
    ...extra,
  };
  return { options: webMarkup(env), warnings };
}

/** Visible text of an HTML fragment (tags dropped, the entities the editions write decoded). */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('one table, two editions', () => {
  it('escapes text in both editions and runs nothing from it', () => {
    const node = p(t('<script>alert("x")</script> & <b>'));
    for (const o of [web().options, printMarkup()]) {
      const html = toHtml(node, o);
      expect(html).not.toContain('<script');
      expect(html).not.toContain('<b>');
      // Print's line rules may wrap the last characters in a span (src/layout/lines.ts): compare the text.
      expect(html.replace(/<span class="nb">([^<]*)<\/span>/g, '$1')).toContain('&lt;script>alert("x")&lt;/script> &amp; &lt;b>');
    }
  });

  it('renders an interview turn the same way in both editions', () => {
    const q: BodyBlock = { type: 'question', speaker: '记者', children: [p({ type: 'speaker', children: [t('记者：')] }, t('今年怎样？'))] };
    const expected = '<div class="turn question"><p><strong class="speaker">记者：</strong>今年怎样？</p></div>';
    expect(toHtml(q, web().options)).toBe(expected);
    // Print adds its line rules (the paragraph's last two characters kept together), nothing else.
    expect(blockHtml(q)).toBe(expected.replace('今年怎样？', '今年<span class="nb">怎样？</span>'));
  });

  it('puts a subhead one rank below the edition’s headline', () => {
    const sub: BodyBlock = { type: 'subhead', children: [t('龙头引领')] };
    expect(toHtml(sub, web().options)).toBe('<h2 class="subhead">龙头引领</h2>');
    expect(blockHtml(sub)).toBe('<h3 class="subhead">龙头<span class="nb">引领</span></h3>');
  });

  it('links a jump line on the web when the target page exists, prints it as text', () => {
    const jump: BodyBlock = { type: 'jump', direction: 'to', page: 2, children: [t('下转第2版')] };
    expect(toHtml(jump, web().options)).toBe('<p class="jump jump-to"><a href="/p2/to/">下转第2版</a></p>');
    expect(toHtml({ ...jump, page: 9 }, web().options)).toBe('<p class="jump jump-to">下转第2版</p>');
    // Print: in the generated style, whatever dress it was typed in.
    expect(blockHtml(jump)).toBe('<p class="jump jump-to">（下转第2版）</p>');
    expect(blockHtml({ ...jump, children: [t('【下转第2版】')] })).toBe('<p class="jump jump-to">（下转第2版）</p>');
  });

  it('fails on a node kind it has no handler for', () => {
    expect(() => toHtml({ type: 'mystery', children: [] }, printMarkup())).toThrow(/no HTML handler for AST node "mystery"/);
  });
});

describe('print options', () => {
  it('keeps —— and …… whole, glued to the character before', () => {
    expect(inlineHtml([t('稳中有进 进中提质——')])).toBe('稳中有进 进中提<span class="nb">质——</span>');
    expect(inlineHtml([t('等等……还有')])).toBe('等<span class="nb">等……</span>还有');
    expect(toHtml(p(t('稳中有进——')), web().options)).toBe('<p>稳中有进——</p>');
  });

  it('marks the slices of a paragraph cut between two lines', () => {
    expect(blockHtml({ ...p(t('前半')), data: { cutEnd: true } } as Paragraph)).toBe('<p class="cut-end">前半</p>');
    expect(blockHtml({ type: 'lead', children: [t('后半')], data: { cutStart: true } } as BodyBlock)).toBe('<p class="lead cut-start"><span class="nb">后半</span></p>');
  });

  it('sets a photo with its print size, and a caption without a photo as column text', () => {
    const fig: Figure = {
      type: 'figure',
      src: 'images/a.jpg',
      alt: '候鸟',
      children: [
        { type: 'caption', mark: true, children: [t('候鸟栖息')] },
        { type: 'photoCredit', names: ['郑子墨'], children: [t('郑子墨 摄')] },
      ],
    };
    expect(figureHtml(fig, '/print/a.jpg', 123.456)).toBe(
      '<figure class="photo"><img src="/print/a.jpg" alt="候鸟" style="height:123.46pt"><figcaption><span class="cap mark">候鸟栖息</span><span class="credit">郑子墨 摄</span></figcaption></figure>',
    );
    expect(blockHtml({ ...fig, src: undefined })).toBe('<p class="caption-only">候鸟栖息<span class="credit">郑子墨 摄</span></p>');
  });

  it('prints raw HTML of a hand-built AST as text, and links as their text', () => {
    expect(blockHtml({ type: 'html', value: '<img src=x onerror=alert(1)>' })).toBe('<p>&lt;img src=x onerror=alert(1)></p>');
    expect(inlineHtml([{ type: 'link', url: 'https://example.org/', children: [t('见此')] }])).toBe('见此');
  });

  it('sizes the header from the headline and sets the banner over it', () => {
    const article: Article = {
      type: 'article',
      id: 'a1',
      lead: true,
      children: [
        { type: 'kicker', children: [t('稳中有进——')] },
        { type: 'headline', children: [t('主题一'), { type: 'break' }, t('主题二')] },
        { type: 'subtitle', dash: true, children: [t('访某人')] },
        { type: 'byline', mark: true, names: ['林晓岚'], children: [t('本报记者 林晓岚')] },
        p(t('正文')),
      ],
    };
    const banner = { type: 'banner' as const, children: [{ type: 'bannerTitle' as const, children: [t('奋进新征程')] }] };
    expect(headerHtml(article, { headlinePt: 30, banner })).toBe(
      '<div class="banner"><span class="banner-title">奋进新征程</span></div><div class="mh-in"><div class="tg">' +
        '<p class="kicker" style="font-size:12.6pt">稳中<span class="nb">有进——</span></p>' +
        '<h2 class="hl" style="font-size:30pt">主题一<br>主<span class="nb">题二</span></h2>' +
        '<p class="subtitle dash" style="font-size:13.5pt">访<span class="nb">某人</span></p></div>' +
        '<div class="bg"><p class="byline mark">本报记者 林晓岚</p></div></div>',
    );
    expect(headerHtml(article, { headlinePt: 14, continuedFrom: 1 })).toBe(
      '<div class="mh-in"><div class="tg"><h2 class="hl hl-cont" style="font-size:14pt">主题一主题二</h2><p class="jump jump-from">（上接第1版）</p></div></div>',
    );
  });
});

describe('web options', () => {
  it('shows a figure’s web copy, and warns when it is missing', () => {
    const fig: Figure = { type: 'figure', src: 'images/a.jpg', children: [{ type: 'caption', mark: false, children: [t('候鸟')] }, { type: 'photoCredit', names: [], children: [t('摄')] }] };
    const { options } = web();
    expect(toHtml(fig, options)).toBe(
      '<figure class="figure"><img src="/img/a.jpg" width="640" height="480" alt="候鸟" loading="lazy" decoding="async"><figcaption><span class="caption">候鸟</span> <span class="photo-credit">摄</span></figcaption></figure>',
    );
    const missing = web();
    expect(toHtml({ ...fig, src: 'images/none.jpg' }, missing.options)).toBe(
      '<figure class="figure figure-text"><figcaption><span class="caption">候鸟</span> <span class="photo-credit">摄</span></figcaption></figure>',
    );
    expect(missing.warnings).toEqual(['figure image images/none.jpg not found']);
  });

  it('keeps safe links, drops unsafe ones with a warning', () => {
    const { options, warnings } = web();
    expect(toHtml(p({ type: 'link', url: 'https://example.org/?a=1&b=2', children: [t('外链')] }), options)).toBe('<p><a href="https://example.org/?a=1&amp;b=2" rel="noopener">外链</a></p>');
    expect(toHtml(p({ type: 'link', url: 'javascript:alert(1)', children: [t('坏链')] }), options)).toBe('<p>坏链</p>');
    expect(warnings).toEqual(['dropped link with unsafe URL "javascript:alert(1)"']);
  });

  it('sanitises inline raw HTML together with its paragraph, so a tag pair spanning nodes stays a pair', () => {
    const { options, warnings } = web();
    const html = toHtml(p(t('甲'), { type: 'html', value: '<b>' }, t('乙'), { type: 'html', value: '</b><script>x()</script>' }), options);
    expect(html).toBe('<p>甲<b>乙</b></p>');
    expect(warnings.join('\n')).toMatch(/removed .*script/);
  });

  it('renders lists as lists on the web and as numbered paragraphs in print', () => {
    const list: BodyBlock = { type: 'list', ordered: true, start: 3, children: [{ type: 'listItem', children: [p(t('一项'))] }, { type: 'listItem', children: [p(t('二项'))] }] };
    expect(toHtml(list, web().options)).toBe('<ol start="3"><li><p>一项</p></li><li><p>二项</p></li></ol>');
    expect(blockHtml(list)).toBe('<div class="list"><p>3. 一项</p><p>4. 二项</p></div>');
  });
});

/** Every `value` under a node, in order (mdast-util-to-string would give a figure's alt instead). */
function valuesOf(node: unknown): string {
  const n = node as { value?: unknown; children?: unknown[] };
  if (typeof n.value === 'string') return n.value;
  return (n.children ?? []).map(valuesOf).join('');
}

const sample = path.resolve(import.meta.dirname, '../../issues/2026-11-20');

describe.skipIf(!existsSync(sample))('the sample issue', () => {
  it('loses no character of any article in either edition', async () => {
    const { issue } = await loadIssue(sample);
    const editions: Array<[string, (b: BodyBlock) => string]> = [
      ['web', (b) => toHtml(b, web().options)],
      ['print', blockHtml],
    ];
    let articles = 0;
    for (const page of issue.children) {
      for (const node of page.children) {
        if (node.type !== 'article') continue;
        articles++;
        const { body } = articleParts(node);
        const want = significantChars(body.map(valuesOf).join(''));
        expect(want.length).toBeGreaterThan(0);
        for (const [name, render] of editions) {
          const got = significantChars(textOf(body.map(render).join('')));
          expect(got, `${name} ${page.number}/${node.id}`).toBe(want);
        }
      }
    }
    expect(articles).toBeGreaterThan(10);
  });

  it('gives each banner to the one article after it', async () => {
    const { issue } = await loadIssue(sample);
    const owners = issue.children.map((page) => [page.number, [...bannerOwners(page).keys()]]);
    expect(owners).toEqual([
      [1, []],
      [2, []],
      [3, ['a1']],
      [4, ['a1']],
    ]);
  });
});
