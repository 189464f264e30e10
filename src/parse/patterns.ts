/**
 * Line patterns of a newspaper page: what a byline, a staff line, a jump line, a
 * photo credit… look like in extracted text. Pure tests on raw (not yet normalised)
 * trimmed text, shared by the inference stages. Every pattern is anchored and free
 * of nested quantifiers (no catastrophic backtracking on long lines).
 */
import { LOOSE_STAFF_WORDS, STAFF_ROLES, STAFF_WORDS, type StaffRole, staffWordsLongestFirst } from '../ast/vocabulary.js';
import type { BylineGroup } from '../ast/types.js';

export const HAN = '\\p{Script=Han}';
const DASH_RUN = '(?:——|—|-{2,}|－{2,}|─{2,}|―+|━{2,})';

/** Ends a sentence (a paragraph that ends like this was not cut by a column break). */
export const SENTENCE_END = /(?:[。！？!?…；;]|[。！？!?…][”’」』)）]+|\.{3})$/;
/** A paragraph can never end with these: the text goes on. */
export const CLAUSE_OPEN_END = /[，,、：:；;（(“‘《〈「『【—]$/;
/** Characters that cannot start a sentence (clreq line-start prohibition plus units). */
export const NON_STARTER = /^[，,。.、：:；;！!？?）)》〉」』】”’…·%％]/;

export const QUESTION_LABELS = new Set(['记者', '本报记者', '问', '主持人', '记者问']);
const SPEAKER_RE = new RegExp(`^(记者|本报记者|问|答|[${HAN}]{2,4})[ \\t\\u3000]*[:：][ \\t\\u3000]*`, 'u');
/** Labels before a colon that are not people. */
const NOT_A_NAME = new Set(
  '一是 二是 三是 四是 五是 据悉 对此 今年 目前 同时 其中 比如 例如 具体 具体来说 他说 她说 注 备注 附 地址 电话 时间 地点 主办 承办 来源 编者按 按 记者手记 首先 其次 再次 最后 另外 此外 总之 记者获悉 据了解 要求 强调 指出 会议指出 会议强调 会议要求 答复 回复 结果 原因 措施 目标'.split(' '),
);

/** Characters common in words before a colon (`今年在…：`) — but in names too (张在明, 李和平, 王有为). */
const COMMON_CHARS = /[的是了在和与年月日将为对把从]/;

/**
 * A speaker label `name：` at the start of a paragraph (loose: for the interview reader). A label holding a common
 * character is returned with `common: true`: it is a speaker only where the article
 * confirms it (named in the header, or used for several turns).
 */
export function speakerLabelLoose(text: string): { label: string; length: number; common?: boolean } | undefined {
  const m = SPEAKER_RE.exec(text);
  if (!m) return undefined;
  const label = m[1];
  if (QUESTION_LABELS.has(label) || label === '答') return { label, length: m[0].length };
  if (NOT_A_NAME.has(label)) return undefined;
  if (COMMON_CHARS.test(label)) return { label, length: m[0].length, common: true };
  return { label, length: m[0].length };
}

/** A speaker label without a common character: what every stage but the interview reader takes for a turn. */
export function speakerLabel(text: string): { label: string; length: number } | undefined {
  const sp = speakerLabelLoose(text);
  return sp && !sp.common ? { label: sp.label, length: sp.length } : undefined;
}

/** `name：` / `name :` at the start of a paragraph, for a name known from the header. */
export function namedSpeaker(text: string, name: string): { label: string; length: number } | undefined {
  if (!text.startsWith(name)) return undefined;
  const m = /^[ \t\u3000]*[:：][ \t\u3000]*/.exec(text.slice(name.length));
  return m ? { label: name, length: name.length + m[0].length } : undefined;
}

