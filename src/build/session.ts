/**
 * What one build (or one dev-server rebuild) records about itself: stage timings,
 * browsers started, requests the print page made, and — for the benchmark only — the
 * final paginated HTML. One object per build, handed down through the BuildContext,
 * so that two builds in one process (the dev server, the tests, the benchmark) never
 * count into each other's numbers. Memo caches keyed by file contents (fonts, checked
 * images) stay process-wide: they hold no per-build result.
 */
import type { IssueMetrics } from '../layout/metrics.js';
import type { IssueLayout } from '../layout/types.js';
import type { Stage } from '../print/timing.js';

export class BuildSession {
  /** Stage timings of the print edition by issue id (`browser` for the browser start). */
  readonly printTimings = new Map<string, Stage[]>();
  /** Browsers this build started (the build cache is tested by it: a reused print output starts none). */
  browserLaunches = 0;
  /** Requests of the print page the guard blocked (src/print/assets.ts): must stay empty. */
  readonly refused: string[] = [];
  /** What the print page's request interception answered from the build's files. */
  readonly served = { requests: 0, bytes: 0 };
  /**
   * For the benchmark: keep each issue's final paginated HTML (its floor), and the time
   * spent keeping it (the benchmark's own instrument, not build work), ms.
   */
  keepFinalHtml = false;
  readonly finalHtml = new Map<string, string>();
  finalHtmlMs = 0;

  /**
   * For the planner's test fixture (tests/fixtures/layout/record.ts): each issue's measures
   * as the final plan used them, and its layout. Kept only when asked for.
   */
  readonly layoutMetrics?: Map<string, { metrics: IssueMetrics; layout: IssueLayout }>;

  constructor(options: { keepFinalHtml?: boolean; recordLayoutMetrics?: boolean } = {}) {
    this.keepFinalHtml = Boolean(options.keepFinalHtml);
    if (options.recordLayoutMetrics) this.layoutMetrics = new Map();
  }
}
