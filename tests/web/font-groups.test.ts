/**
 * Splitting a font slice's characters into files by use (src/web/font-groups.ts): what
 * each view downloads is what decides the groups.
 */
import { describe, expect, it } from 'vitest';
import { groupByUse, type UseUnits } from '../../src/web/font-groups.js';

/** Units from a list of views' characters; `everywhere` characters have no list. */
function units(views: string[], everywhere = ''): UseUnits {
  const users = new Map<number, number[]>();
  views.forEach((v, i) => {
    for (const ch of new Set(v)) {
      const c = ch.codePointAt(0)!;
      users.set(c, [...(users.get(c) ?? []), i]);
    }
  });
  const all = new Set([...everywhere].map((c) => c.codePointAt(0)!));
  return { count: views.length, weights: views.map(() => 1), usersOf: (c) => (all.has(c) ? undefined : (users.get(c) ?? [])) };
}
const codes = (s: string) => [...new Set(s)].map((c) => c.codePointAt(0)!).sort((a, b) => a - b);
const text = (groups: number[][]) => groups.map((g) => String.fromCodePoint(...g));
/** Bytes each view downloads under a split (the cost model's numbers). */
function downloads(groups: number[][], views: string[], glyph: number, file: number) {
  return views.map((v) => groups.filter((g) => g.some((c) => v.includes(String.fromCodePoint(c)))).reduce((n, g) => n + file + glyph * g.length, 0));
}

describe('groupByUse', () => {
  it('characters on every view share one file; each view’s own rare characters get files of their own when glyphs cost more than files', () => {
    const views = ['甲乙丙一二三', '甲乙丙四五六', '甲乙丙七八九'];
    const groups = groupByUse(codes(views.join('')), units(views, '甲乙丙'), { glyphBytes: 250, fileBytes: 100 });
    expect(text(groups).sort()).toEqual(['一三二', '丙乙甲', '五六四', '七九八'].map((s) => [...s].sort().join('')).sort());
    // Each view downloads its own 6 glyphs and two files, not the other views' glyphs.
    expect(downloads(groups, views, 250, 100)).toEqual([6 * 250 + 200, 6 * 250 + 200, 6 * 250 + 200]);
  });

  it('when a file costs more than a few glyphs, small groups are merged', () => {
    const views = ['甲一', '甲二', '甲三'];
    const groups = groupByUse(codes(views.join('')), units(views, '甲'), { glyphBytes: 10, fileBytes: 1000 });
    expect(groups.length).toBe(1);
  });

  it('every character is in exactly one group, and the split is the same on a second call', () => {
    const views = ['城市更新提品质', '打造宜居宜业新青屿', '城市与海洋', '蓝碳交易落地', '青屿湾冷链物流'];
    const all = codes(views.join(''));
    const a = groupByUse(all, units(views), { glyphBytes: 250, fileBytes: 750 });
    expect(a.flat().sort((x, y) => x - y)).toEqual(all);
    expect(groupByUse(all, units(views), { glyphBytes: 250, fileBytes: 750 })).toEqual(a);
    // No view downloads more than it would with one file for the whole slice.
    const one = downloads([all], views, 250, 750);
    downloads(a, views, 250, 750).forEach((bytes, i) => expect(bytes).toBeLessThanOrEqual(one[i]));
  });
});
