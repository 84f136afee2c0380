import { defineConfig } from 'vitest/config';

/**
 * Mutation testing of the route guard (npm run mutate:auth): the route × role table and the auth tests.
 * The guard is built with the app, in each file's beforeAll, which per-test coverage would credit to the
 * first test alone; so this run uses coverage "all" over these two files.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    include: ['src/api/auth.test.ts', 'test/db/api-route-permissions.test.ts', 'test/db/api-auth.test.ts'],
    setupFiles: ['test/support/check-events.ts'],
    env: { WH_TEST_DB: 'pglite' },
  },
});
