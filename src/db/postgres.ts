/**
 * PostgreSQL through node-postgres, built to be dropped: every pooled client has an error handler for its
 * whole life (pg-pool listens only while a client is idle, so a socket error between two queries of a
 * transaction used to crash the process), reads that fail on a dropped connection are tried once more on a
 * fresh one, and LISTEN lives on one connection that comes back by itself.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Database, Db } from './client.ts';
import { isConnectionError } from './connection-errors.ts';
import { ConnectionHealth } from './health.ts';
import { PgListener } from './listener.ts';
import * as schema from './schema.ts';

/** A statement that changes nothing: safe to send again when its connection dropped before an answer. */
function isRead(query: unknown): boolean {
  const text = typeof query === 'string' ? query : (query as { text?: unknown } | null)?.text;
  return typeof text === 'string' && /^\s*select\b/i.test(text) && !/\bfor\s+(update|share)\b/i.test(text);
}

type QueryFn = (...args: unknown[]) => Promise<unknown>;

/** Pool queries (outside transactions) that are reads get one more try after a connection error. */
function retryReads(pool: pg.Pool): void {
  const query = pool.query.bind(pool) as unknown as QueryFn;
  const retrying: QueryFn = async (...args) => {
    try {
      return await query(...args);
    } catch (error) {
      if (!isConnectionError(error) || !isRead(args[0]) || typeof args.at(-1) === 'function') throw error;
      return query(...args);
    }
  };
  (pool as unknown as { query: QueryFn }).query = retrying;
}

export async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const health = new ConnectionHealth();
  // Named, so an operator (and a test) can tell this process's connections apart in pg_stat_activity.
  const name = `workhorse:${process.pid}`;
  const pool = new pg.Pool({ connectionString: url, max: poolSize, keepAlive: true, application_name: name });
  // An idle client that errors is removed by the pool; one in use fails its query. Neither may crash us.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  retryReads(pool);
  const listener = new PgListener(url, health, { applicationName: `${name}:listen` });
  const db = drizzle({ client: pool, schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    health,
    async withAdvisoryLock(key, fn) {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [key]);
        try {
          return await fn(drizzle({ client, schema }) as unknown as Db);
        } finally {
          await client.query('select pg_advisory_unlock($1)', [key]);
        }
      } finally {
        client.release();
      }
    },
    listen: (channel, onNotify, onResume) => listener.add(channel, onNotify, onResume),
    listenerPid: () => listener.backendPid,
    async close() {
      await listener.stop();
      await pool.end();
    },
  };
}
