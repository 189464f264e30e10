/**
 * Loading and checking the project config. `banmian.config.ts` (or `.js`/`.mjs`) at the
 * project root default-exports `defineConfig({...})`; missing keys take defaults, and a
 * wrong key or value is one clear error naming the key.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BanmianError } from '../errors.js';
import { PRESETS } from './presets.js';
import type { BanmianConfig, PagePreset, UserConfig } from './types.js';

export type { BanmianConfig, UserConfig } from './types.js';

/** Typed helper for `banmian.config.ts`: returns its argument. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}

export const CONFIG_FILES = ['banmian.config.ts', 'banmian.config.mjs', 'banmian.config.js'];

export function findConfigFile(root: string): string | undefined {
  for (const name of CONFIG_FILES) {
    const file = path.join(root, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Loads the config file of `root` (or `file`), fills defaults, and validates. */
export async function loadConfig(root: string, file = findConfigFile(root)): Promise<{ config: BanmianConfig; file?: string }> {
  if (!file) return { config: resolveConfig(DEFAULT_USER_CONFIG, '(defaults)'), file: undefined };
  let mod: { default?: unknown };
  try {
    // A query string defeats the module cache so `banmian dev` sees edits.
    mod = (await import(pathToFileURL(file).href + `?t=${Date.now()}`)) as { default?: unknown };
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new BanmianError(`cannot load config: ${msg}`, { file: path.relative(process.cwd(), file) || file });
  }
  return { config: resolveConfig(mod.default, path.relative(process.cwd(), file) || file), file };
}

const DEFAULT_USER_CONFIG: UserConfig = { paper: { name: '版面日报', cn: 'CN 00-0000' } };

const KNOWN: Record<string, Record<string, string>> = {
  paper: { name: 'string', nameLatin: 'string', cn: 'string', publisher: 'string', address: 'string', phone: 'string' },
  site: { url: 'string', basePath: 'string', feedSize: 'number' },
  print: {
    preset: 'string',
    trimWidthMm: 'number',
    trimHeightMm: 'number',
    columns: 'number',
    charsPerColumn: 'number',
    gutterChars: 'number',
    bodyPt: 'number',
    leading: 'number',
    lines: 'number',
    marks: 'boolean',
    browserPath: 'string',
    concurrency: 'number',
    press: 'object',
  },
  editions: { html: 'boolean', pdf: 'boolean' },
};

/** Fills defaults into a user config and checks every key; `source` names the file in errors. */
export function resolveConfig(input: unknown, source: string): BanmianConfig {
  const fail = (key: string, why: string): never => {
    throw new BanmianError(`config key "${key}" ${why}`, { file: source });
  };
  if (typeof input !== 'object' || input === null) fail('(default export)', 'must be an object: export default defineConfig({...})');
  const user = input as Record<string, unknown>;
  for (const [section, value] of Object.entries(user)) {
    const known = KNOWN[section];
    if (!known) fail(section, `is not a config key (known: ${Object.keys(KNOWN).join(', ')})`);
    if (typeof value !== 'object' || value === null) fail(section, 'must be an object');
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const type = known[key];
      if (!type) fail(`${section}.${key}`, `is not a config key (known: ${Object.keys(known).join(', ')})`);
      if (v !== undefined && typeof v !== type) fail(`${section}.${key}`, `must be a ${type}, got ${JSON.stringify(v)}`);
      if (type === 'number' && (!Number.isFinite(v as number) || (v as number) <= 0)) fail(`${section}.${key}`, `must be a positive number, got ${String(v)}`);
    }
  }
  const u = user as UserConfig;
  if (!u.paper?.name) fail('paper.name', 'is required (the paper\'s name, e.g. "西岸新闻")');
  if (!u.paper?.cn) fail('paper.cn', 'is required (the CN serial, e.g. "CN 37-0000")');
  if (!/^CN\s?\d{2}-\d{4}(\/[A-Z0-9]+)?$/.test(u.paper!.cn!)) fail('paper.cn', `must look like "CN 37-0000", got ${JSON.stringify(u.paper!.cn)}`);
  const preset = (u.print?.preset ?? 'broadsheet') as PagePreset;
  if (!(preset in PRESETS)) fail('print.preset', `must be one of ${Object.keys(PRESETS).join(', ')}, got ${JSON.stringify(preset)}`);

  let basePath = u.site?.basePath ?? '/';
  if (!basePath.startsWith('/')) basePath = '/' + basePath;
  if (!basePath.endsWith('/')) basePath += '/';
  const url = (u.site?.url ?? 'http://localhost:8080').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+$/.test(url)) fail('site.url', `must be an absolute http(s) URL without a path (put the path in site.basePath), got ${JSON.stringify(u.site?.url)}`);

  const print = { ...PRESETS[preset], marks: false, concurrency: 2, ...stripUndefined(u.print ?? {}) } as BanmianConfig['print'];
  print.press = resolvePress((u.print?.press ?? {}) as Record<string, unknown>, fail);
  for (const key of ['columns', 'charsPerColumn', 'lines'] as const) {
    if (!Number.isInteger(print[key])) fail(`print.${key}`, `must be a whole number, got ${print[key]}`);
  }
  return {
    paper: { ...u.paper } as BanmianConfig['paper'],
    site: { url, basePath, feedSize: u.site?.feedSize ?? 50 },
    print,
    editions: { html: u.editions?.html ?? true, pdf: u.editions?.pdf ?? true },
  };
}

const PRESS_KEYS: Record<string, string> = { bleed: 'number', marks: 'boolean', outputIntent: 'string', totalInk: 'number', redRgb: 'string', red: 'string' };

function resolvePress(p: Record<string, unknown>, fail: (key: string, why: string) => never): BanmianConfig['print']['press'] {
  for (const [key, v] of Object.entries(p)) {
    const type = PRESS_KEYS[key];
    if (!type) fail(`print.press.${key}`, `is not a config key (known: ${Object.keys(PRESS_KEYS).join(', ')})`);
    if (v !== undefined && typeof v !== type) fail(`print.press.${key}`, `must be a ${type}, got ${JSON.stringify(v)}`);
  }
  const press = { bleed: 3, marks: false, totalInk: 240, redRgb: '#c4161c', red: '0 100 100 0', ...stripUndefined(p) } as BanmianConfig['print']['press'];
  if (!Number.isFinite(press.bleed) || press.bleed < 0 || press.bleed > 20) fail('print.press.bleed', `must be 0…20 (mm), got ${press.bleed}`);
  if (!Number.isFinite(press.totalInk) || press.totalInk < 100 || press.totalInk > 400) fail('print.press.totalInk', `must be 100…400 (%), got ${press.totalInk}`);
  if (!/^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.test(press.redRgb)) fail('print.press.redRgb', `must be a colour like "#c4161c", got ${JSON.stringify(press.redRgb)}`);
  const cmyk = press.red.trim().split(/[\s,]+/).map(Number);
  if (cmyk.length !== 4 || cmyk.some((v) => !Number.isFinite(v) || v < 0 || v > 100)) fail('print.press.red', `must be four ink percentages "C M Y K" like "0 100 100 0", got ${JSON.stringify(press.red)}`);
  return press;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
