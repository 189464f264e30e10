/**
 * The `data` fields of AST nodes, declared the way mdast extensions declare theirs: by
 * augmenting the node's `…Data` interface (src/ast/types.ts) with `declare module`.
 * Each field says who writes it and who reads it. Nothing else is put in `data`.
 */
import './types.js';

/** A block the print layout cut between two columns or modules (src/layout/cut.ts). */
export interface CutMarks {
  /** The block continues a part cut off before it (no first-line indent; written by src/layout/cut.ts). */
  cutStart?: boolean;
  /** The block goes on after this part (the last line is not a paragraph end; written by src/layout/cut.ts). */
  cutEnd?: boolean;
}

declare module './types.js' {
  interface ArticleData {
    /**
     * The number of columns the editor asked for (markup `[N栏]`, docs/markup.md; set by
     * src/parse/page.ts), read by the print layout as a preference (src/layout/pack.ts).
     */
    columns?: number;
    /**
     * The rank the editor gave the article (markup `[二条]`, `[普通]`, `[简讯]` alone on a line,
     * docs/markup.md; set by src/parse/page.ts), read by src/layout/rank.ts. The lead is
     * `Article.lead` (`[头条]`).
     */
    rank?: 'second' | 'ordinary' | 'brief';
    /**
     * A house filler (公益广告/补白) from the config's fillers folder (set by
     * src/parse/fillers.ts): extra content, not the news. The print layout may set
     * it in a page's leftover white (src/layout/fillers.ts); the web does not list it.
     */
    filler?: boolean;
    /**
     * A pull quote (引语): a sentence of the article with this id on the same page, verbatim
     * (src/layout/quote.ts), set by src/print/index.ts as a filler module of its own.
     */
    pullQuote?: string;
  }
  interface ParagraphData extends CutMarks {}
  interface LeadData extends CutMarks {}
}
