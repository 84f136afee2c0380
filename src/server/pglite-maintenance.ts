/**
 * PGlite has no autovacuum: without help, dead rows pile up in the queue's tables and the planner's
 * statistics go stale (and with them the claim query's index plan). `wh serve` on PGlite runs this instead.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';

export const MAINTENANCE_INTERVAL_MS = 60_000;

export async function maintainPglite(database: Database): Promise<void> {
  await database.db.execute(sql`vacuum (analyze) jobs`);
  await database.db.execute(sql`analyze events, tasks, runs`);
}

export function scheduleMaintenance(database: Database, onError: (error: unknown) => void): () => void {
  if (database.kind !== 'pglite') return () => {};
  const timer = setInterval(() => void maintainPglite(database).catch(onError), MAINTENANCE_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
