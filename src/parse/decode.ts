/**
 * Bytes → text. UTF-8 is decoded strictly; a BOM (UTF-8, UTF-16 LE/BE) decides the
 * encoding. Without a BOM, GB18030 is used only when the whole file decodes as
 * GB18030 and reads as no plausible UTF-8 (always the `gb18030` label: `gbk` decodes
 * some bytes wrongly on Node 20). A file that is mostly valid UTF-8 with a few bad
 * bytes (a stray byte appended, a bad paste) is UTF-8 with an error naming each bad
 * byte's line and column: guessing GB18030 there would publish the page as mojibake. Line endings become LF; invisible
 * characters (zero-width, BOM inside text, controls) are removed with a warning.
 */
import { VFileMessage } from 'vfile-message';
import { BanmianError } from '../errors.js';

export interface Decoded {
  text: string;
  /** `utf-8`, `utf-16le`, `utf-16be` or `gb18030`. */
  encoding: string;
  /** Warnings (`encoding`, `invisible-char`) as vfile messages, for the page's VFile. */
  warnings: VFileMessage[];
}

/** A decode warning: a non-fatal vfile message of the page, `source` banmian. */
function warning(file: string, reason: string, line: number, column: number, ruleId: string): VFileMessage {
  const m = new VFileMessage(reason, { place: { line, column }, ruleId, source: 'banmian' });
  m.file = file;
  m.fatal = false;
  return m;
}

const MAGIC: Array<[number[], string]> = [
  [[0x89, 0x50, 0x4e, 0x47], 'PNG image'],
  [[0xff, 0xd8, 0xff], 'JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'GIF image'],
  [[0x25, 0x50, 0x44, 0x46], 'PDF'],
  [[0x50, 0x4b, 0x03, 0x04], 'zip archive'],
  [[0x52, 0x49, 0x46, 0x46], 'RIFF media'],
];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic[i]) return false;
  return true;
}

function notText(file: string, cause?: unknown): BanmianError {
  return new BanmianError('is not a text file (binary data)', { file, ruleId: 'binary-file', cause });
}

/** Characters removed from page text: zero-width marks, word joiner, BOM, C0/C1 controls except \n and \t. */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200d\u2060\ufeff]/;

export function decodePageBytes(bytes: Uint8Array, file: string): Decoded {
  if (bytes.length === 0) throw new BanmianError('is empty', { file, ruleId: 'empty-file' });
  for (const [magic] of MAGIC) if (startsWith(bytes, magic)) throw notText(file);

  let text: string;
  let encoding = 'utf-8';
  const warnings: VFileMessage[] = [];
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    text = decodeStrict('utf-8', bytes.subarray(3), file);
  } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    text = decodeStrict('utf-16le', bytes.subarray(2), file);
    encoding = 'utf-16le';
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    text = decodeStrict('utf-16be', bytes.subarray(2), file);
    encoding = 'utf-16be';
  } else {
    if (bytes.indexOf(0) >= 0) throw notText(file);
    const chosen = chooseUnmarked(bytes, file);
    text = chosen.text;
    encoding = chosen.encoding;
  }
  if (encoding !== 'utf-8' && encoding !== 'gb18030' && text.indexOf('\u0000') >= 0) throw notText(file);
  if (looksBinary(text)) throw notText(file);
  if (encoding === 'gb18030') {
    warnings.push(warning(file, 'file is not UTF-8: decoded as GB18030', 1, 1, 'encoding'));
  }

  // Line endings: CRLF and lone CR → LF.
  if (text.indexOf('\r') >= 0) text = text.replace(/\r\n?/g, '\n');

  if (INVISIBLE.test(text)) text = removeInvisible(text, file, warnings);

  if (!/[^\s\u3000]/.test(text)) throw new BanmianError('is empty', { file, ruleId: 'empty-file' });
  return { text, encoding, warnings };
}

