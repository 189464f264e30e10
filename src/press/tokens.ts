/**
 * A PDF content-stream tokeniser: the stream as a list of operations (operands and
 * operator), each with the byte range it came from, so a rewriter can copy every
 * operation it does not change byte for byte (strings, hex strings, arrays, dictionaries
 * and inline image data are never re-serialised).
 */

/** An operand: a number as it is (the most common operand: no object for it), or a tagged object. */
export type Operand =
  | number
  | { kind: 'name'; value: string }
  | { kind: 'string' }
  | { kind: 'array' }
  | { kind: 'dict' }
  | { kind: 'keyword'; value: string };

export interface Operation {
  op: string;
  operands: Operand[];
  /** Byte range of the operation in the stream, operands included. */
  start: number;
  end: number;
  /** For `BI … ID data EI`: the image dictionary. */
  inlineImage?: Map<string, Operand>;
}

const WHITE = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WHITE[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;

const isRegular = (c: number) => !WHITE[c] && !DELIM[c];

// Strings, arrays and dictionaries are read over, not kept: no check needs their contents
// (a content stream of a newspaper page has thousands of them: fewer objects, less GC).
/** The operands of an operation that has none (shared, never written to). */
const NONE: Operand[] = Object.freeze([]) as unknown as Operand[];
const STRING: Operand = Object.freeze({ kind: 'string' });
const ARRAY: Operand = Object.freeze({ kind: 'array' });
const DICT: Operand = Object.freeze({ kind: 'dict' });

export class ContentSyntaxError extends Error {}

/** Splits a decoded content stream into operations. */
export function tokenise(input: Uint8Array): Operation[] {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const ops: Operation[] = [];
  const n = bytes.length;
  let i = 0;

  const skipWhite = () => {
    while (i < n) {
      const c = bytes[i];
      if (WHITE[c]) i++;
      else if (c === 0x25 /* % */) {
        while (i < n && bytes[i] !== 10 && bytes[i] !== 13) i++;
      } else break;
    }
  };

  /** One object or keyword from `i` (white space skipped before), or undefined at the end. */
  const read = (): Operand | undefined => {
    skipWhite();
    if (i >= n) return undefined;
    const c = bytes[i];
    const at = i;
    if (c === 0x28 /* ( */) {
      let depth = 1;
      i++;
      while (i < n && depth > 0) {
        const d = bytes[i];
        if (d === 0x5c /* \ */) i += 2;
        else {
          if (d === 0x28) depth++;
          else if (d === 0x29) depth--;
          i++;
        }
      }
      if (depth > 0) throw new ContentSyntaxError(`unterminated string at byte ${at}`);
      return STRING;
    }
    if (c === 0x3c /* < */) {
      if (bytes[i + 1] === 0x3c) {
        i += 2;
        while (true) {
          skipWhite();
          if (i >= n) throw new ContentSyntaxError(`unterminated dictionary at byte ${at}`);
          if (bytes[i] === 0x3e && bytes[i + 1] === 0x3e) {
            i += 2;
            return DICT;
          }
          read();
        }
      }
      const close = bytes.indexOf(0x3e, i);
      if (close < 0) throw new ContentSyntaxError(`unterminated hex string at byte ${at}`);
      i = close + 1;
      return STRING;
    }
    if (c === 0x5b /* [ */) {
      i++;
      while (true) {
        skipWhite();
        if (i >= n) throw new ContentSyntaxError(`unterminated array at byte ${at}`);
        if (bytes[i] === 0x5d) {
          i++;
          return ARRAY;
        }
        read();
      }
    }
    if (c === 0x2f /* / */) {
      const s = ++i;
      while (i < n && isRegular(bytes[i])) i++;
      const raw = bytes.toString('latin1', s, i);
      return { kind: 'name', value: raw.includes('#') ? raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : raw };
    }
    if (c === 0x7b || c === 0x7d) {
      i++; // braces only occur in PostScript calculator functions
      return { kind: 'keyword', value: String.fromCharCode(c) };
    }
    const s = i;
    while (i < n && isRegular(bytes[i])) i++;
    if (i === s) throw new ContentSyntaxError(`unexpected "${String.fromCharCode(c)}" at byte ${at}`);
    // digits, sign or point first: a number (PDF has no exponents), read without a string
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      const v = parseNumber(bytes, s, i);
      if (v !== undefined) return v;
    }
    return keyword(bytes, s, i);
  };

  let operands: Operand[] = NONE;
  let opStart = -1;
  while (true) {
    skipWhite();
    if (i >= n) break;
    if (opStart < 0) opStart = i;
    const o = read()!;
    if (typeof o === 'number' || o.kind !== 'keyword' || o.value === 'true' || o.value === 'false' || o.value === 'null') {
      if (operands === NONE) operands = [];
      operands.push(o);
      continue;
    }
    if (o.value === 'BI') {
      // Inline image: BI key value … ID <one white byte> data EI
      const items: Operand[] = [];
      while (true) {
        const e = read();
        if (!e) throw new ContentSyntaxError(`inline image without ID at byte ${opStart}`);
        if (typeof e === 'object' && e.kind === 'keyword' && e.value === 'ID') break;
        items.push(e);
      }
      i += 1;
      let end = -1;
      for (let j = i; j + 1 < n; j++) {
        if (bytes[j] === 0x45 && bytes[j + 1] === 0x49 && WHITE[bytes[j - 1]] && (j + 2 >= n || WHITE[bytes[j + 2]] || DELIM[bytes[j + 2]])) {
          end = j + 2;
          break;
        }
      }
      if (end < 0) throw new ContentSyntaxError(`inline image without EI at byte ${opStart}`);
      i = end;
      ops.push({ op: 'BI', operands: [], start: opStart, end: i, inlineImage: pairs(items) });
    } else {
      ops.push({ op: o.value, operands, start: opStart, end: i });
    }
    operands = NONE;
    opStart = -1;
  }
  return ops;
}

