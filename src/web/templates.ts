/**
 * Handlebars setup: one isolated environment per build, every template compiled once,
 * in strict mode (a missing field fails the build naming the template and the field).
 *
 * Layout: `templates/web/layouts/*.hbs` (block partials: `{{#> base}}…{{/base}}`),
 * `partials/*.hbs`, `pages/*.hbs` (one per kind of site page) and `nodes/<type>.hbs`
 * (one per AST node kind, rendered by the `nodes` / `node` helpers).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { Position } from 'unist';
import { BanmianError } from '../errors.js';
import { safeUrl, sanitizeHtml } from './sanitize.js';
import { loadDefaultSimplifiedChineseParser } from 'budoux';

const phraseCache = new Map<string, string[]>();
let phraseParser: { parse(text: string): string[] } | undefined;

/** Phrases of a Chinese text (BudouX's zh-Hans model), cached: titles repeat on many views. */
export function phrases(text: string): string[] {
  let out = phraseCache.get(text);
  if (!out) {
    phraseParser ??= loadDefaultSimplifiedChineseParser();
    out = /\p{Script=Han}/u.test(text) ? phraseParser.parse(text) : [text];
    if (phraseCache.size > 50_000) phraseCache.clear();
    phraseCache.set(text, out);
  }
  return out;
}


type HB = typeof Handlebars;

/** What node templates need from the page being rendered. */
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
  private readonly nodeTemplates = new Map<string, Handlebars.TemplateDelegate>();
  private env: NodeEnv | undefined;
  /** Name of the template being rendered (for error messages). */
  private current = '';

  constructor(dir: string) {
    this.dir = dir;
    this.hb = Handlebars.create();
    const compile = (file: string, trimEnd: boolean) => {
      let source = readFileSync(file, 'utf8');
      if (trimEnd) source = source.replace(/\r?\n$/, '');
      return this.hb.compile(source, { strict: true, preventIndent: true });
    };
    for (const kind of ['layouts', 'partials'] as const) {
      for (const file of hbsFiles(path.join(dir, kind))) this.hb.registerPartial(path.basename(file, '.hbs'), compile(file, true));
    }
    for (const file of hbsFiles(path.join(dir, 'pages'))) this.pages.set(path.basename(file, '.hbs'), compile(file, false));
    for (const file of hbsFiles(path.join(dir, 'nodes'))) this.nodeTemplates.set(path.basename(file, '.hbs'), compile(file, true));
    if (this.pages.size === 0) throw new BanmianError(`no page templates found`, { file: path.join(dir, 'pages') });
    this.registerHelpers();
  }

  /** Renders `pages/<name>.hbs`; `env` serves the node templates of this page. */
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

  /** Renders a list of AST nodes (block or inline) with their node templates. */
  renderNodes(nodes: readonly AnyNode[]): string {
    let out = '';
    let rawInline = false;
    for (const node of nodes) {
      if (node.type === 'html' && isInlineContext(nodes)) {
        rawInline = true;
        out += String(node.value ?? '');
      } else out += this.renderNode(node);
    }
    if (!rawInline) return out;
    // Inline raw HTML is sanitised together with its paragraph, so that an opening and
    // a closing tag in two `html` nodes stay a pair.
    const { html, removed } = sanitizeHtml(out);
    const first = nodes.find((n) => n.type === 'html');
    if (removed.length) this.requireEnv().warn(`removed ${removed.join(', ')} from raw HTML`, first?.position, 'web-html-removed');
    return html;
  }

  renderNode(node: AnyNode): string {
    const template = this.nodeTemplates.get(node.type);
    if (!template) return this.fail(`no template for AST node "${node.type}" (add templates/web/nodes/${node.type}.hbs)`, node);
    const previous = this.current;
    this.current = `nodes/${node.type}.hbs`;
    try {
      return template(this.nodeView(node));
    } finally {
      this.current = previous;
    }
  }

  private fail(message: string, node: AnyNode): never {
    const env = this.requireEnv();
    throw new BanmianError(`template ${this.current}: ${message}`, { file: env.file, line: node.position?.start.line });
  }

  private requireEnv(): NodeEnv {
    if (!this.env) throw new BanmianError('node templates rendered outside of a page render');
    return this.env;
  }

  /** The node as its template sees it: optional fields made explicit (strict mode), derived fields added. */
  private nodeView(node: AnyNode): object {
    const env = this.requireEnv();
    switch (node.type) {
      case 'link': {
        const url = String(node.url ?? '');
        const href = safeUrl(url);
        if (href === undefined) env.warn(`dropped link with unsafe URL ${JSON.stringify(url.slice(0, 60))}`, node.position, 'web-unsafe-link');
        return { ...node, href: href ?? null, external: href !== undefined && /^https?:/i.test(href) };
      }
      case 'html': {
        const { html, removed } = sanitizeHtml(String(node.value ?? ''));
        if (removed.length) env.warn(`removed ${removed.join(', ')} from raw HTML`, node.position, 'web-html-removed');
        return { html: new this.hb.SafeString(html) };
      }
      case 'figure': {
        const src = typeof node.src === 'string' ? node.src : undefined;
        const image = src ? env.figureImage(src) : undefined;
        if (src && !image) env.warn(`figure image ${src} not found`, node.position, 'web-image-missing');
        const caption = (node.children as AnyNode[]).find((c) => c.type === 'caption');
        const alt = typeof node.alt === 'string' && node.alt ? node.alt : caption ? plainText(caption) : '新闻图片';
        return { ...node, image: image ?? null, alt };
      }
      case 'jump':
        return { ...node, href: env.jumpHref(node.direction as 'to' | 'from', Number(node.page)) ?? null };
      case 'list':
        return { ...node, start: typeof node.start === 'number' && node.start !== 1 ? node.start : null };
      default:
        return node;
    }
  }

  private registerHelpers(): void {
    const hb = this.hb;
    hb.registerHelper('nodes', (nodes: unknown) => {
      if (nodes === undefined || nodes === null) return '';
      if (!Array.isArray(nodes)) throw new BanmianError(`template ${this.current}: "nodes" expects a list of AST nodes`);
      return new hb.SafeString(this.renderNodes(nodes as AnyNode[]));
    });
    hb.registerHelper('node', (node: unknown) => new hb.SafeString(this.renderNode(node as AnyNode)));
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
    hb.registerHelper('key', (...args: unknown[]) => JSON.stringify(args.slice(0, -1)));
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

const INLINE_TYPES = new Set(['text', 'break', 'strong', 'emphasis', 'link', 'inlineCode', 'speaker']);

function isInlineContext(nodes: readonly AnyNode[]): boolean {
  return nodes.some((n) => INLINE_TYPES.has(n.type));
}

function plainText(node: AnyNode): string {
  if (typeof node.value === 'string' && node.type !== 'html') return node.value;
  return Array.isArray(node.children) ? (node.children as AnyNode[]).map(plainText).join('') : '';
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
