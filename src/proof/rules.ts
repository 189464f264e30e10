/**
 * The line-quality vocabulary shared by the proof measure (src/proof/measure.ts, run in
 * the browser on the laid-out pages) and the print HTML that avoids the faults
 * (src/layout/lines.ts): what a unit after a number is, which marks are full-width
 * punctuation that pairs squeeze, what counts as a character of a line.
 */

/** The faults a proof counts per page, in the order of the fault table. */
export const FAULTS = ['separation', 'loose', 'numbers', 'orphans', 'punctuation', 'blankLines'] as const;
export type Fault = (typeof FAULTS)[number];

/** One-line descriptions for the printed table. */
export const FAULT_LABELS: Record<Fault, string> = {
  separation: 'module boundaries with no rule and < 1 line of white',
  loose: 'justified lines with a gap ≥ ¼ em between characters',
  numbers: 'numbers cut from their unit (or from each other) across lines',
  orphans: 'paragraph, subhead, caption or headline lines of one character (孤字)',
  punctuation: 'adjacent full-width punctuation left unsqueezed',
  blankLines: 'blank lines inside columns',
};

/** Digits, half- and full-width. */
export const DIGIT = '0-9０-９';

/**
 * Units, measure words and number words that follow a number and must stay on its line
 * (`2023年`, `30亿元`, `6.8%`, `12个`, `5℃`). Kept to the ones newspapers print after
 * numerals; a Han character not listed here may start the next line after a number.
 */
export const UNIT_CHARS =
  '%％‰℃°年月日号时点分秒岁周天旬季期届次回遍倍成折元角块美镑万亿千百十余多几个件人名位户家所座栋层楼间套台辆架艘部条项类种批组队支只头匹棵株吨斤克米里亩顷公平方立升瓦千度页版章篇本册张份首场轮起例宗笔单票股枚颗粒根片块包箱袋瓶杯碗斗尺寸';

/** Full-width punctuation that takes half its width next to another one (clreq 标点挤压). */
export const PAIR_PUNCT = '，。、；：？！“”‘’（）《》〈〉「」『』【】〔〕〖〗';

/** Marks that do not count as the character of a one-character line (they can end any line). */
export const LINE_PUNCT = `${PAIR_PUNCT}…—·・,.;:?!()"'`;
