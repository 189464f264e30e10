/**
 * Preflight: checks any PDF against what the plant's PDF/X-1a workflow accepts — boxes,
 * output intent and PDF/X keys, no RGB (operators and colour spaces in content streams,
 * images, forms, shadings, patterns, annotation appearances), K-only black text, fonts
 * embedded, no transparency, image resolution at placed size. Used after `banmian press`
 * and by `banmian preflight FILE…`.
 */
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFString, PDFHexString, type PDFContext, type PDFObject } from 'pdf-lib';
import { decodeStream, spaceKind } from './page.js';
import { name, num, tokenise } from './tokens.js';

const N = (s: string) => PDFName.of(s);

export type Level = 'error' | 'warning';

export const CHECKS = ['syntax', 'pdfx', 'output-intent', 'boxes', 'rgb', 'black-text', 'fonts', 'transparency', 'image-resolution'] as const;
export type Check = (typeof CHECKS)[number];

export interface Finding {
  check: Check;
  level: Level;
  /** 1-based page, when the finding belongs to one. */
  page?: number;
  /** The object: a resource name, an operator, a font… */
  object?: string;
  message: string;
}

export interface ImageReport {
  page: number;
  name: string;
  pixels: [number, number];
  /** Effective resolution at the placed size (the lower of the two directions). */
  ppi: number;
}

export interface PreflightReport {
  file: string;
  pages: number;
  ok: boolean;
  /** Every check and how it came out. */
  checks: Record<Check, 'pass' | 'warning' | 'fail'>;
  /** Text-showing operations in near-black, and how many of them are K-only 100 %. */
  blackText: { runs: number; kOnly: number };
  images: ImageReport[];
  findings: Finding[];
}

/** Thresholds for photos on newsprint. */
export const PPI_WARN = 200;
export const PPI_FAIL = 150;

/**
 * Checks the PDF `bytes`. `parsed` may give the same file already parsed (the press stage
 * checks what it has just written without parsing it again).
 */
