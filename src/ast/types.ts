/**
 * The newspaper AST: the one definition that the parser, the web templates and the
 * print layout all read. Nodes are unist nodes (so unist utilities and
 * `mdast-util-to-string` work on them); every node the parser makes carries a
 * `position` into its source file.
 *
 * Text rule: the `value` of `text` nodes is the normalised text of the page
 * (Chinese punctuation full-width, full-width letters/digits as ASCII). Every Han
 * character, digit and letter of the input is in exactly one text node. Labels that
 * a template prints (a speaker's name, a byline's role) are text children too; the
 * fields next to them (`speaker`, `role`, `names`) are convenience copies.
 *
 * `data`: as in mdast, a node type that carries data has its own `…Data` interface here,
 * empty, and each field is declared where it is introduced, by augmenting that interface
 * with `declare module` (src/ast/data.ts). No node carries a file path: the issue
 * folder is known to the code that loaded it (src/parse/issue.ts `issueFolder`).
 */
import type { Data, Literal, Node, Parent, Position } from 'unist';

export type { Position };

// ---------------------------------------------------------------------------
// Inline content

export interface Text extends Literal {
  type: 'text';
  value: string;
}

/** A line break inside a headline or banner (Markdown hard break, or a headline line). */
export interface Break extends Node {
  type: 'break';
}

export interface Strong extends Parent {
  type: 'strong';
  children: Inline[];
}

export interface Emphasis extends Parent {
  type: 'emphasis';
  children: Inline[];
}

export interface Link extends Parent {
  type: 'link';
  url: string;
  title?: string | null;
  children: Inline[];
}

export interface InlineCode extends Literal {
  type: 'inlineCode';
  value: string;
}

/**
 * Raw HTML. The parser never emits it (src/parse/sanitize.ts turns an editor's raw HTML into
 * ordinary nodes); it remains for hand-built ASTs, which the web edition sanitises.
 */
export interface Html extends Literal {
  type: 'html';
  value: string;
}

/** The speaker label of an interview turn, e.g. text `记者：` or `杨军：`. */
export interface Speaker extends Parent {
  type: 'speaker';
  children: Text[];
}

export type Inline = Text | Break | Strong | Emphasis | Link | InlineCode | Html | Speaker;

// ---------------------------------------------------------------------------
// Page-level nodes

/** Series banner (专栏栏头) over a page or a group of articles: `创新突破 见行动`. */
export interface Banner extends Parent {
  type: 'banner';
  children: Array<BannerTitle | Motto>;
}

export interface BannerTitle extends Parent {
  type: 'bannerTitle';
  children: Inline[];
}

/** The banner's motto line: `谋发展·话落实·强担当`. */
export interface Motto extends Parent {
  type: 'motto';
  children: Inline[];
}

/** Page name recognised in the text (`品质崂山` with its pinyin `PIN ZHI LAO SHAN`). */
export interface PageName extends Parent {
  type: 'pageName';
  name: string;
  pinyin?: string;
  children: Text[];
}

export interface StaffCredits {
  /** 责编 */
  editor?: string[];
  /** 美编 */
  designer?: string[];
  /** 审读 */
  proofreader?: string[];
  /** 排版 */
  typesetter?: string[];
}

/** Staff line recognised in the text: `责编 王杰 刘宗伟 美编 李晓萌 审读 王忠良 排版 吕雪`. */
export interface StaffLine extends Parent {
  type: 'staffLine';
  credits: StaffCredits;
  children: Text[];
}

/**
 * Any other page-header line recognised in unmarked text — the folio `第03版`, a date
 * line, `第1234期`, `CN 37-0000` — kept so that no character of the page is lost.
 * `page` is the page number when the line gives one. (Added by the parser.)
 */
export interface PageInfo extends Parent {
  type: 'pageInfo';
  page?: number;
  children: Text[];
}

export type PageMeta = PageName | StaffLine | PageInfo;

// ---------------------------------------------------------------------------
// Article header nodes

/** 栏目 / section label over one article's headline: `作风能力提升`. */
export interface SectionLabel extends Parent {
  type: 'sectionLabel';
  children: Inline[];
}

/** 引题: the kicker above the main headline (its trailing `——` kept in the text). */
export interface Kicker extends Parent {
  type: 'kicker';
  children: Inline[];
}

/** 主题: the main headline; its lines are joined by `break` nodes. */
export interface Headline extends Parent {
  type: 'headline';
  children: Inline[];
}

/** 副题: subtitle. A leading `——` is not in the text; `dash` says it was there. */
export interface Subtitle extends Parent {
  type: 'subtitle';
  dash: boolean;
  children: Inline[];
}

/** One role of a byline with the names after it: `通讯员 周明远` → `{ role: '通讯员', names: ['周明远'] }`. */
export interface BylineGroup {
  /** Absent for names before any role word. */
  role?: string;
  names: string[];
}

/** 署名: `□本报记者 丁霞`. The `□` mark is not kept in the text (`mark` says it was there). */
export interface Byline extends Parent {
  type: 'byline';
  /** The first role: `本报记者`, `青岛日报/观海新闻记者`, `通讯员`; absent when the line is only names. */
  role?: string;
  /** All names, in order (every group's). */
  names: string[];
  /**
   * Every role with its names, in order (`本报记者 林晓岚 通讯员 周明远` → two groups). The
   * parser always sets it; hand-built ASTs may leave it out.
   */
  people?: BylineGroup[];
  /** What the people did, when given after the names: `文/图`, `摄`. */
  credit?: string;
  mark: boolean;
  children: Inline[];
}

