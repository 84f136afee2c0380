/**
 * Stands in for the PostgreSQL project when no server answers (see vitest.config.ts): one skipped test
 * whose name says why and how to run the suite; with CI=true a skip fails the run.
 */
import { it } from 'vitest';

it.skip(`PostgreSQL tests: ${process.env.WH_PG_MISSING ?? 'no server'}. Start one (trust auth, database test) on 127.0.0.1:5432, or point WH_TEST_PG_URL at one`, () => {});
