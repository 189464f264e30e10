/**
 * Handlebars setup: one isolated environment per build, every template compiled once,
 * in strict mode (a missing field fails the build naming the template and the field).
 *
 * Layout: `templates/web/layouts/*.hbs` (block partials: `{{#> base}}…{{/base}}`),
 * `partials/*.hbs` and `pages/*.hbs` (one per kind of site page). AST nodes inside them
 * (`{{nodes list}}`, `{{node one}}`) are rendered by the AST → HTML table both editions
 * share (src/hast), with the web's options (`webMarkup`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Position } from 'unist';
import { BanmianError } from '../errors.js';
import { safeUrl, sanitizeHtml } from './sanitize.js';
import { type HastOptions, toHtml } from '../hast/to-hast.js';
import { loadDefaultSimplifiedChineseParser } from 'budoux';

const phraseCache = new Map<string, string[]>();
let phraseParser: { parse(text: string): string[] } | undefined;

/** Quotation marks whose short content is one term (a name, a slogan, a title): no break inside. */
const QUOTES: Record<string, string> = { '“': '”', '‘': '’', '「': '」', '『': '』', '《': '》', '〈': '〉' };
/** A quoted term up to this many characters between its marks stays on one line; a longer quotation may break. */
const QUOTED_TERM_CHARS = 8;

/**
 * BudouX's phrases, with a short quoted term kept whole: the model splits 海洋牧场“蓝色粮仓”再扩容
 * as 海洋|牧场|“蓝色|粮仓”|再|扩容, and a phone then broke the headline as 海洋牧场“蓝色 / 粮仓”再扩容 (issue 15).
 */
function keepQuotedTerms(text: string, parts: string[]): string[] {
  if (parts.length < 2 || !/[“‘「『《〈]/.test(text)) return parts;
  // Inside a short quoted term (from after its opening mark to before its closing one): no break there.
  const inside = new Set<number>();
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const close = QUOTES[chars[i]];
    if (!close) continue;
    const j = chars.indexOf(close, i + 1);
    if (j < 0 || j - i - 1 > QUOTED_TERM_CHARS) continue;
    for (let k = i + 1; k <= j; k++) inside.add(k);
    i = j;
  }
  const out: string[] = [];
  let at = 0;
  for (const part of parts) {
    if (out.length && inside.has(at)) out[out.length - 1] += part;
    else out.push(part);
    at += [...part].length;
  }
  return out;
}

/** Phrases of a Chinese text (BudouX's zh-Hans model, short quoted terms kept whole), cached: titles repeat on many views. */
export function phrases(text: string): string[] {
  let out = phraseCache.get(text);
  if (!out) {
    phraseParser ??= loadDefaultSimplifiedChineseParser();
    out = /\p{Script=Han}/u.test(text) ? keepQuotedTerms(text, phraseParser.parse(text)) : [text];
    if (phraseCache.size > 50_000) phraseCache.clear();
    phraseCache.set(text, out);
  }
  return out;
}


type HB = typeof Handlebars;

/** The helpers registered below (Handlebars' own: if, each, unless, with). */
const KNOWN_HELPERS = { nodes: true, node: true, jsonLd: true, eq: true, key: true, cached: true, phrases: true };

/** What rendering AST nodes needs from the page being rendered (webMarkup). */
export interface NodeEnv {
  /** Source file of the page (for warnings). */
  file: string;
  /** A warning about the page at `position`; `ruleId` names its kind (src/report/page-files.ts). */
  warn(message: string, position?: Position, ruleId?: string): void;
  /** Web copy of a figure image (`src` relative to the issue folder). */
  figureImage(src: string): { src: string; width: number; height: number } | undefined;
  /** Link target of a jump line. */
  jumpHref(direction: 'to' | 'from', page: number): string | undefined;
}

interface AnyNode {
  type: string;
  position?: Position;
  [key: string]: unknown;
}

export class Templates {
  readonly dir: string;
  private readonly hb: HB;
  private readonly pages = new Map<string, Handlebars.TemplateDelegate>();
  private env: NodeEnv | undefined;
  /** Name of the template being rendered (for error messages). */
  private current = '';
  /**
   * The web's options for the AST → HTML table, one object for every page rendered (the
   * table is built once per options object): its functions ask the page being rendered.
   */
  private readonly markup = webMarkup({
    get file() {
      return '';
    },
    warn: (message, position, ruleId) => this.requireEnv().warn(message, position, ruleId),
    figureImage: (src) => this.requireEnv().figureImage(src),
    jumpHref: (direction, page) => this.requireEnv().jumpHref(direction, page),
  });

  constructor(dir: string) {
    this.dir = dir;
    this.hb = Handlebars.create();
    const compile = (file: string, trimEnd: boolean) => {
      let source = readFileSync(file, 'utf8');
      if (trimEnd) source = source.replace(/\r?\n$/, '');
      // knownHelpers: the compiled code calls these helpers directly instead of looking each
      // name up as a helper or a field on every use (same output, less work per view).
      return this.hb.compile(source, { strict: true, preventIndent: true, knownHelpers: KNOWN_HELPERS });
    };
    for (const kind of ['layouts', 'partials'] as const) {
      for (const file of hbsFiles(path.join(dir, kind))) this.hb.registerPartial(path.basename(file, '.hbs'), compile(file, true));
    }
    for (const file of hbsFiles(path.join(dir, 'pages'))) this.pages.set(path.basename(file, '.hbs'), compile(file, false));
    if (this.pages.size === 0) throw new BanmianError(`no page templates found`, { file: path.join(dir, 'pages') });
    this.registerHelpers();
  }

