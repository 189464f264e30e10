/**
 * Web edition benchmark: a synthetic archive of ~1,000 newspaper pages (the sample issue
 * — and, once the parser exists, the corpus pages — repeated under new dates), built
 * by Banmian's web edition and, in the same run, by Eleventy 3 from Markdown with a
 * comparable layout (base layout with header/nav/footer, one template per kind of
 * page, the same URLs). Reports pages per second for both, the rebuild after one page
 * changed, and Pagefind indexing on its own.
 *
 * `node --import tsx bench/web.ts` or `npm run bench -- web`.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { toString } from 'mdast-util-to-string';
import { articleParts, headlineText } from '../src/ast/parts.js';
import type { Issue, Page } from '../src/ast/types.js';
import type { BuildContext } from '../src/build/context.js';
import { BuildSession } from '../src/build/session.js';
import { loadConfig } from '../src/config/index.js';
import { buildSearchIndex, querySearchIndexWithFiles, SEARCH_INDEX_DIR, SEARCH_SOURCE_DIR, type SearchSource } from '../src/web/search.js';
import { buildWebEdition } from '../src/web/index.js';
import { importPeer } from './peer.js';
import { issueFolder, setIssueFolder } from '../src/ast/issue-folder.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const TARGET_PAGES = 1000;
const quiet = { info() {}, warn() {}, progress() {} };

interface Source {
  pages: Page[];
  dir: string;
  from: string;
  /** Re-parses one page after an edit (when the parser exists). */
  reparse?: (page: Page, extra: string) => Promise<Page>;
}

/** The pages to repeat: the parsed sample issue and corpus pages, or the test fixture. */
export async function sourcePages(tmp: string): Promise<Source> {
  const parseEntry = path.join(ROOT, 'src', 'parse', 'index.ts');
  const sample = path.join(ROOT, 'issues', '2026-11-20');
  if (existsSync(parseEntry) && existsSync(sample)) {
    try {
      const parse = (await import(pathToFileURL(parseEntry).href)) as {
        loadIssue(dir: string): Promise<{ issue: Issue }>;
        parsePage(text: string, opts: { file: string; number: number }): { page: Page } | Promise<{ page: Page }>;
      };
      const { issue } = await parse.loadIssue(sample);
      const pages = [...issue.children];
      // ../shared/corpus beside the project, or where BANMIAN_CORPUS points (as bench/parse.ts).
      const corpus = process.env.BANMIAN_CORPUS ? path.resolve(process.env.BANMIAN_CORPUS) : path.resolve(ROOT, '..', 'shared', 'corpus');
      if (existsSync(corpus)) {
        for (const f of (await readdir(corpus)).filter((n) => n.endsWith('.txt')).sort()) {
          const { page } = await parse.parsePage(await readFile(path.join(corpus, f), 'utf8'), { file: f, number: pages.length + 1 });
          pages.push(page);
        }
      }
      const texts = new Map<number, { text: string; file: string }>();
      for (const f of (await readdir(sample)).filter((n) => /^\d+.*\.(md|txt)$/.test(n))) {
        texts.set(parseInt(f, 10), { text: await readFile(path.join(sample, f), 'utf8'), file: `issues/2026-11-20/${f}` });
      }
      return {
        pages,
        dir: issueFolder(issue),
        from: `parsed sample issue (${issue.children.length} pages) + ${pages.length - issue.children.length} corpus page(s)`,
        reparse: async (page, extra) => {
          const src = texts.get(page.number);
          if (!src) return page;
          return (await parse.parsePage(src.text + extra, { file: src.file, number: page.number })).page;
        },
      };
    } catch (err) {
      console.error(`bench web: parser not usable yet (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); using the test fixture`);
    }
  }
  const { fixtureIssues, writeIssueFiles } = await import('../tests/web/fixtures.js');
  await writeIssueFiles(tmp);
  const issue = fixtureIssues(tmp)[1];
  return { pages: issue.children, dir: issueFolder(issue), from: `test fixture issue (${issue.children.length} pages)` };
}

