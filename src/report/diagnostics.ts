/**
 * Showing diagnostics. Every diagnostic is a vfile message on the VFile of the file it
 * is about (a page file, issue.yaml): the parser's guesses and input errors, and the
 * print and web editions' warnings about a page (src/report/page-files.ts).
 *
 * Two formats:
 * - `formatDiagnostics`: one line per message, like a linter
 *   (`file:line:col  warning  message  rule-id`) — `banmian check` and `parse`, whose
 *   output editors grep and editors' tools read line by line;
 * - `reportFiles`: vfile-reporter (the unified ecosystem's reporter), for the warnings a
 *   build or the dev server prints.
 */
import type { VFile } from 'vfile';
import { reporter } from 'vfile-reporter';

export interface DiagnosticCounts {
  errors: number;
  warnings: number;
  infos: number;
}

export function formatDiagnostics(files: VFile[]): { text: string; counts: DiagnosticCounts } {
  const counts: DiagnosticCounts = { errors: 0, warnings: 0, infos: 0 };
  const lines: string[] = [];
  for (const file of files) {
    const name = file.path || '(input)';
    const messages = [...file.messages].sort(
      (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
    );
    for (const m of messages) {
      const severity = m.fatal === true ? 'error' : m.fatal === false ? 'warning' : 'info';
      if (severity === 'error') counts.errors++;
      else if (severity === 'warning') counts.warnings++;
      else counts.infos++;
      const where = `${name}:${m.line ?? 1}:${m.column ?? 1}`;
      lines.push(`${where}  ${severity.padEnd(7)}  ${m.reason}${m.ruleId ? `  ${m.ruleId}` : ''}`);
    }
  }
  return { text: lines.join('\n'), counts };
}

/**
 * vfile-reporter's report of `files`, kept short: `quiet` leaves out files without
 * messages (a build has many clean pages), `verbose: false` leaves out notes and stacks
 * (a BanmianError has none anyway), colour only on a terminal (CI logs and pipes stay
 * plain). Empty string when there is nothing to say.
 */
export function reportFiles(files: VFile[], opts: { color?: boolean } = {}): string {
  if (!files.some((f) => f.messages.length)) return '';
  return reporter(files, { quiet: true, verbose: false, color: opts.color ?? false });
}
