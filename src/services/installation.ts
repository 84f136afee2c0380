/** This installation's id: made once by the migration that created its table, never changed by Workhorse. */
import type { Queryable } from '../db/client.ts';
import { installation } from '../db/schema.ts';

/**
 * The id that keeps this installation's branches, refs and worktrees apart from another's on the same
 * repository or data folder. Read each time (one row): a database restored or cloned under another
 * installation is seen at once.
 */
export async function installationId(db: Queryable): Promise<string> {
  const rows = await db.select({ id: installation.id }).from(installation).limit(2);
  if (rows.length !== 1)
    throw new Error(`the installation table holds ${rows.length} rows; its migration makes exactly one`);
  return rows[0]!.id;
}
