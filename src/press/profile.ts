/**
 * The output profile (the printing condition's ICC characterisation): the plant's own
 * file from `print.press.outputIntent`, or by default the CMYK profile built into libvips
 * (shipped in sharp's `@img/sharp-libvips-*` package: "Chemical proof" by Graeme W. Gill,
 * released into the public domain). No newsprint characterisation (ISO 12647-3,
 * WAN-IFRA newspaper26) is redistributable from npm; see docs/press.md.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BanmianError } from '../errors.js';

export interface OutputProfile {
  /** The ICC bytes embedded as /DestOutputProfile. */
  icc: Uint8Array;
  /** What sharp's withIccProfile takes: a file path, or `cmyk` for libvips' built-in profile. */
  sharpProfile: string;
  /** The profile's description tag. */
  description: string;
  /** For /OutputConditionIdentifier. */
  identifier: string;
  /** Where it came from (for reports). */
  source: string;
}

let builtin: Promise<OutputProfile> | undefined;

/** The plant's profile at `file` (relative to `root`), or the default one. */
export async function loadOutputProfile(root: string, file?: string): Promise<OutputProfile> {
  if (!file) return (builtin ??= builtinProfile());
  const abs = path.resolve(root, file);
  const shown = path.relative(process.cwd(), abs) || abs;
  let bytes: Buffer;
  try {
    bytes = await readFile(abs);
  } catch (err) {
    throw new BanmianError(`cannot read the output-intent profile (print.press.outputIntent): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file: shown });
  }
  const why = checkIcc(bytes);
  if (why) throw new BanmianError(`the output-intent profile (print.press.outputIntent) ${why}`, { file: shown });
  const description = iccDescription(bytes) ?? path.basename(abs);
  return { icc: bytes, sharpProfile: abs, description, identifier: description, source: shown };
}

/** Why `bytes` is not a CMYK output ICC profile, or undefined when it is one. */
export function checkIcc(bytes: Uint8Array): string | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 132 || b.toString('latin1', 36, 40) !== 'acsp') return 'is not an ICC profile (no "acsp" signature)';
  const declared = b.readUInt32BE(0);
  if (declared > b.length) return `is cut short (the header says ${declared} bytes, the file has ${b.length})`;
  const space = b.toString('latin1', 16, 20).trim();
  if (space !== 'CMYK') return `is a ${space} profile, not CMYK (PDF/X-1a needs a CMYK printing condition)`;
  const cls = b.toString('latin1', 12, 16);
  if (cls !== 'prtr') return `is a "${cls}" profile, not an output (printer) profile`;
  return undefined;
}

/** The profile's `desc` text (ICC v2 textDescription or v4 multiLocalizedUnicode). */
export function iccDescription(bytes: Uint8Array): string | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = b.readUInt32BE(128);
  for (let t = 0; t < count; t++) {
    const o = 132 + t * 12;
    if (o + 12 > b.length || b.toString('latin1', o, o + 4) !== 'desc') continue;
    const off = b.readUInt32BE(o + 4);
    const type = b.toString('latin1', off, off + 4);
    if (type === 'desc') {
      const len = b.readUInt32BE(off + 8);
      return b.toString('latin1', off + 12, off + 12 + len).replace(/\0+$/, '');
    }
    if (type === 'mluc') {
      const len = b.readUInt32BE(off + 20);
      const at = b.readUInt32BE(off + 24);
      return Buffer.from(b.subarray(off + at, off + at + len)).swap16().toString('utf16le');
    }
  }
  return undefined;
}

async function builtinProfile(): Promise<OutputProfile> {
  const { default: sharp } = await import('sharp');
  // libvips attaches its built-in profile to a CMYK TIFF; read it back from the metadata.
  const tiff = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } }).withIccProfile('cmyk').tiff().toBuffer();
  const icc = (await sharp(tiff).metadata()).icc;
  if (!icc) throw new Error('sharp did not return its built-in CMYK profile');
  const slim = withoutTags(icc, ['targ', 'DevD', 'CIED']);
  const description = iccDescription(slim) ?? 'libvips CMYK';
  return { icc: slim, sharpProfile: 'cmyk', description, identifier: 'Custom', source: `libvips built-in CMYK profile (${description})` };
}

/**
 * The profile without the given tags. The built-in profile carries its measurement data
 * three times as text (700 KB each, one shared block); a colour management module never
 * reads them, and every press page embeds the profile.
 */
export function withoutTags(icc: Uint8Array, drop: string[]): Uint8Array {
  const b = Buffer.from(icc.buffer, icc.byteOffset, icc.byteLength);
  const count = b.readUInt32BE(128);
  const tags: Array<{ sig: string; off: number; len: number }> = [];
  for (let t = 0; t < count; t++) {
    const o = 132 + t * 12;
    const sig = b.toString('latin1', o, o + 4);
    if (!drop.includes(sig)) tags.push({ sig, off: b.readUInt32BE(o + 4), len: b.readUInt32BE(o + 8) });
  }
  const header = Buffer.alloc(132 + tags.length * 12);
  b.copy(header, 0, 0, 128);
  header.writeUInt32BE(tags.length, 128);
  const blocks: Buffer[] = [];
  const placed = new Map<string, number>();
  let at = header.length;
  tags.forEach((tag, k) => {
    const key = `${tag.off}:${tag.len}`;
    let where = placed.get(key);
    if (where === undefined) {
      where = at;
      placed.set(key, where);
      const data = b.subarray(tag.off, tag.off + tag.len);
      const pad = (4 - (data.length % 4)) % 4;
      blocks.push(data, Buffer.alloc(pad));
      at += data.length + pad;
    }
    const o = 132 + k * 12;
    header.write(tag.sig, o, 'latin1');
    header.writeUInt32BE(where, o + 4);
    header.writeUInt32BE(tag.len, o + 8);
  });
  const out = Buffer.concat([header, ...blocks]);
  out.writeUInt32BE(out.length, 0);
  out.fill(0, 84, 100); // the profile ID (an MD5 of the whole) no longer matches: zero means "not computed"
  return new Uint8Array(out);
}
