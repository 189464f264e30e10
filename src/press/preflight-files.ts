/** `banmian preflight FILE…`: one line per failed check, a summary line per file. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BanmianError } from '../errors.js';
import { formatFindings, preflight } from './preflight.js';

/** Checks each file; true when all pass. */
export async function preflightFiles(files: string[], root: string): Promise<boolean> {
  let ok = true;
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = await readFile(path.resolve(root, file));
    } catch (err) {
      throw new BanmianError(`cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file });
    }
    const report = await preflight(bytes, file);
    for (const line of formatFindings(report)) (line.includes(' FAIL ') ? process.stdout : process.stderr).write(line + '\n');
    const low = report.images.length ? `, lowest image ${Math.min(...report.images.map((i) => i.ppi))} ppi` : '';
    process.stdout.write(`${file}: ${report.ok ? 'passes' : 'FAILS'} (${report.pages} page(s), black text K-only ${report.blackText.kOnly}/${report.blackText.runs}${low})\n`);
    ok &&= report.ok;
  }
  return ok;
}
