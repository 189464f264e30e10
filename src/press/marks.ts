/**
 * Page boxes and printer's marks. The trim is the page as printed (the screen PDF's
 * MediaBox, origin 0 0); the bleed and the marks area are added around it with negative
 * coordinates, so the page's own content is not moved. Marks are in registration colour
 * (`/Separation /All`), outside the bleed: crop marks, a registration target on each
 * side, a slug line at the bottom left set in the page's own embedded fonts.
 */
import { type PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFRawStream, type PDFRef, type PDFContext } from 'pdf-lib';
import { decodeStream } from './page.js';
import { fmt } from './tokens.js';

export const MM = 72 / 25.4;

export interface BoxPlan {
  trim: [number, number, number, number];
  bleed: [number, number, number, number];
  media: [number, number, number, number];
  /** Distance from the trim to where the crop marks start, and their length (pt). */
  offset: number;
  length: number;
}

/**
 * The boxes for a page of `mediaW` × `mediaH` pt (the screen page) whose trim is `trimW` ×
 * `trimH` pt: Chromium rounds the page size up by a fraction of a point, and lays out
 * from the top-left, so the trim is the top-left `trimW` × `trimH` of the page.
 */
export function planBoxes(mediaW: number, mediaH: number, trimW: number, trimH: number, bleedMm: number, marks: boolean): BoxPlan {
  const b = bleedMm * MM;
  const offset = Math.max(b, 3 * MM);
  const length = 6 * MM;
  const margin = marks ? offset + length + 5 * MM : b;
  const w = Math.min(trimW, mediaW);
  const h = Math.min(trimH, mediaH);
  const y0 = mediaH - h;
  const r = (v: number) => Math.round(v * 1000) / 1000;
  const box = (m: number): [number, number, number, number] => [r(-m), r(y0 - m), r(w + m), r(mediaH + m)];
  return { trim: box(0), bleed: box(b), media: box(margin), offset, length };
}

/** A content stream drawing the marks; `slug` is drawn with `glyphs` (see `slugGlyphs`). */
export function marksContent(plan: BoxPlan, slug: SlugRun[]): string {
  const [x0, y0, x1, y1] = plan.trim;
  const w = x1 - x0;
  const h = y1 - y0;
  const { offset: o, length: l } = plan;
  // drawn with the trim's lower left corner as origin
  const lines: string[] = ['q', `1 0 0 1 ${fmt(x0)} ${fmt(y0)} cm`, '/PressAll CS 1 SCN /PressAll cs 1 scn 0.25 w 0 J'];
  const seg = (x1: number, y1: number, x2: number, y2: number) => lines.push(`${fmt(x1)} ${fmt(y1)} m ${fmt(x2)} ${fmt(y2)} l S`);
  for (const x of [0, w]) {
    seg(x, -o, x, -o - l);
    seg(x, h + o, x, h + o + l);
  }
  for (const y of [0, h]) {
    seg(-o, y, -o - l, y);
    seg(w + o, y, w + o + l, y);
  }
  const c = o + l / 2;
  for (const [x, y] of [[w / 2, -c], [w / 2, h + c], [-c, h / 2], [w + c, h / 2]] as const) target(lines, x, y, 2.5 * MM);
  if (slug.length) {
    const size = 7;
    lines.push(`BT ${fmt(20 * MM)} ${fmt(-(o + l / 2) - size / 3)} Td`);
    for (const run of slug) lines.push(`/${run.font} ${size} Tf <${run.hex}> Tj`);
    lines.push('ET');
  }
  lines.push('Q');
  return lines.join('\n') + '\n';
}

/** A registration target: a circle, a smaller filled circle and a cross through both. */
function target(out: string[], x: number, y: number, r: number): void {
  out.push(circle(x, y, r) + ' S');
  out.push(circle(x, y, r / 2.5) + ' f');
  const a = r * 1.4;
  out.push(`${fmt(x - a)} ${fmt(y)} m ${fmt(x + a)} ${fmt(y)} l S ${fmt(x)} ${fmt(y - a)} m ${fmt(x)} ${fmt(y + a)} l S`);
}

