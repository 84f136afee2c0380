import { defineConfig } from 'vitest/config';

/**
 * What mutation testing runs (npm run mutate): the unit tests and the database suite on PGlite, in one
 * project. Not the PostgreSQL project (a shared server, and the same tests), the real CLIs, the chaos run,
 * nor the browser: they prove other things, far slower.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    include: ['src/**/*.test.ts', 'test/db/**/*.test.ts'],
    exclude: ['test/db/api-fuzz.test.ts'],
    setupFiles: ['test/support/check-events.ts'],
    env: { WH_TEST_DB: 'pglite', WH_FUZZ_RUNS: '200' },
  },
});
