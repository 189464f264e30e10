import { describe, expect, it } from 'vitest';
import { ColourMapper, type ColourRules } from '../../src/press/colour.js';
import { parseStream, rewriteStream, type StreamScope } from '../../src/press/rewrite.js';
import { tokenise } from '../../src/press/tokens.js';

const enc = (s: string) => Buffer.from(s, 'latin1');
const ops = (s: string) => tokenise(enc(s)).map((o) => o.op);

describe('content-stream tokeniser', () => {
  it('keeps operators inside strings, hex strings, arrays and dictionaries out of the operator list', () => {
    const s = 'BT /F1 9 Tf (a rg \\) (b) k) Tj [(0 0 0 RG) -250 <72673e>] TJ ET /P <</MCID 3 /Alt (x Tj)>> BDC EMC';
    expect(ops(s)).toEqual(['BT', 'Tf', 'Tj', 'TJ', 'ET', 'BDC', 'EMC']);
    const tj = tokenise(enc(s))[3];
    expect(tj.operands[0]).toEqual({ kind: 'array' });
  });

  it('reads an inline image whose binary data holds "EI" and "rg"', () => {
    const data = Buffer.from('xEI rg\nEIA', 'latin1');
    const bytes = Buffer.concat([enc('q BI /W 3 /H 1 /CS /RGB /BPC 8 ID '), data, enc(' EI Q 1 0 0 rg')]);
    const list = tokenise(bytes);
    expect(list.map((o) => o.op)).toEqual(['q', 'BI', 'Q', 'rg']);
    expect(list[1].inlineImage?.get('CS')).toEqual({ kind: 'name', value: 'RGB' });
  });

  it('records byte ranges that cover each operation', () => {
    const s = '0.0667 .0667 .0667 rg\n10 20 m 30 40 l S';
    const list = tokenise(enc(s));
    expect(s.slice(list[0].start, list[0].end)).toBe('0.0667 .0667 .0667 rg');
    expect(list[0].operands).toEqual([0.0667, 0.0667, 0.0667]);
  });

  it('fails on an unterminated string', () => {
    expect(() => tokenise(enc('(abc Tj'))).toThrow(/unterminated string/);
  });
});

describe('colour rewrite', () => {
  const rules: ColourRules = {
    blackFrom: 0.85,
    redRgb: [196 / 255, 22 / 255, 28 / 255],
    redCmyk: [0, 1, 1, 0],
    totalInk: 2.4,
    profile: { icc: new Uint8Array(), sharpProfile: 'cmyk', description: 'test', identifier: 'Custom', source: 'test' },
  };
  const scope: StreamScope = { space: (n) => (n === 'CS0' ? 'rgb' : 'other'), extGState: () => undefined };
  const rewrite = async (s: string) => {
    const mapper = new ColourMapper(rules);
    const parsed = parseStream(enc(s));
    const { collectColours } = await import('../../src/press/rewrite.js');
    collectColours(parsed, scope, mapper);
    await mapper.resolve();
    return Buffer.from(rewriteStream(parsed, scope, mapper).bytes).toString('latin1');
  };

  it('turns near-black text K-only with overprint, grey into a K tint, the red into its ink mix, white into no ink', async () => {
    const out = await rewrite('.0667 .0667 .0667 rg BT (rg) Tj ET .2 .2 .2 RG 0 0 m 1 1 l S .7686 .0863 .1098 rg 1 1 1 rg');
    expect(out.replace(/\([^)]*\)/g, '()')).not.toMatch(/\brg\b|\bRG\b/);
    expect(out).toContain('/PressOP01 gs\n0 0 0 1 k');
    expect(out).toContain('0 0 0 0.8 K');
    expect(out).toContain('0 1 1 0 k');
    expect(out).toContain('0 0 0 0 k');
    // overprint goes off again for the non-black fill
    expect(out.indexOf('/PressOP00 gs')).toBeGreaterThan(out.indexOf('0 0 0 1 k'));
    // the string operand is untouched
    expect(out).toContain('(rg) Tj');
  });

  it('maps an RGB colour space and its scn colour, and restores overprint state at Q', async () => {
    const out = await rewrite('q /CS0 cs 0 0 0 scn BT (a) Tj ET 0.2 0.4 0.9 scn Q');
    expect(out).not.toMatch(/ scn\b| cs\b/);
    expect(out).toMatch(/^\/PressOP01 gs\n0 0 0 1 k/m);
    // a colour through the profile: four components, total ink within 240 %
    const last = out.trim().split('\n').filter((l) => / k$/.test(l)).pop()!;
    const cmyk = last.split(' ').slice(0, 4).map(Number);
    expect(last.endsWith(' k')).toBe(true);
    expect(cmyk.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2.4 + 1e-6);
  });
});
