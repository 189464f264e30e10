/**
 * Is a recorded process still the one that was recorded? A PID alone can be reused
 * after a crash, so on Linux the process's start time (from /proc) is recorded with it
 * and compared; elsewhere a live PID is taken at its word.
 */
import { readFileSync } from 'node:fs';

/** The start time of a process in clock ticks since boot (Linux), or undefined. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    // The process is gone, or no /proc here: unknown (callers then treat the PID as not ours).
    return undefined;
  }
}

/** The process's command line (Linux), arguments joined by spaces, or undefined. */
export function processCommandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    // The process is gone, or no /proc here: unknown.
    return undefined;
  }
}

export interface ProcessRecord {
  pid: number;
  /** `processStartTime(pid)` when recorded. */
  start?: string;
}

export function recordProcess(pid: number): ProcessRecord {
  return { pid, start: processStartTime(pid) };
}

/** True when the recorded process is still running (and is the same process). */
export function isAlive(p: ProcessRecord): boolean {
  if (!Number.isInteger(p.pid) || p.pid <= 0) return false;
  try {
    process.kill(p.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (p.start === undefined) return true;
  const now = processStartTime(p.pid);
  // A zombie or an unreadable /proc entry: trust the PID check above.
  return now === undefined || now === p.start;
}