export type ArticleHeader = SectionLabel | Kicker | Headline | Subtitle | Byline;

// ---------------------------------------------------------------------------
// Article body nodes

/** 导语: lead paragraph (set apart, before or after the headline in the source). */
export interface Lead extends Parent {
  type: 'lead';
  children: Inline[];
  data?: LeadData;
}

/** Data of a `lead` (fields declared in src/ast/data.ts). */
export interface LeadData extends Data {}

export interface Paragraph extends Parent {
  type: 'paragraph';
  children: Inline[];
  data?: ParagraphData;
}

/** Data of a `paragraph` (fields declared in src/ast/data.ts). */
export interface ParagraphData extends Data {}

/** 小标题 (插题): a subhead inside an article. */
export interface Subhead extends Parent {
  type: 'subhead';
  children: Inline[];
}

/** An interview question; its first paragraph starts with a `speaker` node. */
export interface Question extends Parent {
  type: 'question';
  /** `记者` (without the colon). */
  speaker: string;
  children: Paragraph[];
}

/** An interview answer: all its paragraphs until the next turn. */
export interface Answer extends Parent {
  type: 'answer';
  speaker: string;
  children: Paragraph[];
}

/** 图片说明 text. */
export interface Caption extends Parent {
  type: 'caption';
  /** The caption started with `■` (kept out of the text). */
  mark: boolean;
  children: Inline[];
}

/** 摄影署名: `邢志峰 摄`. */
export interface PhotoCredit extends Parent {
  type: 'photoCredit';
  names: string[];
  children: Inline[];
}

/**
 * A photo with its caption and credit. `src` is a path relative to the issue folder
 * (`images/x.jpg`) when an image was given; a caption without an image has no `src`.
 */
export interface Figure extends Parent {
  type: 'figure';
  src?: string;
  alt?: string;
  children: Array<Caption | PhotoCredit>;
}

/** A `■`-headed brief item (hotline entries, 回音壁 replies). */
export interface Brief extends Parent {
  type: 'brief';
  children: Paragraph[];
}

/** 文末署名: `(本报记者 李涛 整理)`; the brackets are kept in the text. */
export interface Endnote extends Parent {
  type: 'endnote';
  children: Inline[];
}

/** 转版: `下转第3版` (direction `to`) or `上接第1版` (direction `from`). */
export interface Jump extends Parent {
  type: 'jump';
  direction: 'to' | 'from';
  page: number;
  children: Inline[];
}

/** Markdown blocks an editor may write and that pass through as they are. */
export interface List extends Parent {
  type: 'list';
  ordered: boolean;
  start?: number | null;
  children: ListItem[];
}

export interface ListItem extends Parent {
  type: 'listItem';
  children: Array<Paragraph | List>;
}

export interface Blockquote extends Parent {
  type: 'blockquote';
  children: Array<Paragraph>;
}

export interface HtmlBlock extends Literal {
  type: 'html';
  value: string;
}

export type BodyBlock =
  | Lead
  | Paragraph
  | Subhead
  | Question
  | Answer
  | Figure
  | Brief
  | Endnote
  | Jump
  | List
  | Blockquote
  | HtmlBlock;

// ---------------------------------------------------------------------------
// Article, page, issue

export interface Article extends Parent {
  type: 'article';
  /** Unique within its page, stable across builds of the same text: `a1`, `a2`, … or an explicit id. */
  id: string;
  /** The page's lead article (头条): the first on the page unless another is marked. */
  lead: boolean;
  /** Header nodes come first (in reading order), then the body. */
  children: Array<ArticleHeader | BodyBlock>;
  data?: ArticleData;
}

/** Data of an `article` (fields declared in src/ast/data.ts). */
export interface ArticleData extends Data {}

export interface Page extends Parent {
  type: 'page';
  /** Page number (版次), 1-based. */
  number: number;
  /** Source file, relative to the project root (or as given). */
  file: string;
  /** Page name (版名): from front matter or a `pageName` node. */
  name?: string;
  pinyin?: string;
  staff: StaffCredits;
  children: Array<PageMeta | Banner | Article>;
  /** Other front-matter keys, passed through for the editions. */
  meta: Record<string, unknown>;
}

export interface Issue extends Parent {
  type: 'issue';
  /** Folder name, normally the date `YYYY-MM-DD`. */
  id: string;
  /** Publication date `YYYY-MM-DD`. */
  date: string;
  /** 期号 */
  number: number;
  /** 总期号 */
  total?: number;
  children: Page[];
  /** Other `issue.yaml` keys, passed through for the editions. */
  meta: Record<string, unknown>;
}

export type AnyNode =
  | Issue
  | Page
  | Article
  | PageMeta
  | Banner
  | BannerTitle
  | Motto
  | ArticleHeader
  | BodyBlock
  | ListItem
  | Caption
  | PhotoCredit
  | Inline;

export type NodeType = AnyNode['type'];
