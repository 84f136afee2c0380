import { defineConfig } from 'vitest/config';
import { PG_ADMIN_URL, postgresReachable } from './test/support/postgres.ts';

/** Without a server the PostgreSQL project is one skipped test naming the reason, not 21 failed files. */
const postgresProblem = await postgresReachable();
const postgresProject = postgresProblem
  ? {
      name: 'postgres',
      include: ['test/support/postgres-missing.test.ts'],
      env: { WH_PG_MISSING: `not reachable at ${PG_ADMIN_URL} (${postgresProblem})` },
    }
  : {
      name: 'postgres',
      include: ['test/db/**/*.test.ts', 'test/pg/**/*.test.ts'],
      env: { WH_TEST_DB: 'postgres' },
      globalSetup: ['test/support/global-postgres.ts'],
      setupFiles: ['test/support/require-postgres.ts', 'test/support/check-events.ts'],
    };

/**
 * Projects: pure unit tests (and tests of real child processes: the CLI, the agent CLIs against a scripted
 * model server); the database suite on PGlite; the same suite plus the multi-connection tests on a real
 * PostgreSQL server; the dashboard in a real Chromium against a real `wh serve`.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'src/**/*.test.ts',
            'web/src/**/*.test.ts',
            'test/process/**/*.test.ts',
            'test/model-server/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'pglite',
          include: ['test/db/**/*.test.ts'],
          env: { WH_TEST_DB: 'pglite' },
          setupFiles: ['test/support/check-events.ts'],
        },
      },
      { extends: true, test: postgresProject },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 90_000,
          // One Chromium and one server at a time keeps a 2-core machine responsive.
          fileParallelism: false,
        },
      },
    ],
  },
});
