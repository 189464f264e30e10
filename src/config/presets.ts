import type { PageGeometry } from './schema.js';

/**
 * Page presets. 对开 broadsheet: 390 × 545 mm trim, 8 columns × 13 characters of 9 pt
 * body with 1 character between columns → (8·13 + 7) · 9 pt = 999 pt ≈ 352 mm type
 * width; 9 pt × 1.5 leading = 13.5 pt lines, 98 lines ≈ 467 mm of body grid (the rest
 * of the 490 mm type area is the page header). 四开 tabloid: 275 × 390 mm, 6 columns ×
 * 11 characters.
 */
export const PRESETS = {
  broadsheet: {
    trimWidthMm: 390,
    trimHeightMm: 545,
    columns: 8,
    charsPerColumn: 13,
    gutterChars: 1,
    bodyPt: 9,
    leading: 1.5,
    lines: 98,
  },
  tabloid: {
    trimWidthMm: 275,
    trimHeightMm: 390,
    columns: 6,
    charsPerColumn: 12,
    gutterChars: 1,
    bodyPt: 9,
    leading: 1.5,
    lines: 68,
  },
} satisfies Record<string, PageGeometry>;