/** Title words after which an interview subtitle gives the interviewee's name (`——访…街道党工委书记杨军`). */
const TITLE_WORDS =
  '书记|主任|局长|区长|县长|市长|镇长|乡长|村长|董事长|理事长|秘书长|会长|校长|院长|所长|站长|馆长|行长|社长|厂长|队长|部长|处长|科长|主席|主编|总经理|经理|总裁|总监|负责人|创始人|主任委员|委员|代表|专家|教授|医生|老师|教练|工程师|研究员';
const NAME_AFTER_TITLE = new RegExp(`(?:${TITLE_WORDS})[ \\u3000]*([${HAN}·]{2,4})[ \\u3000]*$`, 'u');
const NAME_ONLY = new RegExp(`^访[ \\u3000]*([${HAN}·]{2,4})$`, 'u');

/**
 * The interviewee named in a subtitle `——访…<title word><name>` (the characters after
 * the last title word) or `——访<name>`; undefined if the subtitle names no one.
 */
export function intervieweeName(subtitle: string): string | undefined {
  const t = subtitle.trim().replace(new RegExp(`^${DASH_RUN}[ \\u3000]*`), '').replace(/[ \u3000]*[。！!]?$/, '');
  if (!t.startsWith('访')) return undefined;
  const only = NAME_ONLY.exec(t);
  if (only) return only[1];
  // the last title word: a greedy prefix puts the match at the last one
  const m = new RegExp(`^.*${NAME_AFTER_TITLE.source}`, 'u').exec(t);
  return m ? m[1] : undefined;
}

// Role words from the vocabulary (src/ast/vocabulary.ts), longest first.
const STAFF_ROLE_RE = new RegExp(`(${staffWordsLongestFirst().join('|')})[ \\t\\u3000]*[:：]?`, 'g');
/** Role words that make a line a staff line (not the loose `编辑`). */
const STRICT_STAFF_RE = new RegExp(staffWordsLongestFirst({ loose: false }).join('|'), 'g');
const STAFF_FIELDS: Record<string, StaffRole | undefined> = Object.fromEntries(STAFF_WORDS);
/** A staff line opens with the editor's role. */
const STAFF_LINE_START = new RegExp(`^(${STAFF_ROLES[0].words.filter((w) => !LOOSE_STAFF_WORDS.has(w)).join('|')})`);

export function isStaffLine(text: string): boolean {
  if (text.length > 80 || !STAFF_LINE_START.test(text)) return false;
  const roles = text.match(STRICT_STAFF_RE) ?? [];
  return roles.length >= 2 && !/[。，,]/.test(text);
}

export function parseStaff(text: string): Partial<Record<'editor' | 'designer' | 'proofreader' | 'typesetter', string[]>> {
  const out: Partial<Record<'editor' | 'designer' | 'proofreader' | 'typesetter', string[]>> = {};
  const spaced = text.replace(STAFF_ROLE_RE, ' $1 ');
  let field: keyof typeof out | undefined;
  for (const tok of spaced.split(/[\s\u3000、，,]+/)) {
    if (!tok) continue;
    if (tok in STAFF_FIELDS) {
      field = STAFF_FIELDS[tok];
      if (field && !out[field]) out[field] = [];
      continue;
    }
    if (field) out[field]!.push(tok);
  }
  return out;
}

export function isPinyin(text: string): boolean {
  return text.length <= 48 && /^[A-Z]{1,7}(?:[ \u3000]+[A-Z]{1,7})*$/.test(text) && /[AEIOUV]/.test(text);
}

/** A page name: a short run of Han characters. */
export function isPageNameLike(text: string): boolean {
  return new RegExp(`^[${HAN}]{2,8}$`, 'u').test(text);
}

/** `第03版`, `第03版：品质崂山`, a date line, `第1234期`, `CN 37-0000`: the page header. */
export function pageInfo(text: string): { page?: number } | undefined {
  if (text.length > 48 || /[。]/.test(text)) return undefined;
  const m = /^第[ \u3000]*0*([0-9０-９]{1,3})[ \u3000]*版/.exec(text);
  if (m) return { page: Number(m[1].replace(/[０-９]/g, (c) => String(c.charCodeAt(0) - 0xff10))) };
  if (/^\d{4}年\d{1,2}月\d{1,2}日[ \u3000]*(星期|周)[一二三四五六日天]/.test(text)) return {};
  if (/^(总)?第[ \u3000]*\d+[ \u3000]*期/.test(text) && text.length <= 30) return {};
  if (/^CN[ \u3000]*\d{2}[-－]\d{4}/.test(text)) return {};
  return undefined;
}

