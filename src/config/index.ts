/**
 * Loading and checking the project config. `banmian.config.ts` (or `.js`/`.mjs`) at the
 * project root default-exports `defineConfig({...})`; missing keys take defaults, and a
 * wrong key or value is one clear error naming the key.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BanmianError } from '../errors.js';
import * as v from 'valibot';
import { configSchema } from './schema.js';
import type { BanmianConfig, UserConfig } from './types.js';

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

/**
 * Fills defaults into a user config and checks every key against the schema; `source` names
 * the file in errors. The first problem found is the error: `config key "print.columns" must
 * be a whole number, got 7.5`.
 */
export function resolveConfig(input: unknown, source: string): BanmianConfig {
  const result = v.safeParse(configSchema, input);
  if (result.success) return result.output;
  throw new BanmianError(describeIssue(result.issues[0]), { file: source });
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const key = v.getDotPath(issue) ?? '(default export)';
  // Unknown, missing or non-object sections: the message says it all; otherwise show the bad value.
  const got = issue.type === 'strict_object' ? '' : `, got ${show(issue.input)}`;
  return `config key "${key}" ${issue.message}${got}`;
}

function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}
