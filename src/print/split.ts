/**
 * One PDF per page, cut from the issue PDF instead of printed again. Chromium prints
 * the issue once; each page file is that page's objects (content, fonts, images) with
 * the parts of the document that belong to the page rebuilt around it:
 *
 * - the structure tree (tagged PDF): the page's branch of the tree, with every element
 *   and marked-content reference pointing at the new page, and its parent-tree entry;
 * - the outline: the page's entry (第NN版 …) and the headline entries beneath it, their
 *   destinations and structure elements pointing at the new page;
 * - catalog: /Lang, /MarkInfo, /ViewerPreferences; /Info from `PdfMeta`.
 *
 * The fonts are the subsets (a page file carries the glyphs of the whole issue's
 * faces it uses): larger files than a print of the page alone, the same rendering
 * byte for byte as the issue PDF. Runs in a worker thread (split-worker.ts) while the
 * browser captures the page images.
 */
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFObjectCopier, PDFRef, PDFString, type PDFObject } from 'pdf-lib';
import type { PdfMeta } from './pdf.js';

const CREATOR = 'Banmian';
const PRODUCER = 'Banmian (Chromium)';

const N = (s: string) => PDFName.of(s);

/** The PDF of page `index` of the issue PDF `src`. */
export async function pagePdf(src: PDFDocument, index: number, meta: PdfMeta): Promise<Uint8Array> {
  const out = await PDFDocument.create({ updateMetadata: false });
  const [page] = await out.copyPages(src, [index]);
  out.addPage(page);
  const oldPage = src.getPage(index).ref;
  const newPage = page.ref;
  const copier = PDFObjectCopier.for(src.context, out.context);
  const lookup = <T extends PDFObject>(o: PDFObject | undefined, ctx = src.context): T | undefined => (o instanceof PDFRef ? (ctx.lookup(o) as T | undefined) : (o as T | undefined));
  const samePage = (o: PDFObject | undefined) => o instanceof PDFRef && o.objectNumber === oldPage.objectNumber && o.generationNumber === oldPage.generationNumber;

  // --- structure tree: the elements with content on this page -------------------------
  const catalog = src.catalog;
  const root = catalog.lookupMaybe(N('StructTreeRoot'), PDFDict);
  const elemMap = new Map<string, PDFRef>();
  const refKey = (r: PDFRef) => `${r.objectNumber} ${r.generationNumber}`;
  /** Whether the element (or a kid) marks content on this page. */
  const onPage = (o: PDFObject | undefined, inherited: boolean): boolean => {
    if (o instanceof PDFNumber) return inherited;
    const d = lookup<PDFObject>(o);
    if (d instanceof PDFArray) return d.asArray().some((k) => onPage(k, inherited));
    if (!(d instanceof PDFDict)) return false;
    const pg = d.get(N('Pg'));
    const here = pg ? samePage(pg) : inherited;
    const type = d.get(N('Type'));
    if (type === N('MCR') || type === N('OBJR')) return here;
    const k = d.get(N('K'));
    return k ? onPage(k, here) : false;
  };
  /** Copies element `ref` (parent `parent` in the new file), keeping only kids on this page. */
  const copyElem = (ref: PDFObject, parent: PDFRef, inherited: boolean): PDFObject | undefined => {
    if (ref instanceof PDFNumber) return inherited ? ref : undefined;
    const d = lookup<PDFDict>(ref);
    if (!(d instanceof PDFDict)) return undefined;
    const pg = d.get(N('Pg'));
    const here = pg ? samePage(pg) : inherited;
    const type = d.get(N('Type'));
    if (type === N('MCR')) return here ? out.context.obj({ Type: 'MCR', Pg: newPage, MCID: d.get(N('MCID'))! }) : undefined;
    // Object references (links) are not carried: the page has no annotations of its own.
    if (type === N('OBJR')) return undefined;
    if (!onPage(d, inherited)) return undefined;
    const copy = out.context.obj({});
    const newRef = out.context.register(copy);
    if (ref instanceof PDFRef) elemMap.set(refKey(ref), newRef);
    for (const [key, value] of d.entries()) {
      if (key === N('P') || key === N('K') || key === N('Pg')) continue;
      copy.set(key, copier.copy(value));
    }
    copy.set(N('P'), parent);
    if (pg) copy.set(N('Pg'), newPage);
    const kids = d.get(N('K'));
    const list = kids === undefined ? [] : lookup<PDFObject>(kids) instanceof PDFArray ? (lookup<PDFArray>(kids) as PDFArray).asArray() : [kids];
    const kept = list.map((k) => copyElem(k, newRef, here)).filter((k): k is PDFObject => k !== undefined);
    if (kept.length === 1) copy.set(N('K'), kept[0]);
    else if (kept.length > 1) copy.set(N('K'), out.context.obj(kept));
    return newRef;
  };
  if (root) {
    const newRoot = out.context.obj({ Type: 'StructTreeRoot' });
    const newRootRef = out.context.register(newRoot);
    const k = root.get(N('K'));
    const tops = k === undefined ? [] : lookup<PDFObject>(k) instanceof PDFArray ? (lookup<PDFArray>(k) as PDFArray).asArray() : [k];
    const kept = tops.map((t) => copyElem(t, newRootRef, false)).filter((t): t is PDFObject => t !== undefined);
    if (kept.length) newRoot.set(N('K'), kept.length === 1 ? kept[0] : out.context.obj(kept));
    // The parent tree: the page's marked-content ids → their elements.
    const key = src.getPage(index).node.get(N('StructParents'));
    const entry = key instanceof PDFNumber ? parentTreeEntry(src, root, key.asNumber()) : undefined;
    if (entry) {
      const mapped = entry.map((e) => (e instanceof PDFRef && elemMap.get(refKey(e))) || out.context.obj(null));
      newRoot.set(N('ParentTree'), out.context.obj({ Nums: [0, out.context.register(out.context.obj(mapped))] }));
      newRoot.set(N('ParentTreeNextKey'), PDFNumber.of(1));
      page.node.set(N('StructParents'), PDFNumber.of(0));
    } else {
      page.node.delete(N('StructParents'));
    }
    out.catalog.set(N('StructTreeRoot'), newRootRef);
    out.catalog.set(N('MarkInfo'), out.context.obj({ Type: 'MarkInfo', Marked: true }));
  }

  // --- outline: the page's entries ------------------------------------------------------
  const outlines = catalog.lookupMaybe(N('Outlines'), PDFDict);
  if (outlines) {
    const newOutlines = out.context.obj({ Type: 'Outlines' });
    const newOutlinesRef = out.context.register(newOutlines);
    const destPage = (item: PDFDict) => {
      const dest = lookup<PDFArray>(item.get(N('Dest')));
      return dest instanceof PDFArray ? dest.get(0) : undefined;
    };
    /** Copies an outline item and its kids under `parent`; returns the new ref and its open count. */
    const copyItem = (item: PDFDict, parent: PDFRef): [PDFRef, number] => {
      const copy = out.context.obj({});
      const ref = out.context.register(copy);
      copy.set(N('Parent'), parent);
      const title = item.get(N('Title'));
      if (title) copy.set(N('Title'), copier.copy(title));
      const dest = lookup<PDFArray>(item.get(N('Dest')));
      if (dest instanceof PDFArray) copy.set(N('Dest'), out.context.obj([newPage, ...dest.asArray().slice(1).map((x) => copier.copy(x))]));
      const se = item.get(N('SE'));
      if (se instanceof PDFRef && elemMap.has(refKey(se))) copy.set(N('SE'), elemMap.get(refKey(se))!);
      const kids = chain(src, item);
      const open = linkItems(out, copy, kids.map((k) => copyItem(k, ref)));
      const count = item.get(N('Count'));
      if (kids.length) copy.set(N('Count'), PDFNumber.of(count instanceof PDFNumber && count.asNumber() < 0 ? -kids.length : open));
      return [ref, count instanceof PDFNumber && count.asNumber() < 0 ? 1 : 1 + open];
    };
    const items = chain(src, outlines).filter((item) => samePage(destPage(item)));
    const total = linkItems(out, newOutlines, items.map((item) => copyItem(item, newOutlinesRef)));
    if (items.length) {
      newOutlines.set(N('Count'), PDFNumber.of(total));
      out.catalog.set(N('Outlines'), newOutlinesRef);
    }
  }

  // --- catalog and metadata ----------------------------------------------------------------
  const lang = catalog.get(N('Lang'));
  out.catalog.set(N('Lang'), lang ? copier.copy(lang) : PDFString.of(meta.lang ?? 'zh-CN'));
  out.setTitle(meta.title, { showInWindowTitleBar: true });
  out.setAuthor(meta.author);
  out.setCreator(CREATOR);
  out.setProducer(PRODUCER);
  // 06:00 UTC on the issue date, as finishPdf writes for the issue PDF.
  const date = new Date(`${meta.date}T06:00:00Z`);
  out.setCreationDate(date);
  out.setModificationDate(date);
  return out.save({ useObjectStreams: false, updateFieldAppearances: false });
}

