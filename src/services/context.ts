import type { Settings } from '../config/settings.ts';
import type { Db, Tx } from '../db/client.ts';

/** What every service call needs: the database, the settings that shape writes, and who is acting. */
export interface ServiceContext {
  readonly db: Db;
  readonly settings: Pick<Settings, 'autoTriggerAgents'>;
  /** The token name (or process name) recorded on events; null for the system itself. */
  readonly actor: string | null;
}

/** Runs one state change in one transaction. Inside `fn` use only `tx`, never `ctx.db`. */
export function inTransaction<T>(ctx: ServiceContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return ctx.db.transaction(fn);
}
