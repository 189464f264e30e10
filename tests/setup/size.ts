/**
 * How big the slow property and size tests run. `npm test` (and so CI) sets
 * BANMIAN_FULL_TESTS=1: the full runs (2,000 metamorphic variants, 400 fuzz runs, the
 * 2 MB and 300 KB pages). `npm run test:unit` and a bare `vitest run` take the quick
 * sizes, which keep every case and only draw fewer random inputs or build a smaller page.
 * A test's own knob (METAMORPHIC_RUNS, FUZZ_RUNS, LARGE_PAGE_MB, LONG_PAGE_KB) beats both.
 */
export const FULL_TESTS = process.env.BANMIAN_FULL_TESTS === '1';

/** `knob` from the environment if set, else the full or the quick size. */
export function sized(knob: string, quick: number, full: number): number {
  const set = process.env[knob];
  return set ? Number(set) : FULL_TESTS ? full : quick;
}
