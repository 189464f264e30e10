/**
 * The project config (`banmian.config.ts`): the paper, the site, the print geometry. Every type
 * here is inferred from the schema in `schema.ts`, where each key's meaning, limits and default are.
 */
import type * as v from 'valibot';
import type { configSchema } from './schema.js';

/** The config after defaults are filled in: what the build reads. */
export type BanmianConfig = v.InferOutput<typeof configSchema>;
/** What a user writes: everything but the paper's name and CN serial has a default. */
export type UserConfig = v.InferInput<typeof configSchema>;

export type PaperConfig = BanmianConfig['paper'];
export type SiteConfig = BanmianConfig['site'];
export type PrintConfig = BanmianConfig['print'];
export type PressConfig = PrintConfig['press'];
export type EditionsConfig = BanmianConfig['editions'];
export type PagePreset = PrintConfig['preset'];
