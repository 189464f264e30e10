/**
 * One screen page PDF → one press page PDF (PDF/X-1a:2001): colours rewritten to CMYK
 * (rewrite.ts), images separated through the output profile (images.ts), transparency
 * keys dropped, boxes and marks (marks.ts), the PDF/X identification and OutputIntent.
 * The page's content is otherwise the screen page's, operation for operation.
 */
import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import {
  decodePDFRawStream,
  PDFArray,
  PDFBool,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFRawStream,
  PDFRef,
  PDFString,
  type PDFContext,
  type PDFObject,
} from 'pdf-lib';
import { ColourMapper, type ColourRules } from './colour.js';
import { convertImage, imageNeedsConversion } from './images.js';
import { collectShadingColours, convertShadings, rgbShadings } from './shadings.js';
import { boxArray, marksContent, MM, planBoxes, registrationSpace, slugGlyphs } from './marks.js';
import { collectColours, overprintStateName, parseStream, rewriteStream, type ParsedStream, type SpaceKind, type StreamScope } from './rewrite.js';

const N = (s: string) => PDFName.of(s);

export interface PressPageOptions {
  rules: ColourRules;
  /** The trim (the page size of the print preset), mm. */
  trimMm: [number, number];
  bleedMm: number;
  marks: boolean;
  /** The slug line's text (paper, date, 期号, 第NN版, output time). */
  slug: string;
  title: string;
  /** Creation and modification date (from the issue, for byte-identical output). */
  date: Date;
}

export interface PressPageResult {
  bytes: Uint8Array;
  /** Things the editor should know (transparency removed, slug characters missing…). */
  notes: string[];
  /** The document as written (for a preflight without parsing the bytes again). */
  doc: PDFDocument;
}

