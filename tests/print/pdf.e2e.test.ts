/**
 * The PDFs of the print edition read back byte by byte and with pdfjs:
 *
 * - the per-page PDFs (cut from the issue PDF by `pagePdf`, src/print/split.ts) of the
 *   sample issue: one page each, their own metadata, tagged, their own outline (the
 *   page › its headlines), the same text as that page of the issue PDF, deterministic,
 *   nothing of another page;
 * - the metadata step (`patchInfo`, `finishPdf` in src/print/pdf.ts): the in-place patch
 *   of a Chromium PDF keeps the cross-reference table right and every other byte as it
 *   was; a PDF of another shape (a cross-reference stream) goes through pdf-lib; both
 *   are deterministic.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFName, type PDFObject, PDFRawStream, PDFRef } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toString } from 'mdast-util-to-string';
import { headlineText } from '../../src/ast/parts.js';
import { significantChars } from '../../src/ast/text.js';
import type { Article, Issue } from '../../src/ast/types.js';
import { BuildSession } from '../../src/build/session.js';
import { loadConfig } from '../../src/config/index.js';
import type { BanmianConfig } from '../../src/config/types.js';
import type { IssueLayout } from '../../src/layout/types.js';
import { loadIssue } from '../../src/parse/index.js';
import { launchBrowser } from '../../src/print/browser.js';
import { buildPrintEdition } from '../../src/print/index.js';
import { finishPdf, patchInfo, type PdfMeta } from '../../src/print/pdf.js';
import { pagePdf } from '../../src/print/split.js';
import { openPdf } from './helpers.js';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const ROOT = path.resolve(import.meta.dirname, '../..');
const silent = { info() {}, warn() {}, progress() {} };

let tmp: string;
let issue: Issue;
let layout: IssueLayout;
let config: BanmianConfig;
let issueDir: string;
/** A small PDF straight from Chromium (not yet patched): tagged, with an outline, lang zh-CN. */
let chromiumPdf: Uint8Array;

const pad2 = (n: number) => String(n).padStart(2, '0');

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-pdf-'));
  ({ config } = await loadConfig(ROOT));
  ({ issue } = await loadIssue(path.join(ROOT, 'issues', '2026-11-20'), { root: ROOT }));
  const outDir = path.join(tmp, 'out');
  const layouts = await buildPrintEdition([issue], { root: ROOT, config, outDir, previousOutDir: outDir, force: true, log: silent, session: new BuildSession() });
  layout = layouts.get(issue.id)!;
  issueDir = path.join(outDir, issue.id);

  const b = await launchBrowser();
  try {
    const tab = await b.browser.newPage();
    await tab.setContent(
      '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>测试 Test</title></head>' +
        '<body><h1>第01版 要闻</h1><h2>标题一</h2><p>正文 text 123</p><h2>标题二</h2><p>更多正文</p></body></html>',
    );
    chromiumPdf = await tab.pdf({ printBackground: true, tagged: true, outline: true, width: '100mm', height: '100mm' });
  } finally {
    await b.close();
  }
}, 300_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

type Doc = Awaited<ReturnType<typeof openPdf>>;

function openBytes(bytes: Uint8Array): Promise<Doc> {
  // pdfjs may transfer (detach) the buffer it is given: hand it a copy.
  return getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
}

async function info(doc: Doc): Promise<Record<string, unknown>> {
  return (await doc.getMetadata()).info as Record<string, unknown>;
}

/** Significant characters of a page's text, in content order. */
async function pageText(doc: Doc, n: number): Promise<string> {
  const content = await (await doc.getPage(n)).getTextContent();
  return significantChars(content.items.map((it) => ('str' in it ? it.str : '')).join(''));
}

interface StructNode {
  role?: string;
  children?: StructNode[];
}
function roles(node: StructNode | null | undefined, out: string[] = []): string[] {
  if (!node) return out;
  if (node.role) out.push(node.role);
  for (const c of node.children ?? []) roles(c, out);
  return out;
}

/**
 * Reads the cross-reference table on its own (not with the code under test): startxref
 * must point at `xref`, and every in-use entry at `N G obj`. Returns the entries checked.
 */
