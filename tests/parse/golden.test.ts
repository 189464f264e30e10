/**
 * Golden outlines: every folder `tests/fixtures/parse/<case>/` holds `input.txt` (a page)
 * and `tree.txt` (what `banmian parse input.txt` prints); the parse must print exactly
 * that. Corpus pages (../shared/corpus, never copied into the repo) are checked against
 * `tests/fixtures/parse/corpus/<file>.shape.txt`: the tree's shape only (node kinds,
 * order, speakers as P1, P2…), no text. `UPDATE_GOLDEN=1 npx vitest run tests/parse/golden.test.ts`
 * writes the files afresh (look at the diff before committing). See the folder's README.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outline } from '../../src/cli/outline.js';
import { parsePage, parsePageFile } from '../../src/parse/index.js';
import { CORPUS, corpusDir, projectRoot } from './helpers.js';
import { shapeOf } from './shape.js';

const FIXTURES = path.join(projectRoot, 'tests', 'fixtures', 'parse');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const cases = readdirSync(FIXTURES).filter((d) => existsSync(path.join(FIXTURES, d, 'input.txt'))).sort();

function golden(file: string, actual: string): void {
  if (UPDATE || !existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual, `${path.relative(projectRoot, file)} (UPDATE_GOLDEN=1 rewrites it)`).toBe(readFileSync(file, 'utf8'));
}

describe('golden parse outlines (tests/fixtures/parse/<case>)', () => {
  it('has cases', () => expect(cases.length).toBeGreaterThanOrEqual(5));
  for (const c of cases) {
    it(c, async () => {
      const { page } = await parsePageFile(path.join('tests', 'fixtures', 'parse', c, 'input.txt'), { root: projectRoot });
      golden(path.join(FIXTURES, c, 'tree.txt'), outline(page) + '\n');
    });
  }
});

describe.skipIf(!existsSync(corpusDir))('golden shapes of the corpus pages (no corpus text in the repo)', () => {
  for (const name of CORPUS) {
    it(name, () => {
      const { page } = parsePage(readFileSync(path.join(corpusDir, name), 'utf8'), { file: name });
      golden(path.join(FIXTURES, 'corpus', `${name.replace(/\.txt$/, '')}.shape.txt`), shapeOf(page).join('\n') + '\n');
    });
  }
});