/** Converts the single-page PDF `src` into its press file. */
export async function pressPage(src: Uint8Array, opts: PressPageOptions, timings?: Map<string, number>): Promise<PressPageResult> {
  let lap = performance.now();
  const mark = (stage: string) => {
    const now = performance.now();
    timings?.set(stage, (timings.get(stage) ?? 0) + now - lap);
    lap = now;
  };
  const doc = await PDFDocument.load(src, { updateMetadata: false });
  mark('load');
  const ctx = doc.context;
  const notes: string[] = [];
  const mapper = new ColourMapper(opts.rules);

  // --- every content stream (pages and form XObjects), parsed once --------------------
  interface Owner {
    resources: PDFDict;
    parsed: ParsedStream;
    scope: StreamScope;
    write: (bytes: Uint8Array) => void;
  }
  const owners: Owner[] = [];
  const images = new Map<string, PDFRef>();
  const seenForms = new Set<string>();
  const visitResources = (resources: PDFDict) => {
    const xobjects = lookupDict(ctx, resources.get(N('XObject')));
    for (const [, ref] of xobjects?.entries() ?? []) {
      if (!(ref instanceof PDFRef)) continue;
      const x = ctx.lookup(ref);
      if (!(x instanceof PDFRawStream)) continue;
      const sub = x.dict.get(N('Subtype'));
      if (sub === N('Image')) images.set(ref.toString(), ref);
      else if (sub === N('Form') && !seenForms.has(ref.toString())) {
        seenForms.add(ref.toString());
        const formRes = lookupDict(ctx, x.dict.get(N('Resources'))) ?? resources;
        owners.push(ownerOf(formRes, decodeStream(x), (bytes) => ctx.assign(ref, flate(ctx, bytes, x.dict))));
        visitResources(formRes);
      }
    }
  };
  const ownerOf = (resources: PDFDict, bytes: Uint8Array, write: (b: Uint8Array) => void): Owner => ({ resources, parsed: parseStream(bytes), scope: scopeOf(ctx, resources), write });

  const pages = doc.getPages();
  for (const [index, page] of pages.entries()) {
    const node = page.node;
    const resources = node.Resources() ?? ctx.obj({});
    node.set(N('Resources'), resources);
    owners.push(ownerOf(resources, pageContent(ctx, node), (bytes) => node.set(N('Contents'), ctx.register(flate(ctx, bytes)))));
    visitResources(resources);
    // Links are of no use on a plate, and PDF/X wants no annotation inside the bleed.
    node.delete(N('Annots'));
    node.delete(N('StructParents'));
    if (node.get(N('Group'))) {
      node.delete(N('Group'));
      notes.push(`page ${index + 1}: transparency group removed`);
    }
  }

  mark('parse content');
  // --- colours: all RGB colours through the rules and the profile at once --------------
  for (const o of owners) collectColours(o.parsed, o.scope, mapper);
  const shadings = collectShadingColours(ctx, [...new Set(owners.flatMap((o) => rgbShadings(ctx, o.resources, (cs) => spaceKind(ctx, cs) === 'rgb')))], mapper);
  await mapper.resolve();
  convertShadings(ctx, shadings, mapper);
  mark('colours through the profile');
  for (const o of owners) {
    const { bytes, overprint } = rewriteStream(o.parsed, o.scope, mapper);
    o.write(bytes);
    if (overprint) addOverprintStates(ctx, o.resources);
    stripTransparency(ctx, o.resources, notes);
    convertSpaces(ctx, o.resources);
  }

  mark('rewrite content');
  // --- images -----------------------------------------------------------------------------
  await Promise.all(
    [...images.values()].map(async (ref) => {
      const img = ctx.lookup(ref) as PDFRawStream;
      if (!imageNeedsConversion(ctx, img)) return;
      const { stream, note } = await convertImage(ctx, img, opts.rules);
      ctx.assign(ref, stream);
      // the soft mask is flattened into the image: no orphan object left in the file
      const mask = img.dict.get(N('SMask'));
      if (mask instanceof PDFRef) ctx.delete(mask);
      if (note) notes.push(note);
    }),
  );

  mark('images');
  // --- boxes and marks ------------------------------------------------------------------
  for (const page of pages) {
    const node = page.node;
    const { width, height } = page.getMediaBox();
    const plan = planBoxes(width, height, opts.trimMm[0] * MM, opts.trimMm[1] * MM, opts.bleedMm, opts.marks);
    node.set(N('MediaBox'), boxArray(ctx, plan.media));
    node.set(N('TrimBox'), boxArray(ctx, plan.trim));
    node.set(N('BleedBox'), boxArray(ctx, plan.bleed));
    node.delete(N('CropBox'));
    node.delete(N('ArtBox'));
    if (opts.marks) {
      const resources = node.Resources()!;
      const spaces = lookupDict(ctx, resources.get(N('ColorSpace'))) ?? ctx.obj({});
      resources.set(N('ColorSpace'), spaces);
      spaces.set(N('PressAll'), registrationSpace(ctx));
      const { runs, missing } = slugGlyphs(ctx, lookupDict(ctx, resources.get(N('Font'))), opts.slug);
      if (missing.trim()) notes.push(`slug line: no embedded glyph on the page for "${missing.trim()}" (left out)`);
      // The page's own content in q … Q, so its graphics state cannot reach the marks.
      const body = pageContent(ctx, node);
      const wrapped = Buffer.concat([Buffer.from('q\n'), Buffer.from(body), Buffer.from('\nQ\n'), Buffer.from(marksContent(plan, runs), 'latin1')]);
      node.set(N('Contents'), ctx.register(flate(ctx, wrapped)));
    }
  }

  // --- PDF/X-1a:2001 identification ----------------------------------------------------------
  const catalog = doc.catalog;
  for (const key of ['StructTreeRoot', 'MarkInfo', 'Metadata', 'Lang', 'OpenAction', 'AcroForm']) catalog.delete(N(key));
  const profile = ctx.register(ctx.stream(deflateSync(opts.rules.profile.icc), { N: 4, Filter: 'FlateDecode' }));
  const intent = ctx.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFX',
    OutputConditionIdentifier: PDFString.of(opts.rules.profile.identifier),
    OutputCondition: PDFString.of(opts.rules.profile.description),
    Info: PDFString.of(opts.rules.profile.description),
    RegistryName: PDFString.of('http://www.color.org'),
    DestOutputProfile: profile,
  });
  catalog.set(N('OutputIntents'), ctx.obj([intent]));
  doc.setTitle(opts.title);
  doc.setCreator('Banmian');
  doc.setProducer('Banmian press (pdf-lib, sharp)');
  doc.setCreationDate(opts.date);
  doc.setModificationDate(opts.date);
  const info = ctx.lookup(ctx.trailerInfo.Info) as PDFDict;
  info.set(N('GTS_PDFXVersion'), PDFString.of('PDF/X-1:2001'));
  info.set(N('GTS_PDFXConformance'), PDFString.of('PDF/X-1a:2001'));
  info.set(N('Trapped'), N('False'));
  // The file ID: a digest of what the file is made from, so equal input gives equal bytes.
  const digest = createHash('md5').update(src).update(JSON.stringify({ ...opts, rules: { ...opts.rules, profile: opts.rules.profile.identifier } })).update(opts.rules.profile.icc).digest('hex');
  const id = PDFHexString.of(digest);
  ctx.trailerInfo.ID = ctx.obj([id, id]);
  mark('boxes, marks, PDF/X keys');
  const bytes = await doc.save({ useObjectStreams: false, updateFieldAppearances: false });
  mark('save');
  // PDF/X-1a:2001 is PDF 1.3: no object streams (a classic xref table above), and the
  // header says 1.3 (pdf-lib always writes 1.7; same length, so no offset moves).
  bytes.set(Buffer.from('%PDF-1.3', 'latin1'), 0);
  return { bytes, notes, doc };
}

