/**
 * The web edition (数字报): `buildWebEdition` writes the static site into `ctx.outDir`.
 * The lower-level pieces (`WebSite.updatePage`, `renderArticle`, `renderPageView`, …)
 * serve incremental rebuilds.
 */
import type { Issue } from '../ast/types.js';
import type { BuildContext } from '../build/context.js';
import type { IssueLayout } from '../layout/types.js';
import { WebSite, type WebBuildResult, type WebOptions } from './site.js';

export { WebSite, type UpdateResult, type WebBuildResult, type WebOptions } from './site.js';
export { issueViewKey, renderArchive, renderArticle, renderHome, renderIssueFront, renderIssueViews, renderNotFound, renderPageView, renderSearch, renderSearchSource, renderSubscribe, type RenderContext } from './render.js';
export { buildModel, type ArticleRef, type IssueRef, type PageRef, type SiteModel } from './model.js';
export { loadTemplates, Templates } from './templates.js';
export { renderFeed } from './feed.js';
export { renderSitemap, renderRobots } from './sitemap.js';
export { buildSearchIndex, querySearchIndex, SEARCH_INDEX_DIR } from './search.js';
export { sanitizeHtml, safeUrl } from './sanitize.js';
export { SiteUrls, routes, routeFile } from './urls.js';

/**
 * Builds the e-paper from the parsed issues and the print edition's layouts (an issue
 * without a layout — `--only html` — gets text page lists instead of page images).
 */
export async function buildWebEdition(
  issues: Issue[],
  layouts: Map<string, IssueLayout>,
  ctx: BuildContext,
  options: WebOptions = {},
): Promise<WebBuildResult> {
  const site = new WebSite(issues, layouts, ctx, options);
  const result = await site.build();
  const { counts } = result;
  ctx.log.info(
    `web edition: ${counts.issues} issue(s), ${counts.pages} page view(s), ${counts.articles} article(s), ${result.files.length} file(s)` +
      (result.warnings.length ? `, ${result.warnings.length} warning(s)` : ''),
  );
  return result;
}
