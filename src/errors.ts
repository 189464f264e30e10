/**
 * A user-facing failure: bad input, bad config, a missing browser. The CLI prints
 * `message` as one line (it already names the file and line) and exits 1, with no
 * stack trace. Anything else that escapes is a bug in Banmian.
 *
 * It is a fatal vfile message (`fatal: true`, `source: 'banmian'`, a `ruleId`, a `place`),
 * so that a failure is the same kind of diagnostic as a warning: `banmian check` lists it
 * with the page's other messages, vfile-reporter prints it, and the parser raises it the
 * way `file.fail` does (src/parse/fail.ts) — pushed onto the page's VFile, then thrown.
 */
import type { Point, Position } from 'unist';
import { VFileMessage } from 'vfile-message';

export interface ErrorPlace {
  file?: string;
  line?: number;
  column?: number;
  /** What kind of failure, for `check` and reporters (default `error`). */
  ruleId?: string;
  /** The underlying error (an fs error, a YAML error), kept for BANMIAN_DEBUG. */
  cause?: unknown;
}

export class BanmianError extends VFileMessage {
  /** The message without the `file:line: ` prefix. */
  declare reason: string;
  constructor(message: string, where?: ErrorPlace) {
    const start: Point | undefined = where?.line ? { line: where.line, column: where.column ?? 1 } : undefined;
    const place: Position | Point | undefined = start;
    super(message, { place, ruleId: where?.ruleId ?? 'error', source: 'banmian', cause: where?.cause as Error | undefined });
    this.fatal = true;
    this.file = where?.file ?? '';
    // One line for the CLI: `file:line: reason` (the column stays in `column` for reporters).
    const prefix = where?.file ? `${where.file}${where?.line ? `:${where.line}` : ''}: ` : '';
    this.message = prefix + message;
    this.reason = message;
    this.name = 'BanmianError';
  }
}
