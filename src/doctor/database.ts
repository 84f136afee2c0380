/**
 * `wh doctor`'s database check: PostgreSQL reachable (DATABASE_URL) or the PGlite folder usable, and how
 * many migrations are applied. It never migrates and never holds the data folder past its look.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../config/settings.ts';
import { type MigrationStatus, migrationStatus, readJournal } from '../db/migrate.ts';
import { DataDirLockedError, lockDataDir } from '../server/data-dir-lock.ts';
import type { Check } from './check.ts';

const CONNECT_TIMEOUT_MS = 5000;

/** host:port/database, never the password. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `PostgreSQL at ${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL is not a URL)';
  }
}

function withMigrations(where: string, status: MigrationStatus): Check {
  const found = `${where}, migrations ${status.applied}/${status.known}`;
  if (status.applied >= status.known) return { name: 'database', level: 'ok', found };
  return {
    name: 'database',
    level: 'warn',
    found: `${found}: ${status.known - status.applied} to apply`,
    fix: 'the next `wh serve` or `wh migrate` applies them',
  };
}

async function postgresStatus(url: string): Promise<MigrationStatus> {
  const [{ default: pg }, { drizzle }] = await Promise.all([
    import('pg'),
    import('drizzle-orm/node-postgres'),
  ]);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    const known = await client.query(
      "select to_regclass('drizzle.__drizzle_migrations') is not null as present",
    );
    if (!known.rows[0]?.present) return { applied: 0, known: readJournal().entries.length, latest: null };
    return await migrationStatus(drizzle({ client }) as never);
  } finally {
    await client.end();
  }
}

async function pgliteStatus(folder: string): Promise<MigrationStatus> {
  const { openDatabase } = await import('../db/client.ts');
  const database = await openDatabase({ dataDir: folder });
  try {
    return await migrationStatus(database.db);
  } finally {
    await database.close();
  }
}

export async function checkDatabase(settings: Pick<Settings, 'databaseUrl' | 'dataDir'>): Promise<Check> {
  if (settings.databaseUrl) {
    const where = describePostgresUrl(settings.databaseUrl);
    try {
      return withMigrations(where, await postgresStatus(settings.databaseUrl));
    } catch (error) {
      const reason =
        error instanceof Error ? error.message.replaceAll(settings.databaseUrl, '<DATABASE_URL>') : '';
      return {
        name: 'database',
        level: 'fail',
        found: `${where} cannot be reached: ${reason}`,
        fix: 'start PostgreSQL, or correct DATABASE_URL (postgres://user@host:5432/db)',
      };
    }
  }
  const folder = join(settings.dataDir, 'pglite');
  const where = `PGlite in ${folder}`;
  if (!existsSync(folder))
    return { name: 'database', level: 'ok', found: `${where} (made at the first \`wh serve\`)` };
  let lock: ReturnType<typeof lockDataDir>;
  try {
    lock = lockDataDir(settings.dataDir);
  } catch (error) {
    if (error instanceof DataDirLockedError)
      return {
        name: 'database',
        level: 'ok',
        found: `${where}, open in a running Workhorse (wh status shows it)`,
      };
    throw error;
  }
  try {
    return withMigrations(where, await pgliteStatus(folder));
  } catch (error) {
    return {
      name: 'database',
      level: 'fail',
      found: `${where} cannot be opened: ${error instanceof Error ? error.message : String(error)}`,
      fix: 'move the folder aside and start again, or set WH_DATA_DIR to another folder',
    };
  } finally {
    lock.release();
  }
}
