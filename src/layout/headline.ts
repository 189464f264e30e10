/** Headline sizes: the base size of a module's headline at its width and the steps it grows by. Pure. */
import type { LayoutPolicy } from './policy.js';
import type { Rank } from './rank.js';

/**
 * Headline sizes in pt for an article of rank `rank` (`front`: on the front page) at `w`
 * columns: step 0 and the growth steps, all inside the rank's band. A page short of text
 * takes its spare lines first as bigger headlines (the way a makeup editor opens up a
 * feature page), but never past the band: an ordinary story never outgrows its page's lead.
 */
export function headlineSizes(policy: LayoutPolicy, rank: Rank, front: boolean, w: number): number[] {
  const h = rank === 'lead' && front ? policy.headline.front : policy.headline.ranks[rank];
  const base = Math.max(h.min, Math.min(h.max, h.base + h.perColumn * w));
  return policy.headline.steps.map((k) => Math.round(Math.min(h.max, base * k) * 2) / 2);
}

/** Headline sizes in pt of a continuation (上接) module: small, growing a little on a page short of text. */
export function continuationSizes(policy: LayoutPolicy): number[] {
  return policy.headline.continuation;
}

/** Size steps a header has (`cont`: a continuation's header). */
export function sizeSteps(policy: LayoutPolicy, cont: boolean): number {
  return cont ? policy.headline.continuation.length : policy.headline.steps.length;
}

/** Narrowest module the packer makes (stacks and rails are at least this wide), on this grid. */
export function minModuleColumns(policy: LayoutPolicy, columns: number): number {
  return Math.min(policy.pack.minColumns, columns);
}

/**
 * The biggest size step whose header still fits the module's spare rows: `heads[s]` is the
 * header's height in lines at step s (undefined or null: not measured).
 */
export function headlineStep(heads: ReadonlyArray<number | null | undefined>, spare: number): number {
  const base = heads[0] ?? 0;
  for (let s = heads.length - 1; s > 0; s--) {
    const h = heads[s];
    if (h != null && h - base <= spare) return s;
  }
  return 0;
}
