/**
 * The editions' warnings about a page (an underfull print page, a low-resolution photo,
 * HTML the web edition removed…) go on that page's VFile, next to the parser's
 * messages, as vfile messages with a place, a `ruleId` and `source: 'banmian'`. The
 * build makes one PageDiagnostics from the VFiles the parser returned and hands it to the
 * editions (BuildContext.pages); the CLI reports what the editions added with
 * vfile-reporter (src/report/diagnostics.ts), and the dev server shows it in its overlay.
 */
import type { Point, Position } from 'unist';
import { VFile } from 'vfile';
import type { VFileMessage } from 'vfile-message';
import type { Logger } from '../build/context.js';

/** Where an edition's warning points: the page file (as `Page.file`), a place in it, the kind. */
export interface PageWarning {
  file: string;
  place?: Point | Position;
  ruleId: string;
}

export class PageDiagnostics {
  private readonly byPath = new Map<string, VFile>();
  private readonly added: Array<{ file: VFile; message: VFileMessage }> = [];

  constructor(files: VFile[]) {
    for (const f of files) if (f.path) this.byPath.set(f.path, f);
  }

  /** Adds a warning to the page's VFile; undefined when no VFile of that page is known. */
  warn(reason: string, where: PageWarning): VFileMessage | undefined {
    const file = this.byPath.get(where.file);
    if (!file) return undefined;
    const message = file.message(reason, { place: where.place, ruleId: where.ruleId, source: 'banmian' });
    this.added.push({ file, message });
    return message;
  }

  /** The pages with the editions' warnings only (the parser's own are for `banmian check`). */
  editionFiles(): VFile[] {
    const copies = new Map<VFile, VFile>();
    for (const { file, message } of this.added) {
      let copy = copies.get(file);
      if (!copy) copies.set(file, (copy = new VFile({ path: file.path })));
      copy.messages.push(message);
    }
    return [...copies.values()];
  }
}

/**
 * A warning about a page from an edition: on the page's VFile when the build has one
 * (`ctx.pages`), else (an edition run on its own, as in tests) one log line `file:line: reason`.
 */
export function warnAboutPage(ctx: { log: Logger; pages?: PageDiagnostics }, reason: string, where: PageWarning): void {
  if (ctx.pages?.warn(reason, where)) return;
  const place = where.place && 'start' in where.place ? where.place.start : where.place;
  ctx.log.warn(`${where.file}${place?.line ? `:${place.line}` : ''}: ${reason}`);
}
