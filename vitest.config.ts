import { defineConfig } from 'vitest/config';

/**
 * Three projects: pure unit tests; the database suite on PGlite; the same suite plus the multi-connection
 * tests on a real PostgreSQL server.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'test/process/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'pglite',
          include: ['test/db/**/*.test.ts'],
          env: { WH_TEST_DB: 'pglite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/db/**/*.test.ts', 'test/pg/**/*.test.ts'],
          env: { WH_TEST_DB: 'postgres' },
          globalSetup: ['test/support/global-postgres.ts'],
          setupFiles: ['test/support/require-postgres.ts'],
        },
      },
    ],
  },
});
