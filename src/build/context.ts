/** What every edition's builder gets from the build command. */
import type { BanmianConfig } from '../config/types.js';
import type { PageDiagnostics } from '../report/page-files.js';
import type { BuildSession } from './session.js';

export interface Logger {
  /** A plain progress or result line (stdout). */
  info(message: string): void;
  /** Something the editor should look at (stderr). */
  warn(message: string): void;
  /** Progress of a long step: `done` of `total` (a bar on a terminal, occasional lines in CI). */
  progress(label: string, done: number, total: number): void;
}

export interface BuildContext {
  /** Project root (where banmian.config.ts and templates/ live). */
  root: string;
  config: BanmianConfig;
  /**
   * Staging folder the build writes into; it replaces `dist/` only when the whole build
   * succeeded, so a failed build leaves the previous output untouched.
   */
  outDir: string;
  /** The previous output folder (may not exist): a builder may reuse unchanged files from it. */
  previousOutDir: string;
  /** Ignore caches. */
  force: boolean;
  /** Measure the laid-out pages' line quality into `<issue>/proof.json` (`banmian proof`; src/proof). */
  proof?: boolean;
  log: Logger;
  /** The pages' VFiles: the editions put their warnings about a page there (src/report/page-files.ts). */
  pages?: PageDiagnostics;
  /** This build's own counters and timings (src/build/session.ts). */
  session: BuildSession;
}

/** Output paths shared by the editions (relative to `outDir`). */
export const paths = {
  issueDir: (issueId: string) => issueId,
  pageDir: (issueId: string, page: number) => `${issueId}/${pad2(page)}`,
  articleDir: (issueId: string, page: number, articleId: string) => `${issueId}/${pad2(page)}/${articleId}`,
  issuePdf: (issueId: string) => `${issueId}/${issueId}.pdf`,
  pagePdf: (issueId: string, page: number) => `${issueId}/${pad2(page)}/${issueId}-${pad2(page)}.pdf`,
  pageImage: (issueId: string, page: number) => `${issueId}/${pad2(page)}/page.png`,
  pageThumb: (issueId: string, page: number) => `${issueId}/${pad2(page)}/thumb.png`,
  layoutJson: (issueId: string) => `${issueId}/layout.json`,
  proofJson: (issueId: string) => `${issueId}/proof.json`,
};

export function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
