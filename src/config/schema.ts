/**
 * The config schema (valibot): every key, its type, its limits and its default in one place.
 * The config types (`types.ts`) are inferred from it, and `index.ts` turns its first issue
 * into the one-line error the user sees (`config key "print.columns" must be …, got …`).
 */
import * as v from 'valibot';
import { PRESETS } from './presets.js';

// Each message is the tail of `config key "<path>" …`; index.ts adds the path and the bad value.
const text = () => v.string('must be a string');
const flag = () => v.boolean('must be a boolean');
const number = () => v.number('must be a number');
const positive = () => v.pipe(number(), v.gtValue(0, 'must be a positive number'), v.finite('must be a positive number'));
const whole = () => v.pipe(positive(), v.integer('must be a whole number'));
const range = (min: number, max: number, unit: string) => {
  const why = `must be ${min}…${max} (${unit})`;
  return v.pipe(number(), v.minValue(min, why), v.maxValue(max, why));
};

/**
 * A config section: an object that refuses keys it does not know (listing the ones it does),
 * and says which keys are required and why.
 */
function section<const E extends v.ObjectEntries>(entries: E, opts: { required?: Partial<Record<keyof E, string>>; notObject?: string } = {}) {
  return v.strictObject(entries, (issue) => {
    if (issue.expected === 'never') return `is not a config key (known: ${Object.keys(entries).join(', ')})`;
    if (issue.expected?.startsWith('"')) {
      const hint = opts.required?.[JSON.parse(issue.expected) as keyof E];
      return `is required${hint ? ` (${hint})` : ''}`;
    }
    return opts.notObject ?? 'must be an object';
  });
}

const NAME_HINT = 'the paper\'s name, e.g. "西岸新闻"';
const CN_HINT = 'the CN serial, e.g. "CN 37-0000"';

const paper = section(
  {
    /** 报名, e.g. `西岸新闻`. */
    name: v.pipe(text(), v.nonEmpty(`is required (${NAME_HINT})`)),
    /** Optional Latin name printed small under the masthead. */
    nameLatin: v.optional(text()),
    /** CN serial `CN 37-0000`. */
    cn: v.pipe(text(), v.nonEmpty(`is required (${CN_HINT})`), v.regex(/^CN\s?\d{2}-\d{4}(\/[A-Z0-9]+)?$/, 'must look like "CN 37-0000"')),
    publisher: v.optional(text()),
    address: v.optional(text()),
    phone: v.optional(text()),
  },
  { required: { name: NAME_HINT, cn: CN_HINT } },
);

/** `epaper` → `/epaper/`: the base path always starts and ends with `/`. */
function normaliseBasePath(p: string): string {
  let base = p.startsWith('/') ? p : `/${p}`;
  if (!base.endsWith('/')) base += '/';
  return base;
}

const site = section({
  /** Absolute site URL without the base path, e.g. `https://epaper.example.cn`. */
  url: v.optional(
    v.pipe(
      text(),
      v.transform((url) => url.replace(/\/+$/, '')),
      v.regex(/^https?:\/\/[^/\s]+$/, 'must be an absolute http(s) URL without a path (put the path in site.basePath)'),
    ),
    'http://localhost:8080',
  ),
  /** Sub-path the site is served under, `/` or `/epaper/`; always starts and ends with `/`. */
  basePath: v.optional(v.pipe(text(), v.transform(normaliseBasePath)), '/'),
  /** How many latest articles the Atom feed lists. */
  feedSize: v.optional(whole(), 50),
});

