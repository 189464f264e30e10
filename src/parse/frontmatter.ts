/**
 * YAML front matter of a page: `---` on the first line, closed by `---` or `...`.
 * Its content is data (page number, name, pinyin, staff credits, other keys → meta),
 * not page text. Bad YAML or wrong types are BanmianErrors naming the file and line.
 */
import YAML, { isMap, isScalar, type Node as YamlNode, type Pair } from 'yaml';
import type { StaffCredits } from '../ast/types.js';
import { BanmianError } from '../errors.js';
import { STAFF_ROLES, STAFF_WORDS } from '../ast/vocabulary.js';

export interface FrontMatter {
  page?: number;
  name?: string;
  pinyin?: string;
  staff?: StaffCredits;
  /** `[头条]`-like explicit settings are not front matter; everything unknown goes here. */
  meta: Record<string, unknown>;
}

export interface SplitResult {
  data?: FrontMatter;
  /** Offset where the page body starts (0 without front matter). */
  bodyStart: number;
}

/** Front-matter `staff` keys: a role word (src/ast/vocabulary.ts) or the field name (`editor`). */
const STAFF_KEYS: Record<string, keyof StaffCredits> = Object.fromEntries([...STAFF_WORDS, ...STAFF_ROLES.map((r) => [r.field, r.field] as const)]);

export function splitFrontMatter(text: string, file: string): SplitResult {
  const open = /^---[ \t]*\n/.exec(text);
  if (!open) return { bodyStart: 0 };
  const yamlStart = open[0].length;
  const close = /^(?:---|\.\.\.)[ \t]*$/m;
  close.lastIndex = 0;
  const rest = text.slice(yamlStart);
  const m = close.exec(rest);
  if (!m) {
    // `---` then text with no closing fence: a thematic break, unless it looks like YAML.
    if (/^[\w\u4e00-\u9fff-]+[ \t]*:/.test(rest)) {
      throw new BanmianError('front matter is not closed (no line `---` after it)', { file, line: 1, ruleId: 'front-matter' });
    }
    return { bodyStart: 0 };
  }
  const yamlText = rest.slice(0, m.index);
  let bodyStart = yamlStart + m.index + m[0].length;
  if (text[bodyStart] === '\n') bodyStart++;
  return { data: parseFrontMatterYaml(yamlText, file, 2), bodyStart };
}

/** Line (1-based, in the file) of an offset inside the YAML text. */
function lineIn(yamlText: string, offset: number, firstLine: number): number {
  let line = firstLine;
  for (let i = 0; i < offset && i < yamlText.length; i++) if (yamlText.charCodeAt(i) === 10) line++;
  return line;
}

function parseFrontMatterYaml(yamlText: string, file: string, firstLine: number): FrontMatter {
  const doc = YAML.parseDocument(yamlText, YAML_OPTIONS);
  if (doc.errors.length) {
    const err = doc.errors[0];
    const line = err.linePos?.[0]?.line ?? 1;
    throw new BanmianError(`invalid front matter: ${firstLineOf(err.message)}`, { file, line: firstLine + line - 1, ruleId: 'front-matter' });
  }
  refuseAliasBomb(doc, yamlText, file, firstLine, 'front matter');
  const out: FrontMatter = { meta: {} };
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && (contents.value === null || contents.value === ''))) return out;
  if (!isMap(contents)) {
    throw new BanmianError('invalid front matter: expected `key: value` lines', { file, line: firstLine, ruleId: 'front-matter' });
  }
  for (const item of contents.items as Pair<YamlNode, YamlNode>[]) {
    const key = isScalar(item.key) ? String(item.key.value) : String(item.key);
    const line = lineIn(yamlText, item.key?.range?.[0] ?? 0, firstLine);
    const value = item.value ? toData(item.value, yamlText, file, firstLine) : null;
    const fail = (what: string) => {
      throw new BanmianError(`invalid front matter: ${key} ${what}`, { file, line, ruleId: 'front-matter' });
    };
    switch (key) {
      case 'page': {
        const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) fail('must be a positive whole number');
        out.page = n as number;
        break;
      }
      case 'name':
      case 'pinyin':
        if (typeof value !== 'string' && typeof value !== 'number') fail('must be text');
        out[key] = String(value).trim();
        break;
      case 'staff':
        out.staff = parseStaff(value, fail);
        break;
      default:
        out.meta[key] = value;
    }
  }
  return out;
}