/** A motto line: short phrases joined by middle dots (`谋发展·话落实·强担当`). */
export function isMotto(text: string): boolean {
  return text.length <= 40 && new RegExp(`^[${HAN}]{2,10}(?:[ \\u3000]*[·•・．][ \\u3000]*[${HAN}]{2,10})+$`, 'u').test(text);
}

const KICKER_END = new RegExp(`${DASH_RUN}$`);
const SUBTITLE_START = new RegExp(`^${DASH_RUN}`);

export function isKicker(text: string): boolean {
  return text.length <= 70 && KICKER_END.test(text) && !SUBTITLE_START.test(text) && !/[。]/.test(text);
}

export function subtitleDash(text: string): number {
  if (text.length > 70 || /。/.test(text.slice(0, -1))) return 0;
  const m = SUBTITLE_START.exec(text);
  return m && new RegExp(`[${HAN}]`, 'u').test(text) ? m[0].length : 0;
}

const ROLE_WORD = /(?:记者|通讯员|评论员|实习生|特约撰稿人|撰稿人|摄影记者|编辑)$/;
const CREDIT_WORD = /^(?:文\/图|文\/摄|图\/文|文图|文|图|摄|摄影|报道|整理|供稿|采写|撰稿)$/;

export interface BylineParts {
  role?: string;
  names: string[];
  /** Every role with the names after it (names before any role: a group without role). */
  people: BylineGroup[];
  credit?: string;
}

/** Reads a byline (without its `□`): role, names, credit; undefined if it is not one. */
export function parseByline(text: string, marked: boolean): BylineParts | undefined {
  if (text.length > 60 || /[。，,；;！？]/.test(text)) return undefined;
  const spaced = text
    .replace(/(记者|通讯员|评论员|实习生)(?=[\p{Script=Han}])/gu, '$1 ')
    .replace(/(文\/图|文\/摄|图\/文)$/, ' $1');
  const tokens = spaced.split(/[\s\u3000]+/).filter(Boolean);
  if (!tokens.length) return undefined;
  const out: BylineParts = { names: [], people: [] };
  let roles = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (ROLE_WORD.test(t) && t.length <= 16) {
      if (!out.role) out.role = t;
      out.people.push({ role: t, names: [] });
      roles++;
    } else if (i === tokens.length - 1 && i > 0 && CREDIT_WORD.test(t)) out.credit = t;
    else if (new RegExp(`^[${HAN}·]{2,5}$`, 'u').test(t) || /^[A-Za-z][A-Za-z .-]{1,30}$/.test(t)) {
      out.names.push(t);
      if (!out.people.length) out.people.push({ names: [] });
      out.people[out.people.length - 1].names.push(t);
    } else return undefined;
  }
  if (!marked && !roles) return undefined;
  if (!marked && !/^(本报|特约|首席|实习|见习)?(记者|通讯员|评论员|实习生)|^[^ ]{0,12}(日报|晚报|新闻|电视台|网)[^ ]{0,8}记者/.test(text)) return undefined;
  return out;
}

export function isEndnote(text: string): boolean {
  return (
    text.length <= 48 &&
    /^[（(][^（）()]{2,44}[)）]$/.test(text) &&
    /记者|通讯员|整理|供稿|编辑|来源|报道|撰稿|采写|综合|摄|据|编译/.test(text)
  );
}

