/**
 * Global setup of the PostgreSQL test project: checks the server is there and migrates a template
 * database that every test file clones. Without a server the project's tests are skipped with the reason
 * (and a skip fails the run when CI=true, see scripts/run-tests.mjs).
 */
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { createDatabase, dropDatabase, PG_ADMIN_URL, postgresReachable, uniqueName } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated template database; empty when PostgreSQL is not reachable. */
    pgTemplate: string;
    pgMissingReason: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const problem = await postgresReachable();
  if (problem) {
    project.provide('pgTemplate', '');
    project.provide('pgMissingReason', `PostgreSQL is not reachable at ${PG_ADMIN_URL}: ${problem}`);
    return undefined;
  }
  const template = uniqueName('wh_template');
  const database = await openDatabase({ url: await createDatabase(template), poolSize: 2 });
  await migrateDatabase(database);
  await database.close();
  project.provide('pgTemplate', template);
  project.provide('pgMissingReason', '');
  return () => dropDatabase(template);
}