  /** Renders `pages/<name>.hbs`; `env` serves the AST nodes rendered on this page. */
  render(name: string, data: object, env: NodeEnv): string {
    const template = this.pages.get(name);
    if (!template) throw new BanmianError(`no template "pages/${name}.hbs"`, { file: this.dir });
    this.env = env;
    this.current = `pages/${name}.hbs`;
    try {
      return tidy(template(data));
    } catch (err) {
      if (err instanceof BanmianError) throw err;
      const msg = err instanceof Error ? err.message : String(err);
      // Handlebars strict mode: `"headline" not defined in [object Object] - 12:4`.
      throw new BanmianError(`template ${this.current}: ${msg.replace(/ in \[object Object\]/, '')} (while rendering ${env.file})`);
    } finally {
      this.env = undefined;
    }
  }

  /** Renders an AST node or a list of AST nodes (block or inline) for the page being rendered. */
  renderNodes(nodes: readonly AnyNode[] | AnyNode): string {
    const env = this.requireEnv();
    // Plain text (most kickers, subtitles, bylines): the table maps a text node to itself
    // and the stringifier escapes only < and &, so skip building a handler table and a tree.
    if (Array.isArray(nodes) && nodes.every((n) => n.type === 'text')) return escapeText(nodes.map((n) => n.value).join(''));
    try {
      return toHtml(nodes as never, this.markup);
    } catch (err) {
      if (err instanceof BanmianError) throw err;
      const first = Array.isArray(nodes) ? nodes[0] : nodes;
      throw new BanmianError(`template ${this.current}: ${err instanceof Error ? err.message : String(err)}`, { file: env.file, line: (first as AnyNode | undefined)?.position?.start.line });
    }
  }

  private requireEnv(): NodeEnv {
    if (!this.env) throw new BanmianError('AST nodes rendered outside of a page render');
    return this.env;
  }

  private registerHelpers(): void {
    const hb = this.hb;
    hb.registerHelper('nodes', (nodes: unknown) => {
      if (nodes === undefined || nodes === null) return '';
      if (!Array.isArray(nodes)) throw new BanmianError(`template ${this.current}: "nodes" expects a list of AST nodes`);
      return new hb.SafeString(this.renderNodes(nodes as AnyNode[]));
    });
    hb.registerHelper('node', (node: unknown) => new hb.SafeString(this.renderNodes(node as AnyNode)));
    // JSON-LD inside <script>: escape what could end the script element.
    hb.registerHelper('jsonLd', (value: unknown) =>
      new hb.SafeString(
        JSON.stringify(value)
          .replace(/</g, '\\u003c')
          .replace(/>/g, '\\u003e')
          .replace(/&/g, '\\u0026')
          .replace(/\u2028/g, '\\u2028')
          .replace(/\u2029/g, '\\u2029'),
      ),
    );
    hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    // `{{#cached key}}…{{/cached}}`: the block rendered once per key (the date picker's
    // month calendar is the same on every view of a month). The key must name everything
    // the block shows.
    const blocks = new Map<string, string>();
    // `(key "name" a b …)`: a cache key naming everything a block shows (JSON of the values).
    // The same objects come back on many views (the site's fields, an issue's sidebar): their JSON is kept.
    const json = new WeakMap<object, string>();
    const jsonOf = (v: unknown) => {
      if (typeof v !== 'object' || v === null) return JSON.stringify(v) ?? 'null';
      let s = json.get(v);
      if (s === undefined) json.set(v, (s = JSON.stringify(v)));
      return s;
    };
    hb.registerHelper('key', (...args: unknown[]) => `[${args.slice(0, -1).map(jsonOf).join(',')}]`);
    hb.registerHelper('cached', function (this: unknown, key: unknown, options: Handlebars.HelperOptions) {
      let html = blocks.get(String(key));
      if (html === undefined) {
        html = options.fn(this);
        if (blocks.size > 10_000) blocks.clear();
        blocks.set(String(key), html);
      }
      return new hb.SafeString(html);
    });
    // A headline or title with <wbr> between its phrases (BudouX): with `word-break:
    // keep-all` a narrow screen breaks 海洋牧场“蓝色粮仓” between words, not inside them.
    hb.registerHelper('phrases', (text: unknown) => new hb.SafeString(phrases(String(text ?? '')).map((p) => hb.escapeExpression(p)).join('<wbr>')));
  }
}

/**
 * Drops the blank lines and trailing spaces that block helpers leave around template
 * lines (not inside an editor's <pre>, where whitespace is content).
 */
function tidy(html: string): string {
  if (html.includes('<pre')) return html;
  return html.replace(/[ \t]+$/gm, '').replace(/\n{2,}/g, '\n');
}

/** The web edition's options for the shared AST → HTML table: checked links and images, sanitised raw HTML. */
export function webMarkup(env: NodeEnv): HastOptions {
  return {
    headlineRank: 1,
    linkHref: safeUrl,
    sanitizeHtml,
    figureImage: (f) => (f.src ? env.figureImage(f.src) : undefined),
    jumpHref: env.jumpHref,
    warn: env.warn,
  };
}

/** Text as hast-util-to-html writes it with named references (src/hast/to-hast.ts STRINGIFY). */
function escapeText(text: string): string {
  return /[<&]/.test(text) ? text.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;')) : text;
}

function hbsFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.hbs'))
      .sort()
      .map((f) => path.join(dir, f));
  } catch {
    // No such folder (a project without its own partials or node templates): nothing to register.
    return [];
  }
}

/** Compiled templates per templates folder, so a dev server's rebuilds reuse them. */
const cache = new Map<string, Templates>();

export function loadTemplates(dir: string, fresh = false): Templates {
  let t = fresh ? undefined : cache.get(dir);
  if (!t) {
    t = new Templates(dir);
    cache.set(dir, t);
  }
  return t;
}
