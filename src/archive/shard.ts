/**
 * Sharding a build across machines (or processes) on an existing engine — a CI job
 * matrix, a Kubernetes Indexed Job (docs/scale.md); no scheduler of our own.
 *
 * - `banmian build --shard K/N --out DIR`: every issue is parsed (the site's fonts, issue
 *   neighbours and calendars depend on all of them), but only the K-th of N shares is
 *   printed (unpublished issues laid out, published ones taken from archive/) and
 *   rendered: its issues' page and article views and their search sources. The share is
 *   deterministic: issue ids sorted, the i-th (from 0) goes to shard (i mod N) + 1.
 *   `DIR/.banmian/shard.json` says which shard it is and of which config.
 * - `banmian merge --out dist SHARD…`: checks the shards are the N shares of one config,
 *   links their files together and renders what depends on every issue — home, archive,
 *   feed, sitemap, static pages, the search index — the same bytes a single build writes.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readManifest } from '../build/cache.js';
import type { BanmianConfig } from '../config/types.js';
import { BanmianError } from '../errors.js';

export const SHARD_FILE = '.banmian/shard.json';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export interface ShardInfo {
  shard: number;
  of: number;
  /** Digest of the resolved config and the full list of issue ids (see `shardConfigKey`). */
  config: string;
  /** Every issue id of the build, sorted. */
  issues: string[];
  /** This shard's share. */
  share: string[];
  /** Print key (or 'record') per issue of the share, for the merged manifest. */
  print: Record<string, string>;
}

/** `K/N` → shard; anything else is a one-line error. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new BanmianError(`--shard takes K/N with 1 ≤ K ≤ N (like 2/4), not "${text}"`);
  return { index, count };
}

/** The shard's share of the issue ids: sorted, the i-th to shard (i mod N) + 1. */
export function shareOf(ids: string[], shard: Shard): Set<string> {
  return new Set([...ids].sort().filter((_, i) => i % shard.count === shard.index - 1));
}

/** What must be equal for shards to be merged: the resolved config (but for concurrency) and the issues built. */
export function shardConfigKey(config: BanmianConfig, ids: string[]): string {
  const normal = { ...config, print: { ...config.print, concurrency: 0 } };
  return createHash('sha256').update(JSON.stringify({ config: normal, issues: [...ids].sort() })).digest('hex');
}

export async function writeShardInfo(dir: string, info: ShardInfo): Promise<void> {
  await mkdir(path.join(dir, path.dirname(SHARD_FILE)), { recursive: true });
  await writeFile(path.join(dir, SHARD_FILE), JSON.stringify(info, null, 1) + '\n');
}

/**
 * Checks that `dirs` are the N shards of one build of this config and issues, and links
 * (or copies) their files into `staging`. Returns the merged print keys. Any mismatch is
 * a one-line error naming the shard's `shard.json`.
 */
export async function linkShards(dirs: string[], staging: string, expected: { config: string; issues: string[] }, shown: (f: string) => string, verified?: Map<string, string>): Promise<Record<string, string>> {
  if (!dirs.length) throw new BanmianError('merge takes the shard folders to merge (see banmian --help)');
  const infos: ShardInfo[] = [];
  for (const dir of dirs) {
    const file = path.join(dir, SHARD_FILE);
    let info: ShardInfo;
    try {
      info = JSON.parse(await readFile(file, 'utf8')) as ShardInfo;
    } catch {
      throw new BanmianError(existsSync(dir) ? 'not a shard folder (no readable .banmian/shard.json: build it with banmian build --shard K/N)' : 'no such shard folder', { file: shown(existsSync(dir) ? file : dir) });
    }
    if (typeof info?.shard !== 'number' || typeof info.of !== 'number' || !Array.isArray(info.issues) || !Array.isArray(info.share)) {
      throw new BanmianError('not a shard record of this banmian', { file: shown(file) });
    }
    if (info.config !== expected.config || info.issues.join('\n') !== [...expected.issues].sort().join('\n')) {
      throw new BanmianError(`shard ${info.shard}/${info.of} was built from another config or other issues than this merge (build every shard from the same checkout)`, { file: shown(file) });
    }
    if (info.of !== dirs.length) throw new BanmianError(`shard ${info.shard}/${info.of} is one of ${info.of}, but ${dirs.length} shard folder(s) were given`, { file: shown(file) });
    if (infos.some((o) => o.shard === info.shard)) throw new BanmianError(`shard ${info.shard}/${info.of} is given twice`, { file: shown(file) });
    infos.push(info);
  }
  const print: Record<string, string> = {};
  for (const [i, dir] of dirs.entries()) {
    Object.assign(print, infos[i].print);
    // The shard's manifest digests go with the files linked from it: the merged manifest need not read 16 GB again.
    const digests = verified ? (await readManifest(dir)).digests : undefined;
    await linkTree(dir, staging, '', (r) => {
      const sum = digests?.[r];
      if (sum) verified!.set(r, sum);
    });
  }
  return Object.fromEntries(Object.entries(print).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Hard-links every file under `from` (but `.banmian/`) into `to`; a file already there (shared assets) is left. */
async function linkTree(from: string, to: string, rel: string, linked: (rel: string) => void): Promise<void> {
  const entries = await readdir(path.join(from, rel), { withFileTypes: true });
  await mkdir(path.join(to, rel), { recursive: true });
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (r === path.dirname(SHARD_FILE)) continue;
    if (e.isDirectory()) await linkTree(from, to, r, linked);
    else if (e.isFile() && !existsSync(path.join(to, r))) {
      try {
        await link(path.join(from, r), path.join(to, r));
      } catch {
        // Another disk or no hard links: copy.
        await copyFile(path.join(from, r), path.join(to, r));
      }
      linked(r);
    }
  }
}
