import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Browser tests share one machine of 2 cores: run files one after another.
    fileParallelism: false,
  },
});
