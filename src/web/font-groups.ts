/**
 * Splits the characters of one font slice into files by use, so a view downloads about
 * the glyphs it shows rather than every glyph of the site that falls in the slices it
 * touches. A browser fetches a `@font-face` file when the view has any character of its
 * unicode-range: one file per slice (the previous scheme) made every article of the
 * sample issue fetch ~90 % of the site's glyphs, because each common slice also held the
 * rare characters of every other article.
 *
 * The split is a greedy merge on a cost model: each file costs `fileBytes` plus
 * `glyphBytes` a character, paid by every view ("unit") that uses any of its characters,
 * weighted by how many views share that character set. Starting from one group per
 * distinct use (characters used by exactly the same views), the pair whose merge lowers
 * the total most is merged until no merge helps. Characters on every view (the
 * templates' words) end in one file; a character of one article only joins the other
 * rare characters of that article (and those of articles it shares a file with when the
 * per-file overhead outweighs the extra glyphs).
 */

export interface UseUnits {
  /** Number of distinct units (views with the same character set count once, weighted). */
  count: number;
  /** Weight of each unit: how many views have its character set. */
  weights: number[];
  /** Units that use a character (absent: the character is on every view). */
  usersOf(code: number): number[] | undefined;
}

export interface GroupCosts {
  glyphBytes: number;
  fileBytes: number;
}

/** Budget of the cubic merge (pairs × merges × bitset words): more starting groups than it allows are pre-merged, least-used first. */
const MERGE_WORK = 40_000_000;

/** The characters (sorted code points) of one slice, split into files; each group sorted, groups by first code point. */
export function groupByUse(codes: number[], units: UseUnits, costs: GroupCosts): number[][] {
  const words = Math.max(1, Math.ceil(units.count / 32));
  const everyone = new Uint32Array(words);
  for (let u = 0; u < units.count; u++) everyone[u >>> 5] |= 1 << (u & 31);
  // One starting group per distinct set of users.
  const bySignature = new Map<string, { users: Uint32Array; codes: number[] }>();
  for (const code of codes) {
    const list = units.usersOf(code);
    let users = everyone;
    if (list) {
      users = new Uint32Array(words);
      for (const u of list) users[u >>> 5] |= 1 << (u & 31);
    }
    const key = Array.from(users).join(',');
    const group = bySignature.get(key);
    if (group) group.codes.push(code);
    else bySignature.set(key, { users, codes: [code] });
  }
  const weightOf = (users: Uint32Array) => {
    let w = 0;
    for (let i = 0; i < words; i++) {
      let bits = users[i];
      while (bits) {
        const low = bits & -bits;
        w += units.weights[i * 32 + 31 - Math.clz32(low)] ?? 0;
        bits ^= low;
      }
    }
    return w;
  };
  /** weightOf(a | b) without making the union. */
  const weightOfUnion = (a: Uint32Array, b: Uint32Array) => {
    let w = 0;
    for (let i = 0; i < words; i++) {
      let bits = a[i] | b[i];
      while (bits) {
        const low = bits & -bits;
        w += units.weights[i * 32 + 31 - Math.clz32(low)] ?? 0;
        bits ^= low;
      }
    }
    return w;
  };
  const or = (a: Uint32Array, b: Uint32Array) => {
    const out = new Uint32Array(words);
    for (let i = 0; i < words; i++) out[i] = a[i] | b[i];
    return out;
  };
  let groups = [...bySignature.values()].map((g) => ({ ...g, weight: weightOf(g.users) }));
  // Too many distinct uses (a large archive): merge the least-used ones pairwise first.
  const maxGroups = Math.max(16, Math.min(200, Math.floor(Math.cbrt((2 * MERGE_WORK) / words))));
  while (groups.length > maxGroups) {
    groups.sort((a, b) => b.weight - a.weight || a.codes[0] - b.codes[0]);
    const a = groups.pop()!;
    const b = groups.pop()!;
    const users = or(a.users, b.users);
    groups.push({ users, codes: [...a.codes, ...b.codes], weight: weightOf(users) });
  }
  const cost = (weight: number, n: number) => weight * (costs.fileBytes + costs.glyphBytes * n);
  // Merge gains of every pair, kept up to date: after a merge only the merged group's row changes.
  type Group = (typeof groups)[number] & { alive: boolean };
  const live: Group[] = groups.map((g) => ({ ...g, alive: true }));
  const n = live.length;
  const gain = new Float64Array(n * n);
  const mergedWeight = new Float64Array(n * n);
  const pair = (i: number, j: number) => {
    const a = live[i];
    const b = live[j];
    const weight = weightOfUnion(a.users, b.users);
    const g = cost(a.weight, a.codes.length) + cost(b.weight, b.codes.length) - cost(weight, a.codes.length + b.codes.length);
    gain[i * n + j] = gain[j * n + i] = g;
    mergedWeight[i * n + j] = mergedWeight[j * n + i] = weight;
  };
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pair(i, j);
  for (;;) {
    let best = 0;
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < n; i++) {
      if (!live[i].alive) continue;
      for (let j = i + 1; j < n; j++)
        if (live[j].alive && gain[i * n + j] > best) {
          best = gain[i * n + j];
          bi = i;
          bj = j;
        }
    }
    if (bi < 0) break;
    const a = live[bi];
    const b = live[bj];
    live[bi] = { users: or(a.users, b.users), codes: [...a.codes, ...b.codes], weight: mergedWeight[bi * n + bj], alive: true };
    b.alive = false;
    for (let k = 0; k < n; k++) if (k !== bi && live[k].alive) pair(Math.min(bi, k), Math.max(bi, k));
  }
  groups = live.filter((g) => g.alive);
  return groups.map((g) => g.codes.sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);
}
