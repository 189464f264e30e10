/**
 * File-system failures the editor can act on (disk full, no permission, read-only
 * disk…) as one line naming the path, instead of "internal error: ENOSPC…".
 */
import path from 'node:path';
import { BanmianError } from '../errors.js';

const REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EBUSY: 'the path is busy (in use or a mount point)',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links',
  EIO: 'input/output error',
  EXDEV: 'it is on another file system',
};

const VERBS: Record<string, string> = { mkdir: 'create', mkdtemp: 'create', rmdir: 'remove', unlink: 'remove', rm: 'remove', scandir: 'read', copyfile: 'copy', link: 'link' };

/** The reason words for an fs error code, or undefined when it is not one the editor can act on. */
export function fsReason(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code ? REASONS[code] : undefined;
}

/**
 * A BanmianError for an fs error the editor can act on (`what` says what was being
 * done, by default the system call's verb; the path is the error's own, relative to the working folder); other errors
 * are returned as they are.
 */
export function userFsError(err: unknown, what?: string): unknown {
  if (err instanceof BanmianError) return err;
  const reason = fsReason(err);
  if (!reason) return err;
  const e = err as NodeJS.ErrnoException & { dest?: string };
  // A copy or link that fails is about where it writes (a full disk there), not what it reads.
  const writing = e.dest && (e.syscall === 'copyfile' || e.syscall === 'link');
  const file = writing ? e.dest : e.path;
  const verb = what ?? `cannot ${writing ? 'write' : (VERBS[e.syscall ?? ''] ?? e.syscall ?? 'use')}`;
  return new BanmianError(`${verb}${file ? ` ${shownPath(file)}` : ''}: ${reason} (${e.code})`);
}

function shownPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') ? rel : p;
}
