/**
 * Finding and starting the browser. Order: PUPPETEER_EXECUTABLE_PATH, then the config's
 * `print.browserPath`, then the Chromium shipped inside the `@sparticuz/chromium` npm
 * package (inflated to the temp folder on first use), then a system Chrome/Chromium.
 * Launch flags are our own (not the package's serverless ones): headless, no sandbox
 * (we run as root in CI), and no background networking — the print renderer reaches
 * no network.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';
import { onInterrupt } from '../build/interrupt.js';
import { BanmianError } from '../errors.js';
import { endOrphanBrowsers, killBrowserGroup, makeProfileDir, recordBrowser, removeProfileDir } from './profiles.js';

const SYSTEM_BROWSERS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

export const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-domain-reliability',
  '--disable-quic',
  '--no-pings',
  '--font-render-hinting=none',
  '--hide-scrollbars',
  '--mute-audio',
];

export interface BrowserSource {
  path: string;
  from: 'PUPPETEER_EXECUTABLE_PATH' | 'config' | '@sparticuz/chromium' | 'system';
}

/** Where the browser comes from, in the documented order. */
export async function resolveBrowser(configPath?: string): Promise<BrowserSource> {
  const fromEnv = process.env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new BanmianError(`PUPPETEER_EXECUTABLE_PATH points to ${fromEnv}, which does not exist`);
    return { path: fromEnv, from: 'PUPPETEER_EXECUTABLE_PATH' };
  }
  if (configPath) {
    if (!existsSync(configPath)) throw new BanmianError(`config key "print.browserPath" points to ${configPath}, which does not exist`);
    return { path: configPath, from: 'config' };
  }
  try {
    const { default: chromium } = await import('@sparticuz/chromium');
    const p = await chromium.executablePath();
    if (p && existsSync(p)) return { path: p, from: '@sparticuz/chromium' };
  } catch {
    // fall through to a system browser
  }
  for (const p of SYSTEM_BROWSERS) if (existsSync(p)) return { path: p, from: 'system' };
  throw new BanmianError(
    'no browser found for the print edition: run `npm ci` (it installs @sparticuz/chromium), or set PUPPETEER_EXECUTABLE_PATH or print.browserPath',
  );
}

export interface LaunchedBrowser {
  browser: Browser;
  source: BrowserSource;
  /** e.g. `HeadlessChrome/147.0.7727.0`. */
  version: string;
  close(): Promise<void>;
}

/**
 * Starts one headless browser with a fresh, throw-away profile. It cannot outlive the
 * build: an interrupt kills its process group (src/build/interrupt.ts); it talks over a
 * pipe, so it exits by itself when the build's process dies; and its PID is recorded in
 * the profile folder, so the next build ends it should it linger (src/print/profiles.ts).
 */
export async function launchBrowser(configPath?: string, session?: { browserLaunches: number }): Promise<LaunchedBrowser> {
  const source = await resolveBrowser(configPath);
  // Counted in the build's session (a test or tool starting its own browser passes none).
  if (session) session.browserLaunches++;
  endOrphanBrowsers();
  const userDataDir = makeProfileDir();
  let browserPid: number | undefined;
  const unregister = onInterrupt(() => {
    if (browserPid) killBrowserGroup(browserPid);
    removeProfileDir(userDataDir);
  });
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath: source.path,
      headless: true,
      args: LAUNCH_ARGS,
      userDataDir,
      defaultViewport: null,
      pipe: true,
      // Our own handlers (the CLI's) clean up and exit; puppeteer's would exit without removing the staging folder.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (err) {
    unregister();
    removeProfileDir(userDataDir);
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new BanmianError(`cannot start the browser at ${source.path} (${source.from}): ${msg}`);
  }
  browserPid = browser.process()?.pid;
  if (browserPid) recordBrowser(userDataDir, browserPid);
  const version = await browser.version();
  return {
    browser,
    source,
    version,
    async close() {
      await browser.close().catch(() => undefined);
      // Still running after a failed close: killed, group and all.
      const proc = browser.process();
      if (browserPid && proc && proc.exitCode === null && proc.signalCode === null) killBrowserGroup(browserPid);
      removeProfileDir(userDataDir);
      unregister();
    },
  };
}