function decodeStrict(label: string, bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (err) {
    // the BOM names an encoding the bytes are not valid in: not a text file we can read
    throw notText(file, err);
  }
}

/** Mostly replacement characters or control characters: not a text file. */
function looksBinary(text: string): boolean {
  const n = Math.min(text.length, 65536);
  if (n === 0) return false;
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd || c === 0 || (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || (c >= 0x7f && c < 0xa0)) bad++;
  }
  return bad / n > 0.1;
}

function removeInvisible(text: string, file: string, warnings: VFileMessage[]): string {
  const lines = text.split('\n');
  const all = new RegExp(INVISIBLE.source, 'g');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!INVISIBLE.test(line)) continue;
    let first = -1;
    let count = 0;
    const kinds = new Set<string>();
    const cleaned = line.replace(all, (m, off: number) => {
      if (first < 0) first = off;
      count++;
      kinds.add('U+' + m.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0'));
      return '';
    });
    lines[i] = cleaned;
    const reason = `removed ${count} invisible character${count > 1 ? 's' : ''} (${[...kinds].slice(0, 4).join(', ')})`;
    warnings.push(warning(file, reason, i + 1, first + 1, 'invisible-char'));
  }
  return lines.join('\n');
}

/** How many bad bytes an error message lists before it only counts the rest. */
const LISTED_BAD_BYTES = 5;

/**
 * The bytes' valid multi-byte UTF-8 sequences and the offsets of the bytes that are
 * not part of any valid sequence (WHATWG UTF-8 decoder rules: no overlongs, no
 * surrogates, nothing above U+10FFFF).
 */
export function utf8Scan(bytes: Uint8Array): { multibyte: number; bad: number[] } {
  let multibyte = 0;
  const bad: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    }
    let ok = need > 0;
    for (let k = 1; ok && k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) ok = false;
    }
    if (ok) {
      multibyte++;
      i += need + 1;
    } else {
      bad.push(i);
      i++;
    }
  }
  return { multibyte, bad };
}

/** Line and column (in characters) of a byte offset, counted in the UTF-8 reading of the bytes. */
function placeOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let lineStart = 0;
  let line = 1;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const before = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset)).replace(/\r$/, '');
  return { line, column: [...before].length + 1 };
}

function hex(b: number): string {
  return '0x' + b.toString(16).toUpperCase().padStart(2, '0');
}

/** Text without a BOM: UTF-8, or GB18030 when the file is that and not (mostly) UTF-8. */
function chooseUnmarked(bytes: Uint8Array, file: string): { text: string; encoding: string } {
  const { multibyte, bad } = utf8Scan(bytes);
  if (!bad.length) return { text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8' };
  // Mostly UTF-8 (many valid sequences per bad byte): a damaged UTF-8 file, not another encoding.
  const mostlyUtf8 = multibyte >= 4 * bad.length;
  if (!mostlyUtf8) {
    try {
      return { text: new TextDecoder('gb18030', { fatal: true }).decode(bytes), encoding: 'gb18030' };
    } catch {
      // neither encoding reads it whole: binary data, or damaged UTF-8
    }
    if (bad.length > Math.max(8, bytes.length * 0.05)) throw notText(file);
  }
  const places = bad.slice(0, LISTED_BAD_BYTES).map((o) => {
    const p = placeOfByte(bytes, o);
    return { ...p, byte: bytes[o] };
  });
  const first = places[0];
  const list = places.map((p) => `${hex(p.byte)} at line ${p.line} column ${p.column}`).join(', ');
  const more = bad.length > LISTED_BAD_BYTES ? ` and ${bad.length - LISTED_BAD_BYTES} more` : '';
  throw new BanmianError(
    `not valid UTF-8: ${bad.length} bad byte${bad.length > 1 ? 's' : ''} (${list}${more}); fix them or save the file as UTF-8`,
    { file, line: first.line, column: first.column, ruleId: 'not-utf8' },
  );
}
