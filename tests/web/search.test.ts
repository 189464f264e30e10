/**
 * The search index (src/web/search.ts) answered in Node the way the search page does:
 * Han runs are phrases, Latin letters and digits whole words; absent words give nothing.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir, readFile, stat } from 'node:fs/promises';
import {
  buildSearchIndex,
  decodePostings,
  encodePostings,
  forgetSearchIndexCache,
  gramShard,
  querySearchIndex,
  querySearchIndexWithFiles,
  SEARCH_INDEX_DIR,
  SEARCH_SOURCE_DIR,
  searchGrams,
  segmentKey,
  type SearchSource,
} from '../../src/web/search.js';

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
    expect(filesRead.filter((f) => f.startsWith('i/')).length).toBe(3); // the issue lists of the segments with hits
    // The manifest lists segments (key, dates, count, hashes), no issue.
    const m = JSON.parse(manifest) as { version: number; segments: Array<Record<string, unknown>> };
    expect(m.version).toBe(3);
    expect(m.segments.map((seg) => [seg.key, seg.from, seg.to, seg.docs])).toEqual([
      ['2025-2029', '2025-03-01', '2025-07-01', 6],
      ['2026-Q1', '2026-01-05', '2026-03-06', 12],
      ['2026-04', '2026-04-01', '2026-04-01', 3],
    ]);
    expect(manifest).not.toContain('2026-02-05');
  });

  it('a date range reads only the segments it overlaps', async () => {
    const { results, filesRead } = await querySearchIndexWithFiles(arch, '蓝碳', { from: '2026-02-01', to: '2026-03-05' });
    expect(results.map((r) => r.url)).toEqual(['2026-03-05/02/a1/', '2026-02-05/02/a1/']);
    expect(filesRead.filter((f) => f.startsWith('s/')).every((f) => f.startsWith('s/2026-Q1/'))).toBe(true);
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
    // Only the edited issue's segment (2026-Q1: four issues) is read and tokenised again.
    expect(again.tokenised).toBe(4);
    expect(again.segmentsMerged).toBe(1);
    const after = await listIndex();
    const changed = [...after.keys()].filter((f) => before.get(f) !== after.get(f));
    // The manifest, the 2026-Q1 segment's shards and issue list, the edited issue's documents; nothing of the other segments.
    expect(changed.every((f) => f === 'manifest.json' || f.startsWith('s/2026-Q1/') || f.startsWith('i/2026-Q1.') || f.startsWith('d/2026-03-05.'))).toBe(true);
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

/**
 * The streamed build (one segment's postings at a time, grams as numbers) against the
 * whole-archive build it replaced, kept here as the reference: every shard file equal, by
 * name and content, on texts with every kind of run (full-width letters, digit words that
 * JSON orders first, Han beyond the BMP, combining marks, NFKC folds).
 */