export async function preflight(bytes: Uint8Array, file: string, parsed?: PDFDocument): Promise<PreflightReport> {
  const findings: Finding[] = [];
  const report: PreflightReport = { file, pages: 0, ok: false, checks: {} as PreflightReport['checks'], blackText: { runs: 0, kOnly: 0 }, images: [], findings };
  const finish = () => {
    for (const c of CHECKS) {
      const mine = findings.filter((f) => f.check === c);
      report.checks[c] = mine.some((f) => f.level === 'error') ? 'fail' : mine.length ? 'warning' : 'pass';
    }
    report.ok = !findings.some((f) => f.level === 'error');
    return report;
  };
  let doc: PDFDocument;
  try {
    doc = parsed ?? (await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: false }));
  } catch (err) {
    findings.push({ check: 'syntax', level: 'error', message: `not a readable PDF: ${(err as Error).message.split('\n')[0]}` });
    return finish();
  }
  const ctx = doc.context;
  const header = Buffer.from(bytes.subarray(0, 8)).toString('latin1');

  // --- PDF/X identification and output intent ----------------------------------------
  const info = ctx.lookup(ctx.trailerInfo.Info);
  const infoText = (k: string) => {
    const v = info instanceof PDFDict ? info.get(N(k)) : undefined;
    return v instanceof PDFString || v instanceof PDFHexString ? v.decodeText() : undefined;
  };
  const version = infoText('GTS_PDFXVersion');
  if (!version) findings.push({ check: 'pdfx', level: 'error', object: '/Info', message: 'no /GTS_PDFXVersion (not a PDF/X file)' });
  else if (/^PDF\/X-1/.test(version) && header > '%PDF-1.4') findings.push({ check: 'pdfx', level: 'error', message: `${version} needs a PDF 1.3/1.4 file, the header says ${header}` });
  const trapped = info instanceof PDFDict ? info.get(N('Trapped')) : undefined;
  if (trapped !== N('True') && trapped !== N('False')) findings.push({ check: 'pdfx', level: 'error', object: '/Info', message: '/Trapped must be /True or /False' });
  if (!ctx.trailerInfo.ID) findings.push({ check: 'pdfx', level: 'error', object: 'trailer', message: 'no /ID in the trailer' });
  const intents = lookup(ctx, doc.catalog.get(N('OutputIntents')));
  const pdfx = intents instanceof PDFArray ? intents.asArray().map((o) => lookup(ctx, o)).find((d) => d instanceof PDFDict && d.get(N('S')) === N('GTS_PDFX')) : undefined;
  if (!(pdfx instanceof PDFDict)) findings.push({ check: 'output-intent', level: 'error', object: '/OutputIntents', message: 'no OutputIntent with /S /GTS_PDFX' });
  else {
    const prof = lookup(ctx, pdfx.get(N('DestOutputProfile')));
    const id = pdfx.get(N('OutputConditionIdentifier'));
    if (!id) findings.push({ check: 'output-intent', level: 'error', object: '/OutputIntents', message: 'no /OutputConditionIdentifier' });
    if (!(prof instanceof PDFRawStream)) findings.push({ check: 'output-intent', level: 'error', object: '/DestOutputProfile', message: 'no embedded output profile' });
    else if ((prof.dict.get(N('N')) as PDFNumber | undefined)?.asNumber() !== 4) findings.push({ check: 'output-intent', level: 'error', object: '/DestOutputProfile', message: 'the output profile is not CMYK (/N 4)' });
  }

  // --- pages ------------------------------------------------------------------------------
  const pages = doc.getPages();
  report.pages = pages.length;
  const fontsChecked = new Set<string>();
  const imagesSeen = new Map<string, number>();
  pages.forEach((page, index) => {
    const p = index + 1;
    const node = page.node;
    const box = (k: string) => {
      const a = lookup(ctx, node.get(N(k)) ?? (k === 'MediaBox' ? inherited(ctx, node, 'MediaBox') : undefined));
      return a instanceof PDFArray ? a.asArray().map((v) => (lookup(ctx, v) as PDFNumber).asNumber()) : undefined;
    };
    const media = box('MediaBox');
    const trim = box('TrimBox') ?? box('ArtBox');
    const bleed = box('BleedBox');
    if (!trim) findings.push({ check: 'boxes', level: 'error', page: p, object: '/TrimBox', message: 'no TrimBox (or ArtBox)' });
    if (!bleed) findings.push({ check: 'boxes', level: 'warning', page: p, object: '/BleedBox', message: 'no BleedBox' });
    const inside = (a: number[], b: number[]) => a[0] >= b[0] - 0.01 && a[1] >= b[1] - 0.01 && a[2] <= b[2] + 0.01 && a[3] <= b[3] + 0.01;
    if (trim && bleed && !inside(trim, bleed)) findings.push({ check: 'boxes', level: 'error', page: p, object: '/TrimBox', message: 'TrimBox is not inside the BleedBox' });
    if (media && bleed && !inside(bleed, media)) findings.push({ check: 'boxes', level: 'error', page: p, object: '/BleedBox', message: 'BleedBox is not inside the MediaBox' });
    if (lookup(ctx, node.get(N('Group'))) instanceof PDFDict) findings.push({ check: 'transparency', level: 'error', page: p, object: '/Group', message: 'page transparency group' });
    for (const a of (lookup(ctx, node.get(N('Annots'))) as PDFArray | undefined)?.asArray() ?? []) {
      const annot = lookup(ctx, a);
      if (!(annot instanceof PDFDict)) continue;
      const sub = annot.get(N('Subtype'))?.toString() ?? '?';
      const ap = lookup(ctx, annot.get(N('AP')));
      const normal = ap instanceof PDFDict ? lookup(ctx, ap.get(N('N'))) : undefined;
      if (normal instanceof PDFRawStream) checkStream(normal, lookup(ctx, normal.dict.get(N('Resources'))) as PDFDict | undefined, `annotation ${sub}`, [1, 0, 0, 1, 0, 0]);
    }
    const resources = (lookup(ctx, node.get(N('Resources')) ?? inherited(ctx, node, 'Resources')) as PDFDict | undefined) ?? ctx.obj({});
    const content = pageBytes(ctx, node);
    checkContent(content, resources, 'page content', [1, 0, 0, 1, 0, 0], new Set());

    function checkStream(s: PDFRawStream, res: PDFDict | undefined, where: string, ctm: number[]) {
      checkContent(decodeStream(s), res ?? resources, where, ctm, new Set());
    }

    function checkContent(bytes: Uint8Array, res: PDFDict, where: string, ctm0: number[], forms: Set<string>) {
      checkResources(res, where);
      let ops;
      try {
        ops = tokenise(bytes);
      } catch (err) {
        findings.push({ check: 'syntax', level: 'error', page: p, object: where, message: (err as Error).message });
        return;
      }
      const spaces = lookupDict(ctx, res.get(N('ColorSpace')));
      const xobjects = lookupDict(ctx, res.get(N('XObject')));
      let ctm = ctm0;
      let fill: { kind: string; values: number[] } = { kind: 'gray', values: [0] };
      const stack: Array<[number[], typeof fill]> = [];
      const rgbOps = new Map<string, number>();
      for (const op of ops) {
        switch (op.op) {
          case 'q':
            stack.push([ctm, fill]);
            break;
          case 'Q':
            [ctm, fill] = stack.pop() ?? [ctm0, fill];
            break;
          case 'cm': {
            const m = op.operands.map((o) => num(o) ?? 0);
            ctm = multiply(m, ctm);
            break;
          }
          case 'rg':
          case 'RG':
            rgbOps.set(op.op, (rgbOps.get(op.op) ?? 0) + 1);
            if (op.op === 'rg') fill = { kind: 'rgb', values: op.operands.map((o) => num(o) ?? 0) };
            break;
          case 'g':
            fill = { kind: 'gray', values: op.operands.map((o) => num(o) ?? 0) };
            break;
          case 'k':
            fill = { kind: 'cmyk', values: op.operands.map((o) => num(o) ?? 0) };
            break;
          case 'cs':
          case 'CS': {
            const n = name(op.operands[0]) ?? '';
            const kind = n === 'DeviceRGB' ? 'rgb' : n === 'DeviceGray' ? 'gray' : n === 'DeviceCMYK' ? 'cmyk' : spaceKind(ctx, spaces?.get(N(n)));
            if (kind === 'rgb') rgbOps.set(`/${n} ${op.op}`, (rgbOps.get(`/${n} ${op.op}`) ?? 0) + 1);
            if (op.op === 'cs') fill = { kind, values: kind === 'cmyk' ? [0, 0, 0, 1] : [0] };
            break;
          }
          case 'sc':
          case 'scn':
            fill = { kind: fill.kind, values: op.operands.map((o) => num(o) ?? 0) };
            break;
          case 'Tj':
          case 'TJ':
          case "'":
          case '"': {
            const dark = darkness(fill);
            if (dark >= 0.85) {
              report.blackText.runs++;
              const kOnly = (fill.kind === 'cmyk' && fill.values[0] === 0 && fill.values[1] === 0 && fill.values[2] === 0 && fill.values[3] === 1) || (fill.kind === 'gray' && fill.values[0] === 0);
              if (kOnly) report.blackText.kOnly++;
            }
            break;
          }
          case 'BI': {
            const cs = op.inlineImage?.get('CS') ?? op.inlineImage?.get('ColorSpace');
            const n = name(cs);
            if (n === 'RGB' || n === 'DeviceRGB' || (n && spaceKind(ctx, spaces?.get(N(n))) === 'rgb')) findings.push({ check: 'rgb', level: 'error', page: p, object: `inline image in ${where}`, message: 'inline image in RGB' });
            break;
          }
          case 'Do': {
            const n = name(op.operands[0]) ?? '';
            const ref = xobjects?.get(N(n));
            const x = lookup(ctx, ref);
            if (!(x instanceof PDFRawStream)) break;
            const sub = x.dict.get(N('Subtype'));
            if (sub === N('Image')) {
              const w = (lookup(ctx, x.dict.get(N('Width'))) as PDFNumber).asNumber();
              const h = (lookup(ctx, x.dict.get(N('Height'))) as PDFNumber).asNumber();
              // the unit square scaled by the CTM: placed size in pt along each image axis
              const pw = Math.hypot(ctm[0], ctm[1]);
              const ph = Math.hypot(ctm[2], ctm[3]);
              if (pw > 0 && ph > 0) {
                const ppi = Math.min((w / pw) * 72, (h / ph) * 72);
                const key = `${p}:${ref?.toString()}`;
                if (!imagesSeen.has(key)) {
                  imagesSeen.set(key, ppi);
                  report.images.push({ page: p, name: `/${n}`, pixels: [w, h], ppi: Math.round(ppi) });
                  const obj = `image /${n} (${w}×${h} px, ${Math.round(pw / 72 * 25.4)}×${Math.round(ph / 72 * 25.4)} mm)`;
                  if (ppi < PPI_FAIL) findings.push({ check: 'image-resolution', level: 'error', page: p, object: obj, message: `${Math.round(ppi)} ppi at placed size, under ${PPI_FAIL}` });
                  else if (ppi < PPI_WARN) findings.push({ check: 'image-resolution', level: 'warning', page: p, object: obj, message: `${Math.round(ppi)} ppi at placed size, under ${PPI_WARN}` });
                }
              }
            } else if (sub === N('Form') && ref && !forms.has(ref.toString())) {
              const m = (lookup(ctx, x.dict.get(N('Matrix'))) as PDFArray | undefined)?.asArray().map((v) => (lookup(ctx, v) as PDFNumber).asNumber()) ?? [1, 0, 0, 1, 0, 0];
              forms.add(ref.toString());
              const formRes = lookupDict(ctx, x.dict.get(N('Resources'))) ?? res;
              if (x.dict.get(N('Group'))) findings.push({ check: 'transparency', level: 'error', page: p, object: `form /${n}`, message: 'transparency group' });
              checkContent(decodeStream(x), formRes, `form /${n}`, multiply(m, ctm), forms);
            }
            break;
          }
        }
      }
      for (const [op, count] of rgbOps) findings.push({ check: 'rgb', level: 'error', page: p, object: `${where}: ${op}`, message: `${count} RGB colour operation(s)` });
    }

    /** Colour spaces, images, shadings, patterns, graphics states and fonts of a resource dict. */
    function checkResources(res: PDFDict, where: string) {
      for (const [key, v] of lookupDict(ctx, res.get(N('ColorSpace')))?.entries() ?? []) {
        if (isRgbSpace(ctx, v)) findings.push({ check: 'rgb', level: 'error', page: p, object: `${where}: colour space /${key.decodeText()}`, message: 'RGB colour space' });
      }
      for (const [key, v] of lookupDict(ctx, res.get(N('XObject')))?.entries() ?? []) {
        const x = lookup(ctx, v);
        if (!(x instanceof PDFRawStream) || x.dict.get(N('Subtype')) !== N('Image')) continue;
        const obj = `${where}: image /${key.decodeText()}`;
        if (isRgbSpace(ctx, x.dict.get(N('ColorSpace')))) findings.push({ check: 'rgb', level: 'error', page: p, object: obj, message: 'RGB image' });
        if (x.dict.get(N('SMask'))) findings.push({ check: 'transparency', level: 'error', page: p, object: obj, message: 'soft mask (SMask)' });
      }
      for (const sect of ['Shading', 'Pattern']) {
        for (const [key, v] of lookupDict(ctx, res.get(N(sect)))?.entries() ?? []) {
          const s = lookup(ctx, v);
          const d = s instanceof PDFRawStream ? s.dict : s instanceof PDFDict ? s : undefined;
          const shading = sect === 'Pattern' ? lookup(ctx, d?.get(N('Shading'))) : d;
          const sd = shading instanceof PDFRawStream ? shading.dict : shading instanceof PDFDict ? shading : undefined;
          if (sd && isRgbSpace(ctx, sd.get(N('ColorSpace')))) findings.push({ check: 'rgb', level: 'error', page: p, object: `${where}: ${sect.toLowerCase()} /${key.decodeText()}`, message: 'RGB shading' });
        }
      }
      for (const [key, v] of lookupDict(ctx, res.get(N('ExtGState')))?.entries() ?? []) {
        const gs = lookupDict(ctx, v);
        if (!gs) continue;
        const obj = `${where}: graphics state /${key.decodeText()}`;
        for (const k of ['ca', 'CA']) {
          const a = lookup(ctx, gs.get(N(k)));
          if (a instanceof PDFNumber && a.asNumber() < 1) findings.push({ check: 'transparency', level: 'error', page: p, object: obj, message: `/${k} ${a.asNumber()}` });
        }
        const sm = gs.get(N('SMask'));
        if (sm && sm !== N('None')) findings.push({ check: 'transparency', level: 'error', page: p, object: obj, message: 'soft mask' });
        const bm = gs.get(N('BM'));
        if (bm && bm !== N('Normal') && bm !== N('Compatible')) findings.push({ check: 'transparency', level: 'error', page: p, object: obj, message: `blend mode ${bm.toString()}` });
      }
      for (const [key, v] of lookupDict(ctx, res.get(N('Font')))?.entries() ?? []) {
        const id = v instanceof PDFRef ? v.toString() : `${p}/${key.decodeText()}`;
        if (fontsChecked.has(id)) continue;
        fontsChecked.add(id);
        const font = lookupDict(ctx, v);
        if (!font) continue;
        const base = font.get(N('BaseFont'))?.toString() ?? key.decodeText();
        if (font.get(N('Subtype')) === N('Type3')) continue;
        const desc = font.get(N('Subtype')) === N('Type0') ? lookupDict(ctx, (lookup(ctx, font.get(N('DescendantFonts'))) as PDFArray | undefined)?.get(0)) : font;
        const fd = lookupDict(ctx, desc?.get(N('FontDescriptor')));
        if (!fd || !['FontFile', 'FontFile2', 'FontFile3'].some((k) => fd.has(N(k)))) findings.push({ check: 'fonts', level: 'error', page: p, object: `font ${base}`, message: 'font not embedded' });
      }
    }
  });
  if (report.blackText.runs > report.blackText.kOnly) {
    findings.push({ check: 'black-text', level: 'error', object: 'text', message: `${report.blackText.runs - report.blackText.kOnly} of ${report.blackText.runs} black text runs are not K-only 100 %` });
  }
  return finish();
}

