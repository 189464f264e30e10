/**
 * The site model: issues, pages and articles with their addresses, titles and
 * neighbours, computed once from the AST and the print layouts. Templates get views
 * made from it; an incremental rebuild replaces one issue's part of it.
 */
import { toString } from 'mdast-util-to-string';
import { articleParts, headlineText, type ArticleParts } from '../ast/parts.js';
import type { Article, Banner, Issue, Page } from '../ast/types.js';
import type { IssueLayout, PageLayout } from '../layout/types.js';
import { routes } from './urls.js';
import { bannerOwners, issueDateText, pageLabel } from '../ast/vocabulary.js';

export interface IssueRef {
  issue: Issue;
  id: string;
  date: string;
  /** `2026年11月20日` */
  dateText: string;
  /** `星期五` */
  weekday: string;
  /** `丙午年十月十二`, or empty when the runtime has no Chinese calendar. */
  lunar: string;
  url: string;
  pages: PageRef[];
  articles: ArticleRef[];
  layout?: IssueLayout;
}

export interface PageRef {
  issue: IssueRef;
  page: Page;
  number: number;
  /** `第03版` */
  label: string;
  /** `要闻` (may be empty) */
  name: string;
  /** `第03版：要闻` */
  title: string;
  url: string;
  articles: ArticleRef[];
  /** The banner each article is under (by article id; `bannerOwners`: the article right after it). */
  banners: Map<string, Banner>;
  layout?: PageLayout;
  prev?: PageRef;
  next?: PageRef;
}

export interface ArticleRef {
  page: PageRef;
  article: Article;
  id: string;
  title: string;
  parts: ArticleParts;
  url: string;
  prev?: ArticleRef;
  next?: ArticleRef;
}

export interface SiteModel {
  /** Newest first. */
  issues: IssueRef[];
  byId: Map<string, IssueRef>;
}


export function buildModel(issues: Issue[], layouts: Map<string, IssueLayout>): SiteModel {
  const refs = issues.map((issue) => issueRef(issue, layouts.get(issue.id)));
  refs.sort((a, b) => (a.date === b.date ? (a.id < b.id ? 1 : -1) : a.date < b.date ? 1 : -1));
  return { issues: refs, byId: new Map(refs.map((r) => [r.id, r])) };
}

/** Replaces (or adds) one issue in the model, e.g. after one of its pages changed. */
export function replaceIssue(model: SiteModel, issue: Issue, layout: IssueLayout | undefined): IssueRef {
  const ref = issueRef(issue, layout);
  const i = model.issues.findIndex((r) => r.id === issue.id);
  if (i >= 0) model.issues[i] = ref;
  else {
    model.issues.push(ref);
    model.issues.sort((a, b) => (a.date === b.date ? (a.id < b.id ? 1 : -1) : a.date < b.date ? 1 : -1));
  }
  model.byId.set(ref.id, ref);
  return ref;
}

export function issueRef(issue: Issue, layout: IssueLayout | undefined): IssueRef {
  const dateText = issueDateText(issue.date);
  const ref: IssueRef = {
    issue,
    id: issue.id,
    date: issue.date,
    dateText: dateText.date,
    weekday: dateText.weekday,
    lunar: dateText.lunar,
    url: routes.issue(issue.id),
    pages: [],
    articles: [],
    layout,
  };
  const pages = [...issue.children].sort((a, b) => a.number - b.number);
  for (const page of pages) {
    const label = pageLabel(page.number);
    const name = page.name ?? '';
    const pageRef: PageRef = {
      issue: ref,
      page,
      number: page.number,
      label,
      name,
      title: name ? `${label}：${name}` : label,
      url: routes.page(issue.id, page.number),
      articles: [],
      banners: bannerOwners(page),
      layout: layout?.pages.find((p) => p.number === page.number),
    };
    for (const child of page.children) {
      if (child.type !== 'article') continue;
      const parts = articleParts(child);
      pageRef.articles.push({
        page: pageRef,
        article: child,
        id: child.id,
        title: headlineText(child) || toString(child).slice(0, 30),
        parts,
        url: routes.article(issue.id, page.number, child.id),
      });
    }
    ref.pages.push(pageRef);
    ref.articles.push(...pageRef.articles);
  }
  link(ref.pages);
  link(ref.articles);
  return ref;
}

function link<T extends { prev?: T; next?: T }>(items: T[]): void {
  items.forEach((item, i) => {
    item.prev = items[i - 1];
    item.next = items[i + 1];
  });
}

/** The article on `page` that continues `from` (its `上接第N版` jump points back), if any. */
export function continuationOf(issue: IssueRef, fromPage: number, toPage: number): ArticleRef | undefined {
  const target = issue.pages.find((p) => p.number === toPage);
  return target?.articles.find((a) => a.article.children.some((c) => c.type === 'jump' && c.direction === 'from' && c.page === fromPage));
}

/** The article `to` continues from (the article on `fromPage` with a `下转` jump to `toPage`). */
export function originOf(issue: IssueRef, toPage: number, fromPage: number): ArticleRef | undefined {
  const source = issue.pages.find((p) => p.number === fromPage);
  return source?.articles.find((a) => a.article.children.some((c) => c.type === 'jump' && c.direction === 'to' && c.page === toPage));
}


/**
 * What the views of an issue's other pages and its front show of `page`: its name, its
 * articles' ids and titles (版面导航, 标题导航, 上一篇/下一篇 across pages, hot areas of
 * modules placed elsewhere), and its jump lines (their links). After an edit that leaves
 * this unchanged only the page's own views (and the issue's search source) can differ.
 */
export function pageFootprint(page: PageRef): string {
  return JSON.stringify([
    page.name,
    page.articles.map((a) => [a.id, a.title, a.article.children.flatMap((c) => (c.type === 'jump' ? [[c.direction, c.page]] : []))]),
  ]);
}
