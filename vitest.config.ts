import { defineConfig } from 'vitest/config';

// Two projects: `unit` (no browser, no server, no child build: runs in parallel, fast) and
// `e2e` (files named *.e2e.test.ts: launch Chromium, a server or a whole build; one file at
// a time, since the machine has 2 cores and a browser uses both). `npm test` runs both;
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
        },
      },
    ],
  },
});