/** One line per finding: `file: page N: object: message`. */
export function formatFindings(report: PreflightReport): string[] {
  return report.findings.map((f) => `${report.file}: ${f.level === 'error' ? 'FAIL' : 'warning'} ${f.check}${f.page ? `: page ${f.page}` : ''}${f.object ? `: ${f.object}` : ''}: ${f.message}`);
}

function darkness(fill: { kind: string; values: number[] }): number {
  const v = fill.values;
  if (fill.kind === 'gray') return 1 - (v[0] ?? 0);
  if (fill.kind === 'rgb') return 1 - ((v[0] ?? 0) + (v[1] ?? 0) + (v[2] ?? 0)) / 3;
  if (fill.kind === 'cmyk') return Math.min(1, Math.max(v[3] ?? 0, ((v[0] ?? 0) + (v[1] ?? 0) + (v[2] ?? 0)) / 3 + (v[3] ?? 0)));
  return 0;
}

function isRgbSpace(ctx: PDFContext, o: PDFObject | undefined): boolean {
  const v = lookup(ctx, o);
  if (v instanceof PDFArray && v.get(0) === N('Indexed')) return isRgbSpace(ctx, v.get(1));
  if (v instanceof PDFArray && (v.get(0) === N('Separation') || v.get(0) === N('DeviceN'))) return isRgbSpace(ctx, v.get(2)); // the alternate space
  return spaceKind(ctx, v) === 'rgb';
}