/** Press files for the printing plant (PDF/X-1a:2001, CMYK; `banmian press`, docs/press.md). */
const press = section({
  /** Bleed around the trim in mm (TrimBox → BleedBox). */
  bleed: v.optional(range(0, 20, 'mm'), 3),
  /** Crop marks, registration targets and a slug line outside the bleed. */
  marks: v.optional(flag(), false),
  /** The plant's CMYK output ICC profile (path from the project root); default: libvips' built-in CMYK profile. */
  outputIntent: v.optional(text()),
  /** Total ink (area coverage) limit in percent. */
  totalInk: v.optional(range(100, 400, '%'), 240),
  /** The paper's red on screen (`#c4161c`) … */
  redRgb: v.optional(v.pipe(text(), v.regex(/^#?([0-9a-f]{3}|[0-9a-f]{6})$/i, 'must be a colour like "#c4161c"')), '#c4161c'),
  /** … and the ink mix it prints with, in percent C M Y K (`0 100 100 0`). */
  red: v.optional(v.pipe(text(), v.check(isInkMix, 'must be four ink percentages "C M Y K" like "0 100 100 0"')), '0 100 100 0'),
});

function isInkMix(red: string): boolean {
  const cmyk = red.trim().split(/[\s,]+/).map(Number);
  return cmyk.length === 4 && cmyk.every((n) => Number.isFinite(n) && n >= 0 && n <= 100);
}

/** Print geometry, in the Chinese way: characters and lines of body type. A preset fills what is not given. */
export const geometry = {
  /** Trim size in mm. */
  trimWidthMm: positive(),
  trimHeightMm: positive(),
  /** Columns of body type and their width in characters. */
  columns: whole(),
  charsPerColumn: whole(),
  /** Gap between columns in characters. */
  gutterChars: positive(),
  /** Body type size in pt (小五 = 9). */
  bodyPt: positive(),
  /** Body leading (baseline to baseline) as a multiple of the body size. */
  leading: positive(),
  /** Lines of body type in the type area's height (the baseline grid). */
  lines: whole(),
};

export type PageGeometry = v.InferOutput<v.ObjectSchema<typeof geometry, undefined>>;

const presetNames = Object.keys(PRESETS) as (keyof typeof PRESETS)[];

const print = v.pipe(
  section({
    preset: v.optional(v.picklist(presetNames, `must be one of ${presetNames.join(', ')}`), 'broadsheet'),
    ...(Object.fromEntries(Object.entries(geometry).map(([key, schema]) => [key, v.optional(schema)])) as {
      [K in keyof typeof geometry]: v.OptionalSchema<(typeof geometry)[K], undefined>;
    }),
    /** Crop marks and 3 mm bleed. */
    marks: v.optional(flag(), false),
    /** How many press files `banmian press` converts at once. */
    concurrency: v.optional(whole(), 2),
    /** A browser to use instead of the bundled one (PUPPETEER_EXECUTABLE_PATH wins over it). */
    browserPath: v.optional(text()),
    /**
     * Width in px of the page images an everyday build captures for the e-paper's page view
     * (its srcset copies are made from it). Kept at 1100: a 2× capture costs about 1.1–1.4 s
     * more CPU a page in the print stage (docs/web.md), which no build knob made cheaper.
     */
    pageImageWidth: v.optional(whole(), 1100),
    /**
     * Width in px of the page images `banmian publish` captures into the print record (the
     * larger of this and `pageImageWidth`): 2200 is true 2× pixels for the page view's zoom,
     * paid once per issue at publish, not by every build.
     */
    publishImageWidth: v.optional(whole(), 2200),
    /** The press files (`banmian press`, docs/press.md). */
    press: v.optional(press, {}),
    /** Folder of house fillers (公益广告/补白), relative to the project root (docs/print.md). */
    fillers: v.optional(text(), 'fillers'),
  }),
  // The preset's geometry under whatever the user gave.
  v.transform(({ preset, marks, concurrency, browserPath, pageImageWidth, publishImageWidth, press, fillers, ...given }) => ({
    preset,
    ...PRESETS[preset],
    ...withoutUndefined(given),
    marks,
    concurrency,
    pageImageWidth,
    publishImageWidth,
    ...(browserPath === undefined ? {} : { browserPath }),
    press,
    fillers,
  })),
);

const editions = section({
  html: v.optional(flag(), true),
  pdf: v.optional(flag(), true),
});

/** The whole `banmian.config.ts`: only the paper's name and CN serial have no default. */
export const configSchema = section(
  {
    paper,
    site: v.optional(site, {}),
    print: v.optional(print, {}),
    editions: v.optional(editions, {}),
  },
  { required: { paper: 'paper: { name, cn }' }, notObject: 'must be an object: export default defineConfig({...})' },
);

/** `{ a: undefined }` given explicitly means "not given": the default stays. */
function withoutUndefined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