export function synthesize(source: Source): Issue[] {
  const issues: Issue[] = [];
  let pages = 0;
  const start = Date.UTC(2026, 10, 20);
  for (let i = 0; pages < TARGET_PAGES; i++) {
    const date = new Date(start - i * 86_400_000).toISOString().slice(0, 10);
    const children = source.pages.slice(0, TARGET_PAGES - pages).map((p, n) => ({ ...structuredClone(p), number: n + 1 }));
    pages += children.length;
    issues.push(setIssueFolder({ type: 'issue', id: date, date, number: 3000 - i, total: 13000 - i, meta: {}, children }, source.dir));
  }
  return issues;
}

// ---------------------------------------------------------------------------
// Eleventy: the same site from Markdown

const BASE_NJK = `<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} - {{ paper }}</title><link rel="canonical" href="https://epaper.example.cn{{ page.url }}">
<link rel="stylesheet" href="/assets/web.css"></head>
<body>
<header class="masthead"><a href="/">{{ paper }}</a> <span>{{ date }}</span>
<nav><a href="/">首页</a> <a href="/#archive">往期回顾</a> <a href="/search/">检索</a></nav></header>
<div class="frame">
<nav class="sidebar" aria-label="版面导航"><ol>{% for p in pages %}<li><a href="{{ p.url }}">{{ p.title }}</a></li>{% endfor %}</ol></nav>
<main>{{ content | safe }}</main></div>
<footer>{{ paper }} CN 37-0099</footer>
</body></html>
`;
const ARTICLE_NJK = `---
layout: base.njk
---
<nav class="crumbs"><a href="{{ pageUrl }}">{{ pageTitle }}</a></nav>
<article>{{ content | safe }}</article>
<nav class="article-nav">{% if prev %}<a href="{{ prev.url }}">上一篇 {{ prev.title }}</a>{% endif %} {% if next %}<a href="{{ next.url }}">下一篇 {{ next.title }}</a>{% endif %}</nav>
`;
const PAGE_NJK = `---
layout: base.njk
---
<h1>{{ title }}</h1>
<nav class="pager">{% if prev %}<a href="{{ prev }}">上一版</a>{% endif %} {% if next %}<a href="{{ next }}">下一版</a>{% endif %}</nav>
{{ content | safe }}
`;

function yamlString(s: string): string {
  return JSON.stringify(s);
}

async function writeEleventyInput(dir: string, issues: Issue[]): Promise<number> {
  await mkdir(path.join(dir, '_includes'), { recursive: true });
  await writeFile(path.join(dir, '_includes', 'base.njk'), BASE_NJK);
  await writeFile(path.join(dir, '_includes', 'article.njk'), ARTICLE_NJK);
  await writeFile(path.join(dir, '_includes', 'pageview.njk'), PAGE_NJK);
  let outputs = 0;
  const files: Array<[string, string]> = [];
  for (const issue of issues) {
    const pad = (n: number) => String(n).padStart(2, '0');
    const pageList = issue.children.map((p) => ({ url: `/${issue.id}/${pad(p.number)}/`, title: `第${pad(p.number)}版：${p.name ?? ''}` }));
    const common = `paper: 海岸新闻\ndate: ${yamlString(issue.date)}\npages: ${JSON.stringify(pageList)}\n`;
    files.push([`${issue.id}/index.md`, `---\nlayout: pageview.njk\ntitle: ${yamlString(issue.date)}\npermalink: /${issue.id}/\n${common}---\n\n${pageList.map((p) => `- [${p.title}](${p.url})`).join('\n')}\n`]);
    const articles = issue.children.flatMap((p) => p.children.filter((c) => c.type === 'article').map((a) => ({ page: p, article: a })));
    articles.forEach(({ page, article }, i) => {
      if (article.type !== 'article') return;
      const url = (k: number) => {
        const x = articles[k];
        return x && x.article.type === 'article' ? { url: `/${issue.id}/${pad(x.page.number)}/${x.article.id}/`, title: headlineText(x.article) } : null;
      };
      const parts = articleParts(article);
      const body = parts.body
        .map((b) => (b.type === 'subhead' ? `## ${toString(b)}` : toString(b, { includeHtml: false }).replace(/\n/g, ' ')))
        .filter(Boolean)
        .join('\n\n');
      const head = [...parts.kickers.map((k) => toString(k)), `# ${headlineText(article)}`, ...parts.subtitles.map((s) => `——${toString(s)}`), ...parts.bylines.map((b) => toString(b))].join('\n\n');
      files.push([
        `${issue.id}/${pad(page.number)}/${article.id}.md`,
        `---\nlayout: article.njk\ntitle: ${yamlString(headlineText(article))}\npermalink: /${issue.id}/${pad(page.number)}/${article.id}/\npageUrl: /${issue.id}/${pad(page.number)}/\npageTitle: ${yamlString(`第${pad(page.number)}版`)}\nprev: ${JSON.stringify(url(i - 1))}\nnext: ${JSON.stringify(url(i + 1))}\n${common}---\n\n${head}\n\n${body}\n`,
      ]);
    });
    for (const page of issue.children) {
      const list = page.children.filter((c) => c.type === 'article').map((a) => (a.type === 'article' ? `1. [${headlineText(a)}](/${issue.id}/${pad(page.number)}/${a.id}/)` : ''));
      const prev = page.number > 1 ? `/${issue.id}/${pad(page.number - 1)}/` : '';
      const next = page.number < issue.children.length ? `/${issue.id}/${pad(page.number + 1)}/` : '';
      files.push([
        `${issue.id}/${pad(page.number)}/index.md`,
        `---\nlayout: pageview.njk\ntitle: ${yamlString(`第${pad(page.number)}版：${page.name ?? ''}`)}\npermalink: /${issue.id}/${pad(page.number)}/\nprev: ${yamlString(prev)}\nnext: ${yamlString(next)}\n${common}---\n\n${list.join('\n')}\n`,
      ]);
    }
  }
  for (const [rel, content] of files) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), content);
    outputs++;
  }
  return outputs;
}

