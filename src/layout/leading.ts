/**
 * Looser leading for the body of a module on a page short of copy: pure, so the layout
 * tests can check it without a browser.
 */
import type { Grid } from './grid.js';
import { DEFAULT_POLICY, type LayoutPolicy } from './policy.js';

/** The most a short module's body leading is opened up by default: 1.2 × the grid's (1.8 em for 9 pt type on 13.5 pt). */
export const MAX_LOOSE = DEFAULT_POLICY.leading.maxLoose;

/**
 * Spare rows given to a module's body as looser leading, the way a makeup editor opens
 * up a page short of copy (加大行距) instead of leaving white space in one place. `rows`
 * is what the body has at the grid's leading, `spare` the rows free besides. Two spare
 * rows (policy `leading.headerRows`) stay with the header (spacing there is no hole); only a module with more opens
 * its leading. With leading L·k the body of `rows + g` rows holds (rows + g) / k lines a
 * column; with `keepLine` (a block that cannot break, such as a subhead, may push the
 * column balance) one more line is kept in hand.
 */
export function loosenBody(grid: Pick<Grid, 'line'>, textLines: number, columns: number, rows: number, spare: number, keepLine: boolean, policy: Pick<LayoutPolicy, 'leading'> = DEFAULT_POLICY): { rows: number; leading: number } {
  const { maxLoose, headerRows } = policy.leading;
  const none = { rows: 0, leading: grid.line };
  const perColumn = Math.ceil(textLines / columns) + (keepLine ? 1 : 0);
  if (spare <= headerRows || textLines === 0 || perColumn > rows + spare) return none;
  const give = Math.min(spare - headerRows, Math.floor(perColumn * maxLoose) - rows);
  if (give <= 0) return none;
  // Leading in pt, rounded down to 1/100 pt so that a column never holds fewer than perColumn lines.
  const leading = Math.floor(((rows + give) * grid.line * 100) / perColumn) / 100;
  return leading > grid.line ? { rows: give, leading } : none;
}
