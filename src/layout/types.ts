/**
 * The shape of `dist/<issue>/layout.json`: where every article module sits on every
 * printed page. Written by the print edition, read by the web edition for the
 * clickable page areas. All lengths in pt, measured from the trim box's top-left.
 */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ModuleLayout {
  /** Page number the article belongs to (its first page) and its id there. */
  page: number;
  articleId: string;
  rect: Rect;
  /** First column (0-based) and width in columns on the grid. */
  column: number;
  columns: number;
  /** Grid lines: first line (0-based) and height in lines. */
  line: number;
  lines: number;
  /** Share of the module's body area filled with text (0–1). */
  fill: number;
  /** The article continues on this page (下转第N版). */
  jumpTo?: number;
  /** This module continues the article from this page (上接第N版). */
  jumpFrom?: number;
  /** Where the body columns start (below headline and photos), pt from the trim's top. */
  bodyY?: number;
  /** Text that did not fit anywhere (should be 0). */
  overset: number;
  /** Height of the tallest blank in the module (end of a column, gap in the header), pt. */
  hole: number;
}

export interface PageLayout {
  number: number;
  trim: { w: number; h: number };
  typeArea: Rect;
  modules: ModuleLayout[];
  /** Share of the type area's body grid covered by filled modules (0–1). */
  fill: number;
  /** House fillers (公益/补白) set in the white at the page foot: no articles of the issue, so not in `modules`. */
  fillers?: Array<Pick<ModuleLayout, 'rect' | 'column' | 'columns' | 'line' | 'lines'>>;
  /** Column lines left white at the page foot (a page short of copy; the build warns). */
  white?: number;
  /** Paths relative to the issue's output folder. */
  pdf: string;
  image: string;
  thumb: string;
  /** Size of `image` in px. */
  imageSize: { w: number; h: number };
}

export interface IssueLayout {
  issue: string;
  /** Browser version the PDF was made with: line breaks depend on it. */
  browser: string;
  /** Whole-issue PDF, relative to the issue's output folder. */
  pdf: string;
  pages: PageLayout[];
}
