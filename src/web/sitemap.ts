/** `sitemap.xml` (every page a reader can land on) and `robots.txt` pointing at it. */
import type { SiteModel } from './model.js';
import { routes, type SiteUrls } from './urls.js';
import { escapeXml as x } from './xml.js';

export function renderSitemap(model: SiteModel, urls: SiteUrls): string {
  const lines = ['<?xml version="1.0" encoding="utf-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'];
  const add = (rel: string, lastmod?: string) =>
    lines.push(`  <url><loc>${x(urls.abs(rel))}</loc>${lastmod ? `<lastmod>${lastmod}</lastmod>` : ''}</url>`);
  add(routes.home(), model.issues[0]?.date);
  for (const issue of model.issues) {
    add(issue.url, issue.date);
    for (const page of issue.pages) {
      add(page.url, issue.date);
      for (const article of page.articles) add(article.url, issue.date);
    }
  }
  lines.push('</urlset>', '');
  return lines.join('\n');
}

export function renderRobots(urls: SiteUrls): string {
  return `User-agent: *\nAllow: /\n\nSitemap: ${urls.abs(routes.sitemap())}\n`;
}