/** The kids of an outline node (First → Next …) in order. */
function chain(doc: PDFDocument, node: PDFDict): PDFDict[] {
  const out: PDFDict[] = [];
  const seen = new Set<PDFObject>();
  let ref = node.get(N('First'));
  while (ref instanceof PDFRef && !seen.has(ref)) {
    seen.add(ref);
    const item = doc.context.lookup(ref, PDFDict);
    out.push(item);
    ref = item.get(N('Next'));
  }
  return out;
}

/** Links copied items as the kids of `parent` (First, Last, Prev, Next); returns their open count. */
function linkItems(doc: PDFDocument, parent: PDFDict, items: Array<[PDFRef, number]>): number {
  if (!items.length) return 0;
  parent.set(N('First'), items[0][0]);
  parent.set(N('Last'), items[items.length - 1][0]);
  items.forEach(([ref], i) => {
    const d = doc.context.lookup(ref, PDFDict);
    if (i > 0) d.set(N('Prev'), items[i - 1][0]);
    if (i < items.length - 1) d.set(N('Next'), items[i + 1][0]);
  });
  return items.reduce((s, [, n]) => s + n, 0);
}

/** The parent-tree array for `key` (a number tree: Nums, or Kids with Limits). */
function parentTreeEntry(doc: PDFDocument, root: PDFDict, key: number): PDFObject[] | undefined {
  const find = (node: PDFDict | undefined): PDFObject[] | undefined => {
    if (!node) return undefined;
    const nums = node.lookupMaybe(N('Nums'), PDFArray);
    if (nums) {
      for (let i = 0; i + 1 < nums.size(); i += 2) {
        const k = nums.get(i);
        if (k instanceof PDFNumber && k.asNumber() === key) {
          const v = nums.lookup(i + 1);
          return v instanceof PDFArray ? v.asArray() : v ? [nums.get(i + 1)] : undefined;
        }
      }
    }
    const kids = node.lookupMaybe(N('Kids'), PDFArray);
    for (const kid of kids?.asArray() ?? []) {
      const found = find(doc.context.lookup(kid, PDFDict));
      if (found) return found;
    }
    return undefined;
  };
  return find(root.lookupMaybe(N('ParentTree'), PDFDict));
}
