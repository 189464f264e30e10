/**
 * `feed.xml`: an Atom feed of the latest articles (config `site.feedSize`), newest
 * issue first and in page order within an issue. `updated` is the latest issue's date,
 * so the same input gives the same bytes.
 */
import { toString } from 'mdast-util-to-string';
import type { BanmianConfig } from '../config/types.js';
import type { ArticleRef, SiteModel } from './model.js';
import { routes, type SiteUrls } from './urls.js';
import { escapeXml as x, issueTimestamp } from './xml.js';

export function latestArticles(model: SiteModel, count: number): ArticleRef[] {
  const out: ArticleRef[] = [];
  for (const issue of model.issues) {
    for (const article of issue.articles) {
      if (out.length >= count) return out;
      out.push(article);
    }
  }
  return out;
}

export function renderFeed(model: SiteModel, urls: SiteUrls, config: BanmianConfig): string {
  const { paper, site } = config;
  const latest = model.issues[0];
  const updated = latest ? issueTimestamp(latest.date) : '1970-01-01T00:00:00Z';
  const entries = latestArticles(model, site.feedSize).map((a) => {
    const issue = a.page.issue;
    const url = urls.abs(a.url);
    const names = a.parts.bylines.flatMap((b) => b.names);
    const summary = a.parts.body
      .filter((b) => b.type === 'lead' || b.type === 'paragraph' || b.type === 'question' || b.type === 'answer')
      .slice(0, 2)
      .map((b) => toString(b, { includeHtml: false }))
      .join('')
      .slice(0, 200);
    return [
      '  <entry>',
      `    <title>${x(a.title)}</title>`,
      `    <id>${x(url)}</id>`,
      `    <link rel="alternate" type="text/html" href="${x(url)}"/>`,
      `    <published>${issueTimestamp(issue.date)}</published>`,
      `    <updated>${issueTimestamp(issue.date)}</updated>`,
      ...(names.length ? names : [paper.name]).map((n) => `    <author><name>${x(n)}</name></author>`),
      `    <category term="${x(a.page.title)}"/>`,
      summary ? `    <summary type="text">${x(summary)}</summary>` : '',
      '  </entry>',
    ]
      .filter(Boolean)
      .join('\n');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
    `  <title>${x(paper.name)}</title>`,
    `  <subtitle>${x(`${paper.name}数字报`)}</subtitle>`,
    `  <id>${x(urls.abs(routes.home()))}</id>`,
    `  <link rel="self" type="application/atom+xml" href="${x(urls.abs(routes.feed()))}"/>`,
    `  <link rel="alternate" type="text/html" href="${x(urls.abs(routes.home()))}"/>`,
    `  <updated>${updated}</updated>`,
    `  <author><name>${x(paper.publisher ?? paper.name)}</name></author>`,
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}
