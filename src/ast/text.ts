/**
 * The "nothing is lost" invariant: the significant characters of a text are its Han
 * characters, digits and letters, with full-width letters and digits read as ASCII.
 * Punctuation, spaces and marks (□ ■) may be normalised or moved into fields.
 */
const SIGNIFICANT = /[\p{Script=Han}\p{Nd}\p{L}]/u;

/** Maps full-width ASCII letters and digits (Ａ-Ｚ ａ-ｚ ０-９) to ASCII; leaves everything else. */
export function asciiFold(s: string): string {
  return s.replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (c) =>
    String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );
}

/** The significant characters of `s`, in order, as one string. */
export function significantChars(s: string): string {
  let out = '';
  for (const ch of asciiFold(s)) if (SIGNIFICANT.test(ch)) out += ch;
  return out;
}
