/**
 * Corrections (更正) to a published issue: shown on the web under the article they
 * correct, never in the print record (what went to press stays what went to press).
 * They live in the issue's `issue.yaml`, which the record compares without this key:
 *
 * ```yaml
 * corrections:
 *   - article: 01/a3          # page number / article id, as in the article's URL
 *     date: 2026-11-22
 *     text: 本报11月20日第1版《……》一文中，“……”应为“……”。特此更正。
 * ```
 */
import { issueFolder } from '../ast/issue-folder.js';
import path from 'node:path';
import type { Issue } from '../ast/types.js';
import { BanmianError } from '../errors.js';

export interface Correction {
  date: string;
  /** 2026年11月22日 */
  dateText: string;
  text: string;
}

/** The corrections of one article (in the order given); a malformed entry is a one-line error naming issue.yaml. */
export function articleCorrections(issue: Issue, page: number, articleId: string): Correction[] {
  const list = issue.meta?.corrections;
  if (list === undefined || list === null) return [];
  const file = path.join(issueFolder(issue), 'issue.yaml');
  const fail = (why: string) => new BanmianError(`corrections: ${why} (see docs/markup.md, 更正)`, { file: path.relative(process.cwd(), file) || file });
  if (!Array.isArray(list)) throw fail('must be a list of { article, date, text }');
  const out: Correction[] = [];
  list.forEach((entry: unknown, i) => {
    const e = entry as Record<string, unknown> | null;
    const target = typeof e?.article === 'string' ? /^(\d+)\/([\w.-]+)$/.exec(e.article.trim()) : null;
    const date = e?.date instanceof Date ? e.date.toISOString().slice(0, 10) : typeof e?.date === 'string' ? e.date.trim() : '';
    const text = typeof e?.text === 'string' ? e.text.trim() : '';
    if (!target) throw fail(`entry ${i + 1} needs article: <page>/<article id>, like 01/a3`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw fail(`entry ${i + 1} needs date: YYYY-MM-DD`);
    if (!text) throw fail(`entry ${i + 1} needs text`);
    const [, pageText, id] = target;
    const onPage = issue.children.find((p) => p.number === Number(pageText));
    if (!onPage?.children.some((c) => c.type === 'article' && c.id === id)) throw fail(`entry ${i + 1}: no article ${e!.article} in issue ${issue.id}`);
    if (Number(pageText) === page && id === articleId) {
      const [y, m, d] = date.split('-').map(Number);
      out.push({ date, dateText: `${y}年${m}月${d}日`, text });
    }
  });
  return out;
}
