import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // *.browser.test.ts (the web page in Chromium) match too: they run in `npm test`.
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