describe('streamed index build', () => {
  let a: string;
  const texts = [
    '全区新建５Ｇ基站120个，GDP增长6.8%。𠮷野家开业，〇一号线。',
    'Cafe\u0301 与 café；ｶﾀｶﾅ、①②③ 和 ㊀。甲乙丙丁戊己庚辛',
    '海洋牧场“蓝色粮仓”再扩容 2026年11月20日 第3期 x86_64 A-1',
    '',
  ];
  const sources: SearchSource[] = [];
  for (const [k, date] of ['2024-12-30', '2025-06-01', '2026-03-01', '2026-04-02', '2026-04-03'].entries())
    sources.push({
      id: date,
      date,
      docs: texts.map((t, n) => ({ page: n + 1, name: n % 2 ? '综合' : '要闻', url: `${date}/0${n + 1}/a${k}/`, title: `${t.slice(0, 6)}标题${k}`, text: t + (k % 2 ? texts[(n + k) % texts.length] : '') })),
    });

  /** The previous implementation: every issue's grams as strings, merged per segment. */
  function referenceShards(): Map<string, string> {
    const sorted = [...sources].sort((x, y) => (x.date < y.date ? -1 : 1));
    const latest = sorted[sorted.length - 1].date;
    const bySegment = new Map<string, SearchSource[]>();
    for (const s of sorted) {
      const key = segmentKey(s.date, latest);
      bySegment.set(key, [...(bySegment.get(key) ?? []), s]);
    }
    const out = new Map<string, string>();
    for (const [key, issues] of bySegment) {
      const postings = new Map<string, number[]>();
      const push = (g: string, id: number) => {
        const list = postings.get(g);
        if (!list) postings.set(g, [id]);
        else if (list[list.length - 1] !== id) list.push(id);
      };
      let first = 0;
      for (const issue of issues) {
        const local = new Map<string, number[]>();
        issue.docs.forEach((d, i) => {
          for (const g of searchGrams(d.title + '\n' + d.text)) local.set(g, [...(local.get(g) ?? []), i]);
        });
        for (const [g, ids] of local) for (const i of ids) push(g, first + i);
        issue.docs.forEach((doc, i) => {
          for (const g of searchGrams(doc.title)) push('#' + g, first + i);
          if (doc.name) push('@' + doc.name, first + i);
        });
        first += issue.docs.length;
      }
      let total = 0;
      for (const [g, list] of postings) total += g.length * 3 + 4 + list.length * 3;
      let shards = 1;
      while (shards < 4096 && total / shards > 32_000) shards *= 2;
      const buckets: Array<Array<[string, string]>> = Array.from({ length: shards }, () => []);
      for (const [g, list] of postings) buckets[gramShard(g, shards)].push([g, encodePostings(list)]);
      buckets.forEach((bucket, n) => {
        bucket.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
        const json = JSON.stringify(Object.fromEntries(bucket));
        out.set(`${key}/${n}`, json);
      });
    }
    return out;
  }

  beforeAll(async () => {
    a = await mkdtemp(path.join(os.tmpdir(), 'banmian-search-stream-'));
    await mkdir(path.join(a, SEARCH_SOURCE_DIR), { recursive: true });
    for (const s of sources) await writeFile(path.join(a, SEARCH_SOURCE_DIR, `${s.id}.json`), JSON.stringify(s));
  });
  afterAll(async () => {
    if (a) await rm(a, { recursive: true, force: true });
  });

  it('writes exactly the shards of the whole-archive build (same number per segment, same bytes)', async () => {
    const built = await buildSearchIndex(a);
    expect(built.segments).toBe(4); // 2020-2024, 2025-2029, 2026-Q1, 2026-04
    const root = path.join(a, SEARCH_INDEX_DIR);
    const shards = new Map<string, string>();
    for (const e of await readdir(path.join(root, 's'), { recursive: true, withFileTypes: true }))
      if (e.isFile()) {
        // s/<segment>/<sources hash>/<n>.json → <segment>/<n>
        const full = path.join(e.parentPath, e.name);
        const [, segment, , file] = path.relative(root, full).split(path.sep);
        shards.set(`${segment}/${file.replace(/\.json$/, '')}`, await readFile(full, 'utf8'));
      }
    const expected = referenceShards();
    expect([...shards.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, json] of expected) expect(shards.get(name), name).toBe(json);
    // Every article whose text has the phrase, newest first.
    const having = (needle: string) =>
      sources
        .flatMap((s) => s.docs.filter((d) => (d.title + '\n' + d.text).includes(needle)).map((d) => d.url))
        .reverse();
    expect((await querySearchIndex(a, '𠮷野家')).map((r) => r.url)).toEqual(having('𠮷野家'));
    expect((await querySearchIndex(a, '120')).map((r) => r.url)).toEqual(having('120'));
  });

  it('a second build in a fresh process reuses every segment through the manifest, and writes the same bytes', async () => {
    const root = path.join(a, SEARCH_INDEX_DIR);
    const before = await readFile(path.join(root, 'manifest.json'), 'utf8');
    forgetSearchIndexCache();
    const again = await buildSearchIndex(a);
    expect(again.segmentsMerged).toBe(0);
    expect(again.tokenised).toBe(0);
    expect(await readFile(path.join(root, 'manifest.json'), 'utf8')).toBe(before);
    // From nothing (no previous index, no cache): the same bytes again.
    const copy = await mkdtemp(path.join(os.tmpdir(), 'banmian-search-stream-'));
    try {
      await cp(path.join(a, SEARCH_SOURCE_DIR), path.join(copy, SEARCH_SOURCE_DIR), { recursive: true });
      forgetSearchIndexCache();
      const fresh = await buildSearchIndex(copy);
      expect(fresh.segmentsMerged).toBe(4);
      const list = async (dir: string) => {
        const out: string[] = [];
        for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) out.push(path.relative(dir, path.join(e.parentPath, e.name)));
        return out.sort();
      };
      const files = await list(root);
      expect(await list(path.join(copy, SEARCH_INDEX_DIR))).toEqual(files);
      for (const f of files) expect(await readFile(path.join(copy, SEARCH_INDEX_DIR, f), 'utf8'), f).toBe(await readFile(path.join(root, f), 'utf8'));
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});

describe('manifest size', () => {
  it('does not grow with the number of issues in a segment; their rows are in the segment issue list', async () => {
    const sizes: number[] = [];
    for (const count of [2, 30]) {
      const d = await mkdtemp(path.join(os.tmpdir(), 'banmian-search-size-'));
      try {
        await mkdir(path.join(d, SEARCH_SOURCE_DIR), { recursive: true });
        for (let i = 1; i <= count; i++) {
          const date = `2026-11-${String(i).padStart(2, '0')}`;
          const s: SearchSource = { id: date, date, docs: [{ page: 1, name: '要闻', url: `${date}/01/a1/`, title: '标题', text: '海岸新区城市更新。' }] };
          await writeFile(path.join(d, SEARCH_SOURCE_DIR, `${date}.json`), JSON.stringify(s));
        }
        const r = await buildSearchIndex(d);
        expect(r.segments).toBe(1);
        sizes.push(r.manifestBytes);
        expect(r.issueListBytes).toBeGreaterThan(count * 30);
      } finally {
        await rm(d, { recursive: true, force: true });
      }
    }
    // Same segment count and shard count: the manifest differs only in its dates, count and hashes.
    expect(Math.abs(sizes[1] - sizes[0])).toBeLessThanOrEqual(2);
  });
});
