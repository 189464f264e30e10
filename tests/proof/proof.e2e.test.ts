/**
 * `banmian proof`'s measure on real output: the sample issue (broadsheet) and the corpus
 * pages built as a broadsheet and as a tabloid issue. The line-quality rules of the print
 * edition (numbers with their units, no one-character lines, squeezed punctuation pairs)
 * leave none of those faults on any page; nothing of the text is lost in the PDF.
 * Page images of the sample go to test-output/proof/ for a human look.
 */
import { corpusDir } from '../parse/helpers.js';
import { BuildSession } from '../../src/build/session.js';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { significantChars } from '../../src/ast/text.js';
import type { Issue } from '../../src/ast/types.js';
import { loadConfig, resolveConfig } from '../../src/config/index.js';
import type { BanmianConfig } from '../../src/config/types.js';
import { loadIssue } from '../../src/parse/index.js';
import { buildPrintEdition } from '../../src/print/index.js';
import type { IssueProof } from '../../src/proof/report.js';
import { proofTable } from '../../src/proof/report.js';
import { pageItems } from '../print/helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CORPUS = corpusDir;
const HAS_CORPUS = existsSync(CORPUS);
const silent = { info() {}, warn() {}, progress() {} };

interface Built {
  issue: Issue;
  proof: IssueProof;
  out: string;
}

async function build(issueDir: string, root: string, config: BanmianConfig, out: string): Promise<Built> {
  const { issue } = await loadIssue(issueDir, { root });
  await buildPrintEdition([issue], { root: ROOT, config, outDir: out, previousOutDir: out, force: true, proof: true, log: silent, session: new BuildSession() });
  const proof = JSON.parse(await readFile(path.join(out, issue.id, 'proof.json'), 'utf8')) as IssueProof;
  // The counts, for the record of a run.
  console.log(proofTable(proof));
  return { issue, proof, out };
}

/** The corpus pages as one issue in `dir`: 002, 004 and the interview page 000 (split in two on a tabloid). */
async function corpusIssue(dir: string, splitInterviews: boolean): Promise<void> {
  await mkdir(dir, { recursive: true });
  await copyFile(path.join(CORPUS, '002_6d4dff7fc7251387.txt'), path.join(dir, '01-品质.txt'));
  await copyFile(path.join(CORPUS, '004_bb79a988b909a362.txt'), path.join(dir, '02-专题.txt'));
  const interviews = await readFile(path.join(CORPUS, '000_4c27dc6f5b443fbc.txt'), 'utf8');
  if (splitInterviews) {
    const lines = interviews.split('\n');
    const second = lines.findIndex((l, i) => i > 20 && l.startsWith('抓机遇谋创新求突破'));
    await writeFile(path.join(dir, '03-访谈.txt'), lines.slice(0, second).join('\n'));
    await writeFile(path.join(dir, '04-访谈.txt'), lines.slice(second).join('\n'));
  } else await writeFile(path.join(dir, '03-访谈.txt'), interviews);
  await writeFile(path.join(dir, 'issue.yaml'), 'date: 2023-09-20\nnumber: 100\n');
}

