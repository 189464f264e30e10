import { defineConfig } from 'vitest/config';

// Two projects: `unit` (pure functions and the parser: no browser, no server, no child
// process, no whole-project build; runs in parallel, fast) and `e2e` (files named
// *.e2e.test.ts: they launch Chromium, a server, the CLI as a child process or build a
// whole project; one file at a time, since the machine has 2 cores and a browser uses both). `npm test` runs both;
// `npm run test:unit` only the first.
export default defineConfig({
  test: {
    globalSetup: ['tests/setup/notice.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/**/*.e2e.test.ts', '**/node_modules/**'],
          // both cores (vitest's default leaves one free)
          maxWorkers: 2,
          // One module graph per worker, not per file: importing the parser and the web
          // edition again for every file cost more CPU than the tests themselves. Safe
          // because no unit test mocks modules or changes the environment, and build state
          // lives in a per-build BuildSession (src/build/session.ts), not in module globals.
          isolate: false,
          // unit first, then e2e: the e2e timings (a stop within 2 s) must not share the cores
          sequence: { groupOrder: 0 },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
