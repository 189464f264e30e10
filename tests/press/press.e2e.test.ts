/**
 * `banmian press` on the sample issue, read back: no RGB anywhere, black text K-only,
 * boxes, output intent, fonts, the same text as the screen pages, byte-identical
 * reruns, marks, bad input. The print stage runs once (into a temporary print cache);
 * the later press runs reuse it.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef } from 'pdf-lib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST } from '../../src/build/cache.js';
import { main } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/index.js';
import type { BanmianConfig } from '../../src/config/types.js';
import { BanmianError } from '../../src/errors.js';
import type { IssueLayout } from '../../src/layout/types.js';
import { decodeStream } from '../../src/press/page.js';
import { press, type PressOptions } from '../../src/press/index.js';
import { preflight } from '../../src/press/preflight.js';
import { tokenise } from '../../src/press/tokens.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ID = '2026-11-20';
const MM = 72 / 25.4;
const silent = { info() {}, warn() {}, progress() {} };

let tmp: string;
let config: BanmianConfig;
let base: PressOptions;
let layout: IssueLayout;
const pressDir = () => path.join(tmp, 'press', ID);
const pressFile = (n: number) => path.join(pressDir(), `20261120-0${n}.pdf`);
const screenFile = (n: number) => path.join(tmp, 'print', ID, layout.pages[n - 1].pdf);

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-press-'));
  ({ config } = await loadConfig(ROOT));
  base = {
    root: ROOT,
    config,
    issuesDir: path.join(ROOT, 'issues'),
    outDir: path.join(tmp, 'press'),
    printFrom: path.join(tmp, 'no-dist'),
    printCache: path.join(tmp, 'print'),
    log: silent,
  };
  await press(base);
  layout = JSON.parse(await readFile(path.join(tmp, 'print', ID, 'layout.json'), 'utf8')) as IssueLayout;
}, 300_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Every page content and form stream of a page, decoded. */
function streamsOf(doc: PDFDocument, pageIndex: number): Uint8Array[] {
  const ctx = doc.context;
  const node = doc.getPage(pageIndex).node;
  const c = ctx.lookup(node.get(PDFName.of('Contents')));
  const list = c instanceof PDFArray ? c.asArray().map((r) => ctx.lookup(r)) : [c];
  const out = list.filter((s): s is PDFRawStream => s instanceof PDFRawStream).map(decodeStream);
  for (const [, o] of ctx.enumerateIndirectObjects()) {
    if (o instanceof PDFRawStream && o.dict.get(PDFName.of('Subtype')) === PDFName.of('Form')) out.push(decodeStream(o));
  }
  return out;
}