function parseNumber(bytes: Uint8Array, s: number, e: number): number | undefined {
  let k = s;
  let sign = 1;
  if (bytes[k] === 0x2d) {
    sign = -1;
    k++;
  } else if (bytes[k] === 0x2b) k++;
  let v = 0;
  let digits = 0;
  while (k < e && bytes[k] >= 0x30 && bytes[k] <= 0x39) {
    v = v * 10 + (bytes[k++] - 0x30);
    digits++;
  }
  if (k < e && bytes[k] === 0x2e) {
    k++;
    let scale = 1;
    let frac = 0;
    while (k < e && bytes[k] >= 0x30 && bytes[k] <= 0x39) {
      frac = frac * 10 + (bytes[k++] - 0x30);
      scale *= 10;
      digits++;
    }
    v += frac / scale;
  }
  if (k !== e || digits === 0) return undefined;
  return sign * v;
}

/** Operators are a handful of short words: one string each, not one per occurrence. */
const KEYWORDS = new Map<number, Operand>();
function keyword(bytes: Buffer, s: number, e: number): Operand {
  if (e - s <= 3) {
    const code = bytes[s] | ((e - s > 1 ? bytes[s + 1] : 0) << 8) | ((e - s > 2 ? bytes[s + 2] : 0) << 16);
    let hit = KEYWORDS.get(code);
    if (!hit) {
      hit = Object.freeze({ kind: 'keyword', value: bytes.toString('latin1', s, e) }) as Operand;
      KEYWORDS.set(code, hit);
    }
    return hit;
  }
  return { kind: 'keyword', value: bytes.toString('latin1', s, e) };
}

function pairs(items: Operand[]): Map<string, Operand> {
  const m = new Map<string, Operand>();
  for (let k = 0; k + 1 < items.length; k += 2) {
    const key = items[k];
    if (typeof key === 'object' && key.kind === 'name') m.set(key.value, items[k + 1]);
  }
  return m;
}

export const num = (o: Operand | undefined): number | undefined => (typeof o === 'number' ? o : undefined);
export const name = (o: Operand | undefined): string | undefined => (typeof o === 'object' && o.kind === 'name' ? o.value : undefined);

/** A number written the short way PDF producers use (at most 4 decimals, no trailing zeros). */
export function fmt(x: number): string {
  const r = Math.round(x * 10000) / 10000;
  if (Object.is(r, -0) || r === 0) return '0';
  return String(r);
}
