/**
 * Jump lines (转版) in one style. The planner's own print `（下转第N版）` (jumpText in
 * full-width parentheses); a typed one is printed the same way. Pure.
 */
import { jumpText } from '../ast/vocabulary.js';

/**
 * The printed text of a typed jump line: `（下转第N版）` when what the editor typed is that
 * line in some other dress (brackets, parentheses, spaces); otherwise their own words in
 * the same parentheses, every character kept (`转二版` → `（转二版）`).
 */
export function printedJump(typed: string, direction: 'to' | 'from', page: number): string {
  const bare = typed.replace(/[\s\u3000()（）[\]【】〔〕<>《》〈〉]/g, '');
  if (bare === jumpText(direction, page)) return `（${jumpText(direction, page)}）`;
  return `（${bare || jumpText(direction, page)}）`;
}

/** What a page's name and front matter say about it. */
export interface PageMarks {
  name?: string;
  pinyin?: string;
  meta?: Record<string, unknown>;
}

/**
 * Whether continuations (上接) may land on the page. Front matter `continuations: true` or
 * `false` says so outright; otherwise a themed or special page does not take them: a page
 * whose name is one of `specialNames` (专题, 特刊 …) or that carries a pinyin name line
 * (the header of a themed page such as 品质海岸).
 */
export function acceptsContinuations(page: PageMarks, specialNames: ReadonlyArray<string>): boolean {
  const said = page.meta?.continuations;
  if (typeof said === 'boolean') return said;
  if (page.pinyin) return false;
  return !specialNames.some((n) => page.name?.includes(n));
}