/** A stream's data: node's zlib for plain Flate (pdf-lib's decoder is JavaScript), else pdf-lib. */
export function decodeStream(s: PDFRawStream): Buffer {
  const f = s.dict.get(N('Filter'));
  const plainFlate = (f === N('FlateDecode') || (f instanceof PDFArray && f.size() === 1 && f.get(0) === N('FlateDecode'))) && !s.dict.has(N('DecodeParms'));
  if (plainFlate) {
    try {
      return inflateSync(s.contents);
    } catch {
      // a damaged stream: pdf-lib's decoder is more forgiving
    }
  }
  if (!f) return Buffer.from(s.contents);
  return Buffer.from(decodePDFRawStream(s).decode());
}

function lookupDict(ctx: PDFContext, o: PDFObject | undefined): PDFDict | undefined {
  const d = o instanceof PDFRef ? ctx.lookup(o) : o;
  return d instanceof PDFDict ? d : undefined;
}

/** The page's content streams, decoded and joined. */
function pageContent(ctx: PDFContext, node: PDFDict): Uint8Array {
  const c = node.get(N('Contents'));
  const d = c instanceof PDFRef ? ctx.lookup(c) : c;
  const list = d instanceof PDFArray ? d.asArray().map((r) => ctx.lookup(r)) : [d];
  const parts = list.filter((s): s is PDFRawStream => s instanceof PDFRawStream).map(decodeStream);
  return Buffer.concat(parts.flatMap((p) => [p, Buffer.from('\n')]));
}

/** A Flate stream of `bytes`, keeping the other keys of `dict` (a form's /BBox, /Resources…). */
function flate(ctx: PDFContext, bytes: Uint8Array, dict?: PDFDict): PDFRawStream {
  const out = dict ? (dict.clone(ctx) as PDFDict) : ctx.obj({});
  out.delete(N('DecodeParms'));
  out.set(N('Filter'), N('FlateDecode'));
  const data = deflateSync(bytes);
  out.set(N('Length'), PDFNumber.of(data.length));
  return PDFRawStream.of(out, data);
}

