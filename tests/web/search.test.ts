/**
 * The search index (src/web/search.ts) answered in Node the way the search page does:
 * Han runs are phrases, Latin letters and digits whole words; absent words give nothing.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSearchIndex, decodePostings, encodePostings, querySearchIndex, SEARCH_SOURCE_DIR, searchGrams, type SearchSource } from '../../src/web/search.js';

let dir: string;
const urls = async (q: string) => (await querySearchIndex(dir, q)).map((r) => r.url);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-search-'));
  await mkdir(path.join(dir, SEARCH_SOURCE_DIR), { recursive: true });
  const issues: SearchSource[] = [
    {
      id: '2026-11-19',
      date: '2026-11-19',
      docs: [
        { page: 1, name: '要闻', url: '2026-11-19/01/a1/', title: '防控情况通报', text: '今年疫苗接种情况良好。\n甲乙\n乙丙' },
        { page: 2, name: '综合', url: '2026-11-19/02/a1/', title: '５Ｇ基站建设', text: '全区新建5G基站120个，GDP增长。' },
      ],
    },
    {
      id: '2026-11-20',
      date: '2026-11-20',
      docs: [
        { page: 1, name: '要闻', url: '2026-11-20/01/a1/', title: '蓝碳交易落地', text: '全区首单蓝碳交易在明湾港区完成。甲乙丙丁' },
        { page: 3, name: '品质海岸', url: '2026-11-20/03/a1/', title: '城市更新', text: '把城市更新作为一号工程。' },
      ],
    },
  ];
  for (const s of issues) await writeFile(path.join(dir, SEARCH_SOURCE_DIR, `${s.id}.json`), JSON.stringify(s));
  const result = await buildSearchIndex(dir);
  expect(result.indexed).toBe(4);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('search index', () => {
  it('words absent from the paper find nothing, though their characters are there', async () => {
    // 疫 (疫苗) and 情 (情况) are both in the text, never as 疫情.
    expect(await urls('疫情')).toEqual([]);
    expect(await urls('地铁')).toEqual([]);
    expect(await urls('区块链')).toEqual([]);
  });

  it('a Han run is a phrase: all its bigrams present is not enough', async () => {
    // 甲乙 and 乙丙 are in 11-19's article on two lines; 甲乙丙 only in 11-20's.
    expect(await urls('甲乙丙')).toEqual(['2026-11-20/01/a1/']);
    expect(await urls('甲乙丙丁')).toEqual(['2026-11-20/01/a1/']);
    expect(await urls('乙丙')).toEqual(['2026-11-20/01/a1/', '2026-11-19/01/a1/']);
  });

  it('a four-character phrase present word for word is found; one character finds every article with it', async () => {
    expect(await urls('蓝碳交易')).toEqual(['2026-11-20/01/a1/']);
    expect(await urls('城市更新')).toEqual(['2026-11-20/03/a1/']);
    expect(await urls('“城市更新”')).toEqual(['2026-11-20/03/a1/']);
    expect(await urls('区')).toEqual(['2026-11-20/01/a1/', '2026-11-19/02/a1/']);
  });

  it('Latin letters and digits match whole words, full-width folded, any case', async () => {
    expect(await urls('5g')).toEqual(['2026-11-19/02/a1/']);
    expect(await urls('5G 基站')).toEqual(['2026-11-19/02/a1/']);
    expect(await urls('gdp')).toEqual(['2026-11-19/02/a1/']);
    expect(await urls('g')).toEqual([]);
    expect(await urls('12')).toEqual([]);
  });

  it('postings round-trip; grams are characters, bigrams and words', () => {
    expect(decodePostings(encodePostings([0, 3, 4, 40, 1000]))).toEqual([0, 3, 4, 40, 1000]);
    expect([...searchGrams('城市 5G')].sort()).toEqual(['5g', '城', '城市', '市'].sort());
  });
});
