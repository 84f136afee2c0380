/**
 * Opens the database: embedded PGlite in a data folder by default, PostgreSQL when given a postgres:// URL.
 * Both are driven through the same Drizzle pg-core schema.
 */
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { NodePgDatabase, NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { ConnectionHealth } from './health.ts';
import { createPgliteFolder, hasPgliteDatabase, PGLITE_SETTINGS } from './pglite-folder.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;
/**
 * Typed as node-postgres; the PGlite driver has the same query surface (results carry `rows`).
 */
export type Db = NodePgDatabase<Schema>;
export type Tx = PgTransaction<NodePgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything queries can run on: the database or an open transaction. */
export type Queryable = Db | Tx;

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  readonly db: Db;
  readonly kind: DatabaseKind;
  /** Runs `fn` holding a session-level advisory lock on one connection. */
  withAdvisoryLock<T>(key: number, fn: (db: Db) => Promise<T>): Promise<T>;
  /** What this process knows of its connection (PGlite is always reachable). */
  readonly health: ConnectionHealth;
  /**
   * Subscribes to NOTIFY on `channel`; resolves to an unsubscribe function. `onResume` is called when the
   * connection came back after a drop: notifications sent meanwhile were lost, so look again.
   */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
    onResume?: () => void,
  ): Promise<() => Promise<void>>;
  /** The backend pid of the LISTEN connection (PostgreSQL), for status and tests. */
  listenerPid?(): number | null;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** A postgres:// URL; when absent PGlite is used. */
  url?: string | undefined;
  /** PGlite data folder; absent means in memory. */
  dataDir?: string | undefined;
  /** node-postgres pool size. */
  poolSize?: number;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (!options.url) return openPglite(options.dataDir);
  // Loaded only for PostgreSQL: node-postgres and its reconnecting LISTEN are not needed with PGlite.
  const { openPostgres } = await import('./postgres.ts');
  return openPostgres(options.url, options.poolSize ?? 10);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir && !hasPgliteDatabase(dataDir)) await createPgliteFolder(dataDir);
  const options = { postgresqlconf: PGLITE_SETTINGS };
  const client = dataDir ? new PGlite(dataDir, options) : new PGlite(options);
  await client.waitReady;
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  const health = new ConnectionHealth();
  health.up();
  return {
    db,
    kind: 'pglite',
    health,
    // One connection and one process own a PGlite folder, so the lock only documents intent here.
    withAdvisoryLock: (_key, fn) => fn(db),
    listen: (channel, onNotify) => client.listen(channel, onNotify),
    close: () => client.close(),
  };
}
