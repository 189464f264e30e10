/**
 * Says once, at the start of a run, which tests are skipped because of the machine: the
 * corpus tests need ../shared/corpus beside the project (a fresh clone has none).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export default function setup(): void {
  // Where the tests look (tests/parse/helpers.ts): BANMIAN_CORPUS, else ../shared/corpus.
  const corpus = process.env.BANMIAN_CORPUS ? path.resolve(process.env.BANMIAN_CORPUS) : path.resolve(import.meta.dirname, '../../../shared/corpus');
  // One line per run, though each vitest project runs the global setup.
  if (existsSync(corpus) || process.env.BANMIAN_CORPUS_NOTICE) return;
  process.env.BANMIAN_CORPUS_NOTICE = '1';
  console.log(`corpus tests skipped: ${corpus} not found (it sits beside the project, not in a clone)`);
}
