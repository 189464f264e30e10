/**
 * Punctuation and spacing normalisation of text values (never NFKC: that would turn
 * Chinese punctuation into ASCII). Decisions look at the neighbouring characters, so
 * `3.5`, `10:30`, `www.x.cn`, `A,B` keep their ASCII marks while `截至上半年,已有`
 * becomes `截至上半年，已有`.
 *
 * Spacing modes:
 * - `running` (paragraphs, captions, briefs): spaces next to Han text or Chinese
 *   punctuation are dropped (they are extraction debris); soft line breaks vanish
 *   between Han characters.
 * - `title` (headlines, kickers, subtitles, banners, subheads, labels): a run of spaces
 *   between two phrases is kept as ONE ASCII space (the phrase gap of
 *   `创新突破 见行动`); spaces next to Chinese punctuation are dropped.
 * - `names` (bylines, credits, staff lines, end notes, page names): spaces separate
 *   names, so they are kept (collapsed to one ASCII space) except next to punctuation.
 */
import type { Inl } from './inline.js';

export type SpaceMode = 'running' | 'title' | 'names';

const HAN_RE = /\p{Script=Han}/u;
/** Chinese (full-width) punctuation and marks that make a "Han context". */
const CJK_PUNCT = new Set(
  '，。、；：？！“”‘’（）《》〈〉【】「」『』〔〕—…·〃～﹏￥％＋－＝／＼＠＃＆＊'.split(''),
);
/** Opening and closing quotes and brackets: a title's phrase gap may stand next to them. */
const QUOTE_OR_BRACKET = new Set('“”‘’《》〈〉「」『』（）【】'.split(''));
const SPACE_RE = /[ \t\u3000\u00a0]/;
const INVISIBLE_RE = /[\u200b-\u200d\u2060\ufeff]/g;

function isHan(ch: string | undefined): boolean {
  if (!ch) return false;
  const c = ch.charCodeAt(0);
  if (c < 0x2e80) return false;
  if (c >= 0xd800 && c <= 0xdbff) return true; // astral: CJK extension planes mostly
  return HAN_RE.test(ch);
}
function isCjkPunct(ch: string | undefined): boolean {
  return !!ch && (CJK_PUNCT.has(ch) || (ch >= '\u3000' && ch <= '\u303f') || (ch >= '\uff01' && ch <= '\uff0f'));
}
/** Han character or Chinese punctuation: the context in which ASCII marks are converted. */
export function isCjk(ch: string | undefined): boolean {
  return isHan(ch) || isCjkPunct(ch);
}
function isAsciiAlnum(ch: string | undefined): boolean {
  return !!ch && /[0-9A-Za-z]/.test(ch);
}
function isSpace(ch: string | undefined): boolean {
  return !!ch && SPACE_RE.test(ch);
}

