/**
 * `banmian dev`: build, serve the output on localhost under the configured base path,
 * watch the inputs, rebuild what changed, and reload open tabs. The parts: serving
 * (src/dev/serve.ts), rebuilding (src/dev/rebuild.ts), watching (src/dev/watch.ts).
 */
import path from 'node:path';
import type { Logger } from '../build/context.js';
import { findConfigFile, loadConfig } from '../config/index.js';
import { Rebuilder } from './rebuild.js';
import { serveOutput } from './serve.js';
import { watchInputs } from './watch.js';

export interface DevServerOptions {
  root: string;
  issuesDir: string;
  outDir: string;
  port?: number;
  host?: string;
  log: Logger;
  /** Skip the print edition entirely (faster, for tests of the HTML loop). */
  htmlOnly?: boolean;
  /** Quiet period before a rebuild, in ms. */
  debounceMs?: number;
}

export interface DevServer {
  url: string;
  port: number;
  /** Resolves once no change is pending and no rebuild or background job (search index, print pages) is queued or running. */
  settled(): Promise<void>;
  /** Resolves at the first settled moment after the next change the watcher sees: call it before making the change. */
  nextSettled(): Promise<void>;
  /** Number of reload events sent so far. */
  reloads(): number;
  close(): Promise<void>;
}

export async function startDevServer(opts: DevServerOptions): Promise<DevServer> {
  const { log } = opts;
  const config = (await loadConfig(opts.root)).config;
  const host = opts.host ?? '127.0.0.1';
  // The port first: a port in use is one line before any build work.
  let rebuilder: Rebuilder | undefined;
  const http = await serveOutput({ outDir: opts.outDir, host, port: opts.port ?? 8080, basePath: () => (rebuilder?.config ?? config).site.basePath, log });
  rebuilder = new Rebuilder({ root: opts.root, issuesDir: opts.issuesDir, outDir: opts.outDir, log, htmlOnly: opts.htmlOnly, debounceMs: opts.debounceMs, notify: http }, config);
  const rebuild = rebuilder;
  try {
    await rebuild.fullBuild('full');
    const configFile = findConfigFile(opts.root);
    const targets = [opts.issuesDir, path.join(opts.root, 'templates'), path.join(opts.root, 'styles'), ...(configFile ? [configFile] : [])];
    const watcher = await watchInputs(opts.root, targets, (file) => rebuild.changed(file), log);
    const url = `http://${host}:${http.port}${config.site.basePath}`;
    log.info(`serving ${path.relative(opts.root, opts.outDir) || opts.outDir}/ at ${url}`);
    return {
      url,
      port: http.port,
      settled: () => rebuild.settled(),
      nextSettled: () => rebuild.nextSettled(),
      reloads: () => http.reloads(),
      async close() {
        await watcher.close();
        await http.close();
        await rebuild.close();
      },
    };
  } catch (err) {
    await http.close();
    throw err;
  }
}