interface EleventyInstance {
  write(): Promise<unknown>;
}
type EleventyCtor = new (input: string, output: string, options: Record<string, unknown>) => EleventyInstance;

async function buildWithEleventy(input: string, output: string): Promise<number> {
  // Not a project dependency: installed on first use (bench/peer.ts); no type declarations.
  const { default: Eleventy } = (await importPeer('@11ty/eleventy', '3.1.8')) as { default: EleventyCtor };
  const elev = new Eleventy(input, output, {
    quietMode: true,
    configPath: false,
    config(cfg: { setQuietMode?(q: boolean): void }) {
      cfg.setQuietMode?.(true);
    },
  });
  const t = performance.now();
  await elev.write();
  return performance.now() - t;
}

async function countHtml(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile() && e.name.endsWith('.html')) n++;
  return n;
}

// ---------------------------------------------------------------------------

export async function benchWeb(): Promise<Record<string, number | string>> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-bench-web-'));
  try {
    const source = await sourcePages(tmp);
    const issues = synthesize(source);
    const newspaperPages = issues.reduce((n, i) => n + i.children.length, 0);
    const { config } = await loadConfig(ROOT);
    const outDir = path.join(tmp, 'dist');
    const ctx: BuildContext = { root: ROOT, config, outDir, previousOutDir: path.join(tmp, 'none'), force: false, log: quiet, session: new BuildSession() };

    // Banmian, HTML only (the search index measured on its own below).
    const cpuBanmian0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await buildWebEdition(issues, new Map(), ctx, { search: false });
    const banmianMs = performance.now() - t0;
    const banmianCpu = cpuMs(process.cpuUsage(cpuBanmian0));
    const banmianHtml = await countHtml(outDir);
    // The same build without the self-hosted fonts (Eleventy cuts no fonts): the HTML alone,
    // reported beside the full build, not instead of it. It runs second in this process: the
    // JIT, the parsed templates and the resized figure images are warm, so it is a best case.
    const htmlOnlyDir = path.join(tmp, 'dist-html-only');
    const cpuHtml0 = process.cpuUsage();
    const tHtml = performance.now();
    await buildWebEdition(issues, new Map(), { ...ctx, outDir: htmlOnlyDir, session: new BuildSession() }, { search: false, fonts: false });
    const htmlOnlyMs = performance.now() - tHtml;
    const htmlOnlyCpu = cpuMs(process.cpuUsage(cpuHtml0));
    const htmlOnlyFiles = await countHtml(htmlOnlyDir);
    await rm(htmlOnlyDir, { recursive: true, force: true });
    // The search index, whole (every issue tokenised), measured apart from the HTML build.
    const searchFull = await buildSearchIndex(outDir);

    // Rebuild after one page changed: re-parse that page (when the parser exists) and
    // re-render what depends on it.
    // Five edits in a row (as in `banmian dev`): the first, and the median of all five,
    // wall clock and CPU time (user + system: the work, whatever else the machine runs).
    const target = issues[0];
    const page = target.children[0];
    const edits: Array<{ wall: number; cpu: number; parse: number; update: Awaited<ReturnType<typeof result.site.updatePage>> }> = [];
    for (let i = 0; i < 5; i++) {
      const extra = `本段为基准测试追加的第${i + 1}段文字。`;
      const cpu0 = process.cpuUsage();
      const t1 = performance.now();
      const changed = source.reparse ? await source.reparse(page, `\n\n${extra}\n`) : appendParagraph(page, extra);
      const parsed = performance.now();
      const update = await result.site.updatePage(target.id, changed);
      const cpu = process.cpuUsage(cpu0);
      edits.push({ wall: performance.now() - t1, cpu: (cpu.user + cpu.system) / 1000, parse: parsed - t1, update });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const update = edits[0].update;

    const quick = process.env.BANMIAN_BENCH_QUICK === '1';
    // After the edits: only the edited issue's source is tokenised again, the rest merged.
    const searchAgain = await buildSearchIndex(outDir);

    const longArchive = await searchOverTwentyYears(outDir, path.join(tmp, 'search-20y'));

    // Eleventy 3, same pages from Markdown.
    const input = path.join(tmp, 'eleventy-src');
    const elevOut = path.join(tmp, 'eleventy-out');
    let eleventyMs = NaN;
    let eleventyHtml = NaN;
    let eleventyCpu = NaN;
    if (!quick) {
      await writeEleventyInput(input, issues);
      const cpu0 = process.cpuUsage();
      eleventyMs = await buildWithEleventy(input, elevOut);
      eleventyCpu = cpuMs(process.cpuUsage(cpu0));
      eleventyHtml = await countHtml(elevOut);
    }

    const banmianRate = banmianHtml / (banmianMs / 1000);
    const eleventyRate = eleventyHtml / (eleventyMs / 1000);
    return {
      source: source.from,
      'newspaper pages': newspaperPages,
      issues: issues.length,
      'banmian: HTML files': banmianHtml,
      'banmian: build (ms)': banmianMs,
      'banmian: render+write (ms)': result.timings['render+write'] ?? 0,
      'banmian: assets+images (ms)': (result.timings.styles ?? 0) + (result.timings.assets ?? 0) + (result.timings.images ?? 0),
      'banmian: font slices, wait after render (ms)': result.timings['fonts (after render)'] ?? 0,
      // Cold: a fresh output folder and a fresh process, so every slice is cut in this run (nothing reused).
      'banmian: font slices cut (cold: all), KB': `${result.styles.fontsSubset} of ${result.styles.fontFiles}, ${Math.round(result.styles.fontBytes / 1000)}`,
      'banmian: pages/s': banmianRate,
      'banmian: CPU (ms), CPU per page (ms)': `${Math.round(banmianCpu)}, ${(banmianCpu / banmianHtml).toFixed(2)}`,
      'eleventy 3: HTML files': eleventyHtml,
      'eleventy 3: build (ms)': eleventyMs,
      'eleventy 3: pages/s': eleventyRate,
      'eleventy 3: CPU (ms), CPU per page (ms)': `${Math.round(eleventyCpu)}, ${(eleventyCpu / eleventyHtml).toFixed(2)}`,
      'ratio banmian/eleventy (pages/s)': banmianRate / eleventyRate,
      'ratio banmian/eleventy (CPU per page)': eleventyCpu / eleventyHtml / (banmianCpu / banmianHtml),
      'banmian, no fonts, 2nd build in process: build (ms), pages/s': `${Math.round(htmlOnlyMs)}, ${(htmlOnlyFiles / (htmlOnlyMs / 1000)).toFixed(1)}`,
      'banmian, no fonts, 2nd build: CPU (ms), CPU per page (ms)': `${Math.round(htmlOnlyCpu)}, ${(htmlOnlyCpu / htmlOnlyFiles).toFixed(2)}`,
      'ratio, no fonts: pages/s, CPU per page': `${(htmlOnlyFiles / (htmlOnlyMs / 1000) / eleventyRate).toFixed(2)}, ${(eleventyCpu / eleventyHtml / (htmlOnlyCpu / htmlOnlyFiles)).toFixed(2)}`,
      'load average (1 min) at end': os.loadavg()[0],
      'one page changed: rebuild, first (ms)': edits[0].wall,
      'one page changed: rebuild, median of 5 (ms)': median(edits.map((e) => e.wall)),
      'one page changed: CPU, median of 5 (ms)': median(edits.map((e) => e.cpu)),
      '  …parse the page, median (ms)': median(edits.map((e) => e.parse)),
      '  …model, median (ms)': median(edits.map((e) => e.update.timings.model)),
      '  …images, median (ms)': median(edits.map((e) => e.update.timings.images)),
      '  …render, median (ms)': median(edits.map((e) => e.update.timings.render)),
      '  …compare+write, median (ms)': median(edits.map((e) => e.update.timings.write)),
      'one page changed: files rendered': update.rendered,
      'one page changed: files written': update.written.length,
      'search index: whole (ms)': searchFull.ms,
      'search index: articles, segments, shards, MB': `${searchFull.indexed}, ${searchFull.segments}, ${searchFull.shards}, ${(searchFull.bytes / 1e6).toFixed(1)}`,
      'search index: manifest (KB)': searchFull.manifestBytes / 1000,
      'search index: after one issue changed (ms)': searchAgain.ms,
      'search index: issues tokenised again': searchAgain.tokenised,
      'search index: segments merged again, files written': `${searchAgain.segmentsMerged}, ${searchAgain.filesWritten}`,
      ...longArchive,
    };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Search over a long archive: 20 years of issues (every third day, three articles each,
 * texts taken in turn from the bench's own search sources), the whole index built from
 * nothing, then what a query reads: shard files (one per gram per segment) and bytes.
 */
async function searchOverTwentyYears(siteDir: string, dir: string): Promise<Record<string, string>> {
  const pool: SearchSource['docs'] = [];
  const sourceDir = path.join(siteDir, SEARCH_SOURCE_DIR);
  for (const f of (await readdir(sourceDir)).sort().slice(0, 4)) pool.push(...(JSON.parse(await readFile(path.join(sourceDir, f), 'utf8')) as SearchSource).docs);
  await mkdir(path.join(dir, SEARCH_SOURCE_DIR), { recursive: true });
  let k = 0;
  for (let t = Date.UTC(2007, 0, 1); t <= Date.UTC(2026, 10, 20); t += 3 * 86_400_000, k++) {
    const date = new Date(t).toISOString().slice(0, 10);
    const docs = [0, 1, 2].map((i) => ({ ...pool[(k * 3 + i) % pool.length], url: `${date}/0${i + 1}/a${i}/`, text: `${pool[(k * 3 + i) % pool.length].text}\n第${k}期` }));
    await writeFile(path.join(dir, SEARCH_SOURCE_DIR, `${date}.json`), JSON.stringify({ id: date, date, docs }));
  }
  const cpu0 = process.cpuUsage();
  const built = await buildSearchIndex(dir);
  const cpu = cpuMs(process.cpuUsage(cpu0));
  const out: Record<string, string> = {
    '20 years: issues, articles, segments, MB': `${k}, ${built.indexed}, ${built.segments}, ${(built.bytes / 1e6).toFixed(1)}`,
    '20 years: whole index, wall / CPU (ms)': `${Math.round(built.ms)} / ${Math.round(cpu)}`,
    '20 years: manifest (KB)': (built.manifestBytes / 1000).toFixed(1),
  };
  for (const q of ['海洋', '海洋牧场', '疫情']) {
    const { results, filesRead } = await querySearchIndexWithFiles(dir, q);
    const shards = filesRead.filter((f) => f.startsWith('s/'));
    let bytes = 0;
    for (const f of shards) bytes += (await readFile(path.join(dir, SEARCH_INDEX_DIR, f))).length;
    out[`20 years: query ${q}: hits, shard files, shard KB`] = `${results.length}, ${shards.length}, ${Math.round(bytes / 1000)}`;
  }
  return out;
}

/** User + system time of the whole process (every thread: the font worker counts), in ms. */
function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

function appendParagraph(page: Page, text: string): Page {
  const copy = structuredClone(page);
  const article = copy.children.find((c) => c.type === 'article');
  if (article && article.type === 'article') article.children.push({ type: 'paragraph', children: [{ type: 'text', value: text }] });
  return copy;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await benchWeb();
  for (const [key, value] of Object.entries(results)) console.log(`${key.padEnd(40)} ${typeof value === 'number' ? +value.toFixed(3) : value}`);
}