/** Maps full-width ASCII letters and digits to ASCII (the rest of the full-width block is punctuation and stays). */
export function foldWidth(s: string): string {
  return s.replace(/[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/** Quote parity carried across the text nodes of one block. */
export interface QuoteState {
  open: boolean;
}

const HALF_TO_FULL: Record<string, string> = { ',': '，', ':': '：', ';': '；', '?': '？', '!': '！', '(': '（', ')': '）' };

/**
 * Normalises one text value. `before` / `after` are the characters around it in its
 * block (from neighbouring inline nodes), so context works across node boundaries.
 */
export function normalizeValue(
  value: string,
  mode: SpaceMode,
  before: string | undefined,
  after: string | undefined,
  quotes: QuoteState,
): string {
  let s = value.indexOf('\u200b') >= 0 || value.indexOf('\ufeff') >= 0 || value.indexOf('\u200c') >= 0 || value.indexOf('\u200d') >= 0 || value.indexOf('\u2060') >= 0
    ? value.replace(INVISIBLE_RE, '')
    : value;
  s = foldWidth(s);
  // Context helpers see the neighbours of the whole value.
  const ctx = (i: number, dir: -1 | 1, str: string): string | undefined => {
    let j = i + dir;
    while (j >= 0 && j < str.length && isSpace(str[j])) j += dir;
    if (j < 0) return before;
    if (j >= str.length) return after;
    return str[j];
  };

  // Dashes: `--`, `—`, `－－`, `──`, `―` in Han context → `——`.
  if (/[-—－─―━–]/.test(s)) {
    s = s.replace(/-{2,}|—+|－{2,}|─{2,}|―+|━{2,}|–{2,}/g, (m, off: number, str: string) => {
      const p = ctx(off, -1, str);
      const n = ctx(off + m.length - 1, 1, str);
      if (isCjk(p) || isCjk(n) || ((p === undefined || n === undefined) && m[0] === '—' && m.length >= 2)) return '——';
      return m;
    });
  }
  // Ellipses: `...`, `。。。`, `…` → `……`.
  if (/[.。…⋯]/.test(s)) {
    s = s.replace(/\.{3,}|。{3,}|…+|⋯+/g, (m, off: number, str: string) => {
      if (m[0] !== '.') return '……';
      const p = ctx(off, -1, str);
      const n = ctx(off + m.length - 1, 1, str);
      return isCjk(p) || isCjk(n) ? '……' : m;
    });
  }
  // Half-width , : ; ? ! ( ) in Han context.
  if (/[,:;?!()]/.test(s)) {
    const chars = s.split('');
    const decide = (i: number): boolean => {
      const p = ctx(i, -1, s);
      const n = ctx(i, 1, s);
      const c = chars[i];
      if (c === '(') return isHan(n) || isCjk(p);
      if (c === ')') return isHan(p) || isCjk(n);
      if (isAsciiAlnum(p) && isAsciiAlnum(n)) return false;
      return isCjk(p) || isCjk(n);
    };
    const openIdx: number[] = [];
    const convert = new Array<boolean>(chars.length).fill(false);
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i];
      if (c === '(') openIdx.push(i);
      else if (c === ')') {
        const o = openIdx.pop();
        if (o !== undefined) {
          const yes = decide(o) || decide(i) || HAN_RE.test(s.slice(o + 1, i));
          convert[o] = yes;
          convert[i] = yes;
        } else convert[i] = decide(i);
      } else if (c in HALF_TO_FULL) convert[i] = decide(i);
    }
    for (const o of openIdx) convert[o] = decide(o);
    for (let i = 0; i < chars.length; i++) if (convert[i]) chars[i] = HALF_TO_FULL[chars[i]];
    s = chars.join('');
  }
  // Straight double quotes in Han context → “ ”, alternating through the block.
  if (s.indexOf('"') >= 0) {
    let out = '';
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (c !== '"') {
        out += c;
        continue;
      }
      const p = ctx(i, -1, s);
      const n = ctx(i, 1, s);
      if (isCjk(p) || isCjk(n)) {
        out += quotes.open ? '”' : '“';
        quotes.open = !quotes.open;
      } else out += c;
    }
    s = out;
  }
  return normalizeSpaces(s, mode, before, after);
}

function normalizeSpaces(s: string, mode: SpaceMode, before: string | undefined, after: string | undefined): string {
  if (!/[ \t\u3000\u00a0\n\r]/.test(s)) return s;
  return s.replace(/[ \t\u3000\u00a0\n\r]+/g, (m, off: number, str: string) => {
    const p = off > 0 ? str[off - 1] : before;
    const n = off + m.length < str.length ? str[off + m.length] : after;
    const hasNewline = m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0;
    // At the edge of the block: trimmed.
    if (p === undefined || n === undefined) return '';
    if (mode === 'running') {
      if (isCjk(p) || isCjk(n)) return '';
      return ' ';
    }
    if (hasNewline && mode === 'title' && (isCjk(p) || isCjk(n))) return '';
    // a phrase gap may sit next to a quote or bracket (`加装电梯 “悬空老人”…`), not next to other marks
    if ((isCjkPunct(p) && !QUOTE_OR_BRACKET.has(p)) || (isCjkPunct(n) && !QUOTE_OR_BRACKET.has(n))) return '';
    if (mode === 'names' && (QUOTE_OR_BRACKET.has(p) || QUOTE_OR_BRACKET.has(n))) return '';
    return ' ';
  });
}

/** Normalises every text node of a block in place (context crosses node boundaries). */
export function normalizeInlines(nodes: Inl[], mode: SpaceMode): void {
  const texts: Array<{ value: string }> = [];
  const walk = (list: Inl[]) => {
    for (const n of list) {
      if (n.type === 'text') texts.push(n);
      else if (n.type === 'break') texts.push({ value: '\n' }); // a boundary, not rewritten
      else if (n.type === 'inlineCode' || n.type === 'html') texts.push({ value: 'x' });
      else if ('children' in n) walk((n as { children: Inl[] }).children);
    }
  };
  walk(nodes);
  const quotes: QuoteState = { open: false };
  const raw = texts.map((t) => t.value);
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i];
    if (!isRealText(t)) continue;
    let before: string | undefined;
    for (let j = i - 1; j >= 0 && before === undefined; j--) {
      const v = raw[j].replace(/[ \t\u3000\u00a0]+$/, '');
      if (raw[j] === '\n') break;
      if (v) before = v[v.length - 1];
    }
    let after: string | undefined;
    for (let j = i + 1; j < texts.length && after === undefined; j++) {
      if (raw[j] === '\n') break;
      const v = raw[j].replace(/^[ \t\u3000\u00a0]+/, '');
      if (v) after = v[0];
    }
    t.value = normalizeValue(raw[i], mode, before, after, quotes);
  }
}

function isRealText(t: { value: string }): boolean {
  return 'type' in t;
}
