/**
 * Addresses of the e-paper. Every internal link is base-path-prefixed and absolute
 * (`/epaper/2026-11-20/03/a1/`): one rule that also works in 404.html, which a host
 * serves at any address. Canonical and feed URLs add the site URL in front.
 *
 * `rel` paths are relative to the site root, without a leading slash; a folder ends
 * with `/` (served by its index.html).
 */
import { paths } from '../build/context.js';
import type { SiteConfig } from '../config/types.js';

export class SiteUrls {
  readonly basePath: string;
  readonly origin: string;

  constructor(site: Pick<SiteConfig, 'url' | 'basePath'>) {
    let base = site.basePath || '/';
    if (!base.startsWith('/')) base = '/' + base;
    if (!base.endsWith('/')) base += '/';
    this.basePath = base;
    this.origin = site.url.replace(/\/+$/, '');
  }

  /** Base-path-prefixed link for a site-relative path. */
  href(rel: string): string {
    return this.basePath + rel.replace(/^\/+/, '');
  }

  /** Absolute URL (canonical, feed, sitemap, OpenGraph). */
  abs(rel: string): string {
    return this.origin + this.href(rel);
  }
}

/** Site-relative addresses (folders end with `/`) and the files that serve them. */
export const routes = {
  home: () => '',
  issue: (issueId: string) => `${paths.issueDir(issueId)}/`,
  page: (issueId: string, page: number) => `${paths.pageDir(issueId, page)}/`,
  article: (issueId: string, page: number, articleId: string) => `${paths.articleDir(issueId, page, articleId)}/`,
  search: () => 'search/',
  archive: () => 'archive/',
  /** The page that explains the feed (订阅). */
  subscribe: () => 'feed/',
  notFound: () => '404.html',
  feed: () => 'feed.xml',
  sitemap: () => 'sitemap.xml',
  robots: () => 'robots.txt',
  /** A file of the issue's output folder (page image, PDF): `layout.json` paths are relative to it. */
  issueFile: (issueId: string, file: string) => `${paths.issueDir(issueId)}/${file.replace(/^\.?\/+/, '')}`,
  asset: (name: string) => `assets/${name}`,
};

/** The file that serves a route: folders get `index.html`. */
export function routeFile(rel: string): string {
  return rel === '' || rel.endsWith('/') ? `${rel}index.html` : rel;
}
