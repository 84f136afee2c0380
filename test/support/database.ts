/**
 * The database a test file runs on: PGlite in memory, or its own PostgreSQL database, chosen by the
 * vitest project (WH_TEST_DB). The same tests run on both.
 */
import { sql } from 'drizzle-orm';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { assertEventsCatalogued, openTestDatabases } from './event-catalogue.ts';
import { createDatabase, dropDatabase, uniqueName } from './postgres.ts';

export const TEST_DB_KIND = process.env.WH_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

export interface TestDatabase extends Database {
  /** The postgres:// URL of this file's database; null on PGlite. */
  readonly url: string | null;
}

export async function openTestDatabase(
  options: { poolSize?: number; url?: string } = {},
): Promise<TestDatabase> {
  if (options.url) {
    // A server of the test's own (one it stops and restarts): its database, migrated here.
    const database = await openDatabase({ url: options.url, poolSize: options.poolSize ?? 10 });
    await migrateDatabase(database);
    return checkedOnClose(database, options.url);
  }
  if (TEST_DB_KIND === 'pglite') {
    const database = await openDatabase({});
    await migrateDatabase(database);
    return checkedOnClose(database, null);
  }
  const template = inject('pgTemplate');
  if (!template) throw new Error(inject('pgMissingReason'));
  const name = uniqueName('wh_test');
  const url = await createDatabase(name, template);
  const database = await openDatabase({ url, poolSize: options.poolSize ?? 10 });
  // A clone shares its template's installation id; each test database is an installation of its own, as
  // its own migration would have made it (two of them on one repository must not name branches alike).
  await database.db.execute(
    sql`update installation set id = substr(md5(random()::text || clock_timestamp()::text), 1, 8)`,
  );
  return checkedOnClose(database, url, () => dropDatabase(name));
}

/**
 * Closing checks the events the tests left against the catalogue (event-catalogue.ts), then closes, then
 * runs `afterClose` (dropping a database of the test's own).
 */
function checkedOnClose(
  database: Database,
  url: string | null,
  afterClose: () => Promise<void> = async () => {},
): TestDatabase {
  const close = database.close.bind(database);
  openTestDatabases.add(database);
  return Object.assign(database, {
    url,
    async close() {
      openTestDatabases.delete(database);
      try {
        await assertEventsCatalogued(database);
      } finally {
        await close();
        await afterClose();
      }
    },
  });
}
