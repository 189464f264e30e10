/**
 * `banmian proof` as an editor runs it: a small one-page issue laid out into the proof
 * folder, proof.json written, the fault table printed per page; a bad --out is refused.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IssueProof } from '../../src/proof/report.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/banmian.js');
const dirs: string[] = [];

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const PAGE = `# 海岸新区前三季度经济稳中有进

□本报记者 林晓岚

前三季度，全区实现地区生产总值1286.5亿元，同比增长6.8%。规模以上工业增加值同比增长7.5%，高技术制造业投资增长12.3%。

“从数据看，全区经济运行稳中有进、向好态势持续巩固。”区统计局负责人说，下一步将围绕重点产业链精准发力，确保全年目标任务圆满完成。

1998年建成的老厂房，如今变成了拥有30余家企业的创意园区，年产值达到2.3亿元，带动就业1200余人。
`;

describe('banmian proof', () => {
  it('lays the issue out into the proof folder, writes proof.json and prints the counts per page', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-proof-cli-'));
    dirs.push(dir);
    const issue = path.join(dir, 'issues', '2026-11-21');
    await mkdir(issue, { recursive: true });
    await writeFile(path.join(issue, 'issue.yaml'), 'date: 2026-11-21\nnumber: 7\n');
    await writeFile(path.join(issue, '01-要闻.md'), PAGE);
    const out = path.join(dir, 'proof');
    const r = spawnSync(process.execPath, [BIN, 'proof', '--issues', path.join(dir, 'issues'), '--out', out], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.status).toBe(0);
    const proof = JSON.parse(await readFile(path.join(out, '2026-11-21', 'proof.json'), 'utf8')) as IssueProof;
    expect(proof.issue).toBe('2026-11-21');
    expect(proof.pages.map((p) => p.page)).toEqual([1]);
    expect(proof.pages[0].counts.numbers).toBe(0);
    expect(proof.pages[0].counts.orphans).toBe(0);
    expect(proof.pages[0].counts.punctuation).toBe(0);
    // The table: a header with the page, one row per fault with its count and total.
    expect(r.stdout).toContain('| fault | p1 | total |');
    for (const label of ['numbers cut from their unit', 'one character', 'punctuation', 'blank lines', 'no rule', '¼ em']) expect(r.stdout).toContain(label);
    expect(r.stdout).toMatch(/\d+ fault\(s\); .*proof\.json/);
  }, 600_000);

  it('refuses an --out that is not a banmian output, touching nothing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'banmian-proof-cli-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'keep.txt'), 'mine');
    const r = spawnSync(process.execPath, [BIN, 'proof', '--out', dir], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n').filter((l) => !l.includes('npm warn'))).toHaveLength(1);
    expect(await readFile(path.join(dir, 'keep.txt'), 'utf8')).toBe('mine');
  });
});
