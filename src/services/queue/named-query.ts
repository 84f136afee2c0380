/**
 * The queue's hot statements run as named prepared statements on PostgreSQL: parsed and planned once per
 * connection instead of on every claim. Inside a transaction, or on PGlite, they run as ordinary queries.
 */
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Queryable } from '../../db/client.ts';

const dialect = new PgDialect();

export async function namedQuery<T extends Record<string, unknown>>(
  db: Queryable,
  name: string,
  query: SQL,
): Promise<{ rows: T[] }> {
  const client = (db as { $client?: unknown }).$client;
  if (client instanceof pg.Pool) {
    const { sql: text, params } = dialect.sqlToQuery(query);
    const result = await client.query({ name, text, values: params });
    return { rows: result.rows as T[] };
  }
  const result = await db.execute<T>(query);
  return { rows: result.rows as T[] };
}
