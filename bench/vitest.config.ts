import { defineConfig } from 'vitest/config';

/** Benchmarks written as vitest files: `npx vitest run --config bench/vitest.config.ts` (not part of npm test). */
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['bench/**/*.test.ts'],
    testTimeout: 30 * 60_000,
  },
});
