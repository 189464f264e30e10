/**
 * Which CMYK an RGB colour of the screen PDF becomes on the press. Newspaper rules, not
 * a colorimetric match: every near-neutral dark (the text's #111, rules, black) is K-only
 * 100 % (it overprints; see rewrite.ts), other neutrals are a K tint, the paper's red is
 * the configured ink mix, white is no ink; any other colour goes through the output
 * profile, with the total ink limited.
 */
import type { OutputProfile } from './profile.js';

export type Rgb = [number, number, number];
export type Cmyk = [number, number, number, number];

export interface ColourRules {
  /** A neutral at least this dark (0…1, 1 − mean of r g b) is K-only 100 %. */
  blackFrom: number;
  /** The paper's red as it is on screen, and the ink mix it prints with. */
  redRgb: Rgb;
  redCmyk: Cmyk;
  /** Total area coverage limit, as a fraction (2.4 = 240 %). */
  totalInk: number;
  profile: OutputProfile;
}

/** How far apart r, g, b may be for a colour to count as neutral. */
const NEUTRAL = 0.04;
/** How close (per channel) a colour must be to the configured red to print as it. */
const RED_MATCH = 0.03;

export type ColourKind = 'black' | 'grey' | 'white' | 'red' | 'profile';

/** The rule an RGB colour falls under, and its CMYK where the rule alone decides it. */
export function classify(rgb: Rgb, rules: ColourRules): { kind: ColourKind; cmyk?: Cmyk } {
  const [r, g, b] = rgb;
  const spread = Math.max(r, g, b) - Math.min(r, g, b);
  if (spread <= NEUTRAL) {
    const dark = 1 - (r + g + b) / 3;
    if (dark >= rules.blackFrom) return { kind: 'black', cmyk: [0, 0, 0, 1] };
    if (dark <= 0.004) return { kind: 'white', cmyk: [0, 0, 0, 0] };
    return { kind: 'grey', cmyk: [0, 0, 0, round(dark)] };
  }
  if (rgb.every((v, k) => Math.abs(v - rules.redRgb[k]) <= RED_MATCH)) return { kind: 'red', cmyk: rules.redCmyk };
  return { kind: 'profile' };
}

/** Lowers C, M and Y (K stays: it carries the detail) until the total is within `limit`. */
export function limitInk(c: number, m: number, y: number, k: number, limit: number): Cmyk {
  const sum = c + m + y + k;
  if (sum <= limit) return [c, m, y, k];
  const room = Math.max(0, limit - k);
  const cmy = c + m + y;
  const f = cmy > 0 ? room / cmy : 0;
  return [c * f, m * f, y * f, Math.min(k, limit)];
}

/**
 * Maps colours the rules cannot decide through the output profile, many at once (one
 * sharp call for all the colours of a document: loading a profile costs more than using it).
 */
export class ColourMapper {
  private readonly pending = new Map<string, Rgb>();
  private readonly done = new Map<string, Cmyk>();

  constructor(readonly rules: ColourRules) {}

  /** Notes a colour that `get` will be asked for. */
  want(rgb: Rgb): void {
    const key = keyOf(rgb);
    if (this.done.has(key) || this.pending.has(key)) return;
    const c = classify(rgb, this.rules);
    if (c.cmyk) this.done.set(key, c.cmyk);
    else this.pending.set(key, rgb);
  }

  /** Converts the noted colours through the profile. */
  async resolve(): Promise<void> {
    if (!this.pending.size) return;
    const list = [...this.pending.values()];
    const px = Buffer.alloc(list.length * 3);
    list.forEach((rgb, k) => rgb.forEach((v, j) => (px[k * 3 + j] = Math.round(clamp01(v) * 255))));
    const cmyk = await rgbToCmyk(px, list.length, 1, this.rules);
    list.forEach((rgb, k) => this.done.set(keyOf(rgb), [0, 1, 2, 3].map((j) => round(cmyk[k * 4 + j] / 255)) as Cmyk));
    this.pending.clear();
  }

  get(rgb: Rgb): Cmyk {
    const hit = this.done.get(keyOf(rgb));
    if (hit) return hit;
    const c = classify(rgb, this.rules);
    if (c.cmyk) return c.cmyk;
    throw new Error(`colour ${keyOf(rgb)} was not resolved before use`);
  }
}

/**
 * RGB pixels (raw, taken as sRGB; or an encoded image, whose own ICC profile sharp honours)
 * → CMYK pixels through the output profile, total ink limited. Returns width × height × 4 bytes.
 */
export async function rgbToCmyk(rgb: Buffer, width: number, height: number, rules: ColourRules, encoded = false): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const img = encoded ? sharp(rgb) : sharp(rgb, { raw: { width, height, channels: 3 } });
  const out = await img.removeAlpha().withIccProfile(rules.profile.sharpProfile).raw().toBuffer({ resolveWithObject: true });
  if (out.info.width !== width || out.info.height !== height) throw new Error(`image decoded at ${out.info.width}×${out.info.height}, not ${width}×${height}`);
  if (out.info.channels !== 4) throw new Error(`the output profile gave ${out.info.channels} channels, not 4`);
  limitBuffer(out.data, rules.totalInk);
  return out.data;
}

/** Applies the ink limit to CMYK pixels in place. */
export function limitBuffer(px: Buffer, totalInk: number): void {
  const limit = Math.floor(totalInk * 255);
  for (let p = 0; p < px.length; p += 4) {
    const c = px[p];
    const m = px[p + 1];
    const y = px[p + 2];
    const k = px[p + 3];
    if (c + m + y + k <= limit) continue;
    const room = Math.max(0, limit - k);
    const f = room / (c + m + y);
    px[p] = Math.floor(c * f);
    px[p + 1] = Math.floor(m * f);
    px[p + 2] = Math.floor(y * f);
  }
}

/** Parses `#rrggbb` or `#rgb`. */
export function parseHex(s: string): Rgb | undefined {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(s.trim());
  if (!m) return undefined;
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [0, 2, 4].map((k) => parseInt(h.slice(k, k + 2), 16) / 255) as Rgb;
}

/** Parses `C M Y K` in percent (`0 100 100 0`). */
export function parseCmykPercent(s: string): Cmyk | undefined {
  const parts = s.trim().split(/[\s,]+/).map(Number);
  if (parts.length !== 4 || parts.some((v) => !Number.isFinite(v) || v < 0 || v > 100)) return undefined;
  return parts.map((v) => v / 100) as Cmyk;
}

const keyOf = (rgb: Rgb) => rgb.map((v) => round(v)).join(' ');
const round = (v: number) => Math.round(v * 10000) / 10000;
const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
