/**
 * Stage timings of the print edition: how long each step of an issue took (browser
 * start, measuring sheet, each fit pass, Paged.js, page images, PDFs, metadata), the
 * CPU time it cost (this process plus the browser's processes, read from /proc where
 * there is one: on a shared machine wall time is noisy, CPU time much less so), and
 * the files request interception served. Printed to stderr when BANMIAN_DEBUG is set;
 * kept in the build's session (`session.printTimings`), which the benchmark reads.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface Stage {
  name: string;
  /** Wall time. */
  ms: number;
  /** CPU time of this process and the browser (0 where /proc is missing). */
  cpuMs: number;
  /** Files answered by request interception during the stage, and their bytes. */
  requests: number;
  bytes: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time in ms of the process tree under `root` (the browser and its helpers). */
function treeCpuMs(root: number): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    // No /proc (not Linux): browser CPU time is not measured, the timing line shows 0.
    return 0;
  }
  const parent = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      // pid (comm) state ppid … utime(14) stime(15) — comm may hold spaces, so split after ')'.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(e), Number(f[1]));
      cpu.set(Number(e), (Number(f[11]) + Number(f[12])) * TICK_MS);
    } catch {
      // gone meanwhile
    }
  }
  let sum = 0;
  for (const [pid, ms] of cpu) {
    for (let p: number | undefined = pid, hops = 0; p && hops < 8; p = parent.get(p), hops++) {
      if (p === root) {
        sum += ms;
        break;
      }
    }
  }
  return sum;
}

export class StageTimer {
  readonly stages: Stage[] = [];
  /** The build's interception counters (src/print/assets.ts), read at each stage's start and end. */
  constructor(private readonly served: { requests: number; bytes: number } = { requests: 0, bytes: 0 }) {}
  /** The browser's process id, for its CPU time. */
  browserPid?: number;
  private readonly cpu = !!process.env.BANMIAN_DEBUG || !!process.env.BANMIAN_TIMINGS;

  private cpuNow(): number {
    if (!this.cpu) return 0;
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000 + (this.browserPid ? treeCpuMs(this.browserPid) : 0);
  }

  /** Starts a stage; the returned function ends it (stages under the same name add up). */
  start(name: string): () => void {
    const t = performance.now();
    const c = this.cpuNow();
    const served = this.served;
    const r = served.requests;
    const b = served.bytes;
    return () => this.add({ name, ms: performance.now() - t, cpuMs: this.cpuNow() - c, requests: served.requests - r, bytes: served.bytes - b });
  }

  async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const stop = this.start(name);
    try {
      return await fn();
    } finally {
      stop();
    }
  }

  add(stage: Stage): void {
    const s = this.stages.find((x) => x.name === stage.name);
    if (!s) {
      this.stages.push({ ...stage });
      return;
    }
    s.ms += stage.ms;
    s.cpuMs += stage.cpuMs;
    s.requests += stage.requests;
    s.bytes += stage.bytes;
  }

  format(): string {
    return this.stages
      .map((s) => `${s.name} ${(s.ms / 1000).toFixed(2)}s${s.cpuMs ? ` (cpu ${(s.cpuMs / 1000).toFixed(2)}s)` : ''}${s.requests ? ` [${s.requests} files, ${(s.bytes / 1e6).toFixed(1)} MB]` : ''}`)
      .join('\n  ');
  }
}

export function debugTimings(label: string, timer: StageTimer): void {
  if (!process.env.BANMIAN_DEBUG) return;
  const wall = timer.stages.reduce((s, x) => s + x.ms, 0);
  const cpu = timer.stages.reduce((s, x) => s + x.cpuMs, 0);
  console.error(`print timings ${label} (wall ${(wall / 1000).toFixed(2)}s, cpu ${(cpu / 1000).toFixed(2)}s):\n  ${timer.format()}`);
}
