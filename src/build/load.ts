/**
 * Loading issues for a streamed build: the web edition of a large archive must not hold
 * every issue's tree at once (issue 16: 1,000 issues' trees were most of a 4.8 GB build).
 *
 * While the issues are loaded, a published issue (its print output comes from its record,
 * src/archive/record.ts) is kept as a summary: the issue with its pages but not their
 * content. The web edition loads its tree again when it renders it (`IssueLoader.whole`:
 * from the record's pages.json, or parsed) and drops it after (src/web/site.ts). Issues
 * the print edition lays out are kept whole.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { VFile } from 'vfile';
import type { Issue } from '../ast/types.js';
import { copyIssue, issueFolder } from '../ast/issue-folder.js';
import type { PageCache } from '../parse/issue.js';

export class IssueLoader {
  /** Issues kept as summaries (their pages without content). */
  private readonly summaries = new WeakSet<Issue>();

  constructor(
    private readonly opts: { root: string; issuesDir: string; archiveDir: string; hasArchive: boolean },
    /** Whether this issue is kept whole (the print edition needs its tree). */
    private readonly keepWhole: (issue: Issue) => boolean,
  ) {}

  /** For `loadIssues({ keep })`: the issue, or its summary. */
  readonly keep = (issue: Issue): Issue => {
    if (this.keepWhole(issue)) return issue;
    const summary = copyIssue(issue, { children: issue.children.map((page) => ({ ...page, children: [] })) });
    this.summaries.add(summary);
    return summary;
  };

  /**
   * `loadIssues`, keeping each issue (or its summary) as it is loaded. Only the plain case is
   * streamed — every entry of the issues folder a file, or a folder with an issue.yaml; anything
   * else (symbolic links, folders without issue.yaml, `ids`) goes through `loadIssues` whole, then
   * summarised, so its checks and messages stay exactly those of `loadIssues`.
   */
  async load(opts: { ids?: string[]; pageCache?: PageCache }): Promise<{ issues: Issue[]; files: VFile[] }> {
    const { loadIssue, loadIssues } = await import('../parse/index.js');
    const absDir = path.resolve(this.opts.root, this.opts.issuesDir);
    const whole = async () => {
      const r = await loadIssues(this.opts.issuesDir, { ids: opts.ids, root: this.opts.root, pageCache: opts.pageCache });
      const issues = r.issues.map(this.keep);
      for (const issue of issues) if (this.summaries.has(issue)) dropBytes(r.files, issue);
      return { issues, files: r.files };
    };
    if (opts.ids?.length) return whole();
    const entries = await readdir(absDir, { withFileTypes: true }).catch(() => undefined);
    if (!entries) return whole();
    const folders: string[] = [];
    for (const e of entries) {
      if (e.name.startsWith('.') || e.isFile()) continue;
      if (!e.isDirectory()) return whole();
      const hasYaml = await stat(path.join(absDir, e.name, 'issue.yaml')).then((s) => s.isFile(), () => false);
      if (!hasYaml) return whole();
      folders.push(e.name);
    }
    if (!folders.length) return whole();
    const issues: Issue[] = [];
    const files: VFile[] = [];
    for (const name of folders.sort()) {
      const r = await loadIssue(path.join(absDir, name), { root: this.opts.root, issuesDir: absDir, pageCache: opts.pageCache });
      const kept = this.keep(r.issue);
      if (this.summaries.has(kept)) dropBytes(r.files, kept);
      issues.push(kept);
      files.push(...r.files);
    }
    // As loadIssues sorts them.
    issues.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { issues, files };
  }

  /** Whether the issue is a summary (its pages without their content). */
  isSummary(issue: Issue): boolean {
    return this.summaries.has(issue);
  }

  /** The whole issue: itself when kept whole, else loaded again (pages from its record's pages.json where they match). */
  readonly whole = async (issue: Issue): Promise<Issue> => {
    if (!this.summaries.has(issue)) return issue;
    const { loadIssue } = await import('../parse/index.js');
    // A page cache hands each page out once: a fresh one per issue (it reads only this issue's pages.json).
    const pageCache = this.opts.hasArchive ? (await import('../archive/page-cache.js')).recordPageCache(this.opts.archiveDir) : undefined;
    const { issue: loaded } = await loadIssue(issueFolder(issue), { root: this.opts.root, issuesDir: path.resolve(this.opts.issuesDir), pageCache });
    return loaded;
  };
}

/**
 * A summarised issue's page files keep their messages (the build's warnings, PageDiagnostics)
 * but not their bytes: at 1,000 issues those were ~120 MB held to the end for nothing.
 */
function dropBytes(files: VFile[], issue: Issue): void {
  const pages = new Set(issue.children.map((p) => p.file));
  for (const f of files) if (pages.has(f.path)) f.value = '';
}
