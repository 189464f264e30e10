/**
 * Preflight and conversion on small PDFs made here with pdf-lib: what an advertiser's ad
 * might hold — RGB text and rules, a photo with alpha placed too large, opacity, a font
 * that is not embedded.
 */
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, rgb, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ColourRules } from '../../src/press/colour.js';
import { pressPage } from '../../src/press/page.js';
import { formatFindings, preflight } from '../../src/press/preflight.js';
import { loadOutputProfile } from '../../src/press/profile.js';

let ad: Uint8Array;
let rules: ColourRules;

beforeAll(async () => {
  rules = { blackFrom: 0.85, redRgb: [196 / 255, 22 / 255, 28 / 255], redCmyk: [0, 1, 1, 0], totalInk: 2.4, profile: await loadOutputProfile(process.cwd()) };
  const doc = await PDFDocument.create();
  const page = doc.addPage([400, 300]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  page.drawText('Big sale', { x: 20, y: 250, size: 24, font, color: rgb(0.05, 0.05, 0.05) });
  page.drawRectangle({ x: 20, y: 20, width: 100, height: 50, color: rgb(0.2, 0.4, 0.9), opacity: 0.5 });
  // 40 × 20 px with alpha, placed 200 × 100 pt: 14 ppi
  const png = await sharp({ create: { width: 40, height: 20, channels: 4, background: { r: 200, g: 30, b: 30, alpha: 0.5 } } }).png().toBuffer();
  page.drawImage(await doc.embedPng(png), { x: 150, y: 60, width: 200, height: 100 });
  // 600 × 300 px over 200 × 100 pt: 216 ppi (fine); 360 × 180 px: 130 ppi
  const jpg = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: '#3080c0' } }).jpeg().toBuffer();
  page.drawImage(await doc.embedJpg(await jpg(600, 300)), { x: 150, y: 180, width: 200, height: 100 });
  page.drawImage(await doc.embedJpg(await jpg(360, 180)), { x: 0, y: 100, width: 200, height: 100 });
  // a CSS-like gradient: an axial shading pattern in RGB, red to blue, used twice with one function
  const fn = doc.context.register(doc.context.obj({ FunctionType: 2, Domain: [0, 1], C0: [1, 0, 0], C1: [0, 0, 1], N: 1 }));
  const shading = doc.context.register(doc.context.obj({ ShadingType: 2, ColorSpace: 'DeviceRGB', Coords: [0, 0, 100, 0], Function: fn, Extend: [true, true] }));
  const shading2 = doc.context.register(doc.context.obj({ ShadingType: 2, ColorSpace: 'DeviceRGB', Coords: [0, 0, 0, 100], Function: fn }));
  const pattern = doc.context.register(doc.context.obj({ PatternType: 2, Shading: shading }));
  const res = page.node.Resources()!;
  res.set(PDFName.of('Pattern'), doc.context.obj({ Grad: pattern }));
  res.set(PDFName.of('Shading'), doc.context.obj({ Sh2: shading2 }));
  const extra = doc.context.flateStream('q /Pattern cs /Grad scn 300 10 90 40 re f Q q 10 10 50 50 re W n /Sh2 sh Q');
  page.node.addContentStream(doc.context.register(extra));
  ad = await doc.save();
});