/** How a resource's colour spaces look to the rewrite. */
function scopeOf(ctx: PDFContext, resources: PDFDict): StreamScope {
  const spaces = lookupDict(ctx, resources.get(N('ColorSpace')));
  const states = lookupDict(ctx, resources.get(N('ExtGState')));
  return {
    space: (name) => spaceKind(ctx, spaces?.get(N(name))),
    extGState: (name) => {
      const gs = lookupDict(ctx, states?.get(N(name)));
      if (!gs) return undefined;
      const b = (k: string) => {
        const v = gs.get(N(k));
        return v instanceof PDFBool ? v.asBoolean() : undefined;
      };
      return { OP: b('OP'), op: b('op') };
    },
  };
}

/** RGB, grey, CMYK or something else (Separation, Pattern, Indexed…). */
export function spaceKind(ctx: PDFContext, o: PDFObject | undefined): SpaceKind {
  const cs = o instanceof PDFRef ? ctx.lookup(o) : o;
  if (cs instanceof PDFName) return cs === N('DeviceRGB') || cs === N('CalRGB') ? 'rgb' : cs === N('DeviceGray') ? 'gray' : cs === N('DeviceCMYK') ? 'cmyk' : 'other';
  if (cs instanceof PDFArray) {
    const family = cs.get(0);
    if (family === N('CalRGB') || family === N('Lab')) return 'rgb';
    if (family === N('CalGray')) return 'gray';
    if (family === N('ICCBased')) {
      const s = ctx.lookup(cs.get(1));
      const n = s instanceof PDFRawStream ? s.dict.get(N('N')) : undefined;
      const comps = n instanceof PDFNumber ? n.asNumber() : 0;
      return comps === 3 ? 'rgb' : comps === 1 ? 'gray' : comps === 4 ? 'cmyk' : 'other';
    }
  }
  return 'other';
}

/** Colour-space resources in RGB are no longer used by the rewritten stream: drop them. */
function convertSpaces(ctx: PDFContext, resources: PDFDict): void {
  const spaces = lookupDict(ctx, resources.get(N('ColorSpace')));
  if (!spaces) return;
  for (const [key, value] of spaces.entries()) {
    const kind = spaceKind(ctx, value);
    if (kind === 'rgb' || kind === 'gray') spaces.delete(key);
    else if (kind === 'cmyk') spaces.set(key, N('DeviceCMYK'));
  }
}

function addOverprintStates(ctx: PDFContext, resources: PDFDict): void {
  const states = lookupDict(ctx, resources.get(N('ExtGState'))) ?? ctx.obj({});
  resources.set(N('ExtGState'), states);
  for (const stroke of [false, true]) {
    for (const fill of [false, true]) {
      states.set(N(overprintStateName(stroke, fill)), ctx.obj({ Type: 'ExtGState', OP: stroke, op: fill, OPM: 1 }));
    }
  }
}

/**
 * PDF/X-1a has no transparency: the PDF 1.4 keys Chromium writes into its graphics states
 * (`/ca 1 /CA 1 /BM /Normal`, opaque anyway) are removed; a real alpha or soft mask is
 * removed too, and reported (the page then prints that element opaque).
 */
function stripTransparency(ctx: PDFContext, resources: PDFDict, notes: string[]): void {
  const states = lookupDict(ctx, resources.get(N('ExtGState')));
  for (const [key, value] of states?.entries() ?? []) {
    const gs = lookupDict(ctx, value);
    if (!gs) continue;
    for (const k of ['ca', 'CA']) {
      const v = gs.get(N(k));
      if (v instanceof PDFNumber && v.asNumber() < 1) notes.push(`graphics state ${key.decodeText()}: opacity ${v.asNumber()} printed opaque (PDF/X-1a has no transparency)`);
      gs.delete(N(k));
    }
    const bm = gs.get(N('BM'));
    if (bm && bm !== N('Normal') && bm !== N('Compatible')) notes.push(`graphics state ${key.decodeText()}: blend mode removed`);
    gs.delete(N('BM'));
    const sm = gs.get(N('SMask'));
    if (sm && sm !== N('None')) notes.push(`graphics state ${key.decodeText()}: soft mask removed`);
    gs.delete(N('SMask'));
    gs.delete(N('AIS'));
    gs.delete(N('TK'));
  }
}