const CN_NUM: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
function cnNumber(s: string): number {
  if (/^[0-9０-９]+$/.test(s)) return Number(s.replace(/[０-９]/g, (c) => String(c.charCodeAt(0) - 0xff10)));
  if (s.length === 1) return CN_NUM[s] ?? 0;
  if (s[0] === '十') return 10 + (CN_NUM[s[1]] ?? 0);
  if (s[1] === '十') return (CN_NUM[s[0]] ?? 0) * 10 + (s[2] ? (CN_NUM[s[2]] ?? 0) : 0);
  return 0;
}

export function jumpLine(text: string): { direction: 'to' | 'from'; page: number } | undefined {
  if (text.length > 24) return undefined;
  const m = /^[（(]?[ \u3000]*(下转|上接|转|接)[ \u3000]*第?[ \u3000]*([0-9０-９]{1,3}|[一二三四五六七八九十]{1,3})[ \u3000]*版[ \u3000]*[)）]?$/.exec(text);
  if (!m) return undefined;
  const page = cnNumber(m[2]);
  if (!page) return undefined;
  return { direction: m[1] === '下转' || m[1] === '转' ? 'to' : 'from', page };
}

/** `邢志峰 摄`, `本报记者 王某 摄`, `苏晓彤 制图`: the names, or undefined. */
export function photoCredit(text: string): string[] | undefined {
  if (text.length > 40) return undefined;
  const m = new RegExp(`^((?:[${HAN}A-Za-z·/]+[ \\u3000、，,]*){1,6}?)[ \\u3000/]*(摄影|摄|制图|供图|图)$`, 'u').exec(text);
  if (!m) return undefined;
  const body = m[1].trim();
  if (m[2] === '图' && !/[ \u3000/]$/.test(text.slice(0, -1))) return undefined;
  const toks = body
    .replace(/(记者|通讯员)(?=[\p{Script=Han}])/gu, '$1 ')
    .split(/[ \u3000、，,/]+/)
    .filter(Boolean)
    .filter((t) => !ROLE_WORD.test(t) && t !== '本报');
  if (!toks.length || toks.some((t) => t.length > 5)) return undefined;
  // an ordinary short sentence ending in 摄 (e.g. "这是航拍") is not a credit: names are short
  if (!/[ \u3000/]/.test(text) && body.length > 4) return undefined;
  return toks;
}

/** A title-like block: short lines, no sentence punctuation, nothing left open. */
export function isTitleLike(text: string): boolean {
  if (!text || text.length > 80) return false;
  if (/^[□■▲△●◆]/.test(text)) return false;
  if (/[。，,；;]/.test(text)) return false;
  const lines = text.split('\n');
  if (lines.length > 3) return false;
  for (const raw of lines) {
    const line = raw.trim();
    const len = line.replace(/[\s\u3000]/g, '').length;
    if (len === 0 || len > 32) return false;
    if (CLAUSE_OPEN_END.test(line) && !KICKER_END.test(line)) return false;
    if (/[。；;…]$/.test(line)) return false;
  }
  return true;
}

/** Short label: `作风能力提升`, `回音壁`, `基层治理创新`. */
export function isLabelLike(text: string): boolean {
  return new RegExp(`^[${HAN}A-Za-z0-9]{2,8}$`, 'u').test(text);
}

export function isBriefMark(text: string): boolean {
  return /^[■◆●]/.test(text);
}
export function isCaptionMark(text: string): boolean {
  return /^[■▲△]/.test(text);
}

/** A ■ item that reads like a hotline complaint or an official reply. */
export function looksLikeBriefItem(text: string): boolean {
  return /^[■◆●][ \u3000]*(?:市民|网友|读者|群众|居民)[^。]{0,12}(?:反映|来电|投诉|建议|咨询|询问|留言)|回复|答复|反馈|办理结果/.test(text);
}

/** Column names under which ■ items are briefs. */
export const BRIEF_COLUMN = /回音壁|热线|摘登|简讯|快讯|速览|动态|随手拍|来信|曝光台|留言|民生|接诉即办|直通车|短讯|要闻简报/;

export function hasHan(text: string): boolean {
  return new RegExp(`[${HAN}]`, 'u').test(text);
}