describe('preflight of an RGB ad', () => {
  it('fails, one line per problem naming file, page and object', async () => {
    const report = await preflight(ad, 'ad.pdf');
    expect(report.ok).toBe(false);
    const lines = formatFindings(report);
    const has = (re: RegExp) => expect(lines.some((l) => re.test(l)), `${re} in\n${lines.join('\n')}`).toBe(true);
    has(/^ad\.pdf: FAIL pdfx: \/Info: no \/GTS_PDFXVersion/);
    has(/^ad\.pdf: FAIL output-intent/);
    has(/^ad\.pdf: FAIL boxes: page 1: \/TrimBox: no TrimBox/);
    has(/^ad\.pdf: FAIL rgb: page 1: page content: rg: \d+ RGB colour operation/);
    has(/^ad\.pdf: FAIL rgb: page 1: page content: image \/\S+: RGB image/);
    has(/^ad\.pdf: FAIL rgb: page 1: page content: pattern \/Grad: RGB shading/);
    has(/^ad\.pdf: FAIL rgb: page 1: page content: shading \/Sh2: RGB shading/);
    has(/^ad\.pdf: FAIL transparency: page 1: page content: image \/\S+: soft mask/);
    has(/^ad\.pdf: FAIL transparency: page 1: page content: graphics state \/\S+: \/ca 0\.5/);
    has(/^ad\.pdf: FAIL fonts: page 1: font \/Helvetica: font not embedded/);
    has(/^ad\.pdf: FAIL black-text: text: 1 of 1 black text runs are not K-only/);
    has(/^ad\.pdf: FAIL image-resolution: page 1: image \/\S+ \(40×20 px, 71×35 mm\): 14 ppi at placed size, under 150/);
    has(/^ad\.pdf: FAIL image-resolution: page 1: image \/\S+ \(360×180 px, 71×35 mm\): 130 ppi/);
    expect(report.images.map((i) => i.ppi).sort((a, b) => a - b)).toEqual([14, 130, 216]);
    expect(report.checks).toEqual({ syntax: 'pass', pdfx: 'fail', 'output-intent': 'fail', boxes: 'fail', rgb: 'fail', 'black-text': 'fail', fonts: 'fail', transparency: 'fail', 'image-resolution': 'fail' });
  });

  it('after conversion: CMYK, no transparency, boxes and output intent; still fails for the font and the resolution', async () => {
    const { bytes, notes } = await pressPage(ad, { rules, trimMm: [400 / (72 / 25.4), 300 / (72 / 25.4)], bleedMm: 3, marks: false, slug: '', title: 'ad', date: new Date('2026-11-20T06:00:00Z') });
    expect(notes.some((n) => /opacity 0\.5 printed opaque/.test(n))).toBe(true);
    const report = await preflight(bytes, 'ad-press.pdf');
    const failed = new Set(report.findings.filter((f) => f.level === 'error').map((f) => f.check));
    expect([...failed].sort()).toEqual(['fonts', 'image-resolution']);
    expect(report.blackText).toEqual({ runs: 1, kOnly: 1 });
    // the image with alpha is flattened onto white, in CMYK, without its mask
    const doc = await PDFDocument.load(bytes);
    const images = [...doc.context.enumerateIndirectObjects()].map(([, o]) => o).filter((o): o is PDFRawStream => o instanceof PDFRawStream && o.dict.get(PDFName.of('Subtype')) === PDFName.of('Image'));
    expect(images.length).toBeGreaterThanOrEqual(3);
    // the gradient's function: red → M+Y (the rules' profile colour), blue → C+M, in CMYK, converted once
    const fns = [...doc.context.enumerateIndirectObjects()].map(([, o]) => o).filter((o): o is PDFDict => o instanceof PDFDict && String(o.get(PDFName.of('FunctionType'))) === '2');
    expect(fns).toHaveLength(1);
    const c0 = (fns[0].get(PDFName.of('C0')) as PDFArray).asArray().map((v) => (v as PDFNumber).asNumber());
    const c1 = (fns[0].get(PDFName.of('C1')) as PDFArray).asArray().map((v) => (v as PDFNumber).asNumber());
    expect(c0).toHaveLength(4);
    expect(c0[1]).toBeGreaterThan(0.8);
    expect(c1[0]).toBeGreaterThan(0.8);
    for (const img of images) {
      expect(img.dict.get(PDFName.of('ColorSpace'))).toBe(PDFName.of('DeviceCMYK'));
      expect(img.dict.has(PDFName.of('SMask'))).toBe(false);
    }
  });
});
