/**
 * Applies the committed SQL migrations under an advisory lock, so two processes starting at once
 * cannot both migrate: the second waits, then finds nothing left to apply.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { migrate as migrateWithDrizzle } from 'drizzle-orm/node-postgres/migrator';
import type { Database, Db, Queryable } from './client.ts';

const MIGRATIONS_FOLDER = new URL('./migrations', import.meta.url).pathname;
/** Arbitrary but fixed: "workhorse migrate". */
const MIGRATION_LOCK_KEY = 0x5768_6d67;

interface Journal {
  entries: { idx: number; tag: string; when: number }[];
}

export function readJournal(): Journal {
  return JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as Journal;
}

/**
 * `afterMigrate` runs under the same lock: first-start seeding done there cannot race another process's.
 */
export async function migrateDatabase(
  database: Database,
  afterMigrate?: (db: Db) => Promise<void>,
): Promise<void> {
  await database.withAdvisoryLock(MIGRATION_LOCK_KEY, async (db) => {
    // The drizzle migrator only needs the pg-core dialect and a session; it is driver-agnostic underneath.
    await migrateWithDrizzle(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    await afterMigrate?.(db);
  });
}

export interface MigrationStatus {
  applied: number;
  known: number;
  latest: string | null;
}

export async function migrationStatus(db: Queryable): Promise<MigrationStatus> {
  const journal = readJournal();
  const result = await db.execute<{ applied: number; latest: string | null }>(
    sql`select count(*)::int as applied, max(created_at)::text as latest from drizzle.__drizzle_migrations`,
  );
  const applied = Number(result.rows[0]?.applied ?? 0);
  const latestWhen = Number(result.rows[0]?.latest ?? 0);
  const latest = journal.entries.find((entry) => entry.when === latestWhen)?.tag ?? null;
  return { applied, known: journal.entries.length, latest };
}
