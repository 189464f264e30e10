/** Spreading a module's short column ends as blank lines between blocks. Pure. */
import type { BodyBlock } from '../ast/types.js';

/**
 * Where to put blank lines so that a module's columns all end full. Balanced columns of
 * `rows` lines leave the last one `short` lines short (up to columns − 1); a hole of more
 * than 2 lines at the foot of a column reads as a mistake, so more than one short line is
 * spread as single blank lines between blocks: before subheads first (a new section),
 * then before new interview turns, then at paragraph ends spaced evenly through the text.
 * Returns the indices of the blocks that get a blank line before them.
 */
export function columnGaps(blocks: ReadonlyArray<Pick<BodyBlock, 'type'> & { data?: unknown }>, short: number): number[] {
  if (short <= 1) return [];
  const rank = (b: Pick<BodyBlock, 'type'>) => (b.type === 'subhead' ? 0 : b.type === 'question' ? 1 : 2);
  const candidates = blocks.map((_b, i) => i).filter((i) => i > 0 && !(blocks[i].data as import('../ast/data.js').CutMarks | undefined)?.cutStart);
  const chosen: number[] = [];
  for (const r of [0, 1, 2]) {
    const tier = candidates.filter((i) => rank(blocks[i]) === r);
    const want = short - chosen.length;
    if (want <= 0) break;
    if (tier.length <= want) chosen.push(...tier);
    else for (let k = 0; k < want; k++) chosen.push(tier[Math.floor(((k + 0.5) * tier.length) / want)]);
  }
  return [...new Set(chosen)].sort((a, b) => a - b);
}
