/**
 * Image XObjects in RGB (DeviceRGB, ICC-based RGB; Chromium writes photos as sRGB JPEGs)
 * → CMYK through the output profile with the ink limit (sharp/libvips does the ICC
 * transform), stored Flate-compressed as DeviceCMYK. A soft mask (alpha) is flattened
 * onto white first: PDF/X-1a has no transparency. ICC-based grey becomes DeviceGray.
 */
import { deflateSync } from 'node:zlib';
import { PDFArray, type PDFDict, PDFName, PDFNumber, PDFRawStream, PDFRef, type PDFContext } from 'pdf-lib';
import { rgbToCmyk, type ColourRules } from './colour.js';
import { decodeStream } from './page.js';

const N = (s: string) => PDFName.of(s);

function spaceOf(ctx: PDFContext, img: PDFRawStream): { kind: 'rgb' | 'gray' | 'cmyk' | 'other'; icc: boolean } {
  const cs = img.dict.get(N('ColorSpace'));
  const v = cs instanceof PDFRef ? ctx.lookup(cs) : cs;
  if (v === N('DeviceRGB')) return { kind: 'rgb', icc: false };
  if (v === N('DeviceGray')) return { kind: 'gray', icc: false };
  if (v === N('DeviceCMYK')) return { kind: 'cmyk', icc: false };
  if (v instanceof PDFArray && v.get(0) === N('ICCBased')) {
    const s = ctx.lookup(v.get(1));
    const n = s instanceof PDFRawStream ? (s.dict.get(N('N')) as PDFNumber | undefined)?.asNumber() : undefined;
    return { kind: n === 3 ? 'rgb' : n === 1 ? 'gray' : n === 4 ? 'cmyk' : 'other', icc: true };
  }
  return { kind: 'other', icc: false };
}

export function imageNeedsConversion(ctx: PDFContext, img: PDFRawStream): boolean {
  const s = spaceOf(ctx, img);
  return s.kind === 'rgb' || s.icc || img.dict.has(N('SMask')) || img.dict.has(N('Mask'));
}

/** The CMYK (or grey) replacement of image `img`. */
export async function convertImage(ctx: PDFContext, img: PDFRawStream, rules: ColourRules): Promise<{ stream: PDFRawStream; note?: string }> {
  const d = img.dict;
  const width = (d.get(N('Width')) as PDFNumber).asNumber();
  const height = (d.get(N('Height')) as PDFNumber).asNumber();
  const bpc = (d.get(N('BitsPerComponent')) as PDFNumber | undefined)?.asNumber() ?? 8;
  const space = spaceOf(ctx, img);
  const filter = d.get(N('Filter'));
  const isJpeg = filter === N('DCTDecode') || (filter instanceof PDFArray && filter.size() === 1 && filter.get(0) === N('DCTDecode'));
  const smaskRef = d.get(N('SMask'));
  const smask = smaskRef ? (ctx.lookup(smaskRef) as PDFRawStream | undefined) : undefined;
  let note: string | undefined;
  if (d.has(N('Mask'))) note = 'an image mask (/Mask) was dropped';

  const out = d.clone(ctx) as PDFDict;
  for (const k of ['SMask', 'Mask', 'Decode', 'DecodeParms', 'Filter', 'Intent', 'Interpolate']) out.delete(N(k));

  if (space.kind === 'gray' || space.kind === 'cmyk') {
    // already device grey/CMYK in substance: only the ICC wrapper goes (alpha, if any, is dropped)
    out.set(N('ColorSpace'), N(space.kind === 'gray' ? 'DeviceGray' : 'DeviceCMYK'));
    if (smask) note = 'a soft mask on a grey/CMYK image was dropped';
    const keep = d.clone(ctx) as PDFDict;
    for (const k of ['SMask', 'Mask']) keep.delete(N(k));
    keep.set(N('ColorSpace'), out.get(N('ColorSpace'))!);
    return { stream: PDFRawStream.of(keep, img.contents), note };
  }
  if (space.kind !== 'rgb' || bpc !== 8) throw new Error(`image ${width}×${height} in an unsupported colour space or depth (${String(d.get(N('ColorSpace')))}, ${bpc} bit)`);

  let cmyk: Buffer;
  if (isJpeg && !smask) {
    cmyk = await rgbToCmyk(Buffer.from(img.contents), width, height, rules, true);
  } else {
    let rgb: Buffer;
    if (isJpeg) {
      const { default: sharp } = await import('sharp');
      rgb = await sharp(Buffer.from(img.contents)).removeAlpha().toColourspace('srgb').raw().toBuffer();
    } else rgb = decodeStream(img);
    if (rgb.length < width * height * 3) throw new Error(`image ${width}×${height}: ${rgb.length} bytes of pixels, expected ${width * height * 3}`);
    if (smask) flattenOnWhite(rgb, decodeStream(smask), width * height);
    cmyk = await rgbToCmyk(rgb.subarray(0, width * height * 3), width, height, rules);
  }
  out.set(N('ColorSpace'), N('DeviceCMYK'));
  out.set(N('BitsPerComponent'), PDFNumber.of(8));
  out.set(N('Filter'), N('FlateDecode'));
  const data = deflateSync(cmyk, { level: 6 });
  out.set(N('Length'), PDFNumber.of(data.length));
  return { stream: PDFRawStream.of(out, data), note };
}

/** Composites RGB pixels over white by their 8-bit alpha (an SMask of the same size). */
function flattenOnWhite(rgb: Buffer, alpha: Buffer, pixels: number): void {
  if (alpha.length < pixels) return;
  for (let p = 0; p < pixels; p++) {
    const a = alpha[p];
    if (a === 255) continue;
    for (let c = 0; c < 3; c++) rgb[p * 3 + c] = Math.round((rgb[p * 3 + c] * a + 255 * (255 - a)) / 255);
  }
}