function multiply(a: number[], b: number[]): number[] {
  return [
    a[0] * b[0] + a[1] * b[2],
    a[0] * b[1] + a[1] * b[3],
    a[2] * b[0] + a[3] * b[2],
    a[2] * b[1] + a[3] * b[3],
    a[4] * b[0] + a[5] * b[2] + b[4],
    a[4] * b[1] + a[5] * b[3] + b[5],
  ];
}

function lookup(ctx: PDFContext, o: PDFObject | undefined): PDFObject | undefined {
  return o instanceof PDFRef ? ctx.lookup(o) : o;
}

function lookupDict(ctx: PDFContext, o: PDFObject | undefined): PDFDict | undefined {
  const d = lookup(ctx, o);
  return d instanceof PDFDict ? d : undefined;
}

function inherited(ctx: PDFContext, node: PDFDict, key: string): PDFObject | undefined {
  let d: PDFDict | undefined = node;
  while (d) {
    const v = d.get(N(key));
    if (v) return v;
    d = lookupDict(ctx, d.get(N('Parent')));
  }
  return undefined;
}

function pageBytes(ctx: PDFContext, node: PDFDict): Uint8Array {
  const c = lookup(ctx, node.get(N('Contents')));
  const list = c instanceof PDFArray ? c.asArray().map((r) => lookup(ctx, r)) : [c];
  return Buffer.concat(list.filter((s): s is PDFRawStream => s instanceof PDFRawStream).flatMap((s) => [decodeStream(s), Buffer.from('\n')]));
}
