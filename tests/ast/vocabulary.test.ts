/** The one vocabulary (src/ast/vocabulary.ts) and the parser reading staff lines with it. */
import { describe, expect, it } from 'vitest';
import type { Article, Banner, Page } from '../../src/ast/types.js';
import {
  bannerOwners,
  HEADER_TYPES,
  isHeaderType,
  issueDateText,
  issueNumberText,
  issueTotalText,
  jumpText,
  monthText,
  pageLabel,
  STAFF_ROLES,
  staffText,
  staffWordsLongestFirst,
} from '../../src/ast/vocabulary.js';
import { isStaffLine, parseStaff } from '../../src/parse/patterns.js';

describe('labels and dates', () => {
  it('prints the paper’s labels', () => {
    expect(pageLabel(3)).toBe('第03版');
    expect(pageLabel(12)).toBe('第12版');
    expect(issueNumberText(2468)).toBe('第2468期');
    expect(issueTotalText(12345)).toBe('（总第12345期）');
    expect(issueTotalText(undefined)).toBe('');
    expect(jumpText('to', 2)).toBe('下转第2版');
    expect(jumpText('from', 1)).toBe('上接第1版');
    expect(monthText(2026, 11)).toBe('2026年11月');
  });

  it('writes an issue date with its weekday', () => {
    const d = issueDateText('2026-11-20');
    expect(d.date).toBe('2026年11月20日');
    expect(d.weekday).toBe('星期五');
  });
});

describe('node kinds', () => {
  it('knows the header kinds in reading order', () => {
    expect([...HEADER_TYPES]).toEqual(['sectionLabel', 'kicker', 'headline', 'subtitle', 'byline']);
    expect(isHeaderType('kicker')).toBe(true);
    expect(isHeaderType('lead')).toBe(false);
  });
});

describe('staff roles', () => {
  it('prints the roles in the paper’s order, skipping empty ones', () => {
    expect(staffText({ typesetter: ['邵明月'], editor: ['林海', '宋雨桐'], designer: [] }, '　')).toBe('责编 林海 宋雨桐　排版 邵明月');
    expect(staffText({}, '　')).toBe('');
    expect(STAFF_ROLES.map((r) => r.label)).toEqual(['责编', '美编', '审读', '排版']);
  });

  it('matches the longer role word first', () => {
    const words = staffWordsLongestFirst();
    expect(words.indexOf('责任编辑')).toBeLessThan(words.indexOf('编辑'));
    expect(staffWordsLongestFirst({ loose: false })).not.toContain('编辑');
  });

  it('reads a staff line with every alias of a role', () => {
    expect(isStaffLine('责任编辑 林海 校对 韩立平 组版 邵明月')).toBe(true);
    // `编辑` alone does not make a line a staff line.
    expect(isStaffLine('责编 林海 编辑 王')).toBe(false);
    expect(parseStaff('责任编辑：林海 编辑 王一 校对 韩立平 责校 李 组版 邵明月 美编 许嘉怡')).toEqual({
      editor: ['林海', '王一'],
      proofreader: ['韩立平', '李'],
      typesetter: ['邵明月'],
      designer: ['许嘉怡'],
    });
  });
});

describe('banner ownership', () => {
  const banner = (title: string): Banner => ({ type: 'banner', children: [{ type: 'bannerTitle', children: [{ type: 'text', value: title }] }] });
  const article = (id: string): Article => ({ type: 'article', id, lead: false, children: [] });
  const page = (children: Page['children']): Page => ({ type: 'page', number: 1, file: 'x', staff: {}, meta: {}, children });

  it('gives a banner to the one article right after it', () => {
    const b1 = banner('一');
    const b2 = banner('二');
    const owners = bannerOwners(page([b1, article('a1'), article('a2'), b2, article('a3'), article('a4')]));
    expect([...owners]).toEqual([
      ['a1', b1],
      ['a3', b2],
    ]);
  });

  it('gives a banner with no article after it to none, and the later of two banners in a row wins', () => {
    const b1 = banner('一');
    const b2 = banner('二');
    expect([...bannerOwners(page([article('a1'), b1]))]).toEqual([]);
    expect([...bannerOwners(page([b1, b2, article('a1')]))]).toEqual([['a1', b2]]);
  });
});
