import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config/index.js';

const base = { paper: { name: '海岸新闻', cn: 'CN 37-0099' } };

describe('print.press config', () => {
  it('has defaults: 3 mm bleed, no marks, 240 % ink, the paper red as M100 Y100', () => {
    expect(resolveConfig(base, 'banmian.config.ts').print.press).toEqual({ bleed: 3, marks: false, totalInk: 240, redRgb: '#c4161c', red: '0 100 100 0' });
  });

  it('takes the plant profile and other values', () => {
    const c = resolveConfig({ ...base, print: { press: { outputIntent: 'plant.icc', bleed: 5, totalInk: 220, red: '0 95 100 5', marks: true } } }, 'x');
    expect(c.print.press).toMatchObject({ outputIntent: 'plant.icc', bleed: 5, totalInk: 220, red: '0 95 100 5', marks: true });
  });

  it('names the key and the file for a wrong value', () => {
    const bad = (press: Record<string, unknown>) => () => resolveConfig({ ...base, print: { press } }, 'banmian.config.ts');
    expect(bad({ colour: 1 })).toThrow(/banmian\.config\.ts: config key "print\.press\.colour" is not a config key/);
    expect(bad({ bleed: -1 })).toThrow(/"print\.press\.bleed" must be 0…20/);
    expect(bad({ totalInk: 50 })).toThrow(/"print\.press\.totalInk" must be 100…400/);
    expect(bad({ red: '0 100 100' })).toThrow(/"print\.press\.red" must be four ink percentages/);
    expect(bad({ redRgb: 'red' })).toThrow(/"print\.press\.redRgb" must be a colour/);
    expect(bad({ outputIntent: 3 })).toThrow(/"print\.press\.outputIntent" must be a string/);
  });
});
