/**
 * PDF metadata: title, author (the paper), creator/producer, and creation/modification
 * dates from the issue date instead of the clock, so that a rebuild of the same issue
 * gives the same bytes but for what the format forces.
 *
 * Chromium (Skia) writes a classic PDF: a cross-reference table, an /Info dictionary
 * with the document title and the clock's dates, a catalog with /Lang (from `<html
 * lang>`), the structure tree (tagged PDF) and the outline. `finishPdf` replaces the
 * /Info dictionary in place and shifts the cross-reference offsets after it: every
 * other byte stays as Chromium wrote it (milliseconds, not the object-by-object rewrite
 * of pdf-lib). A file of another shape (a cross-reference stream, no /Info, no /Lang)
 * goes through pdf-lib, which keeps the structure tree and the outline too.
 */
import { PDFDocument } from 'pdf-lib';

export interface PdfMeta {
  title: string;
  author: string;
  /** `YYYY-MM-DD` */
  date: string;
  /** The catalog's /Lang; Chromium writes it from `<html lang>`. Default `zh-CN`. */
  lang?: string;
}

const CREATOR = 'Banmian';
const PRODUCER = 'Banmian (Chromium)';

export async function finishPdf(bytes: Uint8Array, meta: PdfMeta): Promise<Uint8Array> {
  return patchInfo(bytes, meta) ?? (await rewrite(bytes, meta));
}

/** `D:YYYYMMDDHHmmSSZ`, 06:00 UTC on the issue date. */
function pdfDate(date: string): string {
  return `D:${date.replaceAll('-', '')}060000Z`;
}

/** A PDF text string: UTF-16BE with BOM, as hex. */
function textString(s: string): string {
  let hex = 'FEFF';
  for (let i = 0; i < s.length; i++) hex += s.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0');
  return `<${hex}>`;
}

function infoDict(meta: PdfMeta): string {
  const d = pdfDate(meta.date);
  return `<</Title ${textString(meta.title)}\n/Author ${textString(meta.author)}\n/Creator (${CREATOR})\n/Producer ${textString(PRODUCER)}\n/CreationDate (${d})\n/ModDate (${d})>>`;
}

/**
 * Replaces the /Info dictionary of a Chromium PDF and fixes the cross-reference table;
 * undefined when the file is not of that shape (the caller falls back to pdf-lib).
 */
export function patchInfo(bytes: Uint8Array, meta: PdfMeta): Uint8Array | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // latin1: one char per byte, so string offsets are byte offsets.
  const tail = buf.toString('latin1', Math.max(0, buf.length - 2048));
  const tailAt = Math.max(0, buf.length - 2048);
  const sx = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!sx) return undefined;
  const xrefAt = Number(sx[1]);
  if (buf.toString('latin1', xrefAt, xrefAt + 4) !== 'xref') return undefined;
  const trailerAt = buf.indexOf('trailer', xrefAt, 'latin1');
  if (trailerAt < 0) return undefined;
  const trailer = buf.toString('latin1', trailerAt, tailAt + sx.index);
  if (/\/Prev\b|\/Encrypt\b/.test(trailer)) return undefined;
  const infoRef = /\/Info\s+(\d+)\s+0\s+R/.exec(trailer);
  const rootRef = /\/Root\s+(\d+)\s+0\s+R/.exec(trailer);
  if (!infoRef || !rootRef) return undefined;

  // The cross-reference table: subsections of 20-byte entries.
  const table = buf.toString('latin1', xrefAt + 4, trailerAt);
  const entries: Array<{ num: number; at: number; offset: number; inUse: boolean }> = [];
  const lines = /\s*(\d+)\s+(\d+)\s*?\r?\n/y;
  let pos = 0;
  while (pos < table.length && /\S/.test(table.slice(pos))) {
    lines.lastIndex = pos;
    const head = lines.exec(table);
    if (!head) return undefined;
    pos = lines.lastIndex;
    const first = Number(head[1]);
    const count = Number(head[2]);
    for (let k = 0; k < count; k++) {
      const e = /^(\d{10}) (\d{5}) ([nf])[ \r\n]{2}/.exec(table.slice(pos, pos + 20));
      if (!e) return undefined;
      entries.push({ num: first + k, at: xrefAt + 4 + pos, offset: Number(e[1]), inUse: e[3] === 'n' });
      pos += 20;
    }
  }
  const objectAt = (num: number) => entries.find((e) => e.num === num && e.inUse)?.offset;
  const infoAt = objectAt(Number(infoRef[1]));
  const rootAt = objectAt(Number(rootRef[1]));
  if (infoAt === undefined || rootAt === undefined) return undefined;

  // The catalog must carry /Lang already (Chromium writes it from <html lang>).
  const rootEnd = buf.indexOf('endobj', rootAt, 'latin1');
  const root = buf.toString('latin1', rootAt, rootEnd);
  const lang = /\/Lang\s*\(([^)]*)\)/.exec(root);
  if (!lang || lang[1] !== (meta.lang ?? 'zh-CN')) return undefined;

  // The /Info object: `N 0 obj <<…>> endobj`, a flat dictionary of strings.
  const infoEnd = buf.indexOf('endobj', infoAt, 'latin1');
  if (infoEnd < 0) return undefined;
  const infoObj = buf.toString('latin1', infoAt, infoEnd);
  const dict = /^\s*\d+\s+0\s+obj\s*(<<[^<>]*(?:<[0-9A-Fa-f\s]*>[^<>]*)*>>)\s*$/.exec(infoObj);
  if (!dict) return undefined;
  const dictAt = infoAt + infoObj.indexOf(dict[1]);
  const dictEnd = dictAt + dict[1].length;
  const replacement = Buffer.from(infoDict(meta), 'latin1');
  const delta = replacement.length - (dictEnd - dictAt);

  const out = Buffer.concat([buf.subarray(0, dictAt), replacement, buf.subarray(dictEnd)]);
  // Shift the offsets after the dictionary (the table itself moves by delta too).
  for (const e of entries) {
    if (!e.inUse || e.offset < dictEnd) continue;
    out.write(String(e.offset + delta).padStart(10, '0'), e.at + delta, 'latin1');
  }
  const newXref = String(xrefAt + delta);
  const sxAt = out.lastIndexOf('startxref', undefined, 'latin1');
  const eof = out.lastIndexOf('%%EOF', undefined, 'latin1');
  return Buffer.concat([out.subarray(0, sxAt), Buffer.from(`startxref\n${newXref}\n`, 'latin1'), out.subarray(eof)]);
}

async function rewrite(bytes: Uint8Array, meta: PdfMeta): Promise<Uint8Array> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const when = new Date(`${meta.date}T06:00:00Z`);
  doc.setTitle(meta.title, { showInWindowTitleBar: true });
  doc.setAuthor(meta.author);
  doc.setCreator(CREATOR);
  doc.setProducer(PRODUCER);
  doc.setLanguage(meta.lang ?? 'zh-CN');
  doc.setCreationDate(when);
  doc.setModificationDate(when);
  return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
}
