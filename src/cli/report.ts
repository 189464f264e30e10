/** Printing diagnostics like a linter: `file:line:col  warning  message  rule-id`. */
import type { VFile } from 'vfile';

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
