/**
 * proof.json (one per issue, next to layout.json) and the table `banmian proof` prints:
 * the counts of the issue's fault table per page, with examples (page, module, line).
 */
import type { PageProof } from './measure.js';
import { FAULT_LABELS, FAULTS } from './rules.js';

export interface IssueProof {
  issue: string;
  /** The browser the lines were laid out by (line breaks depend on it). */
  browser: string;
  pages: PageProof[];
}

export function proofJson(proof: IssueProof): string {
  return `${JSON.stringify(proof, null, 1)}\n`;
}

/** The fault table of one issue: a row per fault, a column per page, then a total. */
export function proofTable(proof: IssueProof): string {
  const head = ['fault', ...proof.pages.map((p) => `p${p.page}`), 'total'];
  const rows = FAULTS.map((f) => {
    const counts = proof.pages.map((p) => p.counts[f]);
    return [FAULT_LABELS[f], ...counts.map(String), String(counts.reduce((a, b) => a + b, 0))];
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [`${proof.issue}:`, line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The examples, one line each: `第NN版 module  fault  text`. */
export function proofExamples(proof: IssueProof): string[] {
  const out: string[] = [];
  for (const p of proof.pages) {
    for (const f of FAULTS) for (const e of p.examples[f]) out.push(`第${String(p.page).padStart(2, '0')}版 ${e.module}  ${f}  ${e.text}`);
  }
  return out;
}

/** Total faults of an issue (the proof is clean at 0). */
export function proofTotal(proof: IssueProof): number {
  return proof.pages.reduce((s, p) => s + FAULTS.reduce((t, f) => t + p.counts[f], 0), 0);
}
