/**
 * A user-facing failure: bad input, bad config, a missing browser. The CLI prints
 * `message` as one line (it already names the file and line) and exits 1, with no
 * stack trace. Anything else that escapes is a bug in Banmian.
 */
export class BanmianError extends Error {
  readonly file?: string;
  readonly line?: number;
  /** The message without the `file:line: ` prefix. */
  readonly reason: string;
  constructor(message: string, where?: { file?: string; line?: number }) {
    const prefix = where?.file ? `${where.file}${where?.line ? `:${where.line}` : ''}: ` : '';
    super(prefix + message);
    this.reason = message;
    this.name = 'BanmianError';
    this.file = where?.file;
    this.line = where?.line;
  }
}