describe('press files of the sample issue', () => {
  it('one file per page, named by date and page, plus preflight.json that passes', async () => {
    const files = (await readdir(pressDir())).sort();
    expect(files).toEqual(['20261120-01.pdf', '20261120-02.pdf', '20261120-03.pdf', '20261120-04.pdf', 'preflight.json']);
    const report = JSON.parse(await readFile(path.join(pressDir(), 'preflight.json'), 'utf8'));
    expect(report.ok).toBe(true);
    expect(report.standard).toBe('PDF/X-1a:2001');
    expect(report.files).toHaveLength(4);
    for (const f of report.files) for (const c of ['pdfx', 'output-intent', 'boxes', 'rgb', 'black-text', 'fonts', 'transparency']) expect(f.checks[c], `${f.file} ${c}`).toBe('pass');
    // the 153 ppi photo on page 1 is reported (a warning: between 150 and 200 ppi)
    const p1 = report.files[0];
    expect(p1.images.some((i: { ppi: number }) => i.ppi < 200)).toBe(true);
    expect(p1.findings.some((f: { check: string; level: string }) => f.check === 'image-resolution' && f.level === 'warning')).toBe(true);
  });

  it('has no RGB operator or colour space anywhere, and every black text run is 0 0 0 1 k', async () => {
    for (let n = 1; n <= 4; n++) {
      const bytes = await readFile(pressFile(n));
      expect(bytes.subarray(0, 8).toString('latin1')).toBe('%PDF-1.3');
      const doc = await PDFDocument.load(bytes, { updateMetadata: false });
      // colour spaces of every object: images, resources, shadings
      for (const [, o] of doc.context.enumerateIndirectObjects()) {
        const dict = o instanceof PDFRawStream ? o.dict : o instanceof PDFDict ? o : undefined;
        const cs = dict?.get(PDFName.of('ColorSpace'));
        const v = cs instanceof PDFRef ? doc.context.lookup(cs) : cs;
        expect(v).not.toBe(PDFName.of('DeviceRGB'));
        if (v instanceof PDFArray) expect(v.get(0)).not.toBe(PDFName.of('ICCBased'));
        if (dict?.get(PDFName.of('Subtype')) === PDFName.of('Image')) {
          expect(dict.get(PDFName.of('ColorSpace'))).toBe(PDFName.of('DeviceCMYK'));
          expect(dict.has(PDFName.of('SMask'))).toBe(false);
        }
      }
      let textRuns = 0;
      for (const stream of streamsOf(doc, 0)) {
        const src = Buffer.from(stream);
        let fill = '0 g';
        for (const op of tokenise(stream)) {
          expect(['rg', 'RG']).not.toContain(op.op);
          if (['cs', 'CS'].includes(op.op)) expect(src.toString('latin1', op.start, op.end)).not.toMatch(/RGB/);
          if (['rg', 'g', 'k', 'sc', 'scn', 'cs'].includes(op.op)) fill = src.toString('latin1', op.start, op.end);
          if (op.op === 'Tj' || op.op === 'TJ') {
            textRuns++;
            // text is black (K-only 100 %), the red, a grey tint or white: never a four-colour dark
            const k = /^([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) k$/.exec(fill);
            expect(k, `fill before text: ${fill}`).not.toBeNull();
            const [c, m, y, kk] = k!.slice(1).map(Number);
            if (kk >= 0.85 || c + m + y + kk >= 2.5) expect(fill).toBe('0 0 0 1 k');
          }
        }
      }
      expect(textRuns).toBeGreaterThan(500);
      // the black overprints
      const states = doc.context.lookup(doc.getPage(0).node.Resources()!.get(PDFName.of('ExtGState'))) as PDFDict;
      const op01 = doc.context.lookup(states.get(PDFName.of('PressOP01'))) as PDFDict;
      expect(String(op01.get(PDFName.of('op')))).toBe('true');
      expect((op01.get(PDFName.of('OPM')) as PDFNumber).asNumber()).toBe(1);
    }
  });

  it('TrimBox is the 390 × 545 mm trim, BleedBox 3 mm more, MediaBox = BleedBox without marks', async () => {
    for (let n = 1; n <= 4; n++) {
      const doc = await PDFDocument.load(await readFile(pressFile(n)), { updateMetadata: false });
      expect(doc.getPageCount()).toBe(1);
      const page = doc.getPage(0);
      const box = (k: string) => (page.node.get(PDFName.of(k)) as PDFArray).asArray().map((v) => (v as PDFNumber).asNumber());
      const [w, h] = [390 * MM, 545 * MM];
      const [x0, y0, x1, y1] = box('TrimBox');
      expect(x1 - x0).toBeCloseTo(w, 2);
      expect(y1 - y0).toBeCloseTo(h, 2);
      box('BleedBox').forEach((v, i) => expect(v).toBeCloseTo([x0 - 3 * MM, y0 - 3 * MM, x1 + 3 * MM, y1 + 3 * MM][i], 2));
      expect(box('MediaBox')).toEqual(box('BleedBox'));
    }
  });

  it('carries the PDF/X-1a identification, an OutputIntent with an embedded CMYK profile, and embedded fonts', async () => {
    const doc = await PDFDocument.load(await readFile(pressFile(1)), { updateMetadata: false });
    const ctx = doc.context;
    const info = ctx.lookup(ctx.trailerInfo.Info) as PDFDict;
    expect(String(info.get(PDFName.of('GTS_PDFXVersion')))).toBe('(PDF/X-1:2001)');
    expect(String(info.get(PDFName.of('GTS_PDFXConformance')))).toBe('(PDF/X-1a:2001)');
    expect(info.get(PDFName.of('Trapped'))).toBe(PDFName.of('False'));
    expect(ctx.trailerInfo.ID).toBeDefined();
    const intents = ctx.lookup(doc.catalog.get(PDFName.of('OutputIntents'))) as PDFArray;
    const intent = ctx.lookup(intents.get(0)) as PDFDict;
    expect(intent.get(PDFName.of('S'))).toBe(PDFName.of('GTS_PDFX'));
    const profile = ctx.lookup(intent.get(PDFName.of('DestOutputProfile'))) as PDFRawStream;
    expect((profile.dict.get(PDFName.of('N')) as PDFNumber).asNumber()).toBe(4);
    const icc = decodeStream(profile);
    expect(icc.toString('latin1', 36, 40)).toBe('acsp');
    expect(icc.toString('latin1', 16, 20)).toBe('CMYK');
    let fonts = 0;
    for (const [, o] of ctx.enumerateIndirectObjects()) {
      if (o instanceof PDFDict && o.get(PDFName.of('Type')) === PDFName.of('FontDescriptor')) {
        fonts++;
        expect(['FontFile', 'FontFile2', 'FontFile3'].some((k) => o.has(PDFName.of(k)))).toBe(true);
      }
    }
    expect(fonts).toBeGreaterThan(0);
  });

  it('each press page holds the same text as that page of the screen PDF', async () => {
    expect(layout.pages).toHaveLength(4);
    const textOf = async (file: string) => {
      const doc = await getDocument({ data: new Uint8Array(await readFile(file)), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
      const page = await doc.getPage(1);
      const content = await page.getTextContent();
      const s = content.items.map((i) => ('str' in i ? i.str : '')).join('');
      await doc.destroy();
      return s;
    };
    for (let n = 1; n <= 4; n++) {
      const screen = await textOf(screenFile(n));
      expect(screen.length).toBeGreaterThan(1000);
      expect(await textOf(pressFile(n))).toBe(screen);
    }
  });

  it('gives byte-identical files for the same input', async () => {
    const again = { ...base, outDir: path.join(tmp, 'press-again') };
    await press(again);
    for (let n = 1; n <= 4; n++) {
      const a = await readFile(pressFile(n));
      const b = await readFile(path.join(again.outDir, ID, `20261120-0${n}.pdf`));
      expect(a.equals(b)).toBe(true);
    }
  });

  it('takes the print pages from dist/ when they are current there, laying out nothing', async () => {
    // a build output folder holding this issue's current print pages (with its manifest)
    const dist = path.join(tmp, 'dist-copy');
    await cp(path.join(tmp, 'print'), dist, { recursive: true });
    const lines: string[] = [];
    const log = { info: (m: string) => lines.push(m), warn() {}, progress() {} };
    const started = performance.now();
    await press({ ...base, outDir: path.join(tmp, 'press-from-dist'), printFrom: dist, printCache: path.join(tmp, 'empty-cache'), log });
    expect(lines.some((l) => /print edition: 0 issue\(s\) laid out, 1 reused from the cache/.test(l)), lines.join('\n')).toBe(true);
    expect(performance.now() - started).toBeLessThan(60_000);
    expect((await readFile(path.join(tmp, 'press-from-dist', ID, '20261120-03.pdf'))).equals(await readFile(pressFile(3)))).toBe(true);
  });

  it('with marks: MediaBox outside the bleed, marks in /Separation /All, the slug line', async () => {
    const marked = { ...base, outDir: path.join(tmp, 'press-marks'), marks: true };
    const result = await press(marked);
    expect(result.ok).toBe(true);
    const file = path.join(marked.outDir, ID, '20261120-02.pdf');
    const doc = await PDFDocument.load(await readFile(file), { updateMetadata: false });
    const page = doc.getPage(0);
    const box = (k: string) => (page.node.get(PDFName.of(k)) as PDFArray).asArray().map((v) => (v as PDFNumber).asNumber());
    const [mx0, my0] = box('MediaBox');
    const [bx0, by0] = box('BleedBox');
    // room beyond the bleed for 6 mm crop marks that start at the bleed
    expect(bx0 - mx0).toBeGreaterThanOrEqual(6 * MM);
    expect(by0 - my0).toBeGreaterThanOrEqual(6 * MM);
    const content = Buffer.concat(streamsOf(doc, 0).map((s) => Buffer.from(s))).toString('latin1');
    expect(content).toMatch(/\/PressAll CS 1 SCN/);
    const spaces = doc.context.lookup((page.node.Resources()!.get(PDFName.of('ColorSpace')) as PDFDict).get(PDFName.of('PressAll'))) as PDFArray;
    expect(String(spaces.get(0))).toBe('/Separation');
    expect(String(spaces.get(1))).toBe('/All');
    // crop-mark lines: from 3 mm (the bleed) to 9 mm outside the trim
    expect(content).toContain(`0 ${+(-3 * MM).toFixed(4)} m 0 ${+(-9 * MM).toFixed(4)} l S`);
    const [tx0, ty0] = box('TrimBox');
    expect(content).toContain(`1 0 0 1 ${+tx0.toFixed(4)} ${+ty0.toFixed(4)} cm`);
    const pdf = await getDocument({ data: new Uint8Array(await readFile(file)), verbosity: 0, isEvalSupported: false }).promise;
    const text = (await (await pdf.getPage(1)).getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join('');
    await pdf.destroy();
    expect(text).toContain('第02版');
    expect(text).toContain('2026-11-20');
  });

  it('the screen PDF fails the preflight (RGB, no boxes, no output intent), the press file passes', async () => {
    const screen = await preflight(await readFile(screenFile(1)), 'screen.pdf');
    expect(screen.ok).toBe(false);
    const checks = new Set(screen.findings.filter((f) => f.level === 'error').map((f) => f.check));
    for (const c of ['rgb', 'boxes', 'output-intent', 'pdfx', 'black-text']) expect(checks).toContain(c);
    expect((await preflight(await readFile(pressFile(1)), 'press.pdf')).ok).toBe(true);
    // the command: exit 1 for the screen PDF, 0 for the press file
    expect(await main(['preflight', screenFile(1)])).toBe(1);
    expect(await main(['preflight', pressFile(1)])).toBe(0);
  });
});

describe('press: bad input leaves press/ untouched', () => {
  const attempt = async (outputIntent: string | undefined, extra: Partial<PressOptions> = {}) => {
    const out = path.join(tmp, `press-bad-${Math.random().toString(36).slice(2)}`);
    await mkdir(path.join(out, ID), { recursive: true });
    await writeFile(path.join(out, ID, 'keep.txt'), 'previous');
    const cfg = { ...config, print: { ...config.print, press: { ...config.print.press, outputIntent } } };
    const err = await press({ ...base, ...extra, config: cfg, outDir: out }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(await readdir(path.join(out, ID))).toEqual(['keep.txt']);
    expect((await readdir(out)).filter((f) => f !== ID)).toEqual([]);
    return err as Error;
  };

  it('an unreadable output-intent file', async () => {
    const err = await attempt(path.join(tmp, 'missing.icc'));
    expect(err).toBeInstanceOf(BanmianError);
    expect(err.message).toMatch(/missing\.icc: cannot read the output-intent profile/);
  });

  it('a file that is not an ICC profile, and an RGB profile', async () => {
    await writeFile(path.join(tmp, 'notes.icc'), 'these are not colour data '.repeat(20));
    expect((await attempt(path.join(tmp, 'notes.icc'))).message).toMatch(/notes\.icc: the output-intent profile .* is not an ICC profile/);
    const srgbTiff = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } }).withIccProfile('srgb').tiff().toBuffer();
    await writeFile(path.join(tmp, 'srgb.icc'), (await sharp(srgbTiff).metadata()).icc!);
    expect((await attempt(path.join(tmp, 'srgb.icc'))).message).toMatch(/srgb\.icc: .*RGB profile, not CMYK/);
  });

  it('a page without print layout', async () => {
    // a print cache whose layout lost page 4, recorded as current (its digest in the manifest
    // matches, as if an older banmian had written it so): press must not make a page of it
    const bad = path.join(tmp, 'print-bad');
    await cp(path.join(tmp, 'print'), bad, { recursive: true });
    const file = path.join(bad, ID, 'layout.json');
    const text = await readFile(file, 'utf8');
    expect(text).toContain('"number": 4');
    const changed = text.replace('"number": 4', '"number": 9');
    await writeFile(file, changed);
    const manifestFile = path.join(bad, MANIFEST);
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    expect(manifest.digests[`${ID}/layout.json`]).toBeTruthy();
    manifest.digests[`${ID}/layout.json`] = createHash('sha256').update(changed).digest('hex');
    await writeFile(manifestFile, JSON.stringify(manifest));
    const err = await attempt(undefined, { printCache: bad });
    expect(err).toBeInstanceOf(BanmianError);
    expect(err.message).toMatch(/04-专题\.txt: page 04 has no print layout/);
    expect(existsSync(path.join(bad, ID))).toBe(true);
  });
});
