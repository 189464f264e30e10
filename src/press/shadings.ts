/**
 * Smooth shadings in RGB (Chromium draws CSS gradients as shading patterns with
 * exponential-interpolation functions, stitched for more than two stops) → DeviceCMYK:
 * each function's end colours go through the same colour rules as any other colour
 * (`colour.ts`), and /Background too. A shading whose colours are a sampled function or
 * a PostScript calculator cannot be converted this way: it is left as it is and the
 * preflight reports it.
 */
import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRawStream, PDFRef, type PDFContext, type PDFObject } from 'pdf-lib';
import type { ColourMapper, Rgb } from './colour.js';

const N = (s: string) => PDFName.of(s);

const look = (ctx: PDFContext, o: PDFObject | undefined) => (o instanceof PDFRef ? ctx.lookup(o) : o);
const dictOf = (o: PDFObject | undefined) => (o instanceof PDFRawStream ? o.dict : o instanceof PDFDict ? o : undefined);

/** The RGB shadings of a resource dictionary (its /Shading entries and its shading patterns). */
export function rgbShadings(ctx: PDFContext, resources: PDFDict, isRgb: (cs: PDFObject | undefined) => boolean): PDFDict[] {
  const out: PDFDict[] = [];
  const add = (o: PDFObject | undefined) => {
    const d = dictOf(look(ctx, o));
    if (d && isRgb(d.get(N('ColorSpace')))) out.push(d);
  };
  const shadings = dictOf(look(ctx, resources.get(N('Shading'))));
  for (const [, v] of shadings?.entries() ?? []) add(v);
  const patterns = dictOf(look(ctx, resources.get(N('Pattern'))));
  for (const [, v] of patterns?.entries() ?? []) {
    const p = dictOf(look(ctx, v));
    if (p && (look(ctx, p.get(N('PatternType'))) as PDFNumber | undefined)?.asNumber() === 2) add(p.get(N('Shading')));
  }
  return out;
}

/** The type 2 functions (C0/C1) a shading's colours come from, or undefined when it has others. */
function endColours(ctx: PDFContext, shading: PDFDict): PDFDict[] | undefined {
  const found: PDFDict[] = [];
  const walk = (o: PDFObject | undefined): boolean => {
    const v = look(ctx, o);
    if (v instanceof PDFArray) return v.asArray().every(walk);
    const d = dictOf(v);
    const type = (look(ctx, d?.get(N('FunctionType'))) as PDFNumber | undefined)?.asNumber();
    if (d && type === 2) {
      found.push(d);
      return true;
    }
    if (d && type === 3) return walk(d.get(N('Functions')));
    return false;
  };
  return walk(shading.get(N('Function'))) ? found : undefined;
}

const rgbOf = (ctx: PDFContext, o: PDFObject | undefined, fallback: Rgb): Rgb => {
  const a = look(ctx, o);
  if (!(a instanceof PDFArray) || a.size() !== 3) return fallback;
  return a.asArray().map((x) => (look(ctx, x) as PDFNumber).asNumber()) as Rgb;
};

/** Notes the colours of the shadings the mapper will be asked for. Returns those it can convert. */
export function collectShadingColours(ctx: PDFContext, shadings: PDFDict[], mapper: ColourMapper): PDFDict[] {
  const convertible: PDFDict[] = [];
  for (const s of shadings) {
    const fns = endColours(ctx, s);
    if (!fns) continue;
    for (const f of fns) {
      mapper.want(rgbOf(ctx, f.get(N('C0')), [0, 0, 0]));
      mapper.want(rgbOf(ctx, f.get(N('C1')), [1, 1, 1]));
    }
    if (s.get(N('Background'))) mapper.want(rgbOf(ctx, s.get(N('Background')), [1, 1, 1]));
    convertible.push(s);
  }
  return convertible;
}

/** Rewrites the shadings' colours to CMYK (after the mapper resolved them). */
export function convertShadings(ctx: PDFContext, shadings: PDFDict[], mapper: ColourMapper): void {
  const cmyk = (rgb: Rgb) => ctx.obj(mapper.get(rgb).map((v) => PDFNumber.of(v)));
  // a function may be shared by several shadings: convert it once
  const done = new Set<PDFDict>();
  for (const s of shadings) {
    for (const f of endColours(ctx, s) ?? []) {
      if (done.has(f)) continue;
      done.add(f);
      f.set(N('C0'), cmyk(rgbOf(ctx, f.get(N('C0')), [0, 0, 0])));
      f.set(N('C1'), cmyk(rgbOf(ctx, f.get(N('C1')), [1, 1, 1])));
      f.delete(N('Range'));
    }
    if (s.get(N('Background'))) s.set(N('Background'), cmyk(rgbOf(ctx, s.get(N('Background')), [1, 1, 1])));
    s.set(N('ColorSpace'), N('DeviceCMYK'));
  }
}