function checkXref(bytes: Uint8Array): number {
  const s = Buffer.from(bytes).toString('latin1');
  const sx = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(s);
  expect(sx, 'startxref at the end').not.toBeNull();
  const xrefAt = Number(sx![1]);
  expect(s.slice(xrefAt, xrefAt + 4), 'startxref points at xref').toBe('xref');
  const trailerAt = s.indexOf('trailer', xrefAt);
  expect(trailerAt).toBeGreaterThan(xrefAt);
  const lines = s.slice(xrefAt + 4, trailerAt).split(/\r\n|\r|\n/).filter((l) => l.trim());
  let num = 0;
  let checked = 0;
  let declared = 0;
  for (const line of lines) {
    const head = /^(\d+) (\d+)\s*$/.exec(line);
    if (head) {
      num = Number(head[1]);
      declared += Number(head[2]);
      continue;
    }
    const e = /^(\d{10}) (\d{5}) ([nf])\s*$/.exec(line);
    expect(e, `xref entry ${JSON.stringify(line)}`).not.toBeNull();
    if (e![3] === 'n') {
      const at = Number(e![1]);
      const want = `${num} ${Number(e![2])} obj`;
      expect(s.slice(at, at + want.length), `object ${num} at ${at}`).toBe(want);
      // The object starts at a line start (or the file start), not in the middle of another number.
      expect(at === 0 || /[\r\n]/.test(s[at - 1]), `object ${num} at a line start`).toBe(true);
      checked++;
    }
    num++;
  }
  const size = /\/Size\s+(\d+)/.exec(s.slice(trailerAt));
  expect(Number(size?.[1]), 'trailer /Size = entries').toBe(declared);
  return checked;
}

const META: PdfMeta = { title: '海岸新闻 2026-11-20 第2468期 第03版（测试）', author: '海岸新闻', date: '2026-11-20' };

