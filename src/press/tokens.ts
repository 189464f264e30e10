/**
 * A PDF content-stream tokeniser: the stream as a list of operations (operands and
 * operator), each with the byte range it came from, so a rewriter can copy every
 * operation it does not change byte for byte (strings, hex strings, arrays, dictionaries
 * and inline image data are never re-serialised).
 */

export type Operand =
  | { kind: 'number'; value: number }
  | { kind: 'name'; value: string }
  | { kind: 'string' }
  | { kind: 'array'; items: Operand[] }
  | { kind: 'dict'; entries: Map<string, Operand> }
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
      return { kind: 'string' };
    }
    if (c === 0x3c /* < */) {
      if (bytes[i + 1] === 0x3c) {
        i += 2;
        const items: Operand[] = [];
        while (true) {
          skipWhite();
          if (i >= n) throw new ContentSyntaxError(`unterminated dictionary at byte ${at}`);
          if (bytes[i] === 0x3e && bytes[i + 1] === 0x3e) {
            i += 2;
            return { kind: 'dict', entries: pairs(items) };
          }
          items.push(read()!);
        }
      }
      const close = bytes.indexOf(0x3e, i);
      if (close < 0) throw new ContentSyntaxError(`unterminated hex string at byte ${at}`);
      i = close + 1;
      return { kind: 'string' };
    }
    if (c === 0x5b /* [ */) {
      i++;
      const items: Operand[] = [];
      while (true) {
        skipWhite();
        if (i >= n) throw new ContentSyntaxError(`unterminated array at byte ${at}`);
        if (bytes[i] === 0x5d) {
          i++;
          return { kind: 'array', items };
        }
        items.push(read()!);
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
    const word = bytes.toString('latin1', s, i);
    // digits, sign or point first: a number (PDF has no exponents)
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      const v = Number(word);
      if (!Number.isNaN(v)) return { kind: 'number', value: v };
    }
    return { kind: 'keyword', value: word };
  };

  let operands: Operand[] = [];
  let opStart = -1;
  while (true) {
    skipWhite();
    if (i >= n) break;
    if (opStart < 0) opStart = i;
    const o = read()!;
    if (o.kind !== 'keyword' || o.value === 'true' || o.value === 'false' || o.value === 'null') {
      operands.push(o);
      continue;
    }
    if (o.value === 'BI') {
      // Inline image: BI key value … ID <one white byte> data EI
      const items: Operand[] = [];
      while (true) {
        const e = read();
        if (!e) throw new ContentSyntaxError(`inline image without ID at byte ${opStart}`);
        if (e.kind === 'keyword' && e.value === 'ID') break;
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
    operands = [];
    opStart = -1;
  }
  return ops;
}

function pairs(items: Operand[]): Map<string, Operand> {
  const m = new Map<string, Operand>();
  for (let k = 0; k + 1 < items.length; k += 2) {
    const key = items[k];
    if (key.kind === 'name') m.set(key.value, items[k + 1]);
  }
  return m;
}

export const num = (o: Operand | undefined): number | undefined => (o?.kind === 'number' ? o.value : undefined);
export const name = (o: Operand | undefined): string | undefined => (o?.kind === 'name' ? o.value : undefined);

/** A number written the short way PDF producers use (at most 4 decimals, no trailing zeros). */
export function fmt(x: number): string {
  const r = Math.round(x * 10000) / 10000;
  if (Object.is(r, -0) || r === 0) return '0';
  return String(r);
}
