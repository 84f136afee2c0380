import { defineConfig } from 'vitest/config';

/**
 * Mutation testing of the services and the route guard (npm run mutate:services): the database tests that
 * exercise them, on PGlite. The whole database suite would take hours per run; these files hold the
 * tests of the queue, the stage verdicts, approvals, tokens and permissions.
 */
const onPostgres = process.env.WH_TEST_DB === 'postgres';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    include: [
      'test/db/queue-services.test.ts',
      'test/db/queue-worker.test.ts',
      'test/db/job-events.test.ts',
      'test/db/pipeline-rules.test.ts',
      'test/db/stage-results.test.ts',
      'test/db/dependencies.test.ts',
      'test/db/api-approvals.test.ts',
      'test/db/agents-escalation.test.ts',
      'test/db/api-auth.test.ts',
      'test/db/api-route-permissions.test.ts',
      'test/db/admin-token.test.ts',
      'test/db/api-jobs.test.ts',
      'test/db/events.test.ts',
      'test/db/worker-registry.test.ts',
      'test/db/named-query.test.ts',
      'src/services/queue/*.test.ts',
    ],
    setupFiles: ['test/support/check-events.ts'],
    globalSetup: onPostgres ? ['test/support/global-postgres.ts'] : [],
    // PGlite by default; WH_TEST_DB=postgres measures the branches only PostgreSQL takes (named statements).
    env: { WH_TEST_DB: onPostgres ? 'postgres' : 'pglite' },
  },
});