let tmp: string;
const built = new Map<string, Built>();

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'banmian-proof-'));
  const { config } = await loadConfig(ROOT);
  const sample = await build(path.join(ROOT, 'issues', '2026-11-20'), ROOT, config, path.join(tmp, 'sample'));
  built.set('sample', sample);
  const shots = path.join(ROOT, 'test-output', 'proof');
  await mkdir(shots, { recursive: true });
  for (const p of sample.proof.pages) {
    const n = String(p.page).padStart(2, '0');
    await copyFile(path.join(sample.out, sample.issue.id, n, 'page.png'), path.join(shots, `sample-${n}.png`));
  }
  if (!HAS_CORPUS) return;
  await corpusIssue(path.join(tmp, 'broad', '2023-09-20'), false);
  built.set('corpus broadsheet', await build(path.join(tmp, 'broad', '2023-09-20'), tmp, config, path.join(tmp, 'broad-out')));
  const tabloid = resolveConfig({ paper: config.paper, site: config.site, editions: config.editions, print: { preset: 'tabloid' } }, 'test config');
  await corpusIssue(path.join(tmp, 'tabloid', '2023-09-20'), true);
  built.set('corpus tabloid', await build(path.join(tmp, 'tabloid', '2023-09-20'), tmp, tabloid, path.join(tmp, 'tabloid-out')));
}, 900_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Text of a node as printed: text, inline code and raw HTML values (not an image's alt). */
function plain(node: unknown): string {
  const n = node as { type: string; value?: string; children?: unknown[] };
  if ((n.type === 'text' || n.type === 'inlineCode' || n.type === 'html') && typeof n.value === 'string') return n.value;
  return n.children ? n.children.map(plain).join('') : '';
}

function checkProof(name: string, skip = false) {
  describe.skipIf(skip)(name, () => {
    it('proof.json has every page, each with the six counts and examples for what it counts', () => {
      const { issue, proof } = built.get(name)!;
      expect(proof.pages.map((p) => p.page)).toEqual(issue.children.map((p) => p.number).sort((a, b) => a - b));
      for (const p of proof.pages) {
        expect(Object.keys(p.counts).sort()).toEqual(['blankLines', 'loose', 'numbers', 'orphans', 'punctuation', 'separation']);
        for (const [fault, n] of Object.entries(p.counts)) expect(p.examples[fault as keyof typeof p.examples].length).toBe(Math.min(n, 8));
      }
    });

    it('no number cut from its unit, no one-character line, no unsqueezed punctuation pair', () => {
      const { proof } = built.get(name)!;
      const faults = proof.pages.flatMap((p) => (['numbers', 'orphans', 'punctuation'] as const).flatMap((f) => p.examples[f].map((e) => `p${p.page} ${f} ${e.module}: ${e.text}`)));
      expect(faults).toEqual([]);
    });

    it('no blank line inside a column (briefs are cut between columns like running text)', () => {
      const { proof } = built.get(name)!;
      expect(proof.pages.flatMap((p) => p.examples.blankLines.map((e) => `p${p.page} ${e.module}: ${e.text}`))).toEqual([]);
      for (const p of proof.pages) expect(p.counts.blankLines, `page ${p.page}`).toBe(0);
    });

    it('no justified line with a gap of ¼ em or more, captions included (tracked in the measuring sheet)', () => {
      const { proof } = built.get(name)!;
      expect(proof.pages.flatMap((p) => p.examples.loose.map((e) => `p${p.page} ${e.module}: ${e.text}`))).toEqual([]);
      for (const p of proof.pages) expect(p.counts.loose, `page ${p.page}`).toBe(0);
    });

    it('separates every pair of neighbouring modules by a rule or a line of white', () => {
      const { proof } = built.get(name)!;
      expect(proof.pages.flatMap((p) => p.examples.separation.map((e) => `p${p.page} ${e.module}: ${e.text}`))).toEqual([]);
      for (const p of proof.pages) expect(p.counts.separation, `page ${p.page}`).toBe(0);
    });

    it('every Han character, digit and letter of the pages is in the issue PDF', async () => {
      const { issue, out } = built.get(name)!;
      const { pages } = await pageItems(path.join(out, issue.id, `${issue.id}.pdf`));
      const count = (s: string) => {
        const m = new Map<string, number>();
        for (const c of significantChars(s)) m.set(c, (m.get(c) ?? 0) + 1);
        return m;
      };
      const printed = count(pages.flat().map((t) => t.str).join(''));
      const wanted = count(issue.children.map(plain).join(''));
      const missing = [...wanted].filter(([c, n]) => (printed.get(c) ?? 0) < n).map(([c, n]) => `${c}×${n - (printed.get(c) ?? 0)}`);
      expect(missing).toEqual([]);
    });
  });
}

checkProof('sample');
checkProof('corpus broadsheet', !HAS_CORPUS);
checkProof('corpus tabloid', !HAS_CORPUS);
