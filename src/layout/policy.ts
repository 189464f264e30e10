/**
 * Every weight, limit and step the layout decisions use, in one object, so a paper can
 * later tune its makeup from config without touching the planner (no config keys yet).
 * The planner (plan.ts), the packer (pack.ts), headline and photo sizing read it; the
 * print renderer only passes it through.
 */
import type { Rank } from './rank.js';

export interface PackPolicy {
  /** Narrowest module: stacks and rails are at least this many columns wide. */
  minColumns: number;
  /** Rows of body text a jumping article keeps on its first page at least. */
  minStartRows: number;
  /** Rows the stacks under the lead need at least. */
  minBelow: number;
  /** Most articles the search looks at on one page (the rest of a longer page moves on whole). */
  maxArticles: number;
  /** How much text, in pages, the search looks at. */
  textShare: number;
  /** Depths (shares of the page) a lead longer than half the page may be held to, so others fit below. */
  leadShares: number[];
  /** Rail widths (columns) tried down the right edge when the page has 4 articles or more (0: none). */
  railWidths: number[];
  /** Most articles in the rail, most stacks under the lead. */
  maxRailArticles: number;
  maxStacks: number;
  /** Stack cost weights (see pack.ts `stackCost`). */
  cost: {
    /** `fit` mode: per column line that does not fit. */
    overflowLine: number;
    /** `full` mode: per jump, and per column line carried on. */
    jump: number;
    carriedLine: number;
    /** `full` mode: per grid cell left spare (text is there to fill it). */
    fullSpareCell: number;
    /** An article moved off its own page whole; a continuation moved on; a start of fewer than minStartRows. */
    movedOwn: number;
    movedCont: number;
    stub: number;
    /** Spare lines per module up to `spareEasy` cost `spareEasyWeight` each, more cost their square. */
    spareEasy: number;
    spareEasyWeight: number;
    /** A text shallower than `shallowDepth` lines a column costs `shallow` per missing line. */
    shallowDepth: number;
    shallow: number;
    /** A module not at the width the editor asked for. */
    wrongWidth: number;
  };
}

/** A rank's headline sizes (pt). */
export interface HeadlineBand {
  base: number;
  perColumn: number;
  min: number;
  max: number;
}

export interface LayoutPolicy {
  /** A made-up page covers at least this share of its body grid with text, headlines and photos. */
  fillTarget: number;
  /** A photo is at most this share of the page's grid height. */
  photoMaxShare: number;
  /** pt added to a photo block besides photos and captions (spacing under it). */
  photoPadPt: number;
  /** Plan, render, check passes before text still overflowing its module is reported. */
  fitPasses: number;
  /** Lines a jump line (下转第N版) takes. */
  jumpLines: number;
  /** Most articles whose text jumps from the front page to a later one. */
  maxFrontJumps: number;
  /** Names of pages that take no continuations unless their front matter says `continuations: true`. */
  specialPageNames: string[];
  /** Looser body leading on a page short of copy: at most `maxLoose` × the grid's, once the header has `headerRows` spare rows. */
  leading: { maxLoose: number; headerRows: number };
  /**
   * A page short of copy: a header takes at most `headerSpareLines` blank lines beyond its
   * headline's size step (2: no empty band inside a module taller than two body lines); the
   * rest of a module's spare rows goes to the page foot (reported).
   */
  shortPage: { headerSpareLines: number };
  headline: {
    /**
     * One band of sizes per rank (rank.ts), the bands apart so that size follows rank
     * first: step 0 at w columns is base + perColumn·w held to [min, max]; the growth
     * steps multiply it, never past max (rounded to 0.5 pt). `front` is the front page's
     * lead (the biggest headline), `ranks.lead` any other page's lead.
     */
    front: HeadlineBand;
    ranks: Record<Rank, HeadlineBand>;
    /** Growth steps as factors of step 0 (the first is 1). */
    steps: number[];
    /** Sizes in pt of a continuation (上接) module's headline; always below its original's. */
    continuation: number[];
    /** A text without photos of at most this many characters is a brief (简讯). */
    briefChars: number;
  };
  pack: PackPolicy;
}

export const DEFAULT_POLICY: LayoutPolicy = {
  fillTarget: 0.97,
  photoMaxShare: 0.36,
  photoPadPt: 3,
  fitPasses: 5,
  jumpLines: 1,
  maxFrontJumps: 3,
  specialPageNames: ['专题', '特刊', '副刊', '广告'],
  leading: { maxLoose: 1.2, headerRows: 2 },
  shortPage: { headerSpareLines: 2 },
  headline: {
    front: { base: 12, perColumn: 4.5, min: 42, max: 60 },
    ranks: {
      lead: { base: 9, perColumn: 4.5, min: 30, max: 40 },
      second: { base: 9, perColumn: 3, min: 22, max: 28 },
      ordinary: { base: 9, perColumn: 3, min: 15, max: 21.5 },
      brief: { base: 12, perColumn: 0.5, min: 13.5, max: 14.5 },
    },
    steps: [1, 1.18, 1.36, 1.6, 1.9],
    continuation: [12, 12.5, 13],
    briefChars: 150,
  },
  pack: {
    minColumns: 2,
    minStartRows: 4,
    minBelow: 6,
    maxArticles: 40,
    textShare: 1.5,
    leadShares: [0.6, 0.75],
    railWidths: [0, 2, 3],
    maxRailArticles: 4,
    maxStacks: 4,
    cost: {
      overflowLine: 100,
      jump: 40,
      carriedLine: 0.05,
      fullSpareCell: 2,
      movedOwn: 500,
      movedCont: 5,
      stub: 300,
      spareEasy: 2,
      spareEasyWeight: 0.5,
      shallowDepth: 5,
      shallow: 4,
      wrongWidth: 50,
    },
  },
};
