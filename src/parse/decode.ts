/**
 * Bytes → text. UTF-8 is decoded strictly; a BOM (UTF-8, UTF-16 LE/BE) decides the
 * encoding; otherwise GB18030 is the fallback (always the `gb18030` label: `gbk`
 * decodes some bytes wrongly on Node 20). Line endings become LF; invisible
 * characters (zero-width, BOM inside text, controls) are removed with a warning.
 */
import { BanmianError } from '../errors.js';

export interface DecodeWarning {
  line: number;
  column: number;
  message: string;
  ruleId: string;
}

export interface Decoded {
  text: string;
  warnings: DecodeWarning[];
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

function notText(file: string): BanmianError {
  return new BanmianError('is not a text file (binary data)', { file });
}

/** Characters removed from page text: zero-width marks, word joiner, BOM, C0/C1 controls except \n and \t. */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200d\u2060\ufeff]/;

export function decodePageBytes(bytes: Uint8Array, file: string): Decoded {
  if (bytes.length === 0) throw new BanmianError('is empty', { file });
  for (const [magic] of MAGIC) if (startsWith(bytes, magic)) throw notText(file);

  let text: string;
  let encoding = 'utf-8';
  const warnings: DecodeWarning[] = [];
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
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = new TextDecoder('gb18030').decode(bytes);
      encoding = 'gb18030';
    }
  }
  if (encoding !== 'utf-8' && encoding !== 'gb18030' && text.indexOf('\u0000') >= 0) throw notText(file);
  if (looksBinary(text)) throw notText(file);
  if (encoding === 'gb18030') {
    warnings.push({ line: 1, column: 1, message: 'file is not UTF-8: decoded as GB18030', ruleId: 'encoding' });
  }

  // Line endings: CRLF and lone CR → LF.
  if (text.indexOf('\r') >= 0) text = text.replace(/\r\n?/g, '\n');

  if (INVISIBLE.test(text)) text = removeInvisible(text, warnings);

  if (!/[^\s\u3000]/.test(text)) throw new BanmianError('is empty', { file });
  return { text, warnings };
}

function decodeStrict(label: string, bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw notText(file);
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

function removeInvisible(text: string, warnings: DecodeWarning[]): string {
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
    warnings.push({
      line: i + 1,
      column: first + 1,
      message: `removed ${count} invisible character${count > 1 ? 's' : ''} (${[...kinds].slice(0, 4).join(', ')})`,
      ruleId: 'invisible-char',
    });
  }
  return lines.join('\n');
}
