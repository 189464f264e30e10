/** The project config (`banmian.config.ts`): the paper, the site, the print geometry. */

export type PagePreset = 'broadsheet' | 'tabloid';

export interface PaperConfig {
  /** 报名, e.g. `西岸新闻`. */
  name: string;
  /** Optional Latin name printed small under the masthead. */
  nameLatin?: string;
  /** CN serial `CN 37-0000`. */
  cn: string;
  publisher?: string;
  address?: string;
  phone?: string;
}

export interface SiteConfig {
  /** Absolute site URL without the base path, e.g. `https://epaper.example.cn`. */
  url: string;
  /** Sub-path the site is served under, `/` or `/epaper/`; always starts and ends with `/`. */
  basePath: string;
  /** How many latest articles the Atom feed lists. */
  feedSize: number;
}

/** Print geometry, in the Chinese way: characters and lines of body type. */
export interface PrintConfig {
  preset: PagePreset;
  /** Trim size in mm. */
  trimWidthMm: number;
  trimHeightMm: number;
  /** Columns of body type and their width in characters. */
  columns: number;
  charsPerColumn: number;
  /** Gap between columns in characters. */
  gutterChars: number;
  /** Body type size in pt (小五 = 9). */
  bodyPt: number;
  /** Body leading (baseline to baseline) as a multiple of the body size. */
  leading: number;
  /** Lines of body type in the type area's height (the baseline grid). */
  lines: number;
  /** Crop marks and 3 mm bleed. */
  marks: boolean;
  /** A browser to use instead of the bundled one (PUPPETEER_EXECUTABLE_PATH wins over it). */
  browserPath?: string;
  /** How many pages are rendered at once. */
  concurrency: number;
  /** The press files (`banmian press`, docs/press.md). */
  press: PressConfig;
}

/** Press files for the printing plant (PDF/X-1a:2001, CMYK). */
export interface PressConfig {
  /** Bleed around the trim in mm (TrimBox → BleedBox). */
  bleed: number;
  /** Crop marks, registration targets and a slug line outside the bleed. */
  marks: boolean;
  /** The plant's CMYK output ICC profile (path from the project root); default: libvips' built-in CMYK profile. */
  outputIntent?: string;
  /** Total ink (area coverage) limit in percent. */
  totalInk: number;
  /** The paper's red on screen (`#c4161c`) and the ink mix it prints with, in percent (`0 100 100 0`). */
  redRgb: string;
  red: string;
}

export interface EditionsConfig {
  html: boolean;
  pdf: boolean;
}

export interface BanmianConfig {
  paper: PaperConfig;
  site: SiteConfig;
  print: PrintConfig;
  editions: EditionsConfig;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** What a user writes: everything but the paper's name and CN serial has a default. */
export type UserConfig = DeepPartial<BanmianConfig> & { paper: Pick<PaperConfig, 'name' | 'cn'> & Partial<PaperConfig> };