function circle(x: number, y: number, r: number): string {
  const k = 0.5523 * r;
  return [
    `${fmt(x + r)} ${fmt(y)} m`,
    `${fmt(x + r)} ${fmt(y + k)} ${fmt(x + k)} ${fmt(y + r)} ${fmt(x)} ${fmt(y + r)} c`,
    `${fmt(x - k)} ${fmt(y + r)} ${fmt(x - r)} ${fmt(y + k)} ${fmt(x - r)} ${fmt(y)} c`,
    `${fmt(x - r)} ${fmt(y - k)} ${fmt(x - k)} ${fmt(y - r)} ${fmt(x)} ${fmt(y - r)} c`,
    `${fmt(x + k)} ${fmt(y - r)} ${fmt(x + r)} ${fmt(y - k)} ${fmt(x + r)} ${fmt(y)} c`,
  ].join(' ');
}

/** The `/Separation /All` colour space (all plates at the tint), for the page's resources. */
export function registrationSpace(context: PDFContext): PDFArray {
  const fn = context.obj({ FunctionType: 2, Domain: [0, 1], C0: [0, 0, 0, 0], C1: [1, 1, 1, 1], N: 1 });
  return context.obj([PDFName.of('Separation'), PDFName.of('All'), PDFName.of('DeviceCMYK'), context.register(fn)]) as PDFArray;
}

export interface SlugRun {
  /** Font resource name. */
  font: string;
  /** The glyph codes, hex. */
  hex: string;
}

/**
 * The slug text as runs of glyphs of the page's own fonts (Type0, two-byte codes, found
 * through each font's ToUnicode map): PDF/X wants every font embedded, and the page's
 * subsets already hold the paper's name, the date and 第…版. Characters no font on the
 * page has are left out (returned in `missing`).
 */
export function slugGlyphs(context: PDFContext, fonts: PDFDict | undefined, text: string): { runs: SlugRun[]; missing: string } {
  const maps: Array<{ font: string; map: Map<number, string> }> = [];
  for (const [key, ref] of fonts?.entries() ?? []) {
    const font = context.lookup(ref);
    if (!(font instanceof PDFDict) || font.get(PDFName.of('Subtype')) !== PDFName.of('Type0')) continue;
    const tu = context.lookup(font.get(PDFName.of('ToUnicode')) as PDFRef);
    if (!(tu instanceof PDFRawStream)) continue;
    maps.push({ font: key.decodeText(), map: parseToUnicode(decodeStream(tu).toString('latin1')) });
  }
  const runs: SlugRun[] = [];
  let missing = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const hit = maps.find((m) => m.map.has(cp));
    if (!hit) {
      missing += ch;
      continue;
    }
    const code = hit.map.get(cp)!;
    const last = runs[runs.length - 1];
    if (last?.font === hit.font) last.hex += code;
    else runs.push({ font: hit.font, hex: code });
  }
  return { runs, missing };
}

/** Unicode code point → glyph code (hex) from a ToUnicode CMap (bfchar and bfrange). */
export function parseToUnicode(cmap: string): Map<number, string> {
  const out = new Map<number, string>();
  const add = (code: string, uni: string) => {
    if (uni.length > 4 && !/^[dD][89abAB]/.test(uni)) return; // more than one character: a ligature
    const cp = String.fromCharCode(...(uni.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16))).codePointAt(0);
    if (cp !== undefined && !out.has(cp)) out.set(cp, code.toUpperCase());
  };
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) add(m[1], m[2]);
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of block[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(<([0-9a-fA-F]+)>|\[([^\]]*)\])/g)) {
      const lo = parseInt(m[1], 16);
      const hi = parseInt(m[2], 16);
      const width = m[1].length;
      if (hi - lo > 0xffff) continue;
      if (m[4]) {
        const base = parseInt(m[4], 16);
        for (let c = lo; c <= hi; c++) add(c.toString(16).padStart(width, '0'), (base + c - lo).toString(16).padStart(m[4].length, '0'));
      } else {
        const list = [...m[5].matchAll(/<([0-9a-fA-F]+)>/g)].map((x) => x[1]);
        list.forEach((u, k) => add((lo + k).toString(16).padStart(width, '0'), u));
      }
    }
  }
  return out;
}

export const boxArray = (context: PDFContext, b: number[]) => context.obj(b.map((v) => PDFNumber.of(v)));
export const hexString = PDFHexString;
