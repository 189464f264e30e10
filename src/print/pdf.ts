/**
 * PDF metadata: title, author (the paper), and creation/modification dates from the
 * issue date instead of the clock, so that a rebuild of the same issue gives the same
 * bytes but for what the format forces. pdf-lib rewrites the document object by object;
 * the structure tree (tagged PDF) and the outline (bookmarks) are kept.
 */
import { PDFDocument } from 'pdf-lib';

export interface PdfMeta {
  title: string;
  author: string;
  /** `YYYY-MM-DD` */
  date: string;
}

export async function finishPdf(bytes: Uint8Array, meta: PdfMeta): Promise<Uint8Array> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const when = new Date(`${meta.date}T06:00:00Z`);
  doc.setTitle(meta.title, { showInWindowTitleBar: true });
  doc.setAuthor(meta.author);
  doc.setCreator('Banmian');
  doc.setProducer('Banmian (Chromium, pdf-lib)');
  doc.setLanguage('zh-CN');
  doc.setCreationDate(when);
  doc.setModificationDate(when);
  return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
}