describe('page PDFs (pagePdf)', () => {
  it('one PDF per page of layout.json, each of exactly one page', async () => {
    expect(layout.pages.length).toBe(issue.children.length);
    expect(layout.pages.length).toBeGreaterThan(1);
    for (const p of layout.pages) {
      const doc = await openPdf(path.join(issueDir, p.pdf));
      expect(doc.numPages, p.pdf).toBe(1);
      await doc.destroy();
    }
  });

  it('metadata: title with the paper and 第NN版, author the paper, dates from the issue date', async () => {
    const day = issue.date.replaceAll('-', '');
    for (const p of layout.pages) {
      const doc = await openPdf(path.join(issueDir, p.pdf));
      const i = await info(doc);
      expect(i.Title, p.pdf).toContain(config.paper.name);
      expect(i.Title, p.pdf).toContain(`第${pad2(p.number)}版`);
      expect(i.Title, p.pdf).toContain(`第${issue.number}期`);
      expect(i.Author, p.pdf).toBe(config.paper.name);
      expect(i.CreationDate, p.pdf).toBe(`D:${day}060000Z`);
      expect(i.ModDate, p.pdf).toBe(`D:${day}060000Z`);
      expect(i.Language, p.pdf).toBe('zh-CN');
      // The clock's dates and Chromium's producer are gone.
      expect(i.Producer, p.pdf).toBe('Banmian (Chromium)');
      await doc.destroy();
    }
  });

  it('tagged: MarkInfo Marked, a structure tree with the page heading and the headlines', async () => {
    for (const p of layout.pages) {
      const doc = await openPdf(path.join(issueDir, p.pdf));
      const mark = await doc.getMarkInfo();
      expect(mark?.Marked, p.pdf).toBe(true);
      const tree = (await (await doc.getPage(1)).getStructTree()) as StructNode | null;
      const r = roles(tree);
      expect(r, p.pdf).toContain('Document');
      expect(r.filter((x) => x === 'H1').length, `${p.pdf}: one H1`).toBe(1);
      expect(r.filter((x) => x === 'H2').length, `${p.pdf}: H2 per headline`).toBeGreaterThan(0);
      await doc.destroy();
    }
  });

  it('outline: one entry for the page (第NN版), its article headlines beneath, as in the issue PDF', async () => {
    const whole = await openPdf(path.join(issueDir, layout.pdf));
    const wholeOutline = (await whole.getOutline()) ?? [];
    expect(wholeOutline.length).toBe(layout.pages.length);
    for (const [k, p] of layout.pages.entries()) {
      const doc = await openPdf(path.join(issueDir, p.pdf));
      const outline = (await doc.getOutline()) ?? [];
      expect(outline.length, p.pdf).toBe(1);
      const [top] = outline;
      expect(top.title, p.pdf).toContain(`第${pad2(p.number)}版`);
      const page = issue.children.find((x) => x.number === p.number)!;
      if (page.name) expect(top.title, p.pdf).toContain(page.name);
      // The entry leads to the page itself.
      expect(Array.isArray(top.dest), p.pdf).toBe(true);
      expect(await doc.getPageIndex((top.dest as unknown[])[0] as { num: number; gen: number }), p.pdf).toBe(0);
      // Beneath: the headline of each module on the page, in the order of layout.json (a continuation repeats its headline).
      const articles = p.modules.map((m) => issue.children.find((x) => x.number === m.page)!.children.find((a): a is Article => a.type === 'article' && a.id === m.articleId)!);
      const want = articles.filter((a) => a.children.some((c) => c.type === 'headline')).map((a) => significantChars(headlineText(a)));
      const got = top.items.map((o) => significantChars(o.title));
      expect(got.length, p.pdf).toBeGreaterThan(0);
      expect(got, `${p.pdf}: headlines`).toEqual(want);
      // A level deeper: only the article's own subheads (a second headline in the text).
      const bySig = new Map(articles.map((a) => [significantChars(headlineText(a)), a]));
      for (const o of top.items) {
        const article = bySig.get(significantChars(o.title))!;
        for (const sub of o.items) {
          expect(significantChars(sub.title).length, `${p.pdf} ${o.title} › ${sub.title}`).toBeGreaterThan(0);
          expect(significantChars(toString(article)), `${p.pdf} ${o.title} › ${sub.title}`).toContain(significantChars(sub.title));
          expect(sub.items).toEqual([]);
        }
      }
      // The same as the issue PDF's entry for this page.
      const inWhole = wholeOutline[k];
      expect(top.title).toBe(inWhole.title);
      expect(top.items.map((o) => o.title)).toEqual(inWhole.items.map((o) => o.title));
      await doc.destroy();
    }
    await whole.destroy();
  });

  it('text: the significant characters of each page PDF equal that page of the issue PDF', async () => {
    const whole = await openPdf(path.join(issueDir, layout.pdf));
    expect(whole.numPages).toBe(layout.pages.length);
    for (const [k, p] of layout.pages.entries()) {
      const want = await pageText(whole, k + 1);
      const doc = await openPdf(path.join(issueDir, p.pdf));
      const got = await pageText(doc, 1);
      // Not a blank page: a broadsheet page holds thousands of characters.
      expect(want.length, p.pdf).toBeGreaterThan(2000);
      let i = 0;
      while (i < want.length && got[i] === want[i]) i++;
      expect(got, `${p.pdf} differs at ${i}: got …${got.slice(i - 10, i + 30)} want …${want.slice(i - 10, i + 30)}`).toBe(want);
      await doc.destroy();
    }
    await whole.destroy();
  });

  it('a page PDF is cut from the issue PDF: the same bytes every time, nothing of another page, no dangling reference', async () => {
    const src = await PDFDocument.load(await readFile(path.join(issueDir, layout.pdf)), { updateMetadata: false });
    const k = 1;
    const a = await pagePdf(src, k, META);
    const b = await pagePdf(src, k, META);
    expect(Buffer.from(a).equals(Buffer.from(b)), 'deterministic').toBe(true);
    const doc = await PDFDocument.load(a, { updateMetadata: false });
    expect(doc.getPageCount()).toBe(1);
    const pageRef = doc.getPage(0).ref;
    const refs: PDFRef[] = [];
    const pgs: PDFObject[] = [];
    const walk = (o: PDFObject | undefined, depth = 0): void => {
      if (!o || depth > 50) return;
      if (o instanceof PDFRef) return void refs.push(o);
      if (o instanceof PDFArray) {
        for (const x of o.asArray()) walk(x, depth + 1);
        return;
      }
      const dict = o instanceof PDFDict ? o : o instanceof PDFRawStream ? o.dict : undefined;
      if (!dict) return;
      const pg = dict.get(PDFName.of('Pg'));
      if (pg) pgs.push(pg);
      for (const [key, v] of dict.entries()) if (key !== PDFName.of('Pg')) walk(v, depth + 1);
    };
    let pageDicts = 0;
    for (const [, obj] of doc.context.enumerateIndirectObjects()) {
      walk(obj);
      if (obj instanceof PDFDict && obj.get(PDFName.of('Type')) === PDFName.of('Page')) pageDicts++;
    }
    expect(pageDicts, 'one page object').toBe(1);
    expect(pgs.length, 'structure elements name their page').toBeGreaterThan(10);
    for (const pg of pgs) expect(pg, 'every /Pg is the page').toBe(pageRef);
    for (const r of refs) expect(doc.context.lookup(r), `object ${r.toString()} exists`).toBeDefined();
    // The structure tree's parent-tree entry covers the page's marked content: pdfjs maps it to the same roles as the issue PDF's page.
    const whole = await openPdf(path.join(issueDir, layout.pdf));
    const cut = await openBytes(a);
    expect(roles((await (await cut.getPage(1)).getStructTree()) as StructNode)).toEqual(roles((await (await whole.getPage(k + 1)).getStructTree()) as StructNode));
    await cut.destroy();
    await whole.destroy();
  });

  it('the page PDFs and the issue PDF are written patched: cross-reference tables intact', async () => {
    for (const f of [layout.pdf, ...layout.pages.map((p) => p.pdf)]) {
      const bytes = new Uint8Array(await readFile(path.join(issueDir, f)));
      expect(checkXref(bytes), f).toBeGreaterThan(10);
    }
  });
});

