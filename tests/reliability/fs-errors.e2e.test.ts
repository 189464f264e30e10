/**
 * A full disk, a read-only disk and an output folder without write permission
 * (issue 10, case 13): one line naming the path and saying what is wrong, exit 1, the
 * previous output byte-identical, no staging folder or lock left.
 *
 * The full and read-only disks are small tmpfs mounts (skipped where this process may
 * not mount); the permission case runs the build as user `nobody` when the tests run as
 * root (root ignores permissions), as the current user otherwise.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, buildLeftovers, expectOneLineError, makeProject, type Project, snapshot } from './helpers.js';

const isRoot = process.getuid?.() === 0;

function canMount(): boolean {
  if (!isRoot || process.platform !== 'linux') return false;
  const dir = spawnSync('mktemp', ['-d']).stdout.toString().trim();
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).status === 0;
  if (ok) spawnSync('umount', [dir]);
  spawnSync('rmdir', [dir]);
  return ok;
}

/** Runs banmian synchronously (as another user if asked). */
function run(args: string[], cwd: string, as?: { uid: number; gid: number }) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: '1' }, ...(as ?? {}) });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** A previous banmian output: a manifest and a page. */
async function previousOutput(out: string) {
  await mkdir(path.join(out, '.banmian'), { recursive: true });
  await writeFile(path.join(out, '.banmian', 'manifest.json'), '{"version":3,"print":{}}\n');
  await writeFile(path.join(out, 'index.html'), '<p>上一次的输出</p>\n');
}

describe('file-system failures', () => {
  let p: Project;
  let mnt: string | undefined;

  beforeAll(async () => {
    p = await makeProject();
  });

  afterAll(async () => {
    if (mnt) spawnSync('umount', [mnt]);
    if (p) await rm(p.dir, { recursive: true, force: true });
  });

  describe.skipIf(!canMount())('on a small disk', () => {
    beforeAll(async () => {
      mnt = path.join(p.dir, 'disk');
      await mkdir(mnt);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
      await previousOutput(path.join(mnt, 'dist'));
    });

    it('a full disk is one line naming the file that did not fit; the output is untouched', async () => {
      const out = path.join(mnt!, 'dist');
      const before = await snapshot(mnt!);
      const sources = await snapshot(p.issues);
      const r = run(['build', '--only', 'html', '--out', 'disk/dist'], p.dir);
      // The file that did not fit: in the output folder or in the build's staging folder beside it (dist.tmp-<pid>-<n>).
      expectOneLineError(r, /^banmian: cannot write disk\/dist(\.tmp-\d+-\d+)?(\/\S+)?: the disk is full \(ENOSPC\)$/);
      expect(await snapshot(mnt!)).toEqual(before);
      expect(await snapshot(p.issues)).toEqual(sources);
      expect(buildLeftovers(out)).toEqual([]);
    });

    it('a read-only disk is one line naming the path; the output is untouched', async () => {
      execFileSync('mount', ['-o', 'remount,ro', mnt!]);
      const before = await snapshot(mnt!);
      const r = run(['build', '--only', 'html', '--out', 'disk/dist'], p.dir);
      expectOneLineError(r, /^banmian: cannot create the build lock disk\/\.dist\.lock: the file system is read-only \(EROFS\)$/);
      expect(await snapshot(mnt!)).toEqual(before);
    });
  });

  it('an output folder without write permission is one line naming it; the output is untouched', async () => {
    // The build's user must be able to read the project, not to write the output folder.
    const as = isRoot ? { uid: 65534, gid: 65534 } : undefined;
    const parent = await mkdtemp(path.join(os.tmpdir(), 'banmian-rel-ro-'));
    const out = path.join(parent, 'dist');
    await previousOutput(out);
    await chmod(p.dir, 0o755);
    // The parent is writable by all (the lock goes there); the output folder is read-only.
    await chmod(parent, 0o777);
    await chmod(out, 0o555);
    const before = await snapshot(parent);
    const r = run(['build', '--only', 'html', '--out', out], p.dir, as);
    expectOneLineError(r, new RegExp(`^banmian: cannot replace the output folder ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: permission denied \\(EACCES\\)$`));
    expect(await snapshot(parent)).toEqual(before);
    expect(buildLeftovers(out)).toEqual([]);
    await chmod(out, 0o755);
    await rm(parent, { recursive: true, force: true });
  });
});