function parseStaff(value: unknown, fail: (what: string) => never): StaffCredits {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) fail('must be a mapping like { 责编: 王杰, 美编: 李晓萌 }');
  const credits: StaffCredits = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const field = STAFF_KEYS[k];
    if (!field) fail(`has an unknown role "${k}" (use ${STAFF_ROLES.map((r) => r.label).join(', ')})`);
    const names = Array.isArray(v) ? v.map((x) => String(x).trim()) : typeof v === 'string' || typeof v === 'number' ? String(v).split(/[\s,，、\u3000]+/) : fail(`${k} must be a name or a list of names`);
    credits[field] = names.filter(Boolean);
  }
  return credits;
}

/** prettyErrors: errors carry their line (`linePos`); without it every error would say line 1. */
const YAML_OPTIONS = { prettyErrors: true, uniqueKeys: true } as const;
/** Aliases a document may expand (yaml's `maxAliasCount`): an alias bomb ("billion laughs") is refused. */
const MAX_ALIAS_COUNT = 100;

type YamlDoc = ReturnType<typeof YAML.parseDocument>;

/** Line of the first alias (`*name`) in the YAML text, for the alias-bomb message. */
function firstAliasLine(yamlText: string, firstLine: number): number {
  const m = /(^|[\s\[{,:-])\*[^\s,\]}]+/m.exec(yamlText);
  return m ? lineIn(yamlText, m.index, firstLine) : firstLine;
}

function refuseAliasBomb(doc: YamlDoc, yamlText: string, file: string, firstLine: number, what: string): void {
  try {
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const line = firstAliasLine(yamlText, firstLine);
    throw new BanmianError(`invalid ${what}: aliases expand too far (more than ${MAX_ALIAS_COUNT} alias uses; ${(err as Error).message.split('\n')[0]})`, { file, line, ruleId: what === 'YAML' ? 'issue-yaml' : 'front-matter' });
  }
}

function toData(node: YamlNode, yamlText: string, file: string, firstLine: number): unknown {
  try {
    return node.toJSON();
  } catch (err) {
    throw new BanmianError(`invalid front matter: ${(err as Error).message.split('\n')[0]}`, { file, line: lineIn(yamlText, node.range?.[0] ?? 0, firstLine), ruleId: 'front-matter' });
  }
}

function firstLineOf(s: string): string {
  return s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
}

/** Parses a whole YAML file (issue.yaml) with the same error style. */
export function parseYamlFile(yamlText: string, file: string): { value: unknown; lineOfKey: (key: string) => number } {
  const doc = YAML.parseDocument(yamlText, YAML_OPTIONS);
  if (doc.errors.length) {
    const err = doc.errors[0];
    throw new BanmianError(`invalid YAML: ${firstLineOf(err.message)}`, { file, line: err.linePos?.[0]?.line ?? 1, ruleId: 'issue-yaml' });
  }
  refuseAliasBomb(doc, yamlText, file, 1, 'YAML');
  const lineOfKey = (key: string): number => {
    const c = doc.contents;
    if (isMap(c)) {
      for (const item of c.items as Pair<YamlNode, YamlNode>[]) {
        if (isScalar(item.key) && String(item.key.value) === key) return lineIn(yamlText, item.key.range?.[0] ?? 0, 1);
      }
    }
    return 1;
  };
  return { value: doc.toJSON(), lineOfKey };
}