describe('PDF metadata (patchInfo, finishPdf)', () => {
  it('patches a fresh Chromium PDF in place: xref offsets and startxref right, other bytes unchanged', async () => {
    const src = chromiumPdf;
    checkXref(src);
    const before = Buffer.from(src).toString('latin1');
    expect(before).toMatch(/\/Producer \(Skia\/PDF/);
    const out = patchInfo(src, META);
    expect(out, 'a Chromium PDF is patched in place (no fallback)').toBeDefined();
    const after = Buffer.from(out!).toString('latin1');
    expect(checkXref(out!)).toBeGreaterThan(10);
    // Only the /Info dictionary changed, and with it the offsets in the xref table and startxref.
    const infoBefore = /1 0 obj\n(<<[\s\S]*?>>)\nendobj/.exec(before)!;
    const infoAfter = /1 0 obj\n(<<[\s\S]*?>>)\nendobj/.exec(after)!;
    expect(infoBefore.index).toBe(infoAfter.index);
    expect(after.slice(0, infoAfter.index)).toBe(before.slice(0, infoBefore.index));
    const delta = infoAfter[1].length - infoBefore[1].length;
    expect(delta).not.toBe(0);
    const xrefBefore = before.lastIndexOf('\nxref') + 1;
    const xrefAfter = after.lastIndexOf('\nxref') + 1;
    expect(xrefAfter - xrefBefore).toBe(delta);
    const endInfo = (m: RegExpExecArray) => m.index + m[0].length;
    expect(after.slice(endInfo(infoAfter), xrefAfter)).toBe(before.slice(endInfo(infoBefore), xrefBefore));
    const trailer = (s: string) => s.slice(s.lastIndexOf('trailer'), s.lastIndexOf('startxref'));
    expect(trailer(after)).toBe(trailer(before));

    const doc = await openBytes(out!);
    const i = await info(doc);
    expect(i.Title).toBe(META.title);
    expect(i.Author).toBe(META.author);
    expect(i.Creator).toBe('Banmian');
    expect(i.Producer).toBe('Banmian (Chromium)');
    expect(i.CreationDate).toBe('D:20261120060000Z');
    expect(i.ModDate).toBe('D:20261120060000Z');
    expect(i.Language).toBe('zh-CN');
    // Structure and outline survive.
    expect((await doc.getMarkInfo())?.Marked).toBe(true);
    const outline = (await doc.getOutline()) ?? [];
    expect(outline.map((o) => [o.title, o.items.map((x) => x.title)])).toEqual([['第01版 要闻', ['标题一', '标题二']]]);
    // The page content is as Chromium printed it (no CJK font in this bare page: only the Latin text is extractable).
    const text = await pageText(doc, 1);
    expect(text).toContain('text123');
    const orig = await openBytes(src);
    expect(text).toBe(await pageText(orig, 1));
    await orig.destroy();
    await doc.destroy();
  });

  it('re-patches the built issue PDF (shorter and longer titles): xref right, pdfjs reads the new metadata', async () => {
    const built = new Uint8Array(await readFile(path.join(issueDir, layout.pdf)));
    const pagesBefore = await (async () => {
      const d = await openBytes(built);
      const t = [];
      for (let n = 1; n <= d.numPages; n++) t.push(await pageText(d, n));
      await d.destroy();
      return t;
    })();
    for (const meta of [
      { title: '短', author: '甲', date: '2027-01-02' },
      { title: `${'很长的标题'.repeat(40)} (with "ASCII") \\ end`, author: 'Paper (Ltd.)', date: '1999-12-31' },
    ]) {
      const out = patchInfo(built, meta);
      expect(out, meta.title).toBeDefined();
      expect(out!.length).not.toBe(built.length);
      checkXref(out!);
      const doc = await openBytes(out!);
      const i = await info(doc);
      expect(i.Title).toBe(meta.title);
      expect(i.Author).toBe(meta.author);
      expect(i.CreationDate).toBe(`D:${meta.date.replaceAll('-', '')}060000Z`);
      expect(i.ModDate).toBe(`D:${meta.date.replaceAll('-', '')}060000Z`);
      expect(doc.numPages).toBe(layout.pages.length);
      expect(await pageText(doc, doc.numPages)).toBe(pagesBefore[pagesBefore.length - 1]);
      expect(((await doc.getOutline()) ?? []).length).toBe(layout.pages.length);
      await doc.destroy();
    }
  });

  it('is deterministic: the same input patched twice gives the same bytes; a rebuild of the metadata is stable', async () => {
    const a = patchInfo(chromiumPdf, META)!;
    const b = patchInfo(chromiumPdf, META)!;
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    // finishPdf takes the same path.
    const c = await finishPdf(chromiumPdf, META);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(c))).toBe(0);
    // Patching the patched file with the same metadata changes nothing.
    const again = patchInfo(a, META)!;
    expect(Buffer.compare(Buffer.from(a), Buffer.from(again))).toBe(0);
  });

  it('does not touch its input', () => {
    const copy = Buffer.from(chromiumPdf);
    patchInfo(chromiumPdf, META);
    expect(Buffer.compare(copy, Buffer.from(chromiumPdf))).toBe(0);
  });

  it('falls back to pdf-lib for a PDF with a cross-reference stream: metadata set, opens in pdfjs, deterministic', async () => {
    const made = await PDFDocument.create({ updateMetadata: false });
    made.addPage([300, 400]).drawText('Hello xref stream', { x: 20, y: 350, size: 14 });
    const src = await made.save({ useObjectStreams: true });
    const head = Buffer.from(src).toString('latin1');
    expect(head).toMatch(/\/Type\s*\/XRef/);
    expect(head).not.toMatch(/\nxref\s/);

    expect(patchInfo(src, META), 'not of the Chromium shape').toBeUndefined();
    const out = await finishPdf(src, META);
    const doc = await openBytes(out);
    expect(doc.numPages).toBe(1);
    const i = await info(doc);
    expect(i.Title).toBe(META.title);
    expect(i.Author).toBe(META.author);
    expect(i.Creator).toBe('Banmian');
    expect(i.Producer).toBe('Banmian (Chromium)');
    expect(String(i.CreationDate)).toMatch(/^D:20261120060000/);
    expect(String(i.ModDate)).toMatch(/^D:20261120060000/);
    expect(i.Language).toBe('zh-CN');
    expect(await pageText(doc, 1)).toBe('Helloxrefstream');
    await doc.destroy();
    // The fallback writes a classic table (useObjectStreams: false): check it too.
    checkXref(out);

    const again = await finishPdf(src, META);
    expect(Buffer.compare(Buffer.from(out), Buffer.from(again))).toBe(0);
  });

  it('falls back to pdf-lib when the catalog /Lang differs, keeping structure and outline', async () => {
    const meta = { ...META, lang: 'en' };
    expect(patchInfo(chromiumPdf, meta)).toBeUndefined();
    const out = await finishPdf(chromiumPdf, meta);
    const doc = await openBytes(out);
    const i = await info(doc);
    expect(i.Language).toBe('en');
    expect(i.Title).toBe(META.title);
    expect(i.CreationDate).toMatch(/^D:20261120060000/);
    expect((await doc.getMarkInfo())?.Marked).toBe(true);
    expect(roles((await (await doc.getPage(1)).getStructTree()) as StructNode)).toContain('H2');
    expect(((await doc.getOutline()) ?? []).map((o) => o.title)).toEqual(['第01版 要闻']);
    await doc.destroy();
  });
});
