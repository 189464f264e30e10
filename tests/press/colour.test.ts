import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { classify, limitInk, rgbToCmyk, type ColourRules } from '../../src/press/colour.js';
import { checkIcc, iccDescription, loadOutputProfile } from '../../src/press/profile.js';

const rulesWith = async (totalInk: number): Promise<ColourRules> => ({
  blackFrom: 0.85,
  redRgb: [196 / 255, 22 / 255, 28 / 255],
  redCmyk: [0, 1, 1, 0],
  totalInk,
  profile: await loadOutputProfile(process.cwd()),
});

/** The profile's own answer for one RGB pixel (no ink limit). */
async function throughProfile(rgb: number[]): Promise<number[]> {
  return [...(await sharp(Buffer.from(rgb), { raw: { width: 1, height: 1, channels: 3 } }).withIccProfile('cmyk').raw().toBuffer())];
}

describe('output profile', () => {
  it('is the CMYK output profile built into libvips, slimmed of its measurement text', async () => {
    const p = await loadOutputProfile(process.cwd());
    expect(checkIcc(p.icc)).toBeUndefined();
    expect(iccDescription(p.icc)).toBe('Chemical proof');
    expect(p.icc.length).toBeLessThan(300_000);
    // the slimmed profile still converts exactly like the full one
    const probe = await sharp(Buffer.from([90, 140, 200]), { raw: { width: 1, height: 1, channels: 3 } }).withIccProfile('cmyk').tiff().toBuffer();
    expect((await sharp(probe).metadata()).space).toBe('cmyk');
  });

  it('rejects a file that is not an ICC profile, and an RGB profile', async () => {
    expect(checkIcc(Buffer.from('not a profile at all'.repeat(10)))).toMatch(/not an ICC profile/);
    const srgbTiff = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } }).withIccProfile('srgb').tiff().toBuffer();
    const srgb = (await sharp(srgbTiff).metadata()).icc!;
    expect(checkIcc(srgb)).toMatch(/RGB profile, not CMYK/);
  });
});

describe('colour rules', () => {
  it('sends neutrals to K, the paper red to its mix, the rest to the profile', async () => {
    const rules = await rulesWith(2.4);
    expect(classify([17 / 255, 17 / 255, 17 / 255], rules)).toEqual({ kind: 'black', cmyk: [0, 0, 0, 1] });
    expect(classify([0.2, 0.2, 0.2], rules)).toEqual({ kind: 'grey', cmyk: [0, 0, 0, 0.8] });
    expect(classify([1, 1, 1], rules).cmyk).toEqual([0, 0, 0, 0]);
    expect(classify([0.7686, 0.0863, 0.1098], rules)).toEqual({ kind: 'red', cmyk: [0, 1, 1, 0] });
    expect(classify([0.2, 0.4, 0.9], rules).kind).toBe('profile');
  });

  it('limits total ink by taking C, M and Y down, K unchanged', () => {
    const [c, m, y, k] = limitInk(0.9, 0.8, 0.7, 0.9, 2.4);
    expect(c + m + y + k).toBeCloseTo(2.4, 6);
    expect(k).toBe(0.9);
    expect(limitInk(0.1, 0.2, 0.3, 0.4, 2.4)).toEqual([0.1, 0.2, 0.3, 0.4]);
  });
});

describe('photo separation (a known RGB image)', () => {
  // 3 patches of 8×8: mid grey, saturated blue, a dark blue the profile puts over 240 % ink
  const patches = [
    [128, 128, 128],
    [0, 0, 255],
    [0, 0, 40],
  ];
  const image = async () => {
    const w = 24;
    const px = Buffer.alloc(w * 8 * 3);
    for (let y = 0; y < 8; y++) for (let x = 0; x < w; x++) patches[Math.floor(x / 8)].forEach((v, c) => (px[(y * w + x) * 3 + c] = v));
    // as a JPEG, the way photos reach the PDF
    return sharp(px, { raw: { width: w, height: 8, channels: 3 } }).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toBuffer();
  };
  const at = (cmyk: Buffer, patch: number) => [...cmyk.subarray((4 * 24 + patch * 8 + 4) * 4, (4 * 24 + patch * 8 + 4) * 4 + 4)];

  it('gives the profile’s CMYK for grey and saturated patches, within the ink limit', async () => {
    const cmyk = await rgbToCmyk(await image(), 24, 8, await rulesWith(2.4), true);
    expect(cmyk.length).toBe(24 * 8 * 4);
    const grey = at(cmyk, 0);
    const greyRef = await throughProfile(patches[0]);
    grey.forEach((v, c) => expect(Math.abs(v - greyRef[c])).toBeLessThanOrEqual(3));
    // heavy GCR: grey is carried by K
    expect(grey[3]).toBeGreaterThan(grey[0] + grey[1] + grey[2]);
    const blue = at(cmyk, 1);
    const blueRef = await throughProfile(patches[1]);
    blue.forEach((v, c) => expect(Math.abs(v - blueRef[c])).toBeLessThanOrEqual(3));
    expect(blue[0]).toBeGreaterThan(200);
    // the dark blue: over 240 % in the profile, limited in the file, K kept
    const darkRef = await throughProfile(patches[2]);
    expect(darkRef.reduce((a, b) => a + b, 0)).toBeGreaterThan(2.4 * 255);
    const dark = at(cmyk, 2);
    expect(dark.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(Math.floor(2.4 * 255));
    expect(Math.abs(dark[3] - darkRef[3])).toBeLessThanOrEqual(3);
    for (let p = 0; p < cmyk.length; p += 4) expect(cmyk[p] + cmyk[p + 1] + cmyk[p + 2] + cmyk[p + 3]).toBeLessThanOrEqual(612);
  });

  it('honours a lower limit', async () => {
    const cmyk = await rgbToCmyk(await image(), 24, 8, await rulesWith(1.8), true);
    for (let p = 0; p < cmyk.length; p += 4) expect(cmyk[p] + cmyk[p + 1] + cmyk[p + 2] + cmyk[p + 3]).toBeLessThanOrEqual(Math.floor(1.8 * 255));
  });
});
