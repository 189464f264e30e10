/**
 * The search index (src/web/search.ts) answered in Node the way the search page does:
 * Han runs are phrases, Latin letters and digits whole words; absent words give nothing.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile, stat } from 'node:fs/promises';
import { buildSearchIndex, decodePostings, encodePostings, querySearchIndex, querySearchIndexWithFiles, SEARCH_INDEX_DIR, SEARCH_SOURCE_DIR, searchGrams, segmentKey, type SearchSource } from '../../src/web/search.js';

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

describe('search index layout: small manifest, per-issue documents, segments rewritten per issue', () => {
  let arch: string;
  /** A synthetic archive: 2025 (block 2025-2029), 2026's first quarter and April (the newest month), 3 articles an issue. */
  const sources: SearchSource[] = [];
  for (const date of ['2025-03-01', '2025-07-01', '2026-01-05', '2026-02-05', '2026-03-05', '2026-03-06', '2026-04-01'])
    sources.push({
      id: date,
      date,
      docs: [1, 2, 3].map((n) => ({ page: n, name: n === 1 ? '要闻' : '综合', url: `${date}/0${n}/a1/`, title: `第${n}篇标题${date}`, text: `海岸新区${n === 2 ? '蓝碳交易' : '城市更新'}工作，日期${date}。` })),
    });
  const write = (s: SearchSource) => writeFile(path.join(arch, SEARCH_SOURCE_DIR, `${s.id}.json`), JSON.stringify(s));
  const listIndex = async () => {
    const out = new Map<string, number>();
    const root = path.join(arch, SEARCH_INDEX_DIR);
    for (const e of await readdir(root, { recursive: true, withFileTypes: true }))
      if (e.isFile()) {
        const full = path.join(e.parentPath, e.name);
        out.set(path.relative(root, full), (await stat(full)).ino);
      }
    return out;
  };

  beforeAll(async () => {
    arch = await mkdtemp(path.join(os.tmpdir(), 'banmian-search-arch-'));
    await mkdir(path.join(arch, SEARCH_SOURCE_DIR), { recursive: true });
    for (const s of sources) await write(s);
  });
  afterAll(async () => {
    if (arch) await rm(arch, { recursive: true, force: true });
  });

  it('segments: the newest month, quarters of the newest year, five-year blocks before it', () => {
    expect(segmentKey('2026-04-01', '2026-04-20')).toBe('2026-04');
    expect(segmentKey('2026-03-05', '2026-04-20')).toBe('2026-Q1');
    expect(segmentKey('2026-12-31', '2026-12-31')).toBe('2026-12');
    expect(segmentKey('2026-10-01', '2026-12-31')).toBe('2026-Q4');
    expect(segmentKey('2025-07-01', '2026-04-20')).toBe('2025-2029');
    expect(segmentKey('2024-12-31', '2026-04-20')).toBe('2020-2024');
    // Twenty years of issues, every tenth day: 1 + 3 + 5 segments (was 12 months + 19 years).
    const keys = new Set<string>();
    for (let t = Date.UTC(2007, 0, 1); t <= Date.UTC(2026, 9, 15); t += 10 * 86_400_000) keys.add(segmentKey(new Date(t).toISOString().slice(0, 10), '2026-10-15'));
    expect([...keys]).toEqual(['2005-2009', '2010-2014', '2015-2019', '2020-2024', '2025-2029', '2026-Q1', '2026-Q2', '2026-Q3', '2026-10']);
  });

  it('the manifest names segments and issues only; a query reads the manifest, one shard per gram per segment and the documents of its hits', async () => {
    const result = await buildSearchIndex(arch);
    expect(result.indexed).toBe(21);
    expect(result.segments).toBe(3); // 2025-2029, 2026-Q1, 2026-04
    const manifest = await readFile(path.join(arch, SEARCH_INDEX_DIR, 'manifest.json'), 'utf8');
    expect(result.manifestBytes).toBe(Buffer.byteLength(manifest));
    // No headline or URL in the manifest: its size grows with issues, not articles.
    expect(manifest).not.toContain('标题');
    expect(manifest).not.toContain('/01/a1/');
    const { results, filesRead } = await querySearchIndexWithFiles(arch, '蓝碳');
    expect(results.map((r) => r.url)).toEqual(sources.map((s) => `${s.id}/02/a1/`).reverse());
    expect(results[0].title).toBe('第2篇标题2026-04-01');
    const shards = filesRead.filter((f) => f.startsWith('s/'));
    expect(shards.length).toBe(3); // one bigram, three segments
    expect(filesRead.filter((f) => f.startsWith('d/')).length).toBe(7); // the hits' issues
  });

  it('the 版面 filter keeps articles of that page name', async () => {
    expect((await querySearchIndex(arch, '海岸', { ban: '要闻' })).map((r) => r.url)).toEqual(sources.map((s) => `${s.id}/01/a1/`).reverse());
    expect(await querySearchIndex(arch, '蓝碳', { ban: '要闻' })).toEqual([]);
  });

  it('after one issue changed, only its segment and its documents are written again; the other files stay as they were', async () => {
    await buildSearchIndex(arch);
    const before = await listIndex();
    const edited = structuredClone(sources[4]); // 2026-03-05
    edited.docs[0].text += '新增段落：海洋牧场扩容。';
    await write(edited);
    const again = await buildSearchIndex(arch);
    expect(again.tokenised).toBe(1);
    expect(again.segmentsMerged).toBe(1);
    const after = await listIndex();
    const changed = [...after.keys()].filter((f) => before.get(f) !== after.get(f));
    // The manifest, the 2026-Q1 segment's shards and the edited issue's documents; nothing of the other segments.
    expect(changed.every((f) => f === 'manifest.json' || f.startsWith('s/2026-Q1/') || f.startsWith('d/2026-03-05.'))).toBe(true);
    expect(changed.filter((f) => f.startsWith('s/2026-Q1/')).length).toBeGreaterThan(0);
    for (const other of ['s/2025-2029/', 's/2026-04/']) {
      const files = (m: Map<string, number>) => [...m].filter(([f]) => f.startsWith(other)).sort();
      expect(files(after).length).toBeGreaterThan(0);
      expect(files(after)).toEqual(files(before)); // same names, same inodes
    }
    // Written: the new shards and the manifest (rewritten in place, same inode).
    expect(again.filesWritten).toBe(changed.filter((f) => f !== 'manifest.json').length + 1);
    expect((await querySearchIndex(arch, '海洋牧场')).map((r) => r.url)).toEqual(['2026-03-05/01/a1/']);
    // Files of the segment's previous version are gone.
    expect([...after.keys()].filter((f) => f.startsWith('s/')).length).toBe(again.shards);
  });
});
