/**
 * Opens the configured database, ready for use: PostgreSQL when DATABASE_URL is set, otherwise PGlite in
 * the data folder (locked to this process). Migrations are applied and default role prompts loaded.
 */
import { join } from 'node:path';
import type { Settings } from '../config/settings.ts';
import { type Database, openDatabase } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { seedDefaultRoleConfigs } from '../services/role-configs.ts';
import { type DataDirLock, lockDataDir } from './data-dir-lock.ts';

export interface OpenedDatabase {
  database: Database;
  close(): Promise<void>;
}

export async function openConfiguredDatabase(settings: Settings): Promise<OpenedDatabase> {
  let lock: DataDirLock | null = null;
  if (!settings.databaseUrl) lock = lockDataDir(settings.dataDir);
  try {
    const database = await openDatabase({
      url: settings.databaseUrl ?? undefined,
      dataDir: settings.databaseUrl ? undefined : join(settings.dataDir, 'pglite'),
    });
    await migrateDatabase(database, (db) =>
      seedDefaultRoleConfigs({ db, settings, actor: 'workhorse' }).then(() => {}),
    );
    return {
      database,
      async close() {
        await database.close();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}
