/** `sitemap.xml` (every page a reader can land on) and `robots.txt` pointing at it. */
import type { IssueRef, SiteModel } from './model.js';
import { routes, type SiteUrls } from './urls.js';
import { escapeXml as x } from './xml.js';

/**
 * Each issue's lines, by site addresses and issue: an incremental rebuild replaces one
 * issue's `IssueRef` (src/web/model.ts), so only that issue's lines are made again.
 */
const issueLines = new WeakMap<SiteUrls, WeakMap<IssueRef, string>>();

function urlLine(urls: SiteUrls, rel: string, lastmod?: string): string {
  return `  <url><loc>${x(urls.abs(rel))}</loc>${lastmod ? `<lastmod>${lastmod}</lastmod>` : ''}</url>`;
}

function linesOf(urls: SiteUrls, issue: IssueRef): string {
  let byIssue = issueLines.get(urls);
  if (!byIssue) issueLines.set(urls, (byIssue = new WeakMap()));
  let text = byIssue.get(issue);
  if (text === undefined) {
    const lines = [urlLine(urls, issue.url, issue.date)];
    for (const page of issue.pages) {
      lines.push(urlLine(urls, page.url, issue.date));
      for (const article of page.articles) lines.push(urlLine(urls, article.url, issue.date));
    }
    byIssue.set(issue, (text = lines.join('\n')));
  }
  return text;
}

/**
 * A streamed build (src/web/site.ts) drops an issue's tree once its views are written and
 * keeps a summary without articles: the lines made from the whole issue go with the summary.
 */
export function keepSitemapLines(urls: SiteUrls, whole: IssueRef, summary: IssueRef): void {
  const text = linesOf(urls, whole);
  issueLines.get(urls)!.set(summary, text);
}

export function renderSitemap(model: SiteModel, urls: SiteUrls): string {
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'];
  lines.push(urlLine(urls, routes.home(), model.issues[0]?.date));
  for (const issue of model.issues) lines.push(linesOf(urls, issue));
  lines.push('</urlset>', '');
  return lines.join('\n');
}

export function renderRobots(urls: SiteUrls): string {
  return `User-agent: *\nAllow: /\n\nSitemap: ${urls.abs(routes.sitemap())}\n`;
}
