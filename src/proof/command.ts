/**
 * `banmian proof [--issues DIR] [--out DIR] [issue-id…]`: lays the issues' print pages out
 * again (a print-only build into the proof folder, default `proof/`: the PDFs and page
 * images the art director looks at) and measures their lines: `<issue>/proof.json` and,
 * printed, the fault table per page with examples.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type BuildOptions } from '../build/build.js';
import { paths } from '../build/context.js';
import type { BanmianConfig } from '../config/types.js';
import { type IssueProof, proofExamples, proofTable, proofTotal } from './report.js';

export type ProofOptions = Pick<BuildOptions, 'root' | 'config' | 'issuesDir' | 'outDir' | 'outShown' | 'ids' | 'log'> & {
  /** Where the table goes (stdout). */
  write: (text: string) => void;
};

export async function proofCommand(opts: ProofOptions): Promise<IssueProof[]> {
  const config: BanmianConfig = { ...opts.config, editions: { ...opts.config.editions, pdf: true } };
  const result = await build({ root: opts.root, config, issuesDir: opts.issuesDir, outDir: opts.outDir, outShown: opts.outShown, ids: opts.ids, only: 'pdf', force: true, proof: true, log: opts.log });
  const proofs: IssueProof[] = [];
  for (const id of [...result.layouts.keys()].sort()) {
    const proof = JSON.parse(await readFile(path.join(result.outDir, paths.proofJson(id)), 'utf8')) as IssueProof;
    proofs.push(proof);
    const examples = proofExamples(proof);
    opts.write(`${proofTable(proof)}\n${examples.length ? `${examples.join('\n')}\n` : ''}${proofTotal(proof)} fault(s); ${path.relative(process.cwd(), path.join(result.outDir, paths.proofJson(id)))}\n`);
  }
  return proofs;
}
